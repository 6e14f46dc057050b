"""Issue 15, "no way to destroy the ledger": every command that writes a file, pointed at the
ledger, its write-ahead log, its shared memory, its lock, another name for it (a symbolic or
a hard link), a backup or a backup's manifest, says why in one line, exits 2, and leaves the
ledger exactly as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.support import child_env

pytestmark = pytest.mark.sqlite_only

EXE = Path(os.environ.get("VIRTUAL_ENV", ".venv")) / "bin" / "coopledger"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    exe = EXE if EXE.exists() else Path(".venv/bin/coopledger")
    return subprocess.run(
        [str(exe), "--lang", "en", *args],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=120,
    )


def _content(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    finally:
        con.close()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with the mini book, its 2014 distribution committed and a backup."""
    folder = tmp_path_factory.mktemp("destroy")
    db = folder / "l.sqlite3"
    assert run("--db", str(db), "import-book", str(EXAMPLES / "mini.book.json")).returncode == 0
    assert run("--db", str(db), "distribute", "--year", "2014", "--commit").returncode == 0
    assert run("--db", str(db), "backup", "--out", str(folder / "b.sqlite3")).returncode == 0
    return db


#: Every command that writes a file the user names, with where the name goes.
WRITERS: list[tuple[str, Callable[[str], list[str]]]] = [
    ("slips", lambda out: ["slips", "--year", "2014", "--out", out]),
    ("notice", lambda out: ["notice", "--year", "2014", "--out", out]),
    ("statements", lambda out: ["statements", "--year", "2014", "--out", out]),
    ("bank-batch", lambda out: ["bank-batch", "--year", "2014", "--out", out]),
    ("export-book", lambda out: ["export-book", out]),
    ("member-statement", lambda out: ["member-statement", "H0001", "--pdf", out]),
    ("print-voucher", lambda out: ["print-voucher", "1", "--out", out]),
    ("print-book", lambda out: ["print-book", "general", "--year", "2014", "--out", out]),
    (
        "print-book xlsx",
        lambda out: ["print-book", "general", "--year", "2014", "--out", out + ".xlsx"],
    ),
    ("opening template", lambda out: ["opening", "template", "--out", out + ".xlsx"]),
    ("backup", lambda out: ["backup", "--out", out]),
]

TARGETS = ["ledger", "-wal", "-shm", ".lock", "symlink", "hardlink", "backup", "manifest"]


def _target(db: Path, kind: str, tmp_path: Path) -> str:
    if kind == "ledger":
        return str(db)
    if kind in ("-wal", "-shm", ".lock"):
        return str(db) + kind
    if kind == "symlink":
        link = tmp_path / "innocent.pdf"
        link.symlink_to(db)
        return str(link)
    if kind == "hardlink":
        link = tmp_path / "also.pdf"
        os.link(db, link)
        return str(link)
    if kind == "backup":
        return str(db.with_name("b.sqlite3"))
    return str(db.with_name("b.sqlite3.json"))


@pytest.mark.parametrize("writer", [w[0] for w in WRITERS])
@pytest.mark.parametrize("kind", TARGETS)
def test_no_output_overwrites_the_ledger(
    book: Path, tmp_path: Path, writer: str, kind: str
) -> None:
    args = dict(WRITERS)[writer]
    target = _target(book, kind, tmp_path)
    if writer in ("print-book xlsx", "opening template"):
        if kind not in ("symlink", "hardlink"):
            pytest.skip("the command adds .xlsx: another file")
        os.replace(target, target + ".xlsx")  # the link under the name the command wants
    before = _content(book)
    backup_before = hashlib.sha256(book.with_name("b.sqlite3").read_bytes()).hexdigest()
    try:
        out = run("--db", str(book), *args(target))
    finally:
        if kind == "hardlink":  # (the next test's ledger has one name again)
            for extra in tmp_path.glob("also.pdf*"):
                extra.unlink()
    if writer == "backup" and kind == "backup":
        # A backup may replace an older backup of it (never the ledger).
        assert out.returncode == 0, out.stderr
        return
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1, out.stderr
    said = out.stderr
    # A command that writes to the ledger refuses a ledger with two names before anything.
    assert "--out" in said or "--pdf" in said or (kind == "hardlink" and "hard links" in said)
    assert _content(book) == before
    assert hashlib.sha256(book.with_name("b.sqlite3").read_bytes()).hexdigest() == backup_before
    check = run("--db", str(book), "verify")
    assert check.returncode == 0, check.stdout
