"""Issue 15, "faults get a sentence, not Sorry": a full disk, a damaged ledger file, a folder
as ``--db``, a year beyond the calendar and a read-only disk each give one clear line and
exit 2 (``verify``: 1 for a damaged file), and nothing is written; a damaged file opens
read-only with the message; ``verify`` works on a read-only disk. Each fault is produced for
real where this machine allows it: pages of a real ledger overwritten, a real folder, SQLite
refusing to grow the file (its page limit: the error a full disk gives). The tests run as
root here, which writes everywhere: a read-only mount is the operating system saying so
(``statvfs``'s read-only flag), and a full disk for a file the program writes is the
operating system's ENOSPC from the write."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from coopledger import i18n
from coopledger.cli import main
from coopledger.domain.errors import DomainError
from coopledger.services.faults import DamagedLedgerError, fault_of
from coopledger.services.ledger import open_ledger, verify
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.sqlite_only

EXIT_USER_ERROR = 2


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """The command line in this process, in English."""

    def call(*args: str) -> Result:
        with monkeypatch.context() as m:
            m.delenv("COOPLEDGER_PASSWORD", raising=False)
            m.setattr(sys, "stdin", io.StringIO(""))
            lang = i18n.current_language()
            try:
                code = main(["--lang", "en", *args])
            except SystemExit as exc:
                code = int(exc.code or 0)
            finally:
                i18n.set_language(lang)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


def _ledger(folder: Path) -> Path:
    from coopledger.services import bookfile

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "l.sqlite3"
    led = open_ledger(db, user="accountant", create=True)
    bookfile.import_book(led, json.loads((EXAMPLES / "mini.book.json").read_text("utf-8")))
    led.close()
    return db


def _state(folder: Path) -> dict[str, str]:
    """Every file of the folder with its content's digest (what "nothing written" means)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _root_page(db: Path, table: str) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    return (int(row[0]) - 1) * size, size


def _damage(db: Path, table: str) -> None:
    """Overwrite the first page of ``table`` with what a failing disk returns."""
    offset, size = _root_page(db, table)
    with db.open("r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xa5" * size)


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Sorry" not in text and "Traceback" not in text
    return lines[0]


# -- a damaged ledger file ---------------------------------------------------------------------


def test_a_damaged_file_opens_read_only_and_refuses_every_write(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    db = _ledger(tmp_path / "books")
    _damage(db, "voucher_line")
    before = _state(db.parent)

    led = open_ledger(db, user="accountant")
    try:
        assert led.readonly and led.damage
        assert led.writer_lock is None  # no lock: nothing at all is written
        with pytest.raises(DamagedLedgerError, match="damaged"), led.write() as _tx:
            pass
    finally:
        led.close()

    # A write: the one sentence, said once, exit 2.
    out = cli("--db", str(db), "org", "add", "Another")
    assert out.returncode == EXIT_USER_ERROR
    assert "is damaged" in _one_line(out.stderr)
    assert "coopledger restore" in out.stderr
    # A read of what is not damaged still works, with the sentence first.
    out = cli("--db", str(db), "member", "list")
    assert out.returncode == 0 and "H0001" in out.stdout
    # A read that meets the damaged page: the sentence, exit 2.
    out = cli("--db", str(db), "--readonly", "voucher", "list")
    assert out.returncode == EXIT_USER_ERROR
    assert "is damaged" in _one_line(out.stderr)
    # verify: one line, and 1.
    out = cli("--db", str(db), "verify")
    assert out.returncode == 1
    assert "is damaged" in _one_line(out.stdout)
    assert _state(db.parent) == before


def test_a_file_whose_schema_is_damaged_is_one_sentence(
    tmp_path: Path, cli: Callable[..., Result]
) -> None:
    db = _ledger(tmp_path / "books")
    with db.open("r+b") as fh:  # the schema's page, behind the file's 100-byte header
        fh.seek(100)
        fh.write(b"\xa5" * 3996)
    before = _state(db.parent)
    for args in (("voucher", "list"), ("org", "add", "X"), ("--readonly", "member", "list")):
        out = cli("--db", str(db), *args)
        assert out.returncode == EXIT_USER_ERROR, args
        assert "is damaged" in _one_line(out.stderr)
    out = cli("--db", str(db), "verify", "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["ok"] is False
    assert _state(db.parent) == before
    with pytest.raises(DamagedLedgerError):
        open_ledger(db, user="auditor", readonly=True)


def test_verify_reports_damage_it_meets_as_damage(tmp_path: Path) -> None:
    db = _ledger(tmp_path / "books")
    _damage(db, "audit_log")
    led = open_ledger(db, user="auditor", readonly=True)
    try:
        report = verify(led)
    finally:
        led.close()
    assert not report.ok and report.damage


# -- a folder, a year beyond the calendar ---------------------------------------------------------


def test_a_folder_as_the_ledger_is_one_sentence(tmp_path: Path, cli: Callable[..., Result]) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    for args in (("verify",), ("voucher", "list"), ("init",), ("org", "add", "X")):
        out = cli("--db", str(folder), *args)
        assert out.returncode == EXIT_USER_ERROR, args
        assert "is a folder" in _one_line(out.stderr)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("general-ledger", "--year", "100000000000000000000", "1001"),
        ("general-ledger", "--year", "-5", "1001"),
        ("slips", "--year", "100000000000000000000", "--out", "{folder}/s.pdf"),
        ("voucher", "show", "100000000000000000000"),
        ("period", "close", "100000000000000000000-01"),
        ("trial-balance", "--from", "100000000000000000000-01-01", "--to", "2024-12-31"),
    ],
)
def test_a_number_out_of_range_is_one_sentence(
    tmp_path: Path, cli: Callable[..., Result], args: tuple[str, ...]
) -> None:
    db = _ledger(tmp_path / "books")
    before = _state(db.parent)
    out = cli("--db", str(db), *(a.format(folder=db.parent) for a in args))
    assert out.returncode == EXIT_USER_ERROR
    _one_line(out.stderr)
    assert _state(db.parent) == before


