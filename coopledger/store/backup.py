"""Backups and restores of the ledger file.

A backup is a copy made with SQLite's online backup API (a consistent snapshot even while
the program writes) plus a manifest beside it, ``<backup>.json``: the copy's SHA-256, its
audit chain head and entry count, its schema revision, when, from where, by whom.

A restore checks everything before it replaces anything, on a private copy of the backup
(the backup itself is never touched): the manifest's checksum, ``PRAGMA integrity_check``,
that it is a coopledger ledger no newer than this program, migration to this program's schema
when it is older, the audit chain and every recorded record (``verify_ledger``), and that the
chain ends where the manifest says. The ledger it replaces is kept beside it as
``<ledger>.replaced-<timestamp>.sqlite3`` (with its own manifest).

A backup without its manifest is refused unless ``force`` is given: then the checksum and
chain-head comparison are skipped, but integrity and the audit chain are still checked.
The manifest is not signed: someone who rewrites the whole audit chain *and* the manifest
is not detected here (keep backups where others cannot write, e.g. a USB stick in a drawer).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from coopledger import __version__
from coopledger.domain.errors import N_, DomainError
from coopledger.outfiles import check_output
from coopledger.store import engine as engine_mod
from coopledger.store.anchor import ChainHead
from coopledger.store.audit import GENESIS
from coopledger.store.uow import unit_of_work
from coopledger.store.verify import VerifyReport, verify_ledger

MANIFEST_FORMAT = "coopledger-backup"
MANIFEST_VERSION = 1

#: ``coopledger-YYYYMMDD-HHMMSS.sqlite3``: the names automatic backups get (and rotation reads).
BACKUP_NAME = re.compile(r"^coopledger-(\d{8})-(\d{6})\.sqlite3$")


class BackupRejectedError(DomainError):
    """A backup that may not be restored; ``reason`` is a short code, the message says why.

    Codes: ``no_manifest``, ``bad_manifest``, ``checksum``, ``not_sqlite``, ``integrity``,
    ``not_ledger``, ``newer_schema``, ``audit_chain``, ``audit_records``, ``chain_head``,
    ``same_file``, ``rolls_back`` (the backup's chain does not extend the ledger's),
    ``no_reason`` (a forced roll-back without its reason).
    """

    def __init__(self, reason: str, message: str, **params: object) -> None:
        super().__init__("backup", message, **params)
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_rejected, (self.reason, self.message, self.params))


def _rebuild_rejected(reason: str, message: str, params: dict[str, Any]) -> BackupRejectedError:
    return BackupRejectedError(reason, message, **params)


@dataclass(frozen=True)
class Manifest:
    """What ``<backup>.json`` says about a backup."""

    file: str
    sha256: str
    size: int
    entries: int
    head: str
    schema_revision: str | None
    created_at: str
    source: str
    user: str
    program: str = f"coopledger {__version__}"
    #: The audit entry that recorded this backup in the source ledger (not in the copy).
    logged_entry: dict[str, Any] | None = None
    #: ``sqlite`` (a copy of the file) or ``pg_dump`` (a dump of a database on a server).
    kind: str = "sqlite"
    #: ``backup``, or ``replaced``: the ledger a restore replaced, kept aside (its chain is
    #: the history the restore set aside, not an anchor the ledger must agree with).
    role: str = "backup"

    def to_json(self) -> dict[str, Any]:
        """The manifest file's content."""
        data = asdict(self)
        audit = {"entries": data.pop("entries"), "head": data.pop("head")}
        audit["fingerprint"] = ChainHead(int(audit["entries"]), str(audit["head"])).fingerprint
        return {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, **data, "audit": audit}

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """Read a manifest; ``ValueError`` when it is not one this program understands."""
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise ValueError("not a coopledger backup manifest")
        if data.get("version") != MANIFEST_VERSION:
            raise ValueError(f"manifest version {data.get('version')!r} is not supported")
        try:
            audit = data["audit"]
            logged = data.get("logged_entry")
            return cls(
                file=str(data["file"]),
                sha256=str(data["sha256"]),
                size=int(data["size"]),
                entries=int(audit["entries"]),
                head=str(audit["head"]),
                schema_revision=(
                    None if data.get("schema_revision") is None else str(data["schema_revision"])
                ),
                created_at=str(data["created_at"]),
                source=str(data.get("source", "")),
                user=str(data.get("user", "")),
                program=str(data.get("program", "")),
                logged_entry=dict(logged) if isinstance(logged, dict) else None,
                kind=str(data.get("kind", "sqlite")),
                role=str(data.get("role", "backup")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"manifest field missing or wrong: {exc}") from exc


@dataclass(frozen=True)
class BackupCopy:
    """A fresh copy of a ledger and what it holds."""

    path: Path
    sha256: str
    size: int
    entries: int
    head: str
    schema_revision: str | None


@dataclass(frozen=True)
class CheckedBackup:
    """A backup that passed every check (on the work copy at ``path``)."""

    path: Path
    manifest: Manifest | None
    from_revision: str
    to_revision: str
    report: VerifyReport

    @property
    def migrated(self) -> bool:
        return self.from_revision != self.to_revision


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    target: Path | str
    replaced: Path | None
    from_revision: str
    to_revision: str
    entries: int
    head: str
    forced: bool = False
    #: The head of the ledger it replaced, when the backup's chain does not extend it (an
    #: administrator's forced roll-back, with its reason in the restored ledger's log).
    rolled_back_from: tuple[int, str] | None = None

    @property
    def migrated(self) -> bool:
        return self.from_revision != self.to_revision


# Files -------------------------------------------------------------------------------------


def manifest_path(backup: Path | str) -> Path:
    """The manifest beside a backup file."""
    p = Path(backup)
    return p.with_name(p.name + ".json")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _sidecars(db: Path) -> tuple[Path, Path, Path]:
    return (
        db.with_name(db.name + "-wal"),
        db.with_name(db.name + "-shm"),
        db.with_name(db.name + "-journal"),
    )


@contextlib.contextmanager
def _sqlite(path: Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def summarise(conn: sqlite3.Connection) -> tuple[int, str, str | None]:
    """(audit entries, chain head hash, schema revision) of an SQLite ledger, cheaply."""
    try:
        entries = int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])
        row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        entries, row = 0, None
    try:
        rev_row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        rev_row = None
    return entries, (str(row[0]) if row else GENESIS), (str(rev_row[0]) if rev_row else None)


