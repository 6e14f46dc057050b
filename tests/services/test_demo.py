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
        assert (slip.group, slip.land_fee) == ("岩子脚小组", 1600_00)
        # The seed's 分红 of 230.00 is, on the cooperative's books, the return by his
        # transactions (his land fee) and the dividend on his land shares together.
        assert slip.transaction_return + slip.dividend == 230_00
        assert slip.transaction_return > 0 and slip.dividend > 0
        assert dist.wages_by_member(led, org, 2014)[slip.member_code] == 10_800_00
        r = dist.preview_distribution(led, org, 2014).result
        assert r.land_fees == 804_800_00  # 1006 mu × 800 yuan
        assert r.welfare == 0  # a cooperative keeps no welfare fund
        assert r.reserve == (r.distributable - r.land_fees + 5) // 10  # 10% 盈余公积
        assert r.return_pool == (6 * (r.available - r.reserve) + 5) // 10  # 60% by transactions
        # His statement: owed 1,830.00 (贷) after the distribution; wages as information.
        ms = books.member_statement(led, org, slip.member_code)
        assert ms.closing == -1830_00
        assert sum(r.debit for r in ms.rows if r.information) == 10_800_00
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
        income = "331" if name == COOPERATIVE else "321"  # 本年盈余 / 本年收益
        undistributed = "33202" if name == COOPERATIVE else "32202"
        items = "33201" if name == COOPERATIVE else "32201"
        assert rows[income].closing == 0
        for r in rows.values():
            if r.kind in ("revenue", "expense"):
                assert r.closing == 0, r
        assert items not in rows or rows[items].closing == 0
        sheet = printing.balance_sheet(led, org, 2014)
        assets = next(ln for ln in sheet.lines if ln.name == "资产总计").amounts
        both = next(ln for ln in sheet.right_lines if ln.name == "负债和所有者权益总计").amounts
        assert assets == both
        # 未分配收益 holds what the distribution left: the few fen of the per-share splits.
        d = dist.preview_distribution(led, org, 2014).result
        assert -rows[undistributed].closing == d.undistributed - d.loss_carried
        assert verify(led).ok
    finally:
        led.close()


def test_the_collectives_assets_are_on_the_register_and_depreciate(demo_db: Path) -> None:
    from coopledger.domain.vocabulary import PeriodKind
    from coopledger.services import assets, disclosure

    led = open_ledger(demo_db, user="审计", readonly=True)
    try:
        village = find_organisation(led, COLLECTIVE).id
        end = dt.date(2014, 12, 31)
        rows = {r.code: r for r in books.trial_balance(led, village, dt.date(2014, 1, 1), end)}
        # 20 ovens of 12,000.00 over 20 years at 4 %: 48.00 a month each, all year, charged
        # to the rent's cost; the project-fund building from May, 1,200.00 a month.
        assert rows["51102"].debit == 20 * 12 * 48_00
        assert rows["51302"].debit == 8 * 1_200_00
        assert rows["152"].credit == 20 * 12 * 48_00 + 8 * 1_200_00
        register = assets.asset_register(led, village, end)
        assert sum(r.value_fen for r in register) == 240_000_00 + 300_000_00 + 680_000_00
        assert all(r.difference == 0 for r in assets.reconcile_assets(led, village, end))
        assert [r.month for r in assets.depreciation_runs(led, village)] == list(range(12, 0, -1))
        q4 = disclosure.period_statuses(led, village, PeriodKind.QUARTER, 2014, check=True)[3]
        assert q4.latest is not None and q4.unchanged is True
        assert q4.latest.published_on == dt.date(2015, 1, 6)
        assert verify(led).ok
    finally:
        led.close()
