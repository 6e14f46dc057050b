"""The installed command end to end: init, verify, errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).with_name("coopledger")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=120)


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("coopledger ")
    assert "verify" in run("--help").stdout


def test_init_then_verify(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite3"
    assert run("--db", str(db), "init").returncode == 0
    out = run("--db", str(db), "verify")
    assert out.returncode == 0, out.stderr
    assert "OK" in out.stdout or "通过" in out.stdout


def test_verify_fails_with_1_after_tampering(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite3"
    run("--db", str(db), "init")
    con = sqlite3.connect(db)
    con.execute("UPDATE audit_log SET action = 'nothing happened'")
    con.commit()
    con.close()
    out = run("--db", str(db), "verify")
    assert out.returncode == 1
    assert "#1" in out.stdout


def test_user_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    missing = run("--db", str(tmp_path / "nope.sqlite3"), "verify")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    out = run("--db", str(junk), "verify")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert run("--db", str(junk), "no-such-command").returncode == 2
