"""A real, throwaway PostgreSQL server for the tests (a pytest plugin; also used by bench/).

The server is Debian's ``postgresql`` (``scripts/sysdeps.sh`` installs it when ``make test``
runs as root). It gets its own data folder and Unix socket under a temporary folder, listens
on no network address, runs as the ``postgres`` user when the tests run as root, and is
stopped (immediately: it holds nothing worth keeping) when the tests end.

The store, services, CLI and stress suites run against both backends: a test that uses
``ledger_path`` (or ``new_ledger``) runs once on a SQLite file and once on a fresh PostgreSQL
database, unless its module is marked ``sqlite_only`` (file locks, the SQLite backup API...).
Without PostgreSQL the second run is skipped with the reason, except in CI (``CI`` set),
where it fails: CI must run them.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

#: A user of the test server who must give a password (PASSWORD).
PASSWORD_USER = "kuaiji"
PASSWORD = "mima-2026"

#: Test folders whose ledgers run on both backends.
BOTH_BACKENDS = (
    "tests/store/",
    "tests/services/",
    "tests/cli/",
    "tests/stress/",
    "tests/security/",
)


def find_pg_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), newest version first."""
    roots = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in roots:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PgServer:
    """One throwaway cluster: its folder, socket and port."""

    def __init__(self, root: Path | None = None, port: int | None = None) -> None:
        binaries = find_pg_bin()
        if binaries is None:
            raise RuntimeError(
                "PostgreSQL is not installed (Debian: apt-get install postgresql; make test does it as root)"
            )
        self.bin = binaries
        self.root = root or Path(tempfile.mkdtemp(prefix="coopledger-pg-"))
        self.data = self.root / "data"
        self.port = port or 20000 + os.getpid() % 20000
        self.as_postgres = os.geteuid() == 0
        self._started = False
        self._names = itertools.count(1)

    # -- running ----------------------------------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self, *, stop_at_exit: bool = True, durable: bool = False) -> PgServer:
        """initdb (once) and start the server on a Unix socket in its own folder (stopped and
        removed when this process exits, unless ``stop_at_exit`` is false). ``durable``
        keeps PostgreSQL's fsync and synchronous commit on (benchmarks), otherwise they are
        off (tests)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o755)
        if not (self.data / "PG_VERSION").exists():
            self._run(
                "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
            # One user must give a password (the tests of a refused password); the rest is
            # trusted: the socket is in a private folder.
            hba = self.data / "pg_hba.conf"
            rules = f"local all {PASSWORD_USER} scram-sha-256\n"
            hba.write_text(rules + hba.read_text())
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses='' -c max_connections=100"
            " -c shared_buffers=256MB"
        )
        if not durable:  # the tests' server: nothing in it needs to survive a power cut
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        log = self.root / "server.log"
        r = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(log), "-o", options, "-w", "start",
            check=False,
        )  # fmt: skip
        if r.returncode != 0:
            text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {r.stderr.strip()} {text}")
        self._started = True
        if stop_at_exit:
            atexit.register(self.stop)
        if not self.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{PASSWORD_USER}'"):
            self.sql(f"CREATE ROLE {PASSWORD_USER} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
        return self

    def stop(self, *, remove: bool = True) -> None:
        """Stop the server at once (nothing in it is worth a clean shutdown)."""
        if self._started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            self._started = False
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- databases --------------------------------------------------------------------------

    def url(self, database: str, user: str = "postgres") -> str:
        """The ``--db`` URL of a database on this server."""
        return f"postgresql://{user}@/{database}?host={self.root}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (autocommit); returns the rows, if any."""
        import psycopg

        with psycopg.connect(
            host=str(self.root), port=self.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            cur = conn.execute(statement)  # type: ignore[arg-type]  # tests only
            return list(cur.fetchall()) if cur.description else []

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its name."""
        name = name or f"t{os.getpid()}_{next(self._names)}"
        extra = f" TEMPLATE {template}" if template else ""
        self.sql(f"CREATE DATABASE {name}{extra}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database even while clients are still connected to it."""
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# -- the pytest plugin ------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: the test is about the SQLite file (locks, backup API, pragmas)"
    )
    config.addinivalue_line("markers", "postgres: the test needs the PostgreSQL test server")


