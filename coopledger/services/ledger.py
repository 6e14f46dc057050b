"""Opening a ledger (a SQLite file or a PostgreSQL database): create, migrate, and hand out
units of work."""

from __future__ import annotations

import getpass
import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from sqlalchemy import Connection, Engine

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import (
    PasswordNeededError,
    PermissionDenied,
    UserNeededError,
    check_other_person,
    check_permission,
)
from coopledger.domain.vocabulary import Permission
from coopledger.services.faults import DamagedLedgerError
from coopledger.store.engine import (
    SERVER_DENIED,
    SERVER_DOWN,
    SERVER_NO_DATABASE,
    SERVER_NO_HOST,
    SERVER_NO_ROLE,
    SERVER_PASSWORD,
    DamagedFileError,
    LedgerFileError,
    Location,
    check_is_sqlite,
    current_revision,
    damaged_pages,
    has_users,
    head_revision,
    known_revisions,
    make_engine,
    on_read_only_disk,
    parse_location,
    server_problem,
    table_names,
    upgrade,
)
from coopledger.store.lock import LedgerLocked, WriterLock, acquire_writer_lock, holder_summary

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from coopledger.store.uow import Tx
    from coopledger.store.verify import VerifyReport

# The unit of work, the models and the password hasher are imported when first used: a
# read-only command (``trial-balance``) then costs SQLAlchemy Core and nothing more.

__all__ = ["Ledger", "Location", "as_location", "open_ledger", "opened", "verify"]


def default_user() -> str:
    """The single local user assumed until users exist (the OS login name)."""
    try:
        return getpass.getuser() or "local"
    except Exception:  # no login name on some systems
        return "local"


@dataclass
class Ledger:
    """An open ledger (a file or a database on a server) and the person working on it."""

    location: Location
    engine: Engine
    user: str
    readonly: bool = False
    #: The user's role; None in single-user mode (a ledger with no users: all allowed).
    role: str | None = None
    #: The single-writer lock, held while the ledger is open for writing (files only).
    writer_lock: WriterLock | None = None
    #: Who hears of each committed write's `Changes` (see `subscribe`).
    listeners: list[Callable[[Changes], None]] = field(default_factory=list, repr=False)
    #: Whether this open created the ledger (``init``).
    created: bool = False
    #: The organisations the user may work on; None for every one (see ``user-orgs``).
    orgs: frozenset[int] | None = None
    #: The logged-in user's full name ("" when none was given, or without users).
    display_name: str = ""

    @property
    def single_user(self) -> bool:
        """Whether the ledger has no users (单机模式: no log-in, everything allowed)."""
        return self.role is None

    @property
    def person(self) -> str:
        """The name to show and sign with: the user's full name, else their user name; ""
        in single-user mode, where the program does not know who is working (the OS
        login, ``root`` or ``Administrator``, names nobody)."""
        if self.single_user:
            return ""
        return self.display_name or self.user

    #: What SQLite found wrong with the file's pages when it was opened: a damaged file is
    #: opened read-only, and every write is refused with `DamagedLedgerError`.
    damage: str | None = None
    #: Whether the file is registered with the output guard (``coopledger.outfiles``).
    _protected: bool = field(default=False, repr=False)

    def may_work_on(self, org_id: int) -> bool:
        """Whether the user was given this organisation (or is not limited to some)."""
        return self.orgs is None or org_id in self.orgs

    @property
    def path(self) -> Path:
        """The ledger file (``DomainError`` for a ledger on a server, which has none)."""
        if self.location.path is None:
            raise DomainError("--db", N_("This needs a ledger file; the ledger is on a server."))
        return self.location.path

    @property
    def on_server(self) -> bool:
        """Whether the ledger is a PostgreSQL database (several clients at once)."""
        return self.location.is_server

    @property
    def shown(self) -> str:
        """Where the ledger is, as it may be shown (no password)."""
        return self.location.shown()

    @property
    def short_name(self) -> str:
        """The file's name, or the server's database name (for a status bar)."""
        if self.location.path is not None:
            return self.location.path.name
        return self.location.database

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
        if self.damage is not None:
            raise DamagedLedgerError(self.shown, self.damage)
        if self.readonly:
            raise DomainError("", N_("The ledger is open read-only."))
        if org_id is not None and not self.may_work_on(org_id):
            raise PermissionDenied(
                "--org", N_("{user} has not been given this organisation."), user=self.user
            )
        from coopledger.store.uow import unit_of_work

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
        from coopledger.store.uow import read_session

        return read_session(self.engine)

    def connect(self) -> AbstractContextManager[Connection]:
        """A Core connection for queries that need no ORM objects (cheaper to start)."""
        return self.engine.connect()

    def close(self) -> None:
        """Release the file (and the writer lock). A ledger open for writing notes its chain
        head as seen by this computer first (``services.integrity.note_seen``; a ledger this
        open created starts a new history there)."""
        if not self.readonly:
            try:
                from coopledger.services.integrity import note_seen

                note_seen(self, replace=self.created)
            except Exception:  # a damaged or vanished ledger: nothing to note
                logging.getLogger(__name__).warning("could not note the chain head", exc_info=True)
        self.engine.dispose()
        if self.writer_lock is not None:
            self.writer_lock.release()
        if self.location.path is not None and self._protected:
            from coopledger.outfiles import unprotect

            unprotect(self.location.path)
            self._protected = False


