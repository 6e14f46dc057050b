"""Attack: papers signed "root" (the login the program ran under) or with login names, or
with a reviewer typed into a setting who never reviewed anything.

Now the slips, the notice, the vouchers and the statements print the display names of the
people who did each act (制单 / 审核 / 记账 / 出纳), and 单机模式 when the ledger has no users."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from coopledger.services import bookfile, printing
from coopledger.services import distribution as dist
from coopledger.services.ledger import open_ledger
from coopledger.services.signatures import SINGLE_USER
from tests.reports.pdfcheck import all_text
from tests.security.controls_office import MINI, PEOPLE, as_user, staff

# The attacks read the file as SQLite does (the controls are the same on a server, where
# tests/services covers them).
pytestmark = pytest.mark.sqlite_only

LOGINS = ("kuaiji", "shenhe", "chuna", "jiandu", "guanli", "setup", "root")


def _no_logins(text: str) -> None:
    for login in LOGINS:
        assert login not in text, login


def test_papers_name_the_people_who_did_each_act(ledger_path: Path, tmp_path: Path) -> None:
    org = staff(ledger_path)
    with as_user(ledger_path, "shenhe") as rev:
        dist.approve_plan(rev, org, 2014)
    with as_user(ledger_path, "kuaiji") as acc:
        dist.commit_distribution(acc, org, 2014)
    with as_user(ledger_path, "chuna") as cashier:
        pay = dist.pay_slip(cashier, org, 2014, "H0001", on=dt.date(2014, 12, 28))
        slips = all_text(
            printing.print_slips(cashier, org, 2014, tmp_path / "slips.pdf", member="H0001")
        )
        notice = all_text(printing.print_notice(cashier, org, 2014, tmp_path / "notice.pdf"))
        voucher = all_text(printing.print_voucher(cashier, org, [pay], tmp_path / "pay.pdf"))
    with as_user(ledger_path, "jiandu") as sup:
        statements = all_text(printing.print_statements(sup, org, 2014, tmp_path / "st.pdf"))
        con = sqlite3.connect(ledger_path)
        (fee_voucher,) = con.execute(
            "SELECT id FROM voucher WHERE memo LIKE '2014年土地流转费%'"
        ).fetchone()
        con.close()
        dist_voucher = all_text(printing.print_voucher(sup, org, [fee_voucher], tmp_path / "d.pdf"))
    accountant, reviewer, cashier_name = (PEOPLE[p][1] for p in ("kuaiji", "shenhe", "chuna"))
    # The slip: prepared by who committed, reviewed by who approved the plan, paid by the cashier.
    assert f"制单{accountant}审核{reviewer}出纳{cashier_name}" in slips
    assert accountant in notice and reviewer in notice
    assert "出纳：" + cashier_name in voucher and "制单：" + cashier_name in voucher
    assert "制单：" + accountant in dist_voucher and "审核：" + reviewer in dist_voucher
    assert PEOPLE["jiandu"][1] in statements  # who printed the statements made them
    for text in (slips, notice, voucher, dist_voucher, statements):
        _no_logins(text)
        assert SINGLE_USER not in text


def test_a_ledger_without_users_prints_single_user_mode(tmp_path: Path) -> None:
    path = tmp_path / "alone.sqlite3"
    led = open_ledger(path, user="root", create=True)
    try:
        org = bookfile.import_book(led, json.loads(MINI.read_text(encoding="utf-8")))
        dist.commit_distribution(led, org, 2014)  # nobody else to approve: single-user mode
        slips = all_text(printing.print_slips(led, org, 2014, tmp_path / "s.pdf"))
        notice = all_text(printing.print_notice(led, org, 2014, tmp_path / "n.pdf"))
        statements = all_text(printing.print_statements(led, org, 2014, tmp_path / "st.pdf"))
    finally:
        led.close()
    for text in (slips, notice, statements):
        assert SINGLE_USER in text
        assert "root" not in text