def _wants_both(metafunc: pytest.Metafunc) -> bool:
    path = str(metafunc.definition.path).replace(os.sep, "/")
    if not any(part in path for part in BOTH_BACKENDS):
        return False
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return False
    return bool({"ledger_path", "new_ledger"} & set(metafunc.fixturenames))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames and _wants_both(metafunc):
        metafunc.parametrize("db_backend", ["sqlite", "postgresql"], indirect=True)


_SERVER: list[PgServer] = []


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The test session's PostgreSQL server (started on first use)."""
    if find_pg_bin() is None:
        reason = "PostgreSQL is not installed here (apt-get install postgresql, or run make test as root)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    server = PgServer().start()
    _SERVER.append(server)
    # A test run ended by SIGTERM (a CI time-out, a developer's kill) runs no atexit hook:
    # stop the server on the way out all the same.
    previous = signal.getsignal(signal.SIGTERM)

    def _terminated(signum: int, frame: object) -> None:
        server.stop()
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        yield server
    finally:
        server.stop()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """Which backend a ledger fixture gives: 'sqlite' unless parametrised."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def new_ledger(
    request: pytest.FixtureRequest, tmp_path: Path, db_backend: str
) -> Iterator[Callable[[str], Path | str]]:
    """A factory of fresh ledger locations: ``new_ledger("a")`` is a SQLite file under
    ``tmp_path`` or the URL of a new, empty PostgreSQL database."""
    made: list[str] = []
    server: PgServer | None = None
    if db_backend == "postgresql":
        server = request.getfixturevalue("pg_server")

    def make(name: str = "ledger") -> Path | str:
        if server is None:
            return tmp_path / f"{name}.sqlite3"
        db = server.create_database()
        made.append(db)
        return server.url(db)

    yield make
    if server is not None:
        for db in made:
            with contextlib.suppress(Exception):
                server.drop_database(db)


@pytest.fixture
def ledger_path(new_ledger: Callable[[str], Path | str]) -> Path | str:
    """Where the test's ledger lives: a SQLite file, or a PostgreSQL database's URL."""
    return new_ledger("ledger")


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database (for PostgreSQL-only tests)."""
    db = pg_server.create_database()
    yield pg_server.url(db)
    with contextlib.suppress(Exception):
        pg_server.drop_database(db)


# -- reading and tampering with a ledger behind the program's back, on either backend ---------


def raw_sql(
    location: Path | str, statement: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    """Run one statement directly on a ledger (a SQLite file or a PostgreSQL URL), committing;
    the rows it returns, if any. Placeholders are ``?``."""
    text = str(location)
    if "://" not in text:
        import sqlite3

        con = sqlite3.connect(text)
        try:
            cur = con.execute(statement, params)
            rows = list(cur.fetchall())
            con.commit()
            return rows
        finally:
            con.close()
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(text.replace("postgresql://", "postgresql+psycopg://", 1))
    with psycopg.connect(
        host=str(url.query.get("host", url.host or "")),
        port=int(str(url.query.get("port", url.port or 5432))),
        user=url.username,
        dbname=url.database,
        autocommit=True,
    ) as conn:
        cur = conn.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]
        return list(cur.fetchall()) if cur.description else []


#: The type of the ``new_ledger`` fixture.
NewLedger = Callable[[str], Path | str]


def dump_ledger(location: Path | str) -> list[str]:
    """Every row of every table of a ledger, as text in a fixed order (to show that a refused
    act wrote nothing), on either backend."""
    from sqlmodel import SQLModel

    import coopledger.store.models  # noqa: F401  (registers the tables)

    lines: list[str] = []
    for name, table in sorted(SQLModel.metadata.tables.items()):
        cols = ", ".join(f'"{c.name}"' for c in table.columns)
        order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
        for row in raw_sql(location, f"SELECT {cols} FROM {name} ORDER BY {order}"):
            lines.append(f"{name}: {[str(v) for v in row]}")
    rev = raw_sql(location, "SELECT version_num FROM alembic_version")
    lines.append(f"alembic_version: {rev}")
    return lines
