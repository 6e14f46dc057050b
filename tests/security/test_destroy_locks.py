"""Issue 15, "no way to destroy the ledger": two names for one ledger file share one writer
lock (a symbolic link) or are refused for writing (a hard link, which SQLite would give two
write-ahead logs), and what a killed backup or restore leaves behind is cleared at the next
start. SQLite files only: a server has no lock file, links or write-ahead log of ours."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.services.ledger import open_ledger, verify
from tests.conftest import EXAMPLES
from tests.support import child_env

pytestmark = pytest.mark.sqlite_only


def _ledger(tmp_path: Path) -> Path:
    import json

    from coopledger.services import bookfile

    db = tmp_path / "l.sqlite3"
    led = open_ledger(db, user="accountant", create=True)
    bookfile.import_book(led, json.loads((EXAMPLES / "mini.book.json").read_text("utf-8")))
    led.close()
    return db


def test_a_symbolic_link_shares_the_ledgers_lock(tmp_path: Path) -> None:
    db = _ledger(tmp_path)
    other = tmp_path / "elsewhere"
    other.mkdir()
    link = other / "same.sqlite3"
    link.symlink_to(db)
    first = open_ledger(db, user="a")
    try:
        with pytest.raises(DomainError, match="open for writing by a"):
            open_ledger(link, user="b")
    finally:
        first.close()
    second = open_ledger(link, user="b")
    assert second.path == db  # one file, one name: its real one
    second.close()
    assert not (other / "same.sqlite3-wal").exists()


def test_a_hard_link_is_refused_for_writing(tmp_path: Path) -> None:
    db = _ledger(tmp_path)
    twin = tmp_path / "twin.sqlite3"
    os.link(db, twin)
    for name in (db, twin):
        with pytest.raises(DomainError, match="hard links"):
            open_ledger(name, user="a")
    reader = open_ledger(twin, user="auditor", readonly=True)
    assert verify(reader).ok
    reader.close()
    twin.unlink()
    open_ledger(db, user="a").close()  # one name again: writable


_KILLED = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from coopledger.store import backup
    stop = lambda *a, **k: (print("stuck", flush=True), time.sleep(600))
    if sys.argv[1] == "backup":
        backup.os.replace = stop
        backup.copy_database(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        backup._keep_replaced = stop
        backup.restore_file(Path(sys.argv[3]), Path(sys.argv[2]), user="x", force=True, reason="x")
    """
)


def _kill_midway(*args: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED, *args],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "stuck"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()


def test_what_a_killed_backup_and_restore_leave_is_cleared_at_the_next_start(
    tmp_path: Path,
) -> None:
    db = _ledger(tmp_path)
    led = open_ledger(db, user="a")
    from coopledger.services.backup import backup_ledger

    good = backup_ledger(led, tmp_path / "good.sqlite3").path
    led.close()
    _kill_midway("backup", str(db), str(tmp_path / "b.sqlite3"))
    _kill_midway("restore", str(db), str(good))
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert any(".partial" in n for n in left) and any(".restoring-" in n for n in left), left
    # A file of a writer still at work is not touched.
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    busy = tmp_path / f".other.sqlite3.{live.pid}.partial"
    busy.write_bytes(b"in progress")
    try:
        open_ledger(db, user="a").close()  # the next start
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
        assert left == [busy.name], left
    finally:
        live.kill()
        live.wait()
    reader = open_ledger(db, user="auditor", readonly=True)
    assert verify(reader).ok
    reader.close()
