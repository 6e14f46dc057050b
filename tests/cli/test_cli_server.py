"""The installed command on a real PostgreSQL server: init, every fault in one line with exit 2
and nothing written, copy-ledger both ways with identical figures, backups with pg_dump."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.pgserver import PASSWORD, PASSWORD_USER, PgServer, dump_ledger, raw_sql

BIN = Path(sys.executable).with_name("coopledger")
BOOK = EXAMPLES / "no-shares.book.json"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, timeout=300, env=env or None
    )


def one_line_error(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_init_creates_the_schema_in_an_empty_database(pg_url: str) -> None:
    out = run("--db", pg_url, "init")
    assert out.returncode == 0, out.stderr
    again = run("--db", pg_url, "init")
    assert again.returncode == 0 and "已存在" in again.stdout, again.stdout
    assert run("--db", pg_url, "verify").returncode == 0
    tables = {
        str(r[0])
        for r in raw_sql(pg_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }
    assert {"voucher", "voucher_line", "audit_log", "alembic_version"} <= tables


def test_an_empty_database_needs_init(pg_url: str) -> None:
    line = one_line_error(run("--db", pg_url, "verify"))
    assert "init" in line
    assert raw_sql(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/coop",
        "postgresql:/coop",
        "postgresql://user@/",
        "postgresql://user@host/a/b",
        "postgresql://user@host:port/db",
        "postgresql://user@host/db?foo=1",
    ],
)
def test_a_wrong_url_is_one_line_and_never_a_folder(tmp_path: Path, url: str) -> None:
    one_line_error(subprocess.run(
        [str(BIN), "--db", url, "init"], capture_output=True, text=True, timeout=60, cwd=tmp_path
    ))  # fmt: skip
    assert list(tmp_path.iterdir()) == [], "a URL became a file or a folder"


def test_a_server_that_is_down(tmp_path: Path) -> None:
    url = f"postgresql://postgres@/coop?host={tmp_path}&port=5999"
    line = one_line_error(run("--db", url, "init"))
    assert "服务器" in line and "5999" in line, line
    assert list(tmp_path.iterdir()) == []


def test_a_refused_password_and_the_right_one(pg_server: PgServer) -> None:
    db = pg_server.create_database()
    pg_server.sql(f"ALTER DATABASE {db} OWNER TO {PASSWORD_USER}")
    base = f"postgresql://{PASSWORD_USER}:{{}}@/{db}?host={pg_server.root}&port={pg_server.port}"
    line = one_line_error(run("--db", base.format("wrong"), "init"))
    assert "密码" in line and "wrong" not in line, line
    assert pg_server.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db) == [(0,)]
    out = run("--db", base.format(PASSWORD), "init")
    assert out.returncode == 0, out.stderr
    assert PASSWORD not in out.stdout + out.stderr
    pg_server.drop_database(db)


def test_no_such_database(pg_server: PgServer) -> None:
    line = one_line_error(run("--db", pg_server.url("no_such_ledger"), "init"))
    assert "no_such_ledger" in line


def test_a_database_of_another_program(pg_url: str) -> None:
    raw_sql(pg_url, "CREATE TABLE invoices (id serial PRIMARY KEY, total numeric)")
    before = dump_ledger_other(pg_url)
    for args in (["init"], ["verify"], ["import-book", str(BOOK)]):
        line = one_line_error(run("--db", pg_url, *args))
        assert "coopledger" in line, line
    assert dump_ledger_other(pg_url) == before


def dump_ledger_other(url: str) -> list[tuple[object, ...]]:
    return raw_sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")


def test_a_schema_newer_than_the_program(pg_url: str) -> None:
    assert run("--db", pg_url, "import-book", str(BOOK)).returncode == 0
    raw_sql(pg_url, "UPDATE alembic_version SET version_num = 'zz99'")
    before = dump_ledger(pg_url)
    for args in (["verify"], ["import-book", str(BOOK)], ["--readonly", "org", "list"]):
        line = one_line_error(run("--db", pg_url, *args))
        assert "zz99" in line, line
    assert dump_ledger(pg_url) == before


# -- copy-ledger ----------------------------------------------------------------------------


def _figures(db: str | Path) -> dict[str, object]:
    """Every trial balance and distribution result the ledger gives, through the services."""
    import datetime as dt

    from coopledger.services import books
    from coopledger.services import distribution as dist
    from coopledger.services.accounts import list_organisations
    from coopledger.services.ledger import open_ledger, verify

    led = open_ledger(db, user="auditor", readonly=True)
    try:
        out: dict[str, object] = {"verify": verify(led).ok}
        for org in list_organisations(led):
            for year in range(2013, 2027):
                rows = books.trial_balance(led, org.id, dt.date(year, 1, 1), dt.date(year, 12, 31))
                out[f"{org.name}/{year}/tb"] = [dataclasses.astuple(r) for r in rows]
            for year in dist.committed_years(led, org.id):
                out[f"{org.name}/{year}/dist"] = dist.distribution_json(led, org.id, year)
        return out
    finally:
        led.close()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.sqlite3"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = run("--db", str(path), "demo", "--out", str(folder / "papers"), env=env)
    assert out.returncode == 0, out.stderr
    return path


def test_copy_a_file_to_the_server_and_back(demo_file: Path, pg_url: str, tmp_path: Path) -> None:
    out = run("copy-ledger", "--from", str(demo_file), "--to", pg_url)
    assert out.returncode == 0, out.stderr
    want = _figures(demo_file)
    assert want["verify"] is True and any(k.endswith("/dist") for k in want)
    assert _figures(pg_url) == want
    assert run("--db", pg_url, "verify").returncode == 0
    # The copy carries the source's chain unchanged, then one entry recording the copy.
    src = raw_sql(demo_file, "SELECT id, hash FROM audit_log ORDER BY id")
    dst = raw_sql(pg_url, "SELECT id, hash FROM audit_log ORDER BY id")
    assert dst[: len(src)] == src and len(dst) == len(src) + 1
    # Work goes on on the server: new ids do not collide with the copied ones.
    assert run("--db", pg_url, "import-book", str(BOOK)).returncode == 0
    back = tmp_path / "back.sqlite3"
    out = run("copy-ledger", "--from", pg_url, "--to", str(back))
    assert out.returncode == 0, out.stderr
    assert _figures(back) == _figures(pg_url)
    assert run("--db", str(back), "verify").returncode == 0


def test_copy_refuses_a_target_that_is_not_empty(
    demo_file: Path, pg_url: str, tmp_path: Path
) -> None:
    assert run("--db", pg_url, "init").returncode == 0
    before = dump_ledger(pg_url)
    line = one_line_error(run("copy-ledger", "--from", str(demo_file), "--to", pg_url))
    assert "--to" in line
    assert dump_ledger(pg_url) == before
    existing = tmp_path / "there.sqlite3"
    existing.write_bytes(b"x")
    one_line_error(run("copy-ledger", "--from", str(demo_file), "--to", str(existing)))
    assert existing.read_bytes() == b"x"
    one_line_error(run("copy-ledger", "--from", str(demo_file), "--to", str(demo_file)))


def test_a_copy_that_fails_leaves_the_target_empty(demo_file: Path, pg_url: str) -> None:
    # A row the target refuses (a table the copy will fill, taken in advance by a trigger that
    # fails on the last table) makes the whole copy roll back.
    raw_sql(pg_url, "CREATE SCHEMA trap")
    raw_sql(
        pg_url,
        "CREATE FUNCTION trap.refuse() RETURNS event_trigger LANGUAGE plpgsql AS $$"
        " BEGIN IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'voucher_line') THEN"
        " RAISE EXCEPTION 'disk full'; END IF; END $$",
    )
    raw_sql(pg_url, "CREATE EVENT TRIGGER refuse ON ddl_command_end EXECUTE FUNCTION trap.refuse()")
    out = run("copy-ledger", "--from", str(demo_file), "--to", pg_url)
    assert out.returncode != 0
    assert raw_sql(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]


# -- backups on the server --------------------------------------------------------------------


def test_backup_and_restore_with_pg_dump(demo_file: Path, pg_url: str, tmp_path: Path) -> None:
    assert run("copy-ledger", "--from", str(demo_file), "--to", pg_url).returncode == 0
    dump = tmp_path / "township.dump"
    out = run("--db", pg_url, "backup", "--out", str(dump))
    assert out.returncode == 0, out.stderr
    assert dump.stat().st_size > 0 and Path(f"{dump}.json").exists()
    manifest = json.loads(Path(f"{dump}.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "coopledger-backup" and manifest["kind"] == "pg_dump"
    want = _figures(pg_url)
    # Work after the backup, then restore: the ledger is as it was at the backup.
    assert run("--db", pg_url, "import-book", str(BOOK)).returncode == 0
    # That throws the import away: refused, unless an administrator forces it with a reason.
    before = dump_ledger(pg_url)
    out = run("--db", pg_url, "restore", str(dump), "--yes")
    assert out.returncode == 2 and "--reason" in out.stderr, out.stderr
    assert dump_ledger(pg_url) == before
    out = run("--db", pg_url, "restore", str(dump), "--yes", "--force", "--reason", "wrong book")
    assert out.returncode == 0, out.stderr
    got = _figures(pg_url)
    assert got == want
    names = raw_sql(pg_url, "SELECT name FROM organisation ORDER BY id")
    assert ("无股份测试合作社",) not in names
    # A damaged dump is refused before anything is replaced.
    bad = tmp_path / "bad.dump"
    bad.write_bytes(dump.read_bytes()[:1000])
    Path(f"{bad}.json").write_text(
        Path(f"{dump}.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    before = dump_ledger(pg_url)
    assert run("--db", pg_url, "restore", str(bad), "--yes").returncode == 2
    assert dump_ledger(pg_url) == before


def _schema(url: str) -> list[tuple[object, ...]]:
    constraints = raw_sql(
        url,
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    )
    indexes = raw_sql(
        url,
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
    )
    return constraints + indexes


def test_a_copy_has_every_constraint_and_index_of_a_new_ledger(
    demo_file: Path, pg_server: PgServer
) -> None:
    fresh, copied = pg_server.create_database(), pg_server.create_database()
    assert run("--db", pg_server.url(fresh), "init").returncode == 0
    out = run("copy-ledger", "--from", str(demo_file), "--to", pg_server.url(copied))
    assert out.returncode == 0, out.stderr
    want = _schema(pg_server.url(fresh))
    assert any("FOREIGN KEY" in str(r[2]) for r in want)
    assert _schema(pg_server.url(copied)) == want
    pg_server.drop_database(fresh)
    pg_server.drop_database(copied)


def test_copy_a_file_to_a_new_file(demo_file: Path, tmp_path: Path) -> None:
    """A file to a file (an offline PC's copy): the same figures, verify passes."""
    target = tmp_path / "offline.sqlite3"
    out = run("copy-ledger", "--from", str(demo_file), "--to", str(target))
    assert out.returncode == 0, out.stderr
    assert _figures(target) == _figures(demo_file)
    assert not list(tmp_path.glob(".*copying*"))
