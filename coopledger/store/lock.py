"""One writer at a time: a lock file beside the ledger and an OS lock on it.

``<ledger>.lock`` holds who has the ledger open for writing (user, host, pid, since, program)
so that a second program can say so. What actually excludes the second writer is an advisory
OS lock on that file (``flock`` on POSIX, ``msvcrt.locking`` on Windows), held for as long as
the ledger is open. The OS drops it when the process ends, however it ends, so a lock file
whose OS lock nobody holds was left by a crash: it is stale, and is cleared (and logged).

``flock`` locks belong to an open file, not to a process: a second ``open`` of the same
ledger inside one process is refused just like one from another process.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from coopledger import __version__

log = logging.getLogger("coopledger.lock")

# On Windows the lock covers one byte far beyond the text, so that others can still read it.
_WIN_LOCK_OFFSET = 0x7FFFFFF0

#: errno values that mean "this file system cannot lock", not "somebody holds the lock".
_NO_LOCKING = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or held) the writer lock."""

    user: str = "?"
    host: str = "?"
    pid: int = 0
    since: str = ""  # ISO timestamp, UTC
    program: str = ""

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        """The holder written in a lock file, or None if the text is not one."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                user=str(data.get("user", "?")),
                host=str(data.get("host", "?")),
                pid=int(data.get("pid", 0)),
                since=str(data.get("since", "")),
                program=str(data.get("program", "")),
            )
        except (TypeError, ValueError):
            return None

    def since_local(self) -> str:
        """``since`` in local time, minutes precision (for messages)."""
        try:
            when = dt.datetime.fromisoformat(self.since)
        except ValueError:
            return self.since or "?"
        return when.astimezone().strftime("%Y-%m-%d %H:%M")


class LedgerLocked(Exception):
    """Another program has the ledger open for writing."""

    def __init__(self, path: Path, holder: LockHolder | None) -> None:
        self.path = path
        self.holder = holder or LockHolder()
        h = self.holder
        super().__init__(
            f"{path} is open for writing by {h.user} on {h.host} (pid {h.pid}) since {h.since}"
        )


def lock_path(ledger: Path | str) -> Path:
    """The lock file beside a ledger."""
    p = Path(ledger)
    return p.with_name(p.name + ".lock")


def _this_program() -> str:
    return f"coopledger {__version__} ({Path(sys.argv[0]).name if sys.argv else 'python'})"


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - only used where OS locks are missing
        return True  # cannot tell cheaply; assume alive and keep the lock
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _os_lock(fh: IO[bytes]) -> None:
    """Take the OS lock without waiting; BlockingIOError when it is held elsewhere."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            raise BlockingIOError(errno.EAGAIN, str(exc)) from exc
        finally:
            fh.seek(0)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _os_unlock(fh: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        fh.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            fh.seek(0)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read(fh: IO[bytes]) -> str:
    fh.seek(0)
    data = fh.read(64 * 1024)
    return data.decode("utf-8", errors="replace").strip()


def read_holder(ledger: Path | str) -> LockHolder | None:
    """What the lock file says, whether or not its lock is held (None if there is none)."""
    try:
        text = lock_path(ledger).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return LockHolder.from_json(text) if text else None


class WriterLock:
    """The writer lock on one ledger, held until ``release`` (or the process ends)."""

    def __init__(
        self, path: Path, fh: IO[bytes], holder: LockHolder, stale: LockHolder | None, os_lock: bool
    ) -> None:
        self.path = path
        self.holder = holder
        #: The holder of a stale lock this one replaced (a crashed session), if any.
        self.cleared_stale = stale
        self._fh: IO[bytes] | None = fh
        self._os_lock = os_lock

    @property
    def held(self) -> bool:
        """Whether this lock is still held."""
        return self._fh is not None

    def release(self) -> None:
        """Give the lock up and remove the lock file (safe to call twice)."""
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            if os.name != "nt":
                # Unlink while still holding the lock: whoever opened the old file will see
                # that the path now names another file and start again (see acquire).
                _unlink_quietly(self.path)
            else:  # pragma: no cover - an open file cannot be removed on Windows
                fh.seek(0)
                fh.truncate()
                fh.flush()
            if self._os_lock:
                _os_unlock(fh)
        finally:
            fh.close()
        if os.name == "nt":  # pragma: no cover
            _unlink_quietly(self.path)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"WriterLock({self.path}, held={self.held})"


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:  # pragma: no cover - e.g. Windows, another reader has it open
        log.warning("could not remove lock file %s: %s", path, exc)


def _same_file(fh: IO[bytes], path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fh.fileno())
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def acquire_writer_lock(ledger: Path | str, user: str) -> WriterLock:
    """Take the writer lock on ``ledger`` for ``user``.

    Raises ``LedgerLocked`` (with who holds it and since when) when another program, or
    another open ledger in this process, holds it. A stale lock file left by a crash is
    cleared and logged; ``WriterLock.cleared_stale`` says whose it was.
    """
    path = lock_path(ledger)
    for _attempt in range(20):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fh = os.fdopen(fd, "r+b", buffering=0)
        os_lock = True
        try:
            _os_lock(fh)
        except BlockingIOError:
            holder = LockHolder.from_json(_read(fh))
            fh.close()
            raise LedgerLocked(Path(ledger), holder) from None
        except OSError as exc:
            if exc.errno not in _NO_LOCKING:
                fh.close()
                raise
            # The file system cannot lock (some network shares): fall back to the pid.
            os_lock = False
            old = LockHolder.from_json(_read(fh))
            if old is not None and (old.host != socket.gethostname() or _pid_alive(old.pid)):
                fh.close()
                raise LedgerLocked(Path(ledger), old) from None
        if not _same_file(fh, path):
            # The holder released (and removed) the file between our open and our lock.
            fh.close()
            continue
        text = _read(fh)
        stale = LockHolder.from_json(text) if text else None
        if text:
            log.warning(
                "cleared a stale writer lock on %s (left by %s on %s, pid %s, since %s)",
                ledger,
                stale.user if stale else "?",
                stale.host if stale else "?",
                stale.pid if stale else "?",
                stale.since if stale else "?",
            )
            if stale is None:
                stale = LockHolder()
        holder = LockHolder(
            user=user,
            host=socket.gethostname(),
            pid=os.getpid(),
            since=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            program=_this_program(),
        )
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(asdict(holder), ensure_ascii=False).encode("utf-8"))
        fh.flush()
        os.fsync(fh.fileno())
        return WriterLock(path, fh, holder, stale, os_lock)
    raise LedgerLocked(Path(ledger), read_holder(ledger))  # pragma: no cover - endless churn


def holder_summary(holder: LockHolder) -> dict[str, Any]:
    """The holder as a plain dict (for audit entries and JSON output)."""
    return asdict(holder)
