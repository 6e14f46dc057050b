"""The installed command end to end: init, verify, errors."""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

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


def _top_level(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_the_lazy_registry_names_every_command() -> None:
    """``commands.COMMANDS`` must name every command a module registers (a missing row still
    works, through the slow path that registers every module, but is no longer lazy)."""
    from coopledger.cli import build_parser, commands

    everything = _top_level(build_parser(""))
    assert everything == set(commands.COMMANDS)
    for name, module in commands.COMMANDS.items():
        assert name in _top_level(build_parser(name)), (name, module)


@pytest.mark.parametrize(
    ("argv", "found"),
    [
        ([], None),
        (["--version"], None),
        (["--db", "x.sqlite3", "--lang", "en"], None),
        (["--db", "verify", "verify"], "verify"),
        (["--org=trial-balance", "--readonly", "trial-balance", "--json"], "trial-balance"),
        (["--us", "alice", "voucher", "list"], "voucher"),
        (["--help"], ""),
        (["-h", "verify"], ""),
        (["--db"], ""),
        (["no-such-command"], "no-such-command"),
    ],
)
def test_the_command_is_found_before_parsing(argv: list[str], found: str | None) -> None:
    from coopledger.cli import command_named

    assert command_named(argv) == found


def _last_line_of(code: str) -> str:
    """The last line ``code`` prints, run in a fresh interpreter (which must succeed)."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def test_version_imports_no_command_and_no_database_library() -> None:
    code = (
        "import sys\n"
        "from coopledger.main import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'alembic', 'reportlab', 'openpyxl', 'PySide6', 'argon2')"
        " or m.startswith('coopledger.cli.cmd_') or m.startswith('coopledger.services')]\n"
        "print(heavy)\n"
    )
    assert _last_line_of(code) == "[]"


def test_a_read_only_book_loads_neither_the_orm_nor_babel(tmp_path: Path) -> None:
    """``trial-balance --json`` (issue 12's start-up figure) runs on Core tables: the models
    (SQLModel, the ORM), babel and the voucher list are loaded by the commands that use them."""
    db = tmp_path / "l.sqlite3"
    book = Path(__file__).parents[2] / "resources" / "demo" / "lotus-cooperative.book.json"
    assert run("--db", str(db), "import-book", str(book)).returncode == 0
    code = (
        "import contextlib, io, sys\n"
        "from coopledger.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    rc = main(['--db', {str(db)!r}, 'trial-balance', '--from', '2014-01-01',"
        " '--to', '2030-12-31', '--json'])\n"
        'assert rc == 0 and \'"code": "101"\' in out.getvalue(), (rc, out.getvalue())\n'
        # a module named by ``lazy_module`` sits in sys.modules unloaded until first used
        "from importlib.util import _LazyModule\n"
        "loaded = [m for m, mod in sys.modules.items() if not isinstance(mod, _LazyModule)]\n"
        "heavy = sorted(m for m in loaded if m.split('.')[0] in "
        "('sqlmodel', 'alembic', 'babel', 'platformdirs', 'reportlab', 'PySide6', 'argon2')"
        " or m.startswith('sqlalchemy.orm') or m in ('coopledger.store.models',"
        " 'coopledger.services.views', 'coopledger.store.lists', 'coopledger.domain.records'))\n"
        "print(heavy)\n"
    )
    assert _last_line_of(code) == "[]"
