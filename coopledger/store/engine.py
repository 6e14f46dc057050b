"""The database engine and everything backend-specific: where a ledger lives (a SQLite file or
a PostgreSQL database), the SQLite pragmas, the PostgreSQL session settings and locks, and
migrations on open.

Everything else in the store speaks portable SQLAlchemy; what differs between the two backends
(how a write transaction begins, how rows are serialised, how ids are reserved) lives here
behind a few small functions.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session

# Alembic is imported only when a migration runs: it costs a quarter of a second at start.

from coopledger.domain.errors import N_, DomainError
from coopledger.paths import migrations_dir


class LedgerFileError(Exception):
    """The file is not a ledger this program can open."""


class LocationError(DomainError):
    """``--db`` names neither a file nor a PostgreSQL database this program can use."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__("--db", message, **params)


#: The URL schemes accepted for a PostgreSQL ledger.
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
# Something that starts like a URL ("word:/..."): never a file name (a Windows drive letter
# has one letter before its colon).
_URL_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:/")


@dataclass(frozen=True)
class Location:
    """Where a ledger lives: a SQLite file (``path``) or a PostgreSQL database (``url``)."""

    path: Path | None = None
    url: str | None = None

    @property
    def is_server(self) -> bool:
        """Whether this is a PostgreSQL database (not a file)."""
        return self.url is not None

    @property
    def file(self) -> Path:
        """The SQLite file (raises ``LocationError`` for a database on a server)."""
        if self.path is None:
            raise LocationError(N_("This needs a ledger file; the ledger is on a server."))
        return self.path

    @property
    def database(self) -> str:
        """The PostgreSQL database name ('' for a file)."""
        if self.url is None:
            return ""
        return make_url(self.url).database or ""

    def shown(self) -> str:
        """The location as it may be shown or logged: a path, or the URL without a password."""
        if self.url is None:
            return str(self.path)
        shown = make_url(self.url).render_as_string(hide_password=True)
        # The socket folder reads as a path, not %2F-escaped.
        return unquote(shown.replace("postgresql+psycopg://", "postgresql://", 1))

    def __str__(self) -> str:
        return self.shown()


def parse_location(value: Location | Path | str) -> Location:
    """``--db`` as given: a PostgreSQL URL (``postgresql://user@host/db`` or
    ``postgresql://user@/db?host=/socket/dir&port=N``) or a file path. Anything that looks like
    a URL but is not a PostgreSQL one raises ``LocationError``: it never becomes a file name."""
    if isinstance(value, Location):
        return value
    if isinstance(value, Path):
        return Location(path=value)
    raw = str(value).strip()
    if not _URL_LIKE.match(raw):
        return Location(path=Path(raw))
    scheme = raw.split(":", 1)[0].lower()
    if scheme not in POSTGRES_SCHEMES:
        raise LocationError(
            N_(
                "{scheme}: is not a kind of ledger this program can use (a file, or postgresql://...)"
            ),
            scheme=scheme,
        )
    parts = urlsplit(raw)
    if not raw[len(scheme) + 1 :].startswith("//"):
        raise LocationError(N_("A PostgreSQL URL starts with postgresql://"))
    query = parse_qs(parts.query)
    if not parts.hostname and "host" not in query:
        raise LocationError(
            N_(
                "The URL names no server (postgresql://user@HOST/database, or ?host=/socket/folder)."
            )
        )
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise LocationError(N_("The URL names no database (postgresql://user@host/DATABASE)."))
    try:
        url = make_url("postgresql+psycopg" + raw[len(scheme) :])
    except (ArgumentError, ValueError) as exc:
        raise LocationError(N_("The URL cannot be read: {error}"), error=str(exc)) from exc
    unknown = set(query) - {"host", "port", "sslmode", "connect_timeout", "application_name"}
    if unknown:
        raise LocationError(N_("The URL has an unknown parameter {name}."), name=sorted(unknown)[0])
    try:
        _ = url.port
    except ValueError as exc:
        raise LocationError(N_("The port in the URL is not a number.")) from exc
    return Location(url=url.render_as_string(hide_password=False))


