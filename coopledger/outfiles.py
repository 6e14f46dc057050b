"""Where the program's output files may go: one guard for every writer, so that no output
ever overwrites a ledger.

Every file the program writes at a user's request (slips, notices, statements, ledgers on
paper, vouchers, member statements, the bank's batch file, exported books and lists,
templates, backups) is written here: into a temporary file beside the target, then renamed
over it, so that a target is never half-written, and only after `check_output` has said the
target is not one of these:

* an open ledger, its ``-wal``/``-shm``/``-journal`` files or its ``.lock`` file, compared by
  resolved path (symbolic links followed) and by file identity (device and inode: a hard
  link is the same file under another name), as registered by the program when it opened
  them (`protect`);
* any SQLite database (a ledger not open now, a backup, a copy kept by a restore), a
  PostgreSQL dump (a server backup), a backup's manifest, a database's ``-wal``/``-shm``/
  ``-journal`` or ``.lock`` file: recognised by their contents and names, whoever made them.

The check is made when the writer starts and again just before the rename, so the window
in which the target can change under it is the rename itself. A backup may replace an older
backup file (``allow_backup``), never a ledger in use.

This module sits beside ``paths`` outside the layers: the reports, the file formats and the
services all use it, and it imports only the standard library and the domain's errors.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from coopledger.domain.errors import N_, DomainError

__all__ = [
    "OutputRefusedError",
    "atomic_output",
    "check_output",
    "protect",
    "save_with",
    "sidecars",
    "unprotect",
    "write_atomic",
]

_SQLITE = b"SQLite format 3\x00"
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_PG_DUMP = b"PGDMP"
#: What follows a database's name for the files SQLite and the program keep beside it.
_SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")


class OutputRefusedError(DomainError):
    """An output that would overwrite a ledger, one of its files or a backup."""

    def __init__(self, path: str, message: str, **params: object) -> None:
        super().__init__(path, message, **params)


def sidecars(ledger: Path) -> tuple[Path, ...]:
    """The files SQLite and the program keep beside a ledger file."""
    return tuple(ledger.with_name(ledger.name + s) for s in _SIDECAR_SUFFIXES)


_lock = threading.Lock()
#: Resolved path → how many opens registered it; (device, inode) of those that exist.
_paths: dict[str, int] = {}


def protect(ledger: Path) -> None:
    """Register an open ledger file and its side files as never to be overwritten."""
    with _lock:
        for p in (ledger, *sidecars(ledger)):
            key = os.path.realpath(p)
            _paths[key] = _paths.get(key, 0) + 1


def unprotect(ledger: Path) -> None:
    """The ledger was closed (one `protect` undone)."""
    with _lock:
        for p in (ledger, *sidecars(ledger)):
            key = os.path.realpath(p)
            n = _paths.get(key, 0) - 1
            if n > 0:
                _paths[key] = n
            else:
                _paths.pop(key, None)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _head(path: str, size: int = 64) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def _is_database(path: str) -> bool:
    return os.path.isfile(path) and _head(path, 16) == _SQLITE


def _refusal(target: Path, allow_backup: bool, allow_manifest: bool = False) -> str | None:
    """Why ``target`` must not be written (a msgid), or None."""
    real = os.path.realpath(target)
    with _lock:
        registered = dict(_paths)
    if real in registered:
        return N_("{file} is the ledger itself, or one of its own files")
    ident = _identity(real)
    if ident is not None:
        for other in registered:
            if _identity(other) == ident:
                return N_(
                    "{file} is the ledger itself, or one of its own files (another name for it)"
                )
    for name in {str(target), real}:
        for suffix in _SIDECAR_SUFFIXES:
            if name.endswith(suffix) and _is_database(name[: -len(suffix)]):
                return N_("{file} belongs to the database beside it (its {suffix} file)")
    if os.path.isdir(real):
        return N_("{file} is a folder; give the name of a file")
    if ident is None:
        return None  # a new file
    head = _head(real)
    if head.startswith(_SQLITE):
        if allow_backup and _is_backup(real, head):
            return None
        return N_("{file} is a database (a ledger or a backup of one); it is never overwritten")
    if head[:4] in _WAL_MAGIC:
        return N_("{file} is a database's write-ahead log; it is never overwritten")
    if head.startswith(_PG_DUMP) and not (allow_backup and _has_manifest(real)):
        return N_("{file} is a backup of a ledger on a server; it is never overwritten")
    if head.lstrip().startswith(b"{") and b"coopledger-backup" in _head(real, 4096):
        if not allow_manifest:
            return N_("{file} is a backup's manifest; it is never overwritten")
    return None


def _has_manifest(path: str) -> bool:
    return b"coopledger-backup" in _head(path + ".json", 4096)


def _is_backup(path: str, head: bytes) -> bool:
    """Whether an SQLite file is a backup the program made: a manifest beside it, and the
    rollback journal a backup is left with (a ledger runs in WAL mode: header bytes 18 and
    19 are 2), and nothing using it."""
    return (
        head[18:20] == b"\x01\x01"
        and _has_manifest(path)
        and not any(os.path.exists(path + s) for s in ("-wal", "-journal", ".lock"))
    )


def check_output(
    path: str | os.PathLike[str], *, allow_backup: bool = False, allow_manifest: bool = False
) -> Path:
    """``path`` when the program may write it; `OutputRefusedError` (on ``--out``) saying why
    not. ``allow_backup``: the target may be an older backup file (the backup command);
    ``allow_manifest``: an older backup's manifest (the backup's own manifest)."""
    target = Path(path)
    why = _refusal(target, allow_backup, allow_manifest)
    if why is not None:
        raise OutputRefusedError(
            "--out",
            why,
            file=str(target),
            suffix=next((s for s in _SIDECAR_SUFFIXES if str(target).endswith(s)), ""),
        )
    return target


def _temp_beside(target: Path) -> Path:
    # The process id in the name lets the next start of the program clear what a killed
    # writer left (`clear_stale_temporaries` in the store).
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(3)}.part")


def _replace(tmp: Path, target: Path, allow_backup: bool) -> None:
    check_output(target, allow_backup=allow_backup)  # again: the target may have changed
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise _write_error(target, exc) from exc


def _write_error(target: Path, exc: OSError) -> DomainError:
    from coopledger.domain.faults import os_error_message

    return DomainError(
        "--out", os_error_message(exc), file=str(target), error=exc.strerror or str(exc)
    )


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    allow_backup: bool = False,
    **open_args: Any,
) -> Iterator[IO[Any]]:
    """A file object to write ``path`` through: a temporary file beside it, renamed over it
    when the block ends without an error (and removed when it raises). ``path`` is checked
    (`check_output`) before and again just before the rename."""
    target = check_output(path, allow_backup=allow_backup)
    tmp = _temp_beside(target)
    try:
        try:
            fh = open(tmp, mode, **open_args)
        except OSError as exc:
            raise _write_error(target, exc) from exc
        with fh:
            yield fh
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as exc:
                raise _write_error(target, exc) from exc
        _replace(tmp, target, allow_backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` (see `atomic_output`)."""
    with atomic_output(path) as fh:
        try:
            fh.write(data)
        except OSError as exc:
            raise _write_error(Path(path), exc) from exc


def save_with(
    path: str | os.PathLike[str], save: Callable[[Path], None], *, allow_backup: bool = False
) -> None:
    """Let ``save`` write a temporary file (a library that saves to a path: openpyxl), then
    rename it over ``path`` (see `atomic_output`)."""
    target = check_output(path, allow_backup=allow_backup)
    tmp = _temp_beside(target)
    try:
        try:
            save(tmp)
        except OSError as exc:
            raise _write_error(target, exc) from exc
        _replace(tmp, target, allow_backup)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
