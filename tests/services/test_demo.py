"""The demo village as the source articles report it, and its year-end close."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopledger.services import books, printing, vouchers
from coopledger.services import distribution as dist
from coopledger.services.accounts import find_organisation
from coopledger.services.demo import COLLECTIVE, COOPERATIVE
from coopledger.services.ledger import open_ledger, verify


def test_su_zibai_three_incomes(demo_db: Path) -> None:
    led = open_ledger(demo_db, user="审计", readonly=True)
    try:
        org = find_organisation(led, COOPERATIVE).id
        slip = next(s for s in dist.slips(led, org, 2014) if s.member_name == "苏子柏")
        assert (slip.group, slip.land_fee, slip.dividend) == ("岩子脚小组", 1600_00, 230_00)
        assert dist.wages_by_member(led, org, 2014)[slip.member_code] > 10_000_00
        r = dist.preview_distribution(led, org, 2014).result
        assert r.land_fees == 804_800_00  # 1006 mu × 800 yuan
        assert r.welfare == (r.distributable - r.land_fees + 5) // 10  # 10%, rounded half up
        assert verify(led).ok
    finally:
        led.close()


def test_collective_book_records_its_dividend(demo_db: Path) -> None:
    led = open_ledger(demo_db, user="审计", readonly=True)
    try:
        coop = find_organisation(led, COOPERATIVE).id
        village = find_organisation(led, COLLECTIVE).id
        owed = next(s for s in dist.slips(led, coop, 2014) if s.member_code == "C001").dividend
        assert books.account_balance(led, village, "112", dt.date(2014, 12, 31)) == owed
        rows = {
            r.code: r
            for r in books.trial_balance(led, village, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
        }
        assert rows["50101"].credit == 16_000_00  # 20 ovens let
        assert rows["50201"].credit == 17_000_00  # food company
        assert rows["14101"].closing == 180_000_00
    finally:
        led.close()


@pytest.mark.parametrize("name", [COOPERATIVE, COLLECTIVE])
def test_year_end_close_zeroes_income_and_balance_sheet_balances(
    demo_copy: Path, name: str
) -> None:
    led = open_ledger(demo_copy, user="会计")
    try:
        org = find_organisation(led, name).id
        vouchers.close_year(led, org, 2014)
        rows = {
            r.code: r
            for r in books.trial_balance(led, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
        }
        assert rows["321"].closing == 0
        for r in rows.values():
            if r.kind in ("revenue", "expense"):
                assert r.closing == 0, r
        assert "32201" not in rows or rows["32201"].closing == 0
        sheet = printing.balance_sheet(led, org, 2014)
        assets = next(ln for ln in sheet.lines if ln.name == "资产总计").amounts
        both = next(ln for ln in sheet.right_lines if ln.name == "负债和所有者权益总计").amounts
        assert assets == both
        # 未分配收益 holds what the distribution left: nothing, as the whole year was shared out.
        d = dist.preview_distribution(led, org, 2014).result
        assert -rows["32202"].closing == d.undistributed - d.loss_carried
        assert verify(led).ok
    finally:
        led.close()