def core_connection(session: Session | Connection) -> Connection:
    """The Core connection under ``session`` (a Connection is its own). Not
    ``isinstance(session, Session)``: the read-only commands never import the ORM."""
    return session if isinstance(session, Connection) else session.connection()


def is_postgres(bind: Engine | Connection | Session) -> bool:
    """Whether ``bind`` talks to PostgreSQL."""
    # Not ``isinstance(bind, Session)``: the read-only commands never import the ORM.
    engine = bind if isinstance(bind, (Engine, Connection)) else bind.get_bind()
    return engine.dialect.name == "postgresql"


def _set_sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, say when a transaction begins (see _begin_immediate).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _begin_immediate(conn: Any) -> None:
    # Take the write lock when the transaction starts, so that a unit of work never reads a
    # state (such as the audit chain head) that another writer changes before it commits.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _set_readonly_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


_NUMERIC_LOADER: list[type[Any]] = []


def _numeric_loader() -> type[Any]:
    # PostgreSQL's sum(bigint) is numeric: whole numbers load as int, so that money stays
    # integer fen as on SQLite (the schema has no numeric column of its own).
    if not _NUMERIC_LOADER:
        from psycopg.adapt import Loader

        class IntegralNumericLoader(Loader):
            def load(self, data: Any) -> int | Decimal:
                raw = bytes(data)
                if raw.isdigit() or (raw[:1] == b"-" and raw[1:].isdigit()):
                    return int(raw)
                return Decimal(raw.decode("ascii"))

        _NUMERIC_LOADER.append(IntegralNumericLoader)
    return _NUMERIC_LOADER[0]


def _set_postgres_session(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.adapters.register_loader("numeric", _numeric_loader())


def _postgres_engine(url: str, *, readonly: bool) -> Engine:
    options = "-c TimeZone=UTC -c client_encoding=UTF8"
    if readonly:
        options += " -c default_transaction_read_only=on"
    engine = create_engine(
        url,
        connect_args={"options": options, "connect_timeout": 5, "application_name": "coopledger"},
    )
    event.listen(engine, "connect", _set_postgres_session)
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "checkout", _pinger(engine))
    return engine


#: A pooled connection idle longer than this is pinged before use (the server may have
#: restarted meanwhile); one used a moment ago is not: that ping was a round trip more on
#: every unit of work of a busy client (posting vouchers one after another).
PING_AFTER_IDLE_SECONDS = 1.0


def _note_idle(_dbapi_conn: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _pinger(engine: Engine) -> Callable[[Any, Any, Any], None]:
    dialect = engine.dialect

    def ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        """SQLAlchemy's pre-ping, for a connection that has been idle (a dead one is
        replaced: the pool tries a new connection when this raises ``DisconnectionError``)."""
        since = record.info.get("idle_since")  # None: connected just now
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError(str(exc)) from exc
        if not alive:  # pragma: no cover - psycopg's ping raises rather than returning False
            raise DisconnectionError("the connection did not answer")

    return ping_if_idle


def make_engine(location: Location | Path | str, *, readonly: bool = False) -> Engine:
    """An engine on a ledger: a SQLite file with the house pragmas, or a PostgreSQL database
    (UTC session time zone; read-only transactions with ``readonly``)."""
    loc = parse_location(location)
    if loc.url is not None:
        return _postgres_engine(loc.url, readonly=readonly)
    if readonly and on_read_only_disk(loc.file):
        # Nothing can create the -shm file SQLite wants for a WAL ledger here, and nothing
        # can change the file either: it is read as it is.
        uri = read_uri(loc.file)
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
        )
        event.listen(engine, "connect", _set_readonly_pragmas)
        return engine
    url = f"sqlite:///{loc.file}"
    engine = create_engine(url)
    if readonly:
        event.listen(engine, "connect", _set_readonly_pragmas)
    else:
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    return engine


