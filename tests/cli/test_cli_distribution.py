"""The installed command on distribution version 2: plan set / plan show, the refusals that
name the field and write nothing, the member statement's closing, payment against the
ledger, the member account."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

BIN = Path(sys.executable).with_name("coopledger")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300)


def dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    lines = list(con.iterdump())
    con.close()
    return lines


@pytest.fixture
def coop(tmp_path: Path) -> Path:
    db = tmp_path / "coop.sqlite3"
    assert (
        run("--db", str(db), "import-book", str(EXAMPLES / "cooperative.book.json")).returncode == 0
    )
    return db


def test_plan_set_changes_only_what_is_given_and_show_prints_the_book_shape(coop: Path) -> None:
    db = str(coop)
    out = run(
        "--db", db, "plan", "set", "--year", "2015", "--vote", "应到5人，实到5人，赞成5票",
        "--objection-phone", "0875-8123456",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    shown = json.loads(run("--db", db, "plan", "show", "--year", "2015", "--json").stdout)
    assert shown["transaction_rate"] == "0.7" and shown["transaction_basis"] == "table"
    assert shown["transactions"] == {"H0001": "3200.00", "H0002": "5120.50", "H0004": "960.00"}
    assert shown["vote"] == "应到5人，实到5人，赞成5票"
    text = run("--db", db, "plan", "show", "--year", "2015").stdout
    assert "0875-8123456" in text and "按成员交易额表" in text
    # a new year from the command line: a table given means the table basis
    out = run(
        "--db", db, "plan", "set", "--year", "2016", "--reserve-rate", "0.1",
        "--transaction", "H0001=100", "--transaction", "H0003=250.50",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    shown = json.loads(run("--db", db, "plan", "show", "--year", "2016", "--json").stdout)
    assert shown["transaction_basis"] == "table"
    assert shown["transactions"] == {"H0001": "100.00", "H0003": "250.50"}
    assert shown["dividend_method"] == "per-share" and shown["transaction_rate"] == "0.6"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--welfare-rate", "0.05"), "plan.welfare_rate"),
        (("--transaction-rate", "0.55"), "plan.transaction_rate"),
        (("--transaction-rate", "0.61234"), "--transaction-rate"),
        (("--transaction", "H0099=10"), "plan.transactions.H0099"),
        (("--transaction", "H0001=-10"), "--transaction[H0001]"),
        (("--transaction", "H0001"), "--transaction[0]"),
        # read by the plan's field table as the option is read: the option is named
        (("--dividend-method", "per-shares"), "--dividend-method"),
        (("--transaction-basis", "sales"), "--transaction-basis"),
        (("--notes", "a\u202ereversed"), "--notes"),
        (("--vote", "x" * 201), "--vote"),
    ],
)
def test_bad_cooperative_plans_are_refused_whole(
    coop: Path, args: tuple[str, ...], field: str
) -> None:
    before = dump(coop)
    out = run("--db", str(coop), "plan", "set", "--year", "2016", *args)
    assert out.returncode == 2
    assert out.stderr.startswith(f"coopledger: {field}:"), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert dump(coop) == before


def test_transaction_fields_on_a_village_book_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "v.sqlite3"
    assert run("--db", str(db), "import-book", str(EXAMPLES / "mini.book.json")).returncode == 0
    before = dump(db)
    out = run("--db", str(db), "plan", "set", "--year", "2015", "--transaction-rate", "0.6")
    assert out.returncode == 2 and "plan.transaction_rate" in out.stderr
    assert "cooperative-2021" in out.stderr or "农民专业合作社" in out.stderr
    assert dump(db) == before


def test_statement_closes_at_what_is_owed_then_at_zero(coop: Path) -> None:
    db = str(coop)
    assert run("--db", db, "distribute", "--year", "2014", "--commit").returncode == 0
    ms = json.loads(run("--db", db, "member-statement", "H0001", "--json").stdout)
    assert (ms["closing"], ms["closing_side"]) == ("5468.21", "贷")  # 1600 + 3685.15 + 183.06
    assert ms["accounts"] == ["114", "222", "221", "211"]
    assert all(r["account"] in ms["accounts"] for r in ms["rows"] if "information" not in r)
    paid = run("--db", db, "pay", "--year", "2014", "--member", "H0001", "--date", "2015-01-05")
    assert paid.returncode == 0, paid.stderr
    ms = json.loads(run("--db", db, "member-statement", "H0001", "--json").stdout)
    assert (ms["closing"], ms["closing_side"]) == ("0.00", "平")
    account = json.loads(run("--db", db, "member-account", "H0001", "--json").stdout)
    assert account["closing"]["returns"] == "3685.15"
    assert account["closing"]["transactions"] == "1600.00"
    assert run("--db", db, "verify").returncode == 0


def test_payment_refused_against_a_changed_slip(coop: Path) -> None:
    db = str(coop)
    assert run("--db", db, "distribute", "--year", "2014", "--commit").returncode == 0
    con = sqlite3.connect(coop)
    con.execute(
        "UPDATE distribution_item SET transaction_return_fen = transaction_return_fen + 1"
        " WHERE member_id = (SELECT id FROM member WHERE code = 'H0002')"
    )
    con.commit()
    con.close()
    out = run("--db", db, "pay", "--year", "2014", "--member", "H0002", "--date", "2015-01-05")
    assert out.returncode == 2 and "verify" in out.stderr