def test_an_overflow_from_deep_inside_is_a_sentence() -> None:
    fault = fault_of(OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert fault is not None and "far too large" in fault.text(lambda s: s)


# -- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """From the call on, SQLite may not grow any ledger file by a page: what it says on a
    full disk (SQLITE_FULL, "database or disk is full")."""
    from coopledger.store import engine as engine_module

    real = engine_module._set_sqlite_pragmas

    def pragmas(dbapi_conn: sqlite3.Connection, record: object) -> None:
        real(dbapi_conn, record)
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {int(pages)}")

    def fill() -> None:
        monkeypatch.setattr(engine_module, "_set_sqlite_pragmas", pragmas)

    return fill


def test_a_full_disk_is_one_sentence_and_nothing_is_written(
    tmp_path: Path, cli: Callable[..., Result], full_disk: Callable[[], None]
) -> None:
    db = _ledger(tmp_path / "books")
    full_disk()
    book = json.loads((EXAMPLES / "mini.book.json").read_text("utf-8"))
    book["organisation"]["name"] = "另一个合作社"
    second = tmp_path / "second.book.json"
    second.write_text(json.dumps(book, ensure_ascii=False), "utf-8")
    before = _state(db.parent)
    out = cli("--db", str(db), "import-book", str(second))
    assert out.returncode == EXIT_USER_ERROR, out
    line = _one_line(out.stderr)
    assert "disk is full" in line and str(db) in line
    led = open_ledger(db, user="auditor", readonly=True)
    try:
        assert verify(led).ok
    finally:
        led.close()
    assert _state(db.parent)[db.name] == before[db.name]


class _FullDiskFile:
    """A file on a disk that fills up at the first write."""

    def __init__(self, real: io.IOBase) -> None:
        self._real = real

    def write(self, data: bytes | str) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self) -> _FullDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


def test_a_full_disk_for_a_file_written_is_one_sentence(
    tmp_path: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopledger import outfiles

    db = _ledger(tmp_path / "books")
    out_dir = tmp_path / "out"
    out_dir.mkdir()

    def open_(file: str | os.PathLike[str], mode: str = "r", **kwargs: object) -> object:
        return _FullDiskFile(open(file, mode, **kwargs))  # type: ignore[call-overload]

    monkeypatch.setattr(outfiles, "open", open_, raising=False)
    before = _state(db.parent)
    target = out_dir / "book.json"
    out = cli("--db", str(db), "export-book", str(target))
    assert out.returncode == EXIT_USER_ERROR, out
    line = _one_line(out.stderr)
    assert "disk is full" in line and str(target) in line
    assert list(out_dir.iterdir()) == []  # the temporary file went with the error
    assert _state(db.parent) == before


def test_a_full_disk_met_anywhere_is_a_sentence() -> None:
    fault = fault_of(OSError(errno.ENOSPC, "No space left on device", "/x/y.pdf"))
    assert isinstance(fault, DomainError) and "/x/y.pdf" in fault.text(lambda s: s)
    fault = fault_of(sqlite3.OperationalError("database or disk is full"), "/x/l.sqlite3")
    assert fault is not None and "disk is full" in fault.text(lambda s: s)


# -- a read-only disk --------------------------------------------------------------------------


@pytest.fixture
def read_only_mount(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """``tmp_path/card`` is on a read-only mount: the operating system says so (statvfs's
    flag, access()); a process that is not root is also refused by the folder's mode."""
    card = tmp_path / "card"
    _ledger(card)
    real_statvfs = os.statvfs
    real_access = os.access

    class Flags:
        def __init__(self, real: os.statvfs_result) -> None:
            self._real = real
            self.f_flag = real.f_flag | os.ST_RDONLY

        def __getattr__(self, name: str) -> object:
            return getattr(self._real, name)

    def statvfs(path: str | os.PathLike[str] | int) -> object:
        result = real_statvfs(path)
        if isinstance(path, int) or not str(Path(path).resolve()).startswith(str(card)):
            return result
        return Flags(result)

    def access(path: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and str(Path(path).resolve()).startswith(str(card)):
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "statvfs", statvfs)
    monkeypatch.setattr(os, "access", access)
    for p in card.iterdir():
        p.chmod(0o444)
    card.chmod(0o555)
    yield card
    card.chmod(0o755)


def test_a_read_only_disk_is_one_sentence_and_verify_works(
    read_only_mount: Path, cli: Callable[..., Result]
) -> None:
    db = read_only_mount / "l.sqlite3"
    before = _state(read_only_mount)
    out = cli("--db", str(db), "org", "add", "X")
    assert out.returncode == EXIT_USER_ERROR
    assert "read-only disk" in _one_line(out.stderr)
    out = cli("--db", str(db), "verify")
    assert out.returncode == 0, out
    assert "OK" in out.stdout
    out = cli("--db", str(db), "--readonly", "member", "list")
    assert out.returncode == 0 and "H0001" in out.stdout
    assert _state(read_only_mount) == before


def test_sqlite_refusing_to_write_is_a_sentence() -> None:
    fault = fault_of(sqlite3.OperationalError("attempt to write a readonly database"), "l.db")
    assert fault is not None and "read-only" in fault.text(lambda s: s)
    fault = fault_of(OSError(errno.EROFS, "Read-only file system", "/card/x.pdf"))
    assert fault is not None and "/card/x.pdf" in fault.text(lambda s: s)


def test_a_refusal_naming_no_file_does_not_name_the_ledger() -> None:
    fault = fault_of(OSError(errno.ENOSPC, "No space left on device"), "/books/l.sqlite3")
    assert fault is not None and "l.sqlite3" not in fault.text(lambda s: s)
    assert "disk is full" in fault.text(lambda s: s)


def test_the_window_says_the_same_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from coopledger.ui import errors

    logged: list[BaseException] = []
    monkeypatch.setattr(errors, "log_exception", logged.append)
    monkeypatch.setattr(errors, "_ledger_shown", "/books/l.sqlite3")
    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert errors.is_user_error(full)
    text = errors.message_for(full)
    assert "/books/l.sqlite3" in text and "Sorry" not in text
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    assert errors.is_user_error(damaged)
    assert "restore" in errors.message_for(damaged)
    assert not errors.is_user_error(KeyError("a bug"))
    assert logged == []


def test_a_new_ledger_in_a_folder_still_to_be_made_is_not_taken_for_a_read_only_disk(
    tmp_path: Path,
) -> None:
    path = tmp_path / "not" / "yet" / "there.sqlite3"
    led = open_ledger(path, user="会计", create=True)
    led.close()
    assert path.exists()