def _backup_before_migrate(location: Location, revision: str) -> Path:
    if location.path is None:
        from coopledger.store.pgdump import dump_before_migrate

        return dump_before_migrate(location, revision)
    path = location.path
    target = path.with_name(f"{path.name}.before-migrate-{revision}.bak")
    shutil.copy2(path, target)
    return target


def as_location(value: Location | Path | str) -> Location:
    """``--db`` as a ledger location; a URL this program cannot use is a ``DomainError``."""
    return parse_location(value)


def server_error(location: Location, exc: BaseException) -> DomainError | None:
    """The one line a user gets when the server cannot be used (None if ``exc`` is not that)."""
    found = server_problem(exc)
    if found is None:
        return None
    kind, detail = found
    where = location.shown()
    if kind == SERVER_PASSWORD:
        return DomainError("--db", N_("The server refused the password for {where}."), where=where)
    if kind == SERVER_NO_DATABASE:
        return DomainError(
            "--db",
            N_(
                "There is no database {name} on the server; the office administrator creates it (see the README)."
            ),
            name=location.database,
        )
    if kind == SERVER_NO_ROLE:
        return DomainError("--db", N_("The server knows no such user: {detail}"), detail=detail)
    if kind == SERVER_NO_HOST:
        return DomainError("--db", N_("No server of that name can be found: {where}"), where=where)
    if kind == SERVER_DENIED:
        return DomainError(
            "--db", N_("The server does not let this user in: {detail}"), detail=detail
        )
    if kind == SERVER_DOWN:
        return DomainError(
            "--db",
            N_("The ledger server is not reachable ({detail}). Is it running?"),
            detail=detail,
        )
    return DomainError("--db", N_("The ledger server said: {detail}"), detail=detail)


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
    path: Location | Path | str,
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
    location = as_location(path)
    if location.is_server:
        try:
            return _open_server(location, user, password, create, readonly)
        except DomainError:
            raise
        except Exception as exc:
            problem = server_error(location, exc)
            if problem is None:
                raise
            raise problem from exc
    path = _ledger_file(location.file, create=create, readonly=readonly)
    location = Location(path=path)
    try:
        check_is_sqlite(path)
        damage = None if readonly or not path.exists() else damaged_pages(path)
    except DamagedFileError as exc:
        raise DamagedLedgerError(str(path), exc.detail) from exc
    except LedgerFileError as exc:
        raise DomainError("--db", N_("{file} is not a coopledger ledger."), file=str(path)) from exc
    if damage is not None:
        # Written to, a damaged file loses more: it is opened read-only (lists, papers,
        # verify) and every write is refused with the message (`Ledger.damage`).
        readonly = True
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _os_problem(path, exc) from exc
    writer_lock = _take_writer_lock(path, user or default_user()) if lock and not readonly else None
    try:
        if writer_lock is not None:
            from coopledger.store.cleanup import clear_stale_temporaries

            clear_stale_temporaries(path.parent)
        ledger = _open_locked(location, user, password, create, readonly, writer_lock)
    except BaseException as exc:
        if writer_lock is not None:
            writer_lock.release()
        from coopledger.services.faults import is_damage

        if isinstance(exc, Exception) and not isinstance(exc, DomainError) and is_damage(exc):
            raise DamagedLedgerError(str(path), str(getattr(exc, "orig", exc))) from exc
        raise
    from coopledger.outfiles import protect

    protect(path)
    ledger._protected = True
    ledger.damage = damage
    return ledger


