"""The database engine and everything SQLite-specific (pragmas, migrations on open).

Everything else in the store speaks portable SQLAlchemy, so that a township office can later
point the same program at PostgreSQL.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when a migration runs: it costs a quarter of a second at start.

from coopledger.paths import migrations_dir


class LedgerFileError(Exception):
    """The file is not a ledger this program can open."""


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


def make_engine(path: Path | str, *, readonly: bool = False) -> Engine:
    """An engine on the SQLite file ``path`` with the house pragmas."""
    url = f"sqlite:///{Path(path)}"
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


def upgrade(engine: Engine) -> None:
    """Bring the file's schema to the head migration (the only way the schema changes)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def check_is_sqlite(path: Path) -> None:
    """Refuse files that are not SQLite databases before SQLAlchemy touches them."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise LedgerFileError(f"{path} is not a coopledger ledger (not an SQLite file)")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise LedgerFileError(f"{path} is damaged: {exc}") from exc
