"""One writer at a time: refused with who and since when, read-only allowed, stale locks
cleared (in this process, from another process, and after a crash)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import AuthenticationError
from coopledger.services.ledger import open_ledger, verify
from coopledger.services.users import audit_entries, create_first_admin
from coopledger.store.lock import LedgerLocked, acquire_writer_lock, lock_path, read_holder

#: the writer lock file is for SQLite only (a server has many writers: tests/services/test_concurrency.py).
pytestmark = pytest.mark.sqlite_only


def test_lock_file_says_who_and_goes_away(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite3"
    lock = acquire_writer_lock(ledger, "苏会计")
    data = json.loads(lock_path(ledger).read_text(encoding="utf-8"))
    assert data["user"] == "苏会计" and data["pid"] == os.getpid()
    assert {"host", "since", "program"} <= set(data)
    assert lock.cleared_stale is None
    lock.release()
    lock.release()  # twice is fine
    assert not lock_path(ledger).exists()
    acquire_writer_lock(ledger, "again").release()


def test_second_lock_in_the_same_process_is_refused(tmp_path: Path) -> None:
    """flock belongs to the open file, so two opens in one process conflict too."""
    ledger = tmp_path / "l.sqlite3"
    with acquire_writer_lock(ledger, "first"):
        with pytest.raises(LedgerLocked) as err:
            acquire_writer_lock(ledger, "second")
        assert err.value.holder.user == "first"
        assert err.value.holder.pid == os.getpid()
    acquire_writer_lock(ledger, "second").release()


def test_second_writer_gets_who_and_since_and_may_read(ledger_path: Path) -> None:
    first = open_ledger(ledger_path, user="王会计", create=True)
    with pytest.raises(DomainError) as err:
        open_ledger(ledger_path, user="李出纳")
    text = str(err.value)
    assert "王会计" in text and "since" in text and "--readonly" in text
    assert os.uname().nodename in text
    reader = open_ledger(ledger_path, user="李出纳", readonly=True)
    assert verify(reader).ok
    reader.close()
    first.close()
    second = open_ledger(ledger_path, user="李出纳")
    second.close()
    second.close()


def test_failed_open_does_not_keep_the_lock(ledger_path: Path) -> None:
    led = open_ledger(ledger_path, user="setup", create=True)
    create_first_admin(led, "admin", "admin-secret")
    led.close()
    with pytest.raises(AuthenticationError):
        open_ledger(ledger_path, user="admin", password="wrong")
    assert not lock_path(ledger_path).exists()
    open_ledger(ledger_path, user="admin", password="admin-secret").close()


_HOLDER = textwrap.dedent(
    """
    import sys
    from coopledger.services.ledger import open_ledger
    led = open_ledger(sys.argv[1], user="张审核", create=True)
    print("ready", flush=True)
    sys.stdin.read()
    led.close()
    """
)


def _start_holder(path: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_another_process_holds_it_then_crashes(
    ledger_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    proc = _start_holder(ledger_path)
    try:
        with pytest.raises(LedgerLocked) as err:
            acquire_writer_lock(ledger_path, "me")
        assert err.value.holder.user == "张审核" and err.value.holder.pid == proc.pid
        with pytest.raises(DomainError, match="张审核"):
            open_ledger(ledger_path, user="me")
        reader = open_ledger(ledger_path, user="me", readonly=True)
        reader.close()
    finally:
        proc.send_signal(signal.SIGKILL)  # a crash: no release, the lock file stays
        proc.wait()
    holder = read_holder(ledger_path)
    assert holder is not None and holder.pid == proc.pid
    with caplog.at_level(logging.WARNING, logger="coopledger.lock"):
        led = open_ledger(ledger_path, user="me")
    assert "stale" in caplog.text and "张审核" in caplog.text
    assert led.writer_lock is not None and led.writer_lock.cleared_stale is not None
    assert led.writer_lock.cleared_stale.pid == proc.pid
    entries = audit_entries(led)
    assert entries[-1].action == "clear stale lock"
    assert entries[-1].after["user"] == "张审核"
    assert verify(led).ok
    led.close()


def test_stale_lock_file_from_a_dead_pid_is_cleared(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite3"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    lock_path(ledger).write_text(
        json.dumps(
            {
                "user": "ghost",
                "host": os.uname().nodename,
                "pid": int(dead.stdout),
                "since": "2020-01-01T00:00:00+00:00",
                "program": "coopledger 0.0",
            }
        ),
        encoding="utf-8",
    )
    lock = acquire_writer_lock(ledger, "me")
    assert lock.cleared_stale is not None and lock.cleared_stale.user == "ghost"
    assert json.loads(lock_path(ledger).read_text())["user"] == "me"
    lock.release()


def test_garbage_lock_file_is_cleared(tmp_path: Path) -> None:
    ledger = tmp_path / "l.sqlite3"
    lock_path(ledger).write_bytes(b"\x00\xff half a write")
    lock = acquire_writer_lock(ledger, "me")
    assert lock.cleared_stale is not None and lock.cleared_stale.user == "?"
    lock.release()


def test_many_opens_and_closes_in_one_process(ledger_path: Path) -> None:
    for i in range(30):
        led = open_ledger(ledger_path, user=f"u{i}", create=True)
        led.close()
    assert not lock_path(ledger_path).exists()