#: The page cache a bulk write may use (a book import): SQLite's default 2 MiB makes every
#: index insert of a big book a trip to the operating system.
BULK_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """A bigger page cache for this connection while a bulk write runs (SQLite only; other
    databases size their caches themselves)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{int(BULK_CACHE_KIB)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")


def alembic_config(engine: Engine | None = None) -> Config:
    """Alembic's configuration pointing at the shipped ``db/`` folder."""
    from alembic.config import Config

    folder = migrations_dir()
    cfg = Config(str(folder / "alembic.ini"))
    cfg.set_main_option("script_location", str(folder))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)


def known_revisions() -> set[str]:
    """Every schema revision this program's migrations know."""
    found: set[str] = set()
    for script in (migrations_dir() / "versions").glob("*.py"):
        rev = _REVISION.search(script.read_text(encoding="utf-8"))
        if rev:
            found.add(rev.group(1))
    return found


def head_revision() -> str:
    """The newest migration shipped with this program: the revision no other revises
    (read from the scripts' text; ``tests/store/test_migrations.py`` checks it against
    Alembic's own answer)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for script in (migrations_dir() / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        rev = _REVISION.search(source)
        if rev:
            revisions.add(rev.group(1))
        down = _DOWN.search(source)
        if down:
            revised.add(down.group(1))
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The schema revision the file is at (None for an empty file)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row else None


def has_users(engine: Engine) -> bool:
    """Whether the ledger has users (if not, it runs in single-user mode). Core only: opening
    a ledger imports neither the ORM nor the password hasher unless someone must log in."""
    from sqlalchemy import exists, select

    from coopledger.store.tables import app_user

    with engine.connect() as conn:
        return bool(conn.execute(select(exists().select_from(app_user))).scalar())


def upgrade(engine: Engine) -> None:
    """Bring the file's schema to the head migration (the only way the schema changes)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def upgrade_on(conn: Connection) -> None:
    """Bring the schema to the head inside ``conn``'s open transaction (the caller commits):
    for a copy that creates the schema and fills it all or nothing."""
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def on_read_only_disk(path: Path) -> bool:
    """Whether the file's folder cannot be written at all: a read-only mount (a write-protected
    card, an archive disc, a share mounted read-only)."""
    folder = path.parent if str(path.parent) else Path(".")
    # A folder still to be made (a new ledger's) is on the disk of its nearest existing parent.
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):  # no statvfs (Windows): ask access() below
        pass
    return not os.access(folder, os.W_OK)


def read_uri(path: Path) -> str:
    """The SQLite URI that reads ``path`` without writing anything beside it: read-only, and
    on a read-only disk immutable (the -shm a WAL reader needs cannot be made there; the
    -wal, if any, cannot be read without it)."""
    from urllib.parse import quote

    uri = f"file:{quote(str(path))}?mode=ro"
    if on_read_only_disk(path):
        uri += "&immutable=1"
    return uri


class DamagedFileError(LedgerFileError):
    """The file is an SQLite database whose pages are damaged; ``detail`` says what SQLite
    found."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path} is damaged: {detail}")
        self.path = path
        self.detail = detail


def check_is_sqlite(path: Path) -> None:
    """Refuse files that are not SQLite databases before SQLAlchemy touches them
    (`DamagedFileError` for one whose schema cannot be read)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise LedgerFileError(f"{path} is not a coopledger ledger (not an SQLite file)")
    with _leaving_no_trace(path):
        try:
            conn = sqlite3.connect(read_uri(path), uri=True)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            raise DamagedFileError(path, str(exc)) from exc