def _os_problem(path: Path, exc: OSError) -> DomainError:
    from coopledger.domain.faults import os_error_message

    return DomainError(
        "--db", os_error_message(exc), file=str(path), error=exc.strerror or str(exc)
    )


def _ledger_file(path: Path, *, create: bool, readonly: bool) -> Path:
    """The ledger file ``--db`` names, by its real path (symbolic links followed: every name
    of one file shares one lock and one write-ahead log). Refuses a folder, a missing file
    (unless creating), and, for writing, a file with more than one name (hard links: SQLite
    would keep a write-ahead log per name and damage it)."""
    if path.is_dir():
        raise DomainError("--db", N_("{file} is a folder, not a ledger file."), file=str(path))
    if not path.exists() and not create:
        raise DomainError(
            "--db",
            N_("No ledger at {file}. Create one with: coopledger --db {file} init"),
            file=str(path),
        )
    try:
        real = path.resolve()
    except (OSError, RuntimeError) as exc:  # a symbolic link loop
        raise DomainError(
            "--db",
            N_("{file} cannot be followed to a file ({error})."),
            file=str(path),
            error=str(exc),
        ) from exc
    if not readonly and on_read_only_disk(real):
        raise DomainError(
            "--db",
            N_(
                "{file} is on a read-only disk or card: nothing can be written there. Open it"
                " with --readonly (verify, lists, papers), or copy it to a writable disk."
            ),
            file=str(path),
        )
    if not readonly:
        try:
            links = real.stat().st_nlink if real.exists() else 1
        except OSError:
            links = 1
        if links > 1:
            raise DomainError(
                "--db",
                N_(
                    "{file} has {n} names on this disk (hard links). SQLite would keep a separate"
                    " log for each name and damage the ledger: copy it to a file of its own"
                    " (cp, not ln) and open that. It can still be opened with --readonly."
                ),
                file=str(path),
                n=links,
            )
    return real


#: Tables whose presence says a database is a coopledger ledger (of some version).
_OUR_TABLES = {"organisation", "audit_log", "voucher"}


def _check_schema(location: Location, engine: Engine, create: bool, readonly: bool) -> str | None:
    """The ledger's schema revision after bringing it to this program's head (migrating an
    older one after a copy or dump is taken). Refuses a newer ledger, another program's
    database, and (without ``create``) an empty one, each with one clear line."""
    rev = current_revision(engine)
    head = head_revision()
    shown = location.shown()
    if rev is not None and rev not in known_revisions():
        if not _OUR_TABLES <= set(table_names(engine)):
            raise DomainError("--db", N_("{file} is not a coopledger ledger."), file=shown)
        raise DomainError(
            "--db",
            N_(
                "{file} was written by a newer coopledger (schema {rev}); install that version to open it."
            ),
            file=shown,
            rev=rev,
        )
    if rev is None and table_names(engine):
        # A database (or SQLite file) of another program: refuse rather than add tables to it.
        raise DomainError("--db", N_("{file} is not a coopledger ledger."), file=shown)
    if rev is None and location.is_server and not create:
        raise DomainError(
            "--db",
            N_(
                "The database {file} holds no ledger yet. Create one with: coopledger --db URL init"
            ),
            file=shown,
        )
    if rev != head:
        if readonly:
            raise DomainError("--db", N_("The ledger needs an upgrade; open it for writing once."))
        if rev is not None:
            _backup_before_migrate(location, rev)
        upgrade(engine)
    return rev


def _check_access_recorded(location: Location, engine: Engine, readonly: bool) -> None:
    """Refuse to write to a ledger whose users, roles or grants are not what the audit chain
    last recorded: someone changed them behind the program's back (deleted every user to
    act in single-user mode, gave themselves the administrator's role). Read-only opens go
    on, so that ``verify`` can show what happened."""
    if readonly:
        return
    from coopledger.store.tracked import unrecorded_access_changes

    with engine.connect() as conn:
        changed = unrecorded_access_changes(conn)
    if changed:
        raise DomainError(
            "--db",
            N_(
                "The users or their rights in {file} are not what the audit log recorded:"
                " they were changed outside coopledger. Nothing can be written; open it"
                " with --readonly and run coopledger verify."
            ),
            file=location.shown(),
        )


