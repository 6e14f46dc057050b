"""Attack: ``--readonly`` with a wrong password wrote to the ledger file (the failure count,
an audit entry), so a reader could change a file she may only read.

Now a failed read-only open writes nothing at all: the file is byte for byte the same."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from coopledger.domain.roles import AuthenticationError
from coopledger.services.ledger import open_ledger
from tests.security.controls_office import run, staff

# Reads the file itself to prove nothing was written to it.
pytestmark = pytest.mark.sqlite_only


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _checkpoint(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def test_failed_readonly_opens_write_nothing(ledger_path: Path) -> None:
    staff(ledger_path)
    _checkpoint(ledger_path)
    wal = ledger_path.with_name(ledger_path.name + "-wal")
    before = _digest(ledger_path)
    wal_before = wal.read_bytes() if wal.exists() else b""
    for _ in range(6):
        with pytest.raises(AuthenticationError):
            open_ledger(ledger_path, user="kuaiji", password="wrong", readonly=True)
        with pytest.raises(AuthenticationError):
            open_ledger(ledger_path, user="nobody", password="wrong", readonly=True)
    out = run("--db", str(ledger_path), "--readonly", "--user", "kuaiji", "audit", pw="wrong")
    assert out.returncode == 2
    assert _digest(ledger_path) == before
    assert (wal.read_bytes() if wal.exists() else b"") == wal_before
    # And the user was not made to wait by them.
    open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw", readonly=True).close()


def test_a_readonly_log_in_is_still_refused_while_the_user_must_wait(ledger_path: Path) -> None:
    staff(ledger_path)
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            open_ledger(ledger_path, user="kuaiji", password="wrong")
    with pytest.raises(AuthenticationError):
        open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw", readonly=True)
