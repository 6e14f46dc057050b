"""Temporary files a killed program leaves behind, cleared at the next start.

Writers that must never leave a half file under its final name write a temporary one beside
it and rename it: a backup (``.<name>.<pid>.partial``), a restore's work copy
(``.<ledger>.restoring-<pid>.tmp``), a backup check's copy (``.<name>.check-<pid>.tmp``),
every other output (``.<name>.<pid>-<hex>.part``, ``coopledger.outfiles``). A process killed
in the middle leaves its temporary file, which may be as big as the ledger; the next start
removes those whose process is gone (a file of a process still running, such as a backup
made by a read-only window next door, is left alone).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger("coopledger.cleanup")

# The process id is the first group; the SQLite files of a temporary database follow it.
_PATTERNS = (
    re.compile(r"^\..+\.(\d+)\.partial(?:-wal|-shm|-journal)?$"),
    re.compile(r"^\..+\.restoring-(\d+)\.tmp(?:-wal|-shm|-journal)?$"),
    re.compile(r"^\..+\.check-(\d+)\.tmp(?:-wal|-shm|-journal)?$"),
    re.compile(r"^\..+\.(\d+)-[0-9a-f]+\.part$"),
    re.compile(r"^\..+\.(\d+)\.tmp$"),
)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - no cheap check: leave it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clear_stale_temporaries(*folders: Path) -> list[Path]:
    """Remove the temporary files of dead writers in ``folders``; returns what was removed."""
    removed: list[Path] = []
    for folder in dict.fromkeys(folders):
        try:
            names = [e.name for e in os.scandir(folder) if e.name.startswith(".")]
        except OSError:
            continue
        for name in names:
            for pattern in _PATTERNS:
                match = pattern.match(name)
                if match is None:
                    continue
                if not _alive(int(match.group(1))):
                    path = folder / name
                    try:
                        path.unlink()
                    except OSError:
                        continue
                    log.warning("removed %s, left by a program that was stopped", path)
                    removed.append(path)
                break
    return removed