def _open_server(
    location: Location, user: str | None, password: str | None, create: bool, readonly: bool
) -> Ledger:
    """A PostgreSQL ledger: no lock file (several clients write at once; the store serialises
    what must be), the same migrations, the same log-in."""
    engine = make_engine(location)
    try:
        rev = _check_schema(location, engine, create, readonly)
        _check_access_recorded(location, engine, readonly)
        if readonly:
            engine.dispose()
            engine = make_engine(location, readonly=True)
        role, display_name = _log_in(engine, user, password, readonly=readonly)
    except BaseException:
        engine.dispose()
        raise
    ledger = Ledger(
        location=location,
        engine=engine,
        user=user or default_user(),
        readonly=readonly,
        role=role,
        orgs=_organisations_of(engine, user, role),
        display_name=display_name,
    )
    if rev is None:
        ledger.created = True
        with ledger.write() as tx:
            tx.log("init ledger", after={"schema": head_revision()})
    return ledger


def _organisations_of(engine: Engine, user: str | None, role: str | None) -> frozenset[int] | None:
    """The organisations a logged-in user was given (None: every one, or single-user mode)."""
    if role is None or not user:
        return None
    from coopledger.store.users import organisations_of_name

    return organisations_of_name(engine, user)


def _log_in(
    engine: Engine, user: str | None, password: str | None, *, readonly: bool = False
) -> tuple[str | None, str]:
    """The user's role (None in single-user mode) and full name, once the password checks. A read-only
    open writes nothing, a failed one included: wrong passwords are counted (and log-in made
    to wait) by writable opens only. Counting them here would not stop a guesser anyway:
    whoever can read the file can copy it and try passwords against its hashes at leisure."""
    if not has_users(engine):
        return None, ""
    if not user:
        raise UserNeededError()
    if password is None:
        raise PasswordNeededError(user)
    from coopledger.store.users import check_login

    who = check_login(engine, user, password, record=not readonly)
    return who.role, who.display_name


def _open_locked(
    location: Location,
    user: str | None,
    password: str | None,
    create: bool,
    readonly: bool,
    writer_lock: WriterLock | None,
) -> Ledger:
    path = location.file
    # A read-only open reads through a read-only engine from the start: neither the schema
    # check nor the log-in may write to the file.
    engine = make_engine(path, readonly=readonly)
    try:
        rev = _check_schema(location, engine, create, readonly)
        _check_access_recorded(location, engine, readonly)
    except BaseException:
        engine.dispose()
        raise
    head = head_revision()
    role: str | None = None
    try:
        role, display_name = _log_in(engine, user, password, readonly=readonly)
    except BaseException:
        engine.dispose()
        raise
    ledger = Ledger(
        location=location,
        engine=engine,
        user=user or default_user(),
        readonly=readonly,
        role=role,
        writer_lock=writer_lock,
        orgs=_organisations_of(engine, user, role),
        display_name=display_name,
    )
    if rev is None:
        ledger.created = True
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
def opened(path: Location | Path | str, **kwargs: Unpack[OpenOptions]) -> Iterator[Ledger]:
    """``open_ledger`` as a context manager that closes the file afterwards."""
    ledger = open_ledger(path, **kwargs)
    try:
        yield ledger
    finally:
        ledger.close()


def verify(ledger: Ledger) -> VerifyReport:
    """Re-compute the audit chain and check the ledger against it and its invariants (on a
    server, in one consistent snapshot while others go on writing). A ledger file is first
    read page by page (SQLite's quick check): a damaged file is reported as such, as is
    damage met on the way."""
    from sqlalchemy.exc import DatabaseError

    ledger.require(Permission.VERIFY)
    from coopledger.services.faults import is_damage
    from coopledger.store.verify import Problem, VerifyReport, verify_ledger

    def damaged(detail: str) -> VerifyReport:
        report = VerifyReport(chain_intact=False, damage=detail)
        report.problems.append(Problem(f"the ledger file is damaged: {detail}"))
        return report

    if not ledger.on_server:
        found = damaged_pages(ledger.path, budget=None)
        if found is not None:
            return damaged(found)
    try:
        with ledger.engine.connect() as conn:
            if ledger.on_server:
                # Streamed through server-side cursors: a township ledger has millions of lines.
                conn = conn.execution_options(
                    isolation_level="REPEATABLE READ", stream_results=True
                )
            return verify_ledger(conn)
    except DatabaseError as exc:
        if is_damage(exc):
            return damaged(str(exc.orig))
        raise
