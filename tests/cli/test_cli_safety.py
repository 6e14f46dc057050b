"""The installed command: users and passwords, --readonly beside a writer, backup, restore,
audit."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from coopledger import i18n
from coopledger.cli import main
from tests.support import child_env

BIN = Path(sys.executable).with_name("coopledger")


def run(
    *args: str, password: str | None = None, new: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command in its own process."""
    env = child_env()
    if password is not None:
        env["COOPLEDGER_PASSWORD"] = password
    if new is not None:
        env["COOPLEDGER_NEW_PASSWORD"] = new
    return subprocess.run(
        [str(BIN), "--lang", "en", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        input="",
    )


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """The same command line in this process (the start-up of a new one costs a second)."""

    def call(*args: str, password: str | None = None, new: str | None = None) -> Result:
        with monkeypatch.context() as m:
            m.delenv("COOPLEDGER_PASSWORD", raising=False)
            m.delenv("COOPLEDGER_NEW_PASSWORD", raising=False)
            if password is not None:
                m.setenv("COOPLEDGER_PASSWORD", password)
            if new is not None:
                m.setenv("COOPLEDGER_NEW_PASSWORD", new)
            m.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: never prompt
            lang = i18n.current_language()
            try:
                code = main(["--lang", "en", *args])
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
            finally:
                i18n.set_language(lang)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def db(tmp_path: Path, cli: Callable[..., Result]) -> Path:
    path = tmp_path / "l.sqlite3"
    assert cli("--db", str(path), "init").returncode == 0
    return path


def test_users_from_the_command_line(cli: Callable[..., Result], db: Path) -> None:
    d = ("--db", str(db))
    out = cli(*d, "user", "add", "kuaiji", "--role", "accountant", password="x")
    assert out.returncode == 2 and "administrator" in out.stderr
    out = cli(*d, "user", "add", "admin", "--role", "admin", password="admin-secret")
    assert out.returncode == 0, out.stderr
    # From now on the ledger asks who is working.
    out = cli(*d, "audit")
    assert out.returncode == 2 and "--user" in out.stderr
    out = cli(*d, "--user", "admin", "audit")
    assert out.returncode == 2 and "Password needed" in out.stderr
    out = cli(*d, "--user", "admin", "audit", password="wrong-one")
    assert out.returncode == 2 and "Wrong user name or password" in out.stderr
    out = cli(*d, "--user", "nobody", "audit", password="wrong-one")
    assert out.returncode == 2 and "Wrong user name or password" in out.stderr
    admin = (*d, "--user", "admin")
    out = cli(
        *admin,
        "user",
        "add",
        "kuaiji",
        "--role",
        "accountant",
        "--display-name",
        "苏会计",
        password="admin-secret",
        new="kuaiji-pw",
    )
    assert out.returncode == 0, out.stderr
    out = cli(*admin, "user", "add", "chuna", "--role", "cashier", password="admin-secret")
    assert out.returncode == 2 and "COOPLEDGER_NEW_PASSWORD" in out.stderr  # no prompt here
    out = cli(*admin, "user", "list", "--json", password="admin-secret")
    users = {u["username"]: u for u in json.loads(out.stdout)}
    assert users["kuaiji"]["role"] == "accountant" and users["kuaiji"]["display_name"] == "苏会计"
    # An accountant may not manage users.
    out = cli(*d, "--user", "kuaiji", "user", "role", "kuaiji", "admin", password="kuaiji-pw")
    assert out.returncode == 2 and "not allowed to manage users" in out.stderr
    assert (
        cli(*admin, "user", "role", "kuaiji", "reviewer", password="admin-secret").returncode == 0
    )
    out = cli(*admin, "user", "passwd", "kuaiji", password="admin-secret", new="kuaiji-new")
    assert out.returncode == 0, out.stderr
    out = cli(*d, "--user", "kuaiji", "audit", "--json", password="kuaiji-new")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    # (the unit of work's own "record app_user" entries come between: see store/tracked.py)
    acts = [e["action"] for e in entries if not e["action"].startswith("record ")]
    assert acts[-3:] == ["add user", "change role", "reset password"]
    assert "argon2" not in out.stdout
    assert cli(*admin, "user", "disable", "kuaiji", password="admin-secret").returncode == 0
    out = cli(*d, "--user", "kuaiji", "audit", password="kuaiji-new")
    assert out.returncode == 2 and "Wrong user name or password" in out.stderr


def test_audit_listing_and_filters(cli: Callable[..., Result], db: Path) -> None:
    out = cli("--db", str(db), "audit")
    assert out.returncode == 0, out.stderr
    # the act by its name in the language of the run (the JSON keeps the code)
    assert "Ledger created" in out.stdout and "1 entries" in out.stdout
    out = cli("--db", str(db), "audit", "--from", "2000-01-01", "--to", "2000-12-31", "--json")
    assert json.loads(out.stdout) == []
    out = cli("--db", str(db), "audit", "--user", "nobody-at-all", "--json")
    assert json.loads(out.stdout) == []
    full = json.loads(cli("--db", str(db), "audit", "--json").stdout)[0]
    assert {"id", "at", "user", "action", "entity", "entity_id", "before", "after"} <= set(full)
    assert cli("--db", str(db), "audit", "--from", "yesterday").returncode == 2


_HOLDER = textwrap.dedent(
    """
    import sys
    from coopledger.services.ledger import open_ledger
    led = open_ledger(sys.argv[1], user="张审核")
    print("ready", flush=True)
    sys.stdin.read()
    led.close()
    """
)


def test_second_writer_is_told_who_and_may_read(
    cli: Callable[..., Result], db: Path, tmp_path: Path
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        # End to end, through the installed command in a third process.
        out = run("--db", str(db), "backup", "--out", str(tmp_path / "b.sqlite3"))
        assert out.returncode == 2
        assert "open for writing by 张审核" in out.stderr and "--readonly" in out.stderr
        assert "Traceback" not in out.stderr
        out2 = cli("--db", str(db), "--readonly", "backup", "--out", str(tmp_path / "b.sqlite3"))
        assert out2.returncode == 0, out2.stderr
        assert "not recorded in the audit log" in out2.stdout
        assert cli("--db", str(db), "--readonly", "verify").returncode == 0
    finally:
        holder.communicate("")
    assert cli("--db", str(db), "backup", "--out", str(tmp_path / "c.sqlite3")).returncode == 0


def test_backup_and_restore(cli: Callable[..., Result], db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "usb" / "b.sqlite3"
    out = cli("--db", str(db), "backup", "--out", str(backup))
    assert out.returncode == 0, out.stderr
    assert backup.exists() and backup.with_name("b.sqlite3.json").exists()
    # Not on a terminal and no --yes: refuse rather than replace silently.
    out = cli("--db", str(db), "restore", str(backup))
    assert out.returncode == 2 and "--yes" in out.stderr
    out = cli("--db", str(db), "restore", str(backup), "--yes")
    assert out.returncode == 0, out.stderr  # nothing was written since but the backup's record
    assert "kept as" in out.stdout
    assert list(tmp_path.glob("l.sqlite3.replaced-*.sqlite3"))
    assert cli("--db", str(db), "verify").returncode == 0
    # A tampered backup is refused with its reason, and nothing is replaced.
    with sqlite3.connect(backup) as con:
        con.execute("UPDATE audit_log SET user = 'mallory'")
    out = cli("--db", str(db), "restore", str(backup), "--yes")
    assert out.returncode == 2 and "Checksum mismatch" in out.stderr
    # Onto a new computer (no ledger yet) it needs no --user.
    fresh = tmp_path / "new" / "l.sqlite3"
    ok = tmp_path / "ok.sqlite3"
    assert cli("--db", str(db), "backup", "--out", str(ok)).returncode == 0
    out = cli("--db", str(fresh), "restore", str(ok), "--yes")
    assert out.returncode == 0, out.stderr
    assert cli("--db", str(fresh), "verify").returncode == 0


def _hash_parameters(db: Path, username: str) -> tuple[int, int, int]:
    from argon2 import extract_parameters

    con = sqlite3.connect(db)
    try:
        (hashed,) = con.execute(
            "SELECT password_hash FROM app_user WHERE username = ?", (username,)
        ).fetchone()
    finally:
        con.close()
    p = extract_parameters(hashed)
    return (p.time_cost, p.memory_cost, p.parallelism)


def test_no_user_setting_weakens_the_password_hash(tmp_path: Path) -> None:
    """The cheap hash is for tests only: the old COOPLEDGER_FAST_HASH switch (or anything a user
    sets) leaves the real argon2id parameters; only the tests' own plugin changes them."""
    from coopledger.store.users import _default_hasher
    from tests.support.fasthash.coopledger_fasthash import fast_hasher

    real = _default_hasher()
    cheap = fast_hasher()
    assert (real.time_cost, real.memory_cost) > (cheap.time_cost, cheap.memory_cost)
    for fast_hash, user, want in (
        (False, "admin", (real.time_cost, real.memory_cost, real.parallelism)),
        (True, "other", (cheap.time_cost, cheap.memory_cost, cheap.parallelism)),
    ):
        db = tmp_path / f"{user}.sqlite3"
        env = child_env(
            fast_hash=fast_hash, COOPLEDGER_FAST_HASH="1", COOPLEDGER_PASSWORD="pw-12345"
        )
        for args in (("init",), ("user", "add", user, "--role", "admin")):
            out = subprocess.run(
                [str(BIN), "--db", str(db), *args],
                capture_output=True,
                text=True,
                timeout=120,
                input="",
                env=env,
            )
            assert out.returncode == 0, out.stderr
        assert _hash_parameters(db, user) == want, (fast_hash, user)
