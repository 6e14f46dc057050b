"""``copy-ledger``: a whole ledger (every organisation, user, setting and the audit chain)
from a file to a server or back, e.g. a village PC's file to the township server, or the
township's copy of one village back to an offline PC.

The target must be empty: a file that does not exist yet, or a database with no tables (the
office administrator creates it; see the README). The copy is checked before it counts:
every table holds as many rows as the source, ``verify`` passes on the copy, and its audit
chain carries the source's chain unchanged, followed by one entry that records the copy.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, select

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import BACKUP
from coopledger.services.ledger import Ledger, as_location, default_user, server_error
from coopledger.store import audit
from coopledger.store.copying import (
    CopyProgress,
    copy_tables,
    count_rows,
    create_schema,
    is_empty,
    snapshot,
)
from coopledger.store.engine import Location, current_revision, head_revision, make_engine
from coopledger.store.lock import LedgerLocked, acquire_writer_lock
from coopledger.store.models import AuditLog, table_of
from coopledger.store.verify import verify_ledger


@dataclass(frozen=True)
class CopyResult:
    """What ``copy_ledger`` did and what it checked."""

    source: str
    target: str
    rows: dict[str, int]
    #: Audit entries copied (the source's whole chain) and the source chain's head.
    entries: int
    head: str
    #: Whether ``verify`` passed on the copy (a copy that does not is never kept).
    verified: bool

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _refuse_non_empty(target: Location) -> None:
    if target.path is not None:
        if target.path.exists() and target.path.stat().st_size > 0:
            raise DomainError(
                "--to",
                N_("{target} already exists; a ledger is copied only to a new file."),
                target=target.shown(),
            )
        return
    engine = make_engine(target)
    try:
        empty = is_empty(engine)
    except Exception as exc:
        problem = server_error(target, exc)
        if problem is None:
            raise
        raise problem from exc
    finally:
        engine.dispose()
    if not empty:
        raise DomainError(
            "--to",
            N_(
                "The database {target} is not empty; a ledger is copied only into an empty database."
            ),
            target=target.shown(),
        )


def _same_place(a: Location, b: Location) -> bool:
    if a.path is not None and b.path is not None:
        return a.path.resolve() == b.path.resolve()
    return a.url is not None and a.url == b.url


def copy_ledger(
    source: Ledger, target: Location | Path | str, progress: CopyProgress | None = None
) -> CopyResult:
    """Copy the whole ledger ``source`` to ``target`` (a new file or an empty database), in one
    transaction on the target, then check the copy. Raises ``DomainError`` (nothing written)
    for a target that is not empty, the source itself, or a server that cannot be used."""
    source.require(BACKUP)
    dest = as_location(target)
    if _same_place(source.location, dest):
        raise DomainError("--to", N_("The copy cannot be the ledger itself."))
    if current_revision(source.engine) != head_revision():
        raise DomainError("--from", N_("The ledger needs an upgrade; open it for writing once."))
    _refuse_non_empty(dest)
    lock = None
    work = dest
    if dest.path is not None:
        try:
            lock = acquire_writer_lock(dest.path, source.user or default_user())
        except LedgerLocked as exc:
            raise DomainError(
                "--to",
                N_("The ledger is open for writing by {user} on {host} since {since}."),
                user=exc.holder.user,
                host=exc.holder.host,
                since=exc.holder.since_local(),
            ) from exc
        dest.path.parent.mkdir(parents=True, exist_ok=True)
        work = Location(path=dest.path.with_name(f".{dest.path.name}.copying"))
        _remove_file(work.file)
    try:
        result = _copy(source, dest, work, progress)
        if work is not dest:
            os.replace(work.file, dest.file)
        return result
    except BaseException:
        if work is not dest:
            _remove_file(work.file)
        raise
    finally:
        if lock is not None:
            lock.release()


def _remove_file(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _copy(
    source: Ledger, dest: Location, work: Location, progress: CopyProgress | None
) -> CopyResult:
    engine = make_engine(work)
    try:
        with snapshot(source.engine) as src:
            expected = count_rows(src)
            entries, head = expected.rows.get("audit_log", 0), audit.chain_head(src)[1]
            with engine.connect() as dst, dst.begin():
                create_schema(dst)
                counts = copy_tables(src, dst, progress)
                audit.chain(
                    dst,
                    [
                        audit.pending(
                            user=source.user,
                            action="copy ledger",
                            entity="ledger",
                            after={
                                "from": source.location.shown(),
                                "to": dest.shown(),
                                "audit_entries": entries,
                                "chain_head": head,
                                "rows": counts.total,
                            },
                        )
                    ],
                )
                # Checked inside the transaction: a copy that does not check out is never
                # committed.
                problems = _problems(dst, expected.rows, counts.rows, entries, head)
                if problems:
                    raise DomainError(
                        "--to",
                        N_("The copy did not check out ({problem}); nothing was kept."),
                        problem=problems[0],
                    )
    except DomainError:
        raise
    except Exception as exc:
        problem = server_error(dest, exc)
        if problem is None:
            raise
        raise problem from exc
    finally:
        engine.dispose()
    return CopyResult(
        source=source.location.shown(),
        target=dest.shown(),
        rows=dict(counts.rows),
        entries=entries,
        head=head,
        verified=True,
    )


def _problems(
    dst: Connection, expected: dict[str, int], copied: dict[str, int], entries: int, head: str
) -> list[str]:
    problems = [
        f"{t}: {copied.get(t)} rows copied, {n} in the source"
        for t, n in expected.items()
        if copied.get(t) != n
    ]
    problems += [str(p) for p in verify_ledger(dst.execution_options(stream_results=True)).problems]
    if entries and _entry_hash(dst, entries) != head:
        problems.append("the copy's audit chain does not carry the source's chain")
    return problems


def _entry_hash(conn: Connection, entry_id: int) -> str:
    log = table_of(AuditLog)
    found = conn.execute(select(log.c.hash).where(log.c.id == entry_id)).scalar()
    return str(found or "")