@contextlib.contextmanager
def _leaving_no_trace(path: Path) -> Iterator[None]:
    """Around a read-only look at a WAL ledger: SQLite makes the empty -wal and -shm files
    a reader needs, and a read-only connection cannot remove them. When they were not there
    before, a plain connection that reads the header and closes removes them again (the
    last connection to close does; the ledger's pages are not written)."""
    sidecars = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    before = any(p.exists() for p in sidecars)
    try:
        yield
    finally:
        if not before and any(p.exists() for p in sidecars) and not on_read_only_disk(path):
            with contextlib.suppress(sqlite3.Error, OSError):
                conn = sqlite3.connect(path)
                try:
                    conn.execute("PRAGMA user_version").fetchone()
                finally:
                    conn.close()


#: How long the check for damaged pages may take when a ledger is opened for writing: it
#: reads every page, a few seconds per gigabyte; a bigger file is checked as far as it gets
#: (``verify`` always checks it all).
DAMAGE_CHECK_SECONDS = 3.0


def damaged_pages(path: Path, *, budget: float | None = DAMAGE_CHECK_SECONDS) -> str | None:
    """What SQLite's quick check finds wrong with the file's pages (None: nothing, or the
    check ran out of its ``budget`` of seconds before finding anything)."""
    with _leaving_no_trace(path):
        return _quick_check(path, budget)


def _quick_check(path: Path, budget: float | None) -> str | None:
    import time

    try:
        conn = sqlite3.connect(read_uri(path), uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        if budget is not None:
            deadline = time.monotonic() + budget
            conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                return None  # out of time: nothing found so far
            return str(exc)
        except sqlite3.DatabaseError as exc:
            return str(exc)
    finally:
        conn.close()
    return None if rows == ["ok"] else "; ".join(rows)


# --- PostgreSQL: what a file lock and BEGIN IMMEDIATE do on SQLite ----------------------------
#
# On SQLite every write transaction takes the one write lock when it begins, so nothing below
# is needed there. On PostgreSQL several clients write at once; they are serialised only where
# they must be, with transaction-level advisory locks (released at commit or rollback, also
# when the client dies): the audit chain head (taken just before commit, for the moment the
# entries are chained), and each organisation (voucher numbering per month, period balances,
# a distribution commit): two accountants in different villages never wait on each other.

_PG_IDLE = 0  # psycopg.pq.TransactionStatus.IDLE: no transaction open on the connection
_CHAIN_LOCK = (0x434C, 1)  # (namespace "CL", key): the audit chain head
_ORG_LOCK_NS = 0x4F52  # (namespace "OR", organisation id)
_ID_LOCK_NS = 0x4944  # (namespace "ID", table): reserving blocks of ids


def lock_chain_head(session: Session | Connection) -> None:
    """Hold the audit chain head until this transaction ends (PostgreSQL; SQLite's write
    transactions are serialised already)."""
    if is_postgres(session):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :key)"),
            {"ns": _CHAIN_LOCK[0], "key": _CHAIN_LOCK[1]},
        )


def lock_and_read_chain_head(session: Session | Connection) -> tuple[int, str] | None:
    """PostgreSQL: hold the audit chain head and read it, (id, hash) of the newest entry (None
    for an empty log), in one round trip. Both statements go in one simple query; the read
    is a statement of its own, so under READ COMMITTED it takes its snapshot once the lock
    is held and sees the entry of the writer it waited for. SQLite: None (its writers are
    serialised already; read the head as usual)."""
    if not is_postgres(session):
        return None
    conn = core_connection(session)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK[0]}, {_CHAIN_LOCK[1]});"
            " SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
        )
        cursor.nextset()
        row = cursor.fetchone()
    finally:
        cursor.close()
    return None if row is None else (int(row[0]), str(row[1]))