def copy_database(source: Path, out: Path) -> BackupCopy:
    """Copy the ledger at ``source`` to ``out`` with SQLite's online backup API.

    The copy is one consistent snapshot even while other connections write (WAL readers
    see a fixed state); it is written beside ``out`` and renamed into place, so ``out`` is
    never half-written. The copy is a single file (rollback journal, no ``-wal``). ``out``
    goes through the output guard: it may replace an older backup, never a ledger.
    """
    check_output(out, allow_backup=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    _remove_quietly(tmp, *_sidecars(tmp))
    try:
        with _sqlite(source) as src, _sqlite(tmp) as dst:
            # One step (pages=-1): the whole copy is read inside one read transaction.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")
            entries, head, rev = summarise(dst)
        _fsync_file(tmp)
        check_output(out, allow_backup=True)
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    finally:
        _remove_quietly(tmp, *_sidecars(tmp))
    return BackupCopy(
        path=out,
        sha256=file_sha256(out),
        size=out.stat().st_size,
        entries=entries,
        head=head,
        schema_revision=rev,
    )


def write_manifest(
    copy: BackupCopy,
    *,
    source: Path | str,
    user: str,
    logged_entry: dict[str, Any] | None,
    created_at: dt.datetime | None = None,
    kind: str = "sqlite",
    role: str = "backup",
) -> Manifest:
    """Write ``<backup>.json`` for a fresh copy (atomically) and return it."""
    manifest = Manifest(
        file=copy.path.name,
        sha256=copy.sha256,
        size=copy.size,
        entries=copy.entries,
        head=copy.head,
        schema_revision=copy.schema_revision,
        created_at=(created_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        source=str(source),
        user=user,
        logged_entry=logged_entry,
        kind=kind,
        role=role,
    )
    target = check_output(manifest_path(copy.path), allow_manifest=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    tmp.write_text(json.dumps(manifest.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync_file(tmp)
    os.replace(tmp, target)
    return manifest


def read_manifest(backup: Path) -> Manifest | None:
    """The manifest beside ``backup`` (None if there is none); ``BackupRejectedError`` when
    it is there but unreadable."""
    mp = manifest_path(backup)
    if not mp.exists():
        return None
    try:
        return Manifest.from_json(json.loads(mp.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise BackupRejectedError(
            "bad_manifest",
            N_("The manifest {manifest} is not a valid coopledger backup manifest ({detail})."),
            manifest=str(mp),
            detail=str(exc),
        ) from exc


# Checking ----------------------------------------------------------------------------------


def _known_revision(rev: str) -> bool:
    # Alembic loads only when a backup is checked (half a second: not when the settings
    # view, which names the backup folder, opens).
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(engine_mod.alembic_config())
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def _integrity(path: Path, shown: str) -> None:
    try:
        with _sqlite(path) as conn:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        raise BackupRejectedError(
            "integrity",
            N_("The backup {file} is damaged: the integrity check failed ({detail})."),
            file=shown,
            detail="; ".join(rows[:3]),
        )


def check_work_copy(work: Path, manifest: Manifest | None, shown: str) -> CheckedBackup:
    """Check (and migrate, if older) a private copy of a backup. Raises
    ``BackupRejectedError`` with the first reason found; leaves the copy at this program's
    schema when it passes."""
    with work.open("rb") as fh:
        header = fh.read(16)
    if header != b"SQLite format 3\x00":
        raise BackupRejectedError(
            "not_sqlite", N_("The backup {file} is not an SQLite ledger."), file=shown
        )
    _integrity(work, shown)
    with _sqlite(work) as conn:
        _, _, rev = summarise(conn)
    if rev is None:
        raise BackupRejectedError(
            "not_ledger", N_("The backup {file} is not a coopledger ledger."), file=shown
        )
    head_rev = engine_mod.head_revision()
    if not _known_revision(rev):
        raise BackupRejectedError(
            "newer_schema",
            N_(
                "The backup {file} was made by a newer coopledger (schema {revision});"
                " update this program first."
            ),
            file=shown,
            revision=rev,
        )
    engine = engine_mod.make_engine(work)
    try:
        if rev != head_rev:
            engine_mod.upgrade(engine)
        with engine.connect() as conn:
            report = verify_ledger(conn)
    finally:
        engine.dispose()
    if not report.ok:
        first = report.problems[0]
        if report.entries and report.head == GENESIS and first.entry:
            # The chain walk stopped early: an entry was changed or removed.
            raise BackupRejectedError(
                "audit_chain",
                N_(
                    "The backup {file} was tampered with: the audit chain is broken at"
                    " entry #{entry} ({what})."
                ),
                file=shown,
                entry=first.entry,
                what=first.what,
            )
        raise BackupRejectedError(
            "audit_records",
            N_("The backup {file} was tampered with: {problem}."),
            file=shown,
            problem=str(first),
        )
    if manifest is not None and (report.head, report.entries) != (manifest.head, manifest.entries):
        raise BackupRejectedError(
            "chain_head",
            N_(
                "The backup {file} does not match its manifest: its audit chain has {entries}"
                " entries ending in {head}, the manifest says {m_entries} ending in {m_head}."
            ),
            file=shown,
            entries=report.entries,
            head=report.head[:16],
            m_entries=manifest.entries,
            m_head=manifest.head[:16],
        )
    return CheckedBackup(work, manifest, rev, head_rev, report)


def _prepare_work_copy(backup: Path, work: Path, *, force: bool) -> CheckedBackup:
    shown = backup.name
    if not backup.is_file():
        raise BackupRejectedError(
            "not_sqlite", N_("There is no backup file {file}."), file=str(backup)
        )
    manifest = read_manifest(backup)
    if manifest is None and not force:
        raise BackupRejectedError(
            "no_manifest",
            N_(
                "The backup {file} has no manifest ({manifest}), so its checksum cannot be"
                " checked. Restore it with --force to rely on the integrity and audit checks"
                " alone."
            ),
            file=shown,
            manifest=manifest_path(backup).name,
        )
    _remove_quietly(work, *_sidecars(work))
    shutil.copyfile(backup, work)
    # Hash the copy we will use, not the original, so nothing can change in between.
    if manifest is not None and file_sha256(work) != manifest.sha256:
        raise BackupRejectedError(
            "checksum",
            N_(
                "Checksum mismatch: {file} is not the file that was backed up (it was changed"
                " or damaged after the backup)."
            ),
            file=shown,
        )
    return check_work_copy(work, manifest, shown)


def check_backup(backup: Path, *, force: bool = False) -> CheckedBackup:
    """Run every restore check on ``backup`` without restoring it (on a temporary copy)."""
    work = backup.with_name(f".{backup.name}.check-{os.getpid()}.tmp")
    try:
        return _prepare_work_copy(backup, work, force=force)
    finally:
        _remove_quietly(work, *_sidecars(work))


# Restoring ---------------------------------------------------------------------------------


def _stamp(now: dt.datetime) -> str:
    return now.astimezone().strftime("%Y%m%d-%H%M%S")


def _keep_replaced(target: Path, now: dt.datetime) -> Path:
    """Copy the ledger about to be replaced aside (with a manifest) and return the copy."""
    kept = target.with_name(f"{target.name}.replaced-{_stamp(now)}.sqlite3")
    n = 1
    while kept.exists():
        n += 1
        kept = target.with_name(f"{target.name}.replaced-{_stamp(now)}-{n}.sqlite3")
    try:
        copy = copy_database(target, kept)
    except sqlite3.DatabaseError:
        # Too damaged for SQLite to read: keep its bytes as they are.
        shutil.copy2(target, kept)
        for side in _sidecars(target)[:1]:
            if side.exists():
                shutil.copy2(side, kept.with_name(kept.name + "-wal"))
        return kept
    write_manifest(copy, source=target, user="", logged_entry=None, created_at=now, role="replaced")
    return kept


def _checkpoint(target: Path) -> None:
    try:
        with _sqlite(target) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.DatabaseError:
        pass  # a damaged ledger: it was kept byte for byte


def _hash_at(conn: sqlite3.Connection, entries: int) -> str | None:
    if entries <= 0:
        return GENESIS
    row = conn.execute(
        "SELECT hash FROM audit_log ORDER BY id LIMIT 1 OFFSET ?", (entries - 1,)
    ).fetchone()
    return None if row is None else str(row[0])


#: Entries a restore may drop without the administrator's --force: the records of backups
#: made since (the backup's own entry is always one, written just after the copy). They
#: change nothing in the books, and the backups' manifests stay where they are.
DROPPABLE_ENTRIES = frozenset({("backup", "backup")})


def _lost_entries(work: Path, target: Path) -> tuple[int, str, int] | None:
    """What restoring ``work`` over the ledger at ``target`` drops from its chain: (its
    entries, its head, how many of them the backup lacks that are more than records of
    backups). None when there is no readable ledger there."""
    if not target.is_file():
        return None
    try:
        with _sqlite(target, readonly=True) as conn:
            entries, head, rev = summarise(conn)
            if rev is None or entries == 0:
                return None
            with _sqlite(work, readonly=True) as backup:
                kept = {str(r[0]) for r in backup.execute("SELECT hash FROM audit_log")}
            lost = 0
            for h, entity, action in conn.execute(
                "SELECT hash, entity, action FROM audit_log ORDER BY id DESC"
            ):
                if str(h) in kept:
                    break
                if (str(entity), str(action)) not in DROPPABLE_ENTRIES:
                    lost += 1
    except sqlite3.DatabaseError:
        return None
    return entries, head, lost


def check_extends(
    work: Path,
    target: Path,
    seen: tuple[int, str] | None,
    shown: str,
    *,
    force: bool,
    reason: str | None,
) -> tuple[int, str] | None:
    """Whether the checked copy at ``work`` continues the history of the ledger it replaces:
    its chain holds every entry of the ledger's (the records of backups made since aside),
    or, when the ledger at ``target`` cannot be read, the head ``seen`` last of it. Returns
    None when it does (or there is nothing to continue), the head it rolls back from when an
    administrator forces it with a reason; raises ``BackupRejectedError`` (``rolls_back``,
    ``no_reason``) otherwise."""
    lost = _lost_entries(work, target)
    if lost is not None:
        entries, head, missing = lost
        if not missing:
            return None
    elif seen is not None and seen[0] > 0:
        entries, head = seen
        with _sqlite(work, readonly=True) as conn:
            if _hash_at(conn, entries) == head:
                return None
    else:
        return None
    if not force:
        raise BackupRejectedError(
            "rolls_back",
            N_(
                "The backup {file} does not continue the ledger's history: its audit chain does"
                " not hold the ledger's {entries} entries, so restoring it would throw away what"
                " was recorded since. An administrator may still restore it with --force and"
                ' --reason "why".'
            ),
            file=shown,
            entries=entries,
        )
    if not (reason or "").strip():
        raise BackupRejectedError(
            "no_reason",
            N_(
                "Restoring {file} throws away part of the ledger's history: say why with"
                ' --reason "…" (it is kept in the audit log).'
            ),
            file=shown,
        )
    return entries, head


def restore_file(
    backup: Path,
    target: Path,
    *,
    user: str,
    force: bool = False,
    reason: str | None = None,
    seen: tuple[int, str] | None = None,
    now: dt.datetime | None = None,
) -> RestoreResult:
    """Replace the ledger at ``target`` with ``backup`` after checking the backup.

    The caller holds the writer lock on ``target`` and has no connection open to it.
    Nothing at ``target`` changes unless every check passes. The backup's chain must extend
    the ledger's (its head now, or ``seen``, the head last seen of it when it cannot be
    read); otherwise only ``force`` with a ``reason`` restores it (an administrator's act,
    ``check_extends``). The restored ledger's audit log gets a "restore backup" entry by
    ``user`` (with the reason and the head rolled back from, if any).
    """
    now = now or dt.datetime.now(dt.UTC)
    backup = Path(backup)
    target = Path(target)
    if target.exists() and backup.resolve() == target.resolve():
        raise BackupRejectedError(
            "same_file", N_("The backup {file} is the ledger itself."), file=backup.name
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = target.with_name(f".{target.name}.restoring-{os.getpid()}.tmp")
    try:
        checked = _prepare_work_copy(backup, work, force=force)
        rolled_back = check_extends(work, target, seen, backup.name, force=force, reason=reason)
        engine = engine_mod.make_engine(work)
        try:
            with unit_of_work(engine, user) as tx:
                tx.log(
                    "restore backup",
                    after={
                        "backup": str(backup),
                        "sha256": checked.manifest.sha256 if checked.manifest else None,
                        "backup_created_at": (
                            checked.manifest.created_at if checked.manifest else None
                        ),
                        "forced_without_manifest": checked.manifest is None,
                        "from_schema": checked.from_revision,
                        "to_schema": checked.to_revision,
                        "audit_entries": checked.report.entries,
                        "chain_head": checked.report.head,
                        "rolled_back_from": (
                            None
                            if rolled_back is None
                            else {"entries": rolled_back[0], "head": rolled_back[1]}
                        ),
                        "reason": (reason or "").strip() or None,
                    },
                )
        finally:
            engine.dispose()
        with _sqlite(work) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")
            entries, head, _ = summarise(conn)
        _fsync_file(work)
        replaced: Path | None = None
        if target.exists():
            _checkpoint(target)
            replaced = _keep_replaced(target, now)
        # A -wal left beside the new file would be replayed into it: remove them first.
        _remove_quietly(*_sidecars(target))
        try:
            os.replace(work, target)
        except OSError as exc:  # e.g. Windows, another program still has the file open
            raise DomainError(
                "--db",
                N_(
                    "Could not replace {target} ({error}); close every program using it and try"
                    " again. Nothing was restored."
                ),
                target=str(target),
                error=str(exc),
            ) from exc
        _fsync_dir(target.parent)
    finally:
        _remove_quietly(work, *_sidecars(work))
    return RestoreResult(
        target=target,
        replaced=replaced,
        from_revision=checked.from_revision,
        to_revision=checked.to_revision,
        entries=entries,
        head=head,
        forced=checked.manifest is None,
        rolled_back_from=rolled_back,
    )


# Rotation ----------------------------------------------------------------------------------


def backup_file_name(when: dt.datetime) -> str:
    """The automatic backup name for a moment (local time)."""
    return f"coopledger-{when.astimezone():%Y%m%d-%H%M%S}.sqlite3"


def list_backups(folder: Path) -> list[tuple[dt.datetime, Path]]:
    """Automatic backups in ``folder`` (by name), oldest first, with their local times."""
    found: list[tuple[dt.datetime, Path]] = []
    if not folder.is_dir():
        return found
    for p in folder.iterdir():
        m = BACKUP_NAME.match(p.name)
        if not m or not p.is_file():
            continue
        try:
            when = dt.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
        except ValueError:
            continue
        found.append((when, p))
    found.sort()
    return found


def rotate_backups(folder: Path, keep_daily: int = 7, keep_monthly: int = 12) -> list[Path]:
    """Delete automatic backups beyond the rotation and return what was deleted.

    Kept: the newest backup of each of the ``keep_daily`` latest days that have one, and the
    newest of each of the ``keep_monthly`` latest months that have one. Files whose names
    are not automatic backup names are never touched.
    """
    backups = list_backups(folder)
    keep: set[Path] = set()
    days: set[dt.date] = set()
    months: set[tuple[int, int]] = set()
    for when, p in reversed(backups):  # newest first
        day = when.date()
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(p)
        month = (when.year, when.month)
        if month not in months and len(months) < keep_monthly:
            months.add(month)
            keep.add(p)
    removed: list[Path] = []
    for _when, p in backups:
        if p not in keep:
            _remove_quietly(p, manifest_path(p))
            removed.append(p)
    return removed
