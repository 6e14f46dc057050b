"""The schema comes only from the migrations, and they agree with the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import coopledger.store.models  # noqa: F401
from coopledger.store.engine import current_revision, head_revision, make_engine, upgrade


def test_head_migration_matches_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.sqlite3")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    assert diff == [], f"models and migrations disagree: {diff}"
    assert current_revision(engine) == head_revision()


def test_pragmas(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "p.sqlite3")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_every_book_table_carries_its_organisation() -> None:
    database_wide = {"organisation", "app_user", "audit_log", "setting"}
    database_wide |= {"township_village", "township_package", "township_package_file"}
    for name, table in SQLModel.metadata.tables.items():
        if name in database_wide:
            continue
        assert "org_id" in table.columns, f"{name} has no org_id"


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "i.sqlite3"
    engine = make_engine(path)
    upgrade(engine)
    upgrade(engine)
    names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert {"voucher", "voucher_line", "audit_log", "member"} <= names


def test_head_revision_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from coopledger.store.engine import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_ledger_from_a_newer_program_is_refused_clearly(tmp_path: Path) -> None:
    from coopledger.domain.errors import DomainError
    from coopledger.services.ledger import open_ledger

    path = tmp_path / "new.sqlite3"
    open_ledger(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    for readonly in (False, True):
        with pytest.raises(DomainError, match="newer coopledger"):
            open_ledger(path, readonly=readonly)
    assert not list(tmp_path.glob("*.bak"))


def test_the_same_migrations_on_postgresql(pg_url: str) -> None:
    """The head migration agrees with the models on PostgreSQL too (types included)."""
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    engine.dispose()
    assert diff == [], f"models and migrations disagree on PostgreSQL: {diff}"


def test_an_older_server_ledger_is_dumped_then_migrated(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    from coopledger.services.ledger import open_ledger
    from coopledger.store.engine import alembic_config

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    engine = make_engine(pg_url)
    command.upgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()
    led = open_ledger(pg_url, user="accountant")
    led.close()
    dumps = list((tmp_path / "data").rglob("*.before-migrate-0001-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    engine = make_engine(pg_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()
