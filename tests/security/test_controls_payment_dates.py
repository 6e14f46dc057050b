"""Attack: the cashier records a payment dated 2099-01-01, and the public-notice period is
checked against that typed date; or dates it in a closed month.

Now a payment is dated no later than today and inside an open month."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.services import distribution as dist
from coopledger.services import vouchers
from tests.security.controls_office import as_user, run, staff

# The attacks read the file as SQLite does (the controls are the same on a server, where
# tests/services covers them).
pytestmark = pytest.mark.sqlite_only


def _ready(path: Path) -> int:
    org = staff(path)
    with as_user(path, "shenhe") as rev:
        dist.approve_plan(rev, org, 2014)
    with as_user(path, "kuaiji") as acc:
        dist.commit_distribution(acc, org, 2014)
    return org


def _payments(path: Path) -> int:
    con = sqlite3.connect(path)
    (n,) = con.execute("SELECT count(*) FROM voucher WHERE source = 'payment'").fetchone()
    con.close()
    return int(n)


def test_a_payment_cannot_be_dated_after_today(ledger_path: Path) -> None:
    org = _ready(ledger_path)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with as_user(ledger_path, "chuna") as cashier:
        for day in (dt.date(2099, 1, 1), tomorrow):
            with pytest.raises(DomainError, match="after today"):
                dist.pay_slip(cashier, org, 2014, "H0001", on=day)
        assert _payments(ledger_path) == 0
        # Before the notice period ends is refused as before; today is fine.
        with pytest.raises(DomainError, match="public notice"):
            dist.pay_slip(cashier, org, 2014, "H0001", on=dt.date(2014, 12, 23))
        dist.pay_slip(cashier, org, 2014, "H0001")
    assert _payments(ledger_path) == 1


def test_a_payment_cannot_be_dated_in_a_closed_month(ledger_path: Path) -> None:
    org = _ready(ledger_path)
    with as_user(ledger_path, "kuaiji") as acc:
        vouchers.close_year(acc, org, 2014)
    with as_user(ledger_path, "chuna") as cashier:
        with pytest.raises(DomainError, match="is closed"):
            dist.pay_slip(cashier, org, 2014, "H0001", on=dt.date(2014, 12, 28))
    assert _payments(ledger_path) == 0


def test_the_command_line_refuses_a_future_date_in_one_line(ledger_path: Path) -> None:
    _ready(ledger_path)
    out = run(
        "--db", str(ledger_path), "--user", "chuna", "pay", "--year", "2014",
        "--member", "H0001", "--date", "2099-01-01", pw="chuna-pw",
    )  # fmt: skip
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "after today" in out.stderr
    assert _payments(ledger_path) == 0
