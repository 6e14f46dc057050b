"""Opening a ledger file: create, migrate, and hand out units of work."""

from __future__ import annotations

import getpass
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from coopledger.domain.errors import N_, DomainError
from coopledger.store.engine import (
    LedgerFileError,
    check_is_sqlite,
    current_revision,
    head_revision,
    make_engine,
    upgrade,
)
from coopledger.store.uow import Tx, read_session, unit_of_work
from coopledger.store.verify import VerifyReport, verify_ledger


def default_user() -> str:
    """The single local user assumed until users exist (the OS login name)."""
    try:
        return getpass.getuser() or "local"
    except Exception:  # noqa: BLE001  (no login name on some systems)
        return "local"


@dataclass
class Ledger:
    """An open ledger file and the person working on it."""

    path: Path
    engine: Engine
    user: str
    readonly: bool = False

    def write(self, org_id: int | None = None) -> AbstractContextManager[Tx]:
        """A unit of work: one transaction with its audit entries."""
        if self.readonly:
            raise DomainError("", N_("The ledger is open read-only."))
        return unit_of_work(self.engine, self.user, org_id)

    def read(self) -> AbstractContextManager[Session]:
        """A session for queries."""
        return read_session(self.engine)

    def close(self) -> None:
        """Release the file."""
        self.engine.dispose()


def _backup_before_migrate(path: Path, revision: str) -> Path:
    target = path.with_name(f"{path.name}.before-migrate-{revision}.bak")
    shutil.copy2(path, target)
    return target


def open_ledger(
    path: Path | str, *, user: str | None = None, create: bool = False, readonly: bool = False
) -> Ledger:
    """Open (or with ``create``, create) a ledger, bringing its schema to this program's head.

    An older ledger is copied aside before it is migrated. Raises ``DomainError`` for a file
    that is missing or is not a ledger.
    """
    path = Path(path)
    if not path.exists() and not create:
        raise DomainError(
            "--db", N_("No ledger at {file}. Create one with: coopledger --db {file} init"),
            file=str(path),
        )
    try:
        check_is_sqlite(path)
    except LedgerFileError as exc:
        raise DomainError("--db", N_("{problem}"), problem=str(exc)) from exc
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    rev = current_revision(engine)
    head = head_revision()
    if rev != head:
        if readonly:
            engine.dispose()
            raise DomainError("--db", N_("The ledger needs an upgrade; open it for writing once."))
        if rev is not None:
            _backup_before_migrate(path, rev)
        elif not create and path.stat().st_size > 0:
            # A SQLite file that is not ours: refuse rather than add tables to it.
            from sqlalchemy import inspect

            if inspect(engine).get_table_names():
                engine.dispose()
                raise DomainError("--db", N_("{file} is not a coopledger ledger."), file=str(path))
        upgrade(engine)
    if readonly:
        engine.dispose()
        engine = make_engine(path, readonly=True)
    ledger = Ledger(path=path, engine=engine, user=user or default_user(), readonly=readonly)
    if rev is None:
        with ledger.write() as tx:
            tx.log("init ledger", after={"schema": head})
    return ledger


@contextmanager
def opened(path: Path | str, **kwargs: object) -> Iterator[Ledger]:
    """``open_ledger`` as a context manager that closes the file afterwards."""
    ledger = open_ledger(path, **kwargs)  # type: ignore[arg-type]
    try:
        yield ledger
    finally:
        ledger.close()


def verify(ledger: Ledger) -> VerifyReport:
    """Re-compute the audit chain and check the ledger against it and its invariants."""
    with ledger.engine.connect() as conn:
        return verify_ledger(conn)
