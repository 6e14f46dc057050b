"""Attack: find out who has an account by trying names — only real accounts used to get
"locked until …".

Now every refusal reads the same: no such user, a disabled user, a wrong password, a user
who must wait after wrong passwords (even with the right password then)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopledger.domain import roles
from coopledger.domain.roles import AuthenticationError
from coopledger.store.engine import make_engine
from coopledger.store.users import check_login
from tests.security.controls_office import run, staff


def _message(engine: object, name: str, password: str, now: dt.datetime) -> str:
    with pytest.raises(AuthenticationError) as refused:
        check_login(engine, name, password, now=now)  # type: ignore[arg-type]
    return str(refused.value)


def test_every_refusal_reads_the_same(ledger_path: Path) -> None:
    staff(ledger_path)
    engine = make_engine(ledger_path)
    t0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    unknown = _message(engine, "nobody", "x", t0)
    wrong = _message(engine, "kuaiji", "wrong", t0)
    for _ in range(roles.FREE_FAILURES + 3):  # the unknown name never waits, nor says so
        assert _message(engine, "nobody", "x", t0) == unknown
    for _ in range(roles.FREE_FAILURES):
        _message(engine, "kuaiji", "wrong", t0)
    held_right = _message(engine, "kuaiji", "kuaiji-pw", t0)  # the right password, held
    held_wrong = _message(engine, "kuaiji", "wrong", t0)
    engine.dispose()
    assert unknown == wrong == held_right == held_wrong
    assert "locked" not in unknown and "kuaiji" not in unknown


def test_the_command_line_says_the_same_for_a_name_that_does_not_exist(ledger_path: Path) -> None:
    staff(ledger_path)
    db = str(ledger_path)
    answers = set()
    for name, password in (("nobody", "x"), ("kuaiji", "wrong"), ("guanli", "wrong")):
        for _ in range(roles.FREE_FAILURES + 2):
            out = run("--db", db, "--user", name, "org", "list", pw=password)
            assert out.returncode == 2
            answers.add(out.stderr.replace(name, "NAME"))
    assert len(answers) == 1, answers
