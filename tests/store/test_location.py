"""``--db``: a file path stays a path, a PostgreSQL URL becomes a database location, and
anything URL-shaped that is not PostgreSQL is refused (never a file or folder name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopledger.store.engine import Location, LocationError, parse_location


@pytest.mark.parametrize(
    "text",
    ["ledger.sqlite3", "村账/2024.sqlite3", r"C:\账套\village.sqlite3", "notes:2024.sqlite3"],
)
def test_a_path_stays_a_path(text: str) -> None:
    loc = parse_location(text)
    assert loc == Location(path=Path(text)) and not loc.is_server


@pytest.mark.parametrize(
    ("text", "database", "shown"),
    [
        ("postgresql://kuaiji@server/coop", "coop", "postgresql://kuaiji@server/coop"),
        (
            "postgres://kuaiji:secret@server:5433/coop",
            "coop",
            "postgresql://kuaiji:***@server:5433/coop",
        ),
        (
            "postgresql://postgres@/coop?host=/var/run/postgresql&port=5432",
            "coop",
            "postgresql://postgres@/coop?host=/var/run/postgresql&port=5432",
        ),
    ],
)
def test_a_postgresql_url(text: str, database: str, shown: str) -> None:
    loc = parse_location(text)
    assert loc.is_server and loc.path is None
    assert loc.database == database
    assert loc.shown() == shown and "secret" not in str(loc)
    assert loc.url is not None and loc.url.startswith("postgresql+psycopg://")
    with pytest.raises(LocationError):
        _ = loc.file


@pytest.mark.parametrize(
    "text",
    [
        "mysql://root@localhost/coop",
        "sqlite:///x.sqlite3",
        "https://example.org/coop",
        "postgresql:/coop",
        "postgresql://kuaiji@/coop",
        "postgresql://kuaiji@server/",
        "postgresql://kuaiji@server/a/b",
        "postgresql://kuaiji@server/coop?sslcert=x",
    ],
)
def test_other_urls_are_refused(text: str) -> None:
    with pytest.raises(LocationError) as refused:
        parse_location(text)
    assert refused.value.path == "--db"
