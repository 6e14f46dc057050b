"""Backups: ``backup --out FILE``, the automatic backup on close and once a day (with
rotation), and ``restore FILE``.

See ``coopledger.store.backup`` for what a backup is and what a restore checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import BACKUP, MANAGE_SETTINGS, RESTORE
from coopledger.services.integrity import (
    ChainHead,
    ledger_where,
    note_backup,
    note_seen,
    seen_heads,
)
from coopledger.services.ledger import Ledger, default_user
from coopledger.store import pgdump
from coopledger.store.audit import GENESIS, chain_head
from coopledger.store.backup import (
    DROPPABLE_ENTRIES,
    BackupCopy,
    BackupRejectedError,
    CheckedBackup,
    Manifest,
    RestoreResult,
    backup_file_name,
    check_backup,
    copy_database,
    file_sha256,
    list_backups,
    manifest_path,
    read_manifest,
    restore_file,
    rotate_backups,
    write_manifest,
)
from coopledger.store.cleanup import clear_stale_temporaries
from coopledger.store.engine import current_revision
from coopledger.store.lock import LedgerLocked, acquire_writer_lock
from coopledger.store.models import AuditLog, Setting
from coopledger.store.verify import verify_ledger

__all__ = [
    "BACKUP_FOLDER_KEY",
    "BackupInfo",
    "BackupRejectedError",
    "CheckedBackup",
    "Manifest",
    "RestoreResult",
    "auto_backup",
    "backup_folder",
    "backup_ledger",
    "backup_on_close",
    "check_backup",
    "read_manifest",
    "restore_backup",
    "rotate_backups",
    "set_backup_folder",
]

#: The database-wide setting naming the folder for automatic backups (e.g. a USB stick).
BACKUP_FOLDER_KEY = "backup.folder"


@dataclass(frozen=True)
class BackupInfo:
    """A backup just made."""

    path: Path
    manifest_path: Path
    sha256: str
    size: int
    entries: int
    head: str
    schema_revision: str | None
    created_at: str
    #: Whether the source ledger's audit log records the backup (not for read-only opens).
    audited: bool


def _make_backup(ledger: Ledger, out: Path, now: dt.datetime | None = None) -> BackupInfo:
    out = Path(out)
    if ledger.on_server:
        return _make_server_backup(ledger, out, now)
    if out.exists() and out.resolve() == ledger.path.resolve():
        raise DomainError("--out", N_("The backup cannot be the ledger itself."))
    clear_stale_temporaries(out.parent)  # what an earlier backup, killed, left there
    try:
        copy = copy_database(ledger.path, out)
    except OSError as exc:
        raise DomainError(
            "--out", N_("Could not write the backup {file}: {error}"), file=str(out), error=str(exc)
        ) from exc
    logged: dict[str, object] | None = None
    if not ledger.readonly:
        # Logged after the copy, so the copy's chain ends one entry before this one.
        with ledger.write() as tx:
            tx.log(
                "backup",
                entity="backup",
                entity_id=out.name,
                after={
                    "file": str(out),
                    "sha256": copy.sha256,
                    "audit_entries": copy.entries,
                    "chain_head": copy.head,
                    "schema": copy.schema_revision,
                },
            )
            tx.chain_audit()
            entry_id, entry_hash = chain_head(tx.session)
        logged = {"id": entry_id, "hash": entry_hash}
    manifest = write_manifest(
        copy, source=ledger.path, user=ledger.user, logged_entry=logged, created_at=now
    )
    note_backup(ledger, copy.path)
    return BackupInfo(
        path=copy.path,
        manifest_path=manifest_path(copy.path),
        sha256=copy.sha256,
        size=copy.size,
        entries=copy.entries,
        head=copy.head,
        schema_revision=copy.schema_revision,
        created_at=manifest.created_at,
        audited=logged is not None,
    )


def _make_server_backup(ledger: Ledger, out: Path, now: dt.datetime | None) -> BackupInfo:
    """A ledger on a server is dumped with ``pg_dump`` (SQLite's backup API is for files)."""
    with ledger.read() as session:
        entries = int(session.execute(select(func.count()).select_from(AuditLog)).scalar_one())
        _, head = chain_head(session)
    revision = current_revision(ledger.engine)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        pgdump.dump(ledger.location, out)
    except (OSError, pgdump.PgToolError) as exc:
        raise DomainError(
            "--out", N_("Could not write the backup {file}: {error}"), file=str(out), error=str(exc)
        ) from exc
    copy = BackupCopy(
        path=out,
        sha256=file_sha256(out),
        size=out.stat().st_size,
        entries=entries,
        head=head,
        schema_revision=revision,
    )
    logged: dict[str, object] | None = None
    if not ledger.readonly:
        with ledger.write() as tx:
            tx.log(
                "backup",
                entity="backup",
                entity_id=out.name,
                after={
                    "file": str(out),
                    "sha256": copy.sha256,
                    "audit_entries": entries,
                    "chain_head": head,
                    "schema": revision,
                    "kind": "pg_dump",
                },
            )
            tx.chain_audit()
            entry_id, entry_hash = chain_head(tx.session)
        logged = {"id": entry_id, "hash": entry_hash}
    manifest = write_manifest(
        copy,
        source=ledger.shown,
        user=ledger.user,
        logged_entry=logged,
        created_at=now,
        kind="pg_dump",
    )
    note_backup(ledger, out)
    return BackupInfo(
        path=out,
        manifest_path=manifest_path(out),
        sha256=copy.sha256,
        size=copy.size,
        entries=entries,
        head=head,
        schema_revision=revision,
        created_at=manifest.created_at,
        audited=logged is not None,
    )


def _restore_server(ledger: Ledger, backup: Path, force: bool, reason: str | None) -> RestoreResult:
    """Replace the tables of a ledger on a server with a ``pg_dump`` backup, after checking
    the dump; the state it replaces is dumped first and kept. After the restore the ledger
    must verify and hold the chain the manifest names, or the replaced state comes back."""
    manifest = read_manifest(backup)
    if manifest is None and not force:
        raise BackupRejectedError(
            "no_manifest",
            N_(
                "The backup {file} has no manifest ({file}.json); restore it with --force if you trust it."
            ),
            file=str(backup),
        )
    if manifest is not None:
        if manifest.kind != "pg_dump":
            raise BackupRejectedError(
                "not_ledger",
                N_("The backup {file} is a ledger file; copy it to the server with copy-ledger."),
                file=str(backup),
            )
        if file_sha256(backup) != manifest.sha256:
            raise BackupRejectedError(
                "checksum",
                N_("The backup {file} was changed after it was made (checksum)."),
                file=str(backup),
            )
    try:
        pgdump.list_dump(backup)
    except pgdump.PgToolError as exc:
        raise BackupRejectedError(
            "integrity",
            N_("The backup {file} is damaged: {error}"),
            file=str(backup),
            error=str(exc),
        ) from exc
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = pgdump.server_backup_folder() / f"{ledger.location.database}.replaced-{stamp}.dump"
    with ledger.read() as session:
        # The chain now, newest first: after the restore, what the dump does not hold is
        # what the restore throws away.
        before_chain = session.execute(
            select(col(AuditLog.hash), col(AuditLog.entity), col(AuditLog.action)).order_by(
                col(AuditLog.id).desc()
            )
        ).all()
    ledger.engine.dispose()
    try:
        pgdump.dump(ledger.location, kept)
        pgdump.restore(ledger.location, backup)
    except pgdump.PgToolError as exc:
        raise DomainError(
            "backup", N_("The restore failed and changed nothing: {error}"), error=str(exc)
        ) from exc
    with ledger.engine.connect() as conn:
        report = verify_ledger(conn)
        hashes = set(conn.execute(select(col(AuditLog.hash))).scalars())
    revision = current_revision(ledger.engine) or ""
    wrong = [str(p) for p in report.problems]
    if manifest is not None and manifest.head not in hashes | {GENESIS}:
        wrong.append("the chain does not reach the head the manifest names")
    rolled_back: tuple[int, str] | None = None
    lost = 0
    for h, entity, action in before_chain:
        if h in hashes:
            break
        if (entity, action) not in DROPPABLE_ENTRIES:
            lost += 1
    if not wrong and lost:
        before_entries, before_head = len(before_chain), str(before_chain[0][0])
        rolled_back = (before_entries, before_head)
        if not force or not (reason or "").strip():
            pgdump.restore(ledger.location, kept)
            if force:
                raise BackupRejectedError(
                    "no_reason",
                    N_(
                        "Restoring {file} throws away part of the ledger's history: say why with"
                        ' --reason "…" (it is kept in the audit log).'
                    ),
                    file=backup.name,
                )
            raise BackupRejectedError(
                "rolls_back",
                N_(
                    "The backup {file} does not continue the ledger's history: its audit chain does"
                    " not hold the ledger's {entries} entries, so restoring it would throw away what"
                    " was recorded since. An administrator may still restore it with --force and"
                    ' --reason "why".'
                ),
                file=backup.name,
                entries=before_entries,
            )
    if wrong:
        pgdump.restore(ledger.location, kept)
        raise BackupRejectedError(
            "audit_chain",
            N_(
                "The restored ledger did not verify ({problem}); the ledger was put back as it was."
            ),
            problem=wrong[0],
        )
    with ledger.write() as tx:
        tx.log(
            "restore",
            entity="backup",
            entity_id=backup.name,
            after={
                "file": str(backup),
                "replaced": str(kept),
                "entries": report.entries,
                "rolled_back_from": (
                    None
                    if rolled_back is None
                    else {"entries": rolled_back[0], "head": rolled_back[1]}
                ),
                "reason": (reason or "").strip() or None,
            },
        )
    note_seen(ledger, replace=True)
    ledger.close()
    return RestoreResult(
        target=ledger.shown,
        replaced=kept,
        from_revision=revision,
        to_revision=revision,
        entries=report.entries,
        head=report.head,
        forced=manifest is None,
        rolled_back_from=rolled_back,
    )


def backup_ledger(ledger: Ledger, out: Path | str) -> BackupInfo:
    """Back the ledger up to ``out`` (plus ``out.json``), consistently even while it is being
    written: a copy of a file, or ``pg_dump`` of a database on a server. Audited in the ledger
    unless it is open read-only."""
    ledger.require(BACKUP)
    return _make_backup(ledger, Path(out))


def _unchanged_since(ledger: Ledger, backup: Path) -> bool:
    try:
        manifest = read_manifest(backup)
    except BackupRejectedError:
        return False
    if manifest is None:
        return False
    with ledger.read() as session:
        _, head = chain_head(session)
    logged = manifest.logged_entry or {}
    return head in {manifest.head, logged.get("hash")}


def auto_backup(
    ledger: Ledger,
    folder: Path | str,
    *,
    keep_daily: int = 7,
    keep_monthly: int = 12,
    now: dt.datetime | None = None,
) -> BackupInfo | None:
    """The program's own backup (on close and once a day): back up into ``folder`` as
    ``coopledger-YYYYMMDD-HHMMSS.sqlite3`` unless a backup from today already holds the
    ledger as it is now, then rotate (``rotate_backups``). Returns the new backup, if any.

    It is the program's safety net, not a person's act, so it needs no permission.
    """
    if ledger.on_server:
        # A township server is backed up by its office (pg_dump on a schedule, see the README),
        # not by every window that closes.
        return None
    folder = Path(folder)
    now = now or dt.datetime.now(dt.UTC)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        made: BackupInfo | None = None
        backups = list_backups(folder)
        fresh = (
            bool(backups)
            and backups[-1][0].date() == now.astimezone().date()
            and _unchanged_since(ledger, backups[-1][1])
        )
        if not fresh:
            made = _make_backup(ledger, folder / backup_file_name(now), now)
        rotate_backups(folder, keep_daily, keep_monthly)
    except OSError as exc:
        raise DomainError(
            "backup",
            N_("Could not back up to {folder}: {error}"),
            folder=str(folder),
            error=str(exc),
        ) from exc
    return made


def backup_folder(ledger: Ledger) -> Path | None:
    """The folder chosen for automatic backups, if any."""
    with ledger.read() as session:
        value = session.execute(
            select(col(Setting.value)).where(
                col(Setting.org_id) == 0, col(Setting.key) == BACKUP_FOLDER_KEY
            )
        ).scalar_one_or_none()
    return Path(value) if value else None


def set_backup_folder(ledger: Ledger, folder: Path | str | None) -> None:
    """Choose (or with None, stop) the folder for automatic backups (e.g. a USB stick)."""
    ledger.require(MANAGE_SETTINGS)
    value = str(Path(folder)) if folder else ""
    with ledger.write() as tx:
        row = tx.session.get(Setting, (0, BACKUP_FOLDER_KEY))
        before = row.value if row is not None else ""
        if row is None:
            row = Setting(org_id=0, key=BACKUP_FOLDER_KEY, value=value)
            tx.session.add(row)
        else:
            row.value = value
        tx.session.flush()
        tx.log(
            "set backup folder",
            entity="setting",
            entity_id=BACKUP_FOLDER_KEY,
            before={"value": before},
            after={"value": value},
            org_id=None,
        )


def backup_on_close(ledger: Ledger, *, now: dt.datetime | None = None) -> BackupInfo | None:
    """The automatic backup when the program closes the ledger (when a folder is chosen)."""
    folder = backup_folder(ledger)
    if folder is None:
        return None
    return auto_backup(ledger, folder, now=now)


def restore_backup(
    ledger: Ledger | None,
    backup: Path | str,
    *,
    target: Path | str | None = None,
    force: bool = False,
    reason: str | None = None,
) -> RestoreResult:
    """Replace a ledger with a backup, after checking the backup (``BackupRejectedError``
    says why one is refused). The replaced ledger is kept beside it.

    The backup's audit chain must continue the ledger's (its chain now, or, when it cannot
    be read or is gone, the head this computer last saw of it): an older backup rolls the
    history back, which only ``force`` with a ``reason`` does (restoring needs the
    administrator's permission); the reason and the head rolled back from are audited.

    With ``ledger`` (open for writing, by someone allowed to restore) that ledger is replaced
    and closed on success; open it again to go on. Without one, ``target`` must be a path
    where no ledger exists yet (a new computer); its writer lock is taken meanwhile.
    """
    backup = Path(backup)
    if reason:
        from coopledger.domain.fields import read_value
        from coopledger.domain.records import REASON

        reason = read_value(REASON, reason, "--reason")
    if ledger is not None:
        ledger.require(RESTORE)
        if ledger.readonly:
            raise DomainError("--readonly", N_("Open the ledger for writing to restore over it."))
        if ledger.on_server:
            return _restore_server(ledger, backup, force, reason)
        seen = seen_heads().get(ledger_where(ledger))
        # Keep the writer lock; drop every connection so the file can be replaced.
        ledger.engine.dispose()
        result = restore_file(
            backup,
            ledger.path,
            user=ledger.user,
            force=force,
            reason=reason,
            seen=None if seen is None else (seen.head.entries, seen.head.hash),
        )
        seen_heads().put(ledger_where(ledger), ChainHead(result.entries, result.head))
        ledger.close()
        return result
    if target is None:
        raise ValueError("restore_backup needs a ledger or a target path")
    target = Path(target)
    if target.exists():
        raise DomainError(
            "--db",
            N_(
                "There is a ledger at {file}; open it (with --user when it has users) to restore"
                " over it."
            ),
            file=str(target),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    user = default_user()
    try:
        lock = acquire_writer_lock(target, user)
    except LedgerLocked as exc:
        raise DomainError(
            "--db",
            N_("The ledger is open for writing by {user} on {host} since {since}."),
            user=exc.holder.user,
            host=exc.holder.host,
            since=exc.holder.since_local(),
        ) from exc
    where = str(target.resolve())
    seen = seen_heads().get(where)
    with lock:
        result = restore_file(
            backup,
            target,
            user=user,
            force=force,
            reason=reason,
            seen=None if seen is None else (seen.head.entries, seen.head.hash),
        )
    seen_heads().put(where, ChainHead(result.entries, result.head))
    return result