def lock_organisation(session: Session | Connection, org_id: int) -> None:
    """Serialise this transaction with every other write to the same organisation
    (PostgreSQL; re-entrant within a transaction)."""
    if not is_postgres(session):
        return
    conn = core_connection(session)
    sql = f"SELECT pg_advisory_xact_lock({_ORG_LOCK_NS}, {int(org_id)})"
    raw = conn.connection.driver_connection
    if raw is not None and raw.info.transaction_status == _PG_IDLE:
        # The transaction's first statement: in pipeline mode psycopg sends its BEGIN with
        # it, one round trip instead of two (every unit of work on an organisation).
        try:
            with raw.pipeline():
                raw.execute(sql)
        except BaseException:
            if raw.broken:  # the server went away: the pool must not hand it out again
                conn.invalidate()
            raise
    else:
        conn.exec_driver_sql(sql)


def _sequence_of(table: Table) -> str:
    return f"{table.name}_id_seq"


def reserve_ids(session: Session | Connection, table: Table, n: int) -> list[int]:
    """``n`` new ids for rows of ``table`` that a bulk insert will give explicitly, in
    increasing order. SQLite: the block after the highest id (the writer is alone).
    PostgreSQL: taken from the table's sequence, so that other clients' inserts never collide
    (the ids need not be consecutive)."""
    if n <= 0:
        return []
    if not is_postgres(session):
        top = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table.name}")).scalar()
        first = int(top or 0) + 1
        return list(range(first, first + n))
    rows = session.execute(
        text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)"),
        {"seq": _sequence_of(table), "n": n},
    ).scalars()
    return sorted(int(r) for r in rows)


def sync_sequences(conn: Connection, tables: Mapping[str, Table]) -> None:
    """After rows were inserted with explicit ids (a copied ledger), move each PostgreSQL
    sequence past the highest id, so that the next insert gets a fresh one."""
    if not is_postgres(conn):
        return
    for table in tables.values():
        if "id" not in table.columns or not table.c.id.autoincrement:
            continue
        if not table.c.id.primary_key:
            continue
        conn.execute(
            text(
                f"SELECT setval(CAST(:seq AS regclass), coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            ),
            {"seq": _sequence_of(table)},
        )


# --- PostgreSQL: why a connection failed, in words a user can act on -------------------------

#: Kinds of connection failure ``server_problem`` tells apart.
SERVER_DOWN = "down"
SERVER_PASSWORD = "password"
SERVER_NO_DATABASE = "no_database"
SERVER_NO_ROLE = "no_role"
SERVER_NO_HOST = "no_host"
SERVER_DENIED = "denied"
SERVER_OTHER = "other"


def server_problem(exc: BaseException) -> tuple[str, str] | None:
    """(kind, the server's own first line) when ``exc`` is a failed PostgreSQL connection or
    a lost server, else None."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    from sqlalchemy.exc import DBAPIError

    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, psycopg.OperationalError):
        return None
    message = str(orig).strip()
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    first = lines[0] if lines else message
    low = message.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        kind = SERVER_PASSWORD
    elif "database" in low and "does not exist" in low:
        kind = SERVER_NO_DATABASE
    elif "role" in low and "does not exist" in low:
        kind = SERVER_NO_ROLE
    elif "translate host name" in low or "name or service not known" in low:
        kind = SERVER_NO_HOST
    elif "permission denied" in low or "no pg_hba.conf entry" in low:
        kind = SERVER_DENIED
    elif (
        "connection refused" in low
        or "no such file or directory" in low
        or "timeout expired" in low
        or "server closed the connection" in low
        or "terminating connection" in low
        or "is the server running" in low
        or "the database system is" in low
    ):
        kind = SERVER_DOWN
    else:
        kind = SERVER_OTHER
    # The server's line says e.g. 'connection failed: connection to server on socket ...'.
    for prefix in ("connection failed: ", "connection is bad: "):
        first = first.removeprefix(prefix)
    return kind, first


def table_names(engine: Engine) -> list[str]:
    """The tables in the ledger (on PostgreSQL, in the default schema)."""
    return list(inspect(engine).get_table_names())
