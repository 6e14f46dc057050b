"""Opening a ledger file: create, migrate, and hand out units of work."""

from __future__ import annotations

import getpass
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import (
    PasswordNeededError,
    UserNeededError,
    check_other_person,
    check_permission,
)
from coopledger.domain.vocabulary import Permission
from coopledger.store.engine import (
    LedgerFileError,
    check_is_sqlite,
    current_revision,
    head_revision,
    known_revisions,
    make_engine,
    upgrade,
)
from coopledger.store.lock import LedgerLocked, WriterLock, acquire_writer_lock, holder_summary
from coopledger.store.uow import Tx, read_session, unit_of_work
from coopledger.store.users import check_login, has_users
from coopledger.store.verify import VerifyReport, verify_ledger


def default_user() -> str:
    """The single local user assumed until users exist (the OS login name)."""
    try:
        return getpass.getuser() or "local"
    except Exception:  # no login name on some systems
        return "local"


@dataclass
class Ledger:
    """An open ledger file and the person working on it."""

    path: Path
    engine: Engine
    user: str
    readonly: bool = False
    #: The user's role; None in single-user mode (a ledger with no users: all allowed).
    role: str | None = None
    #: The single-writer lock, held while the ledger is open for writing.
    writer_lock: WriterLock | None = None
    #: Who hears of each committed write's `Changes` (see `subscribe`).
    listeners: list[Callable[[Changes], None]] = field(default_factory=list, repr=False)

    def require(self, permission: Permission) -> None:
        """Raise ``PermissionDenied`` unless the user's role allows ``permission``."""
        check_permission(self.user, self.role, permission)

    def require_other_person(self, other_user: str, what: str) -> None:
        """Maker–checker: raise ``PermissionDenied`` if ``other_user`` (who made the record)
        is this user. Single-user mode passes; see ``domain.roles.check_other_person``."""
        check_other_person(self.user, self.role, other_user, what)

    @contextmanager
    def write(self, org_id: int | None = None) -> Iterator[Tx]:
        """A unit of work: one transaction with its audit entries. Once it has committed,
        every listener (`subscribe`) hears what kinds of record it changed."""
        if self.readonly:
            raise DomainError("", N_("The ledger is open read-only."))
        with unit_of_work(self.engine, self.user, org_id) as tx:
            yield tx
        self.publish(tx.changes)

    def subscribe(self, listener: Callable[[Changes], None]) -> Callable[[], None]:
        """Call ``listener`` with the `Changes` of every write that commits from now on (in
        the thread that wrote); returns the function that stops it."""
        self.listeners.append(listener)
        return lambda: self.listeners.remove(listener) if listener in self.listeners else None

    def publish(self, changes: Changes) -> None:
        """Tell every listener what changed (also for changes made outside a unit of work:
        a backup restored over the ledger is `Changes.ALL`)."""
        if changes:
            for listener in list(self.listeners):
                try:
                    listener(changes)
                except Exception:  # the write has committed: a listener must not undo that
                    logging.getLogger(__name__).exception("a change listener failed")

    def read(self) -> AbstractContextManager[Session]:
        """A session for queries."""
        return read_session(self.engine)

    def close(self) -> None:
        """Release the file (and the writer lock)."""
        self.engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()


def _backup_before_migrate(path: Path, revision: str) -> Path:
    target = path.with_name(f"{path.name}.before-migrate-{revision}.bak")
    shutil.copy2(path, target)
    return target


def _take_writer_lock(path: Path, user: str) -> WriterLock:
    try:
        return acquire_writer_lock(path, user)
    except LedgerLocked as exc:
        h = exc.holder
        raise DomainError(
            "--db",
            N_(
                "The ledger is open for writing by {user} on {host} since {since}."
                " Open it read-only with --readonly."
            ),
            user=h.user,
            host=h.host,
            since=h.since_local(),
        ) from exc
    except OSError as exc:
        raise DomainError(
            "--db",
            N_("Cannot take the writer lock ({error}). Open it read-only with --readonly."),
            error=str(exc),
        ) from exc


def open_ledger(
    path: Path | str,
    *,
    user: str | None = None,
    password: str | None = None,
    create: bool = False,
    readonly: bool = False,
    lock: bool = True,
) -> Ledger:
    """Open (or with ``create``, create) a ledger, bringing its schema to this program's head.

    An older ledger is copied aside before it is migrated. Raises ``DomainError`` for a file
    that is missing or is not a ledger. A writer (``readonly`` false, ``lock`` true) takes the
    single-writer lock; a second writer gets a ``DomainError`` naming who holds it. When the
    ledger has users, ``user`` and ``password`` are checked (``PasswordNeededError`` when the
    password is missing); without users ``user`` is just a name (single-user mode).
    """
    path = Path(path)
    if not path.exists() and not create:
        raise DomainError(
            "--db",
            N_("No ledger at {file}. Create one with: coopledger --db {file} init"),
            file=str(path),
        )
    try:
        check_is_sqlite(path)
    except LedgerFileError as exc:
        raise DomainError("--db", N_("{problem}"), problem=str(exc)) from exc
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    writer_lock = _take_writer_lock(path, user or default_user()) if lock and not readonly else None
    try:
        return _open_locked(path, user, password, create, readonly, writer_lock)
    except BaseException:
        if writer_lock is not None:
            writer_lock.release()
        raise


def _open_locked(
    path: Path,
    user: str | None,
    password: str | None,
    create: bool,
    readonly: bool,
    writer_lock: WriterLock | None,
) -> Ledger:
    engine = make_engine(path)
    rev = current_revision(engine)
    head = head_revision()
    if rev is not None and rev not in known_revisions():
        engine.dispose()
        raise DomainError(
            "--db",
            N_(
                "{file} was written by a newer coopledger (schema {rev}); install that version to open it."
            ),
            file=str(path),
            rev=rev,
        )
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
    role: str | None = None
    try:
        if has_users(engine):
            if not user:
                raise UserNeededError()
            if password is None:
                raise PasswordNeededError(user)
            # Log-in counts failures even for a read-only open, so it uses this writable engine.
            role = check_login(engine, user, password).role
    except BaseException:
        engine.dispose()
        raise
    if readonly:
        engine.dispose()
        engine = make_engine(path, readonly=True)
    ledger = Ledger(
        path=path,
        engine=engine,
        user=user or default_user(),
        readonly=readonly,
        role=role,
        writer_lock=writer_lock,
    )
    if rev is None:
        with ledger.write() as tx:
            tx.log("init ledger", after={"schema": head})
    if writer_lock is not None and writer_lock.cleared_stale is not None:
        with ledger.write() as tx:
            tx.log("clear stale lock", after=holder_summary(writer_lock.cleared_stale))
    return ledger


class OpenOptions(TypedDict, total=False):
    """The keyword arguments of ``open_ledger``."""

    user: str | None
    password: str | None
    create: bool
    readonly: bool
    lock: bool


@contextmanager
def opened(path: Path | str, **kwargs: Unpack[OpenOptions]) -> Iterator[Ledger]:
    """``open_ledger`` as a context manager that closes the file afterwards."""
    ledger = open_ledger(path, **kwargs)
    try:
        yield ledger
    finally:
        ledger.close()


def verify(ledger: Ledger) -> VerifyReport:
    """Re-compute the audit chain and check the ledger against it and its invariants."""
    with ledger.engine.connect() as conn:
        return verify_ledger(conn)
