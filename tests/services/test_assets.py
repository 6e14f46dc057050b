"""The fixed-asset register: cards, the monthly depreciation run through the normal posting
path, the changes with their vouchers, the register against the ledger, imports from a
spreadsheet, and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coopledger.domain.assets import AssetRecord
from coopledger.domain.errors import DomainError
from coopledger.domain.vocabulary import AssetCategory, AssetStatus, DepreciationMethod
from coopledger.services import assets, books, vouchers
from coopledger.services.ledger import Ledger, verify
from coopledger.store import tables
from tests.services.bookmaker import cr, dr, make_book, v

ACCOUNTS = [
    {"code": "15101", "name": "固定资产—烤烟房", "kind": "asset"},
    {"code": "15102", "name": "固定资产—冷库", "kind": "asset"},
    {"code": "14101", "name": "长期投资—食品公司", "kind": "asset"},
    {"code": "51101", "name": "经营支出—出租成本", "kind": "expense"},
]

OVEN = AssetRecord(
    "GD-001",
    "烤烟房",
    AssetCategory.BUILDINGS,
    dt.date(2013, 12, 20),
    12_000_00,
    life_months=120,
    residual_rate_e4=500,
    asset_account="15101",
    expense_account="51101",
    location="岩子脚小组",
    quantity=1,
    unit="座",
)


def _book(ledger: Ledger) -> int:
    return make_book(
        ledger,
        [
            v(
                "2014-01-02",
                "集体资产期初",
                dr("102", "500000.00"),
                dr("15101", "24000.00"),
                dr("15102", "100000.00"),
                dr("14101", "180000.00"),
                cr("301", "804000.00"),
            )
        ],
        accounts=ACCOUNTS,
    )


def _oven(n: int) -> AssetRecord:
    return replace(OVEN, code=f"GD-{n:03d}")


def _rows(ledger: Ledger, table: object) -> int:
    with ledger.connect() as c:
        return int(c.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _balance(ledger: Ledger, org: int, code: str, on: dt.date) -> int:
    return books.account_balance(ledger, org, code, on)


def test_a_month_posts_one_voucher_through_the_normal_path(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.add_asset(ledger, org, _oven(2))
    assets.add_asset(
        ledger,
        org,
        AssetRecord(
            "GD-010",
            "冷库",
            AssetCategory.BUILDINGS,
            dt.date(2013, 12, 28),
            100_000_00,
            source="project_fund",  # type: ignore[arg-type]
            life_months=240,
            residual_rate_e4=400,
            asset_account="15102",
            poverty_relief=True,
        ),
    )
    assert assets.next_depreciation_month(ledger, org) == (2014, 1)
    run = assets.run_depreciation(ledger, org, 2014, 1)
    # 12,000 × 95 % / 120 = 95.00 per oven; 100,000 × 96 % / 240 = 400.00 for the store.
    assert run.total_fen == 2 * 95_00 + 400_00
    assert run.cards == 3
    assert run.voucher_label == "记字第0002号"  # after the opening entry of January
    with ledger.connect() as c:
        lines = c.execute(
            select(
                tables.account.c.code,
                tables.voucher_line.c.debit_fen,
                tables.voucher_line.c.credit_fen,
            )
            .select_from(
                tables.voucher_line.join(
                    tables.account, tables.account.c.id == tables.voucher_line.c.account_id
                )
            )
            .where(tables.voucher_line.c.voucher_id == run.voucher_id)
            .order_by(tables.voucher_line.c.line_no)
        ).all()
        voucher = c.execute(
            select(tables.voucher).where(tables.voucher.c.id == run.voucher_id)
        ).one()
    assert [tuple(x) for x in lines] == [
        ("51101", 190_00, 0),  # the ovens' rent is their cost
        ("513", 400_00, 0),  # 管理费用 when the card names no account
        ("152", 0, 590_00),
    ]
    assert (voucher.date, voucher.state, voucher.source) == (
        dt.date(2014, 1, 31),
        "posted",
        "depreciation",
    )
    assert voucher.memo == "计提2014年1月折旧"
    # period balances and the books see it
    assert _balance(ledger, org, "152", dt.date(2014, 1, 31)) == -590_00
    tb = {
        r.code: r
        for r in books.trial_balance(ledger, org, dt.date(2014, 1, 1), dt.date(2014, 1, 31))
    }
    assert tb["513"].debit == 400_00
    assert verify(ledger).ok


def test_not_in_the_month_of_acquisition_and_never_below_the_residual(ledger: Ledger) -> None:
    org = _book(ledger)
    # 100.00, 10 % residual, 3 months: 30.00 a month from April, then nothing.
    assets.add_asset(
        ledger,
        org,
        AssetRecord(
            "BG-001",
            "办公桌",
            AssetCategory.OFFICE,
            dt.date(2014, 3, 15),
            100_00,
            life_months=3,
            residual_rate_e4=1000,
            asset_account="15102",
        ),
    )
    charged = []
    for month in range(1, 9):
        charged.append(assets.run_depreciation(ledger, org, 2014, month).total_fen)
    assert charged == [0, 0, 0, 30_00, 30_00, 30_00, 0, 0]
    card = assets.asset_card(ledger, org, "BG-001")
    assert card.accumulated_fen == 90_00 and card.net_fen == 10_00  # the residual value
    # months with nothing due are recorded without a voucher
    with ledger.connect() as c:
        empty = c.execute(
            select(func.count())
            .select_from(tables.depreciation_run)
            .where(tables.depreciation_run.c.voucher_id.is_(None))
        ).scalar_one()
    assert empty == 5


def test_uneven_amounts_end_exactly_at_the_residual(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(
        ledger,
        org,
        AssetRecord(
            "JX-001",
            "抽水机",
            AssetCategory.MACHINERY,
            dt.date(2013, 12, 1),
            1_000_00,
            life_months=7,
            residual_rate_e4=0,
            asset_account="15102",
        ),
    )
    amounts = [assets.run_depreciation(ledger, org, 2014, m).total_fen for m in range(1, 10)]
    assert sum(amounts) == 1_000_00
    # What is left over the months left, half up: 1000/7 → 142.86, 857.14/6 → 142.86,
    # 714.28/5 → 142.86, 571.42/4 = 142.855 → 142.86, 428.56/3 → 142.85, 285.71/2 →
    # 142.86 (half up), and the last month what is left, 142.85.
    assert amounts[:7] == [142_86, 142_86, 142_86, 142_86, 142_85, 142_86, 142_85]
    assert amounts[7:] == [0, 0]


def test_refused_twice_out_of_order_and_in_a_closed_month(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.run_depreciation(ledger, org, 2014, 1)
    before = (_rows(ledger, tables.voucher), _rows(ledger, tables.audit_log))
    with pytest.raises(DomainError, match="already posted"):
        assets.run_depreciation(ledger, org, 2014, 1)
    with pytest.raises(DomainError, match="run the depreciation of 2014-02 first"):
        assets.run_depreciation(ledger, org, 2014, 3)
    assert (_rows(ledger, tables.voucher), _rows(ledger, tables.audit_log)) == before


def test_a_closed_month_is_not_run_and_a_late_card_starts_in_the_first_open_one(
    ledger: Ledger,
) -> None:
    org = _book(ledger)
    vouchers.close_period(ledger, org, 2014, 1)  # nothing depreciated then
    assets.add_asset(ledger, org, _oven(1))  # in service since December 2013
    assert assets.next_depreciation_month(ledger, org) == (2014, 2)
    before = (_rows(ledger, tables.voucher), _rows(ledger, tables.audit_log))
    with pytest.raises(DomainError, match="2014-01 is closed"):
        assets.run_depreciation(ledger, org, 2014, 1)
    with pytest.raises(DomainError, match="2014-01 is closed"):
        assets.preview_depreciation(ledger, org, 2014, 1)
    assert (_rows(ledger, tables.voucher), _rows(ledger, tables.audit_log)) == before
    # what January should have borne is spread over the months left
    assert assets.run_depreciation(ledger, org, 2014, 2).total_fen == 11_400_00 // 119 + 1


def test_a_depreciation_voucher_is_not_reversed_alone_but_with_its_run(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    run1 = assets.run_depreciation(ledger, org, 2014, 1)
    run2 = assets.run_depreciation(ledger, org, 2014, 2)
    assert run2.voucher_id is not None
    with pytest.raises(DomainError, match="reversed with its run"):
        vouchers.reverse_voucher(ledger, org, run2.voucher_id)
    with pytest.raises(DomainError, match="2014-02 first"):
        assets.reverse_depreciation(ledger, org, 2014, 1, "错")
    with pytest.raises(DomainError, match="say why"):
        assets.reverse_depreciation(ledger, org, 2014, 2, " ")
    red = assets.reverse_depreciation(ledger, org, 2014, 2, "使用月数录错")
    assert red is not None
    assert assets.asset_card(ledger, org, "GD-001").accumulated_fen == 95_00
    assert _balance(ledger, org, "152", dt.date(2014, 2, 28)) == -95_00
    again = assets.run_depreciation(ledger, org, 2014, 2)  # the month runs again
    assert again.total_fen == 95_00
    assert run1.voucher_id != again.voucher_id
    runs = assets.depreciation_runs(ledger, org)
    assert [(r.month, r.state) for r in runs] == [(2, "posted"), (2, "reversed"), (1, "posted")]
    assert verify(ledger).ok


def test_units_of_work(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(
        ledger,
        org,
        AssetRecord(
            "YS-001",
            "拖拉机",
            AssetCategory.VEHICLES,
            dt.date(2013, 12, 5),
            50_000_00,
            method=DepreciationMethod.UNITS_OF_WORK,
            total_work=1000,
            work_unit="小时",
            residual_rate_e4=0,
            asset_account="15102",
        ),
    )
    with pytest.raises(DomainError, match="YS-001") as err:
        assets.run_depreciation(ledger, org, 2014, 1)
    assert "0 when it stood idle" in str(err.value)
    with pytest.raises(DomainError, match="not a card depreciated by units"):
        assets.run_depreciation(ledger, org, 2014, 1, {"GD-001": 3})
    assert assets.run_depreciation(ledger, org, 2014, 1, {"YS-001": 30}).total_fen == 1_500_00
    assert assets.run_depreciation(ledger, org, 2014, 2, {"YS-001": 0}).total_fen == 0
    # the work left is 970 hours: working more than that takes all that is left
    assert assets.run_depreciation(ledger, org, 2014, 3, {"YS-001": 2000}).total_fen == 48_500_00
    card = assets.asset_card(ledger, org, "YS-001")
    assert card.net_fen == 0 and card.work_done == 2030


def test_bad_cards_are_refused_with_nothing_written(ledger: Ledger) -> None:
    org = _book(ledger)
    before = (_rows(ledger, tables.fixed_asset), _rows(ledger, tables.audit_log))
    cases = [
        (replace(OVEN, value_fen=-5_00), "asset.value"),
        (replace(OVEN, life_months=0), "asset.life_months"),
        (replace(OVEN, residual_rate_e4=10_000), "asset.residual_rate"),
        (replace(OVEN, opening_depreciation_fen=12_000_00), "asset.opening_depreciation"),
        (replace(OVEN, asset_account="15"), "asset.asset_account"),
        (replace(OVEN, asset_account="102"), "asset.asset_account"),
        (replace(OVEN, asset_account=None), "asset.asset_account"),  # 151 has sub-accounts
        (replace(OVEN, expense_account="501"), "asset.expense_account"),
        (
            replace(
                OVEN,
                category=AssetCategory.INVESTMENT,
                asset_account="14101",
                method=DepreciationMethod.STRAIGHT_LINE,
            ),
            "asset.method",
        ),
    ]
    for record, path in cases:
        with pytest.raises(DomainError) as err:
            assets.add_asset(ledger, org, record)
        assert err.value.path == path, (path, err.value)
    messages = []
    for record, _path in cases[:2]:
        with pytest.raises(DomainError) as err:
            assets.add_asset(ledger, org, record)
        messages.append(err.value.text())
    assert "must not be negative" in messages[0] or "greater than 0" in messages[0]
    assert "at least 1 month" in messages[1]
    assets.add_asset(ledger, org, OVEN)
    with pytest.raises(DomainError, match="already used"):
        assets.add_asset(ledger, org, OVEN)
    assert (_rows(ledger, tables.fixed_asset), _rows(ledger, tables.audit_log)) == (
        before[0] + 1,
        before[1] + 1,
    )


def test_disposal_through_the_clearing_account(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.add_asset(ledger, org, _oven(2))
    assets.run_depreciation(ledger, org, 2014, 1)
    with pytest.raises(DomainError, match="run the depreciation of 2014-02 first"):
        assets.dispose_asset(ledger, org, "GD-001", dt.date(2014, 2, 10), proceeds_fen=500_00)
    assets.run_depreciation(ledger, org, 2014, 2)
    assets.run_depreciation(ledger, org, 2014, 3)
    with pytest.raises(DomainError, match="depreciated after 2014-02-10"):
        assets.dispose_asset(ledger, org, "GD-001", dt.date(2014, 2, 10), proceeds_fen=500_00)
    # Sold for 11,000.00 with 200.00 of costs: net 12,000 − 285 = 11,715 → loss 915.00.
    vid = assets.dispose_asset(
        ledger,
        org,
        "GD-001",
        dt.date(2014, 3, 20),
        proceeds_fen=11_000_00,
        costs_fen=200_00,
        counter="101",
    )
    end = dt.date(2014, 3, 31)
    assert _balance(ledger, org, "154", end) == 0  # 固定资产清理 is cleared in the voucher
    assert _balance(ledger, org, "515", end) == 915_00  # 其他支出
    assert _balance(ledger, org, "15101", end) == 12_000_00  # one oven left
    assert _balance(ledger, org, "152", end) == -3 * 95_00
    card = assets.asset_card(ledger, org, "GD-001")
    assert card.status is AssetStatus.DISPOSED
    assert card.changes[0].result_fen == -915_00
    with pytest.raises(DomainError, match="no longer in use"):
        assets.dispose_asset(ledger, org, "GD-001", dt.date(2014, 3, 21))
    with pytest.raises(DomainError, match="the card goes with it"):
        vouchers.reverse_voucher(ledger, org, vid)
    # April charges only the oven left
    assert assets.run_depreciation(ledger, org, 2014, 4).total_fen == 95_00
    recon = assets.reconcile_assets(ledger, org, dt.date(2014, 4, 30))
    assert [r.difference for r in recon if r.code in ("15101", "152")] == [0, 0]
    assert verify(ledger).ok


def test_a_gain_on_disposal_and_an_investment_sold(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.add_asset(
        ledger,
        org,
        AssetRecord(
            "TZ-001",
            "食品公司股权",
            AssetCategory.INVESTMENT,
            dt.date(2014, 1, 10),
            180_000_00,
            asset_account="14101",
        ),
    )
    assets.run_depreciation(ledger, org, 2014, 1)
    assets.dispose_asset(ledger, org, "GD-001", dt.date(2014, 1, 31), proceeds_fen=12_500_00)
    end = dt.date(2014, 1, 31)
    assert _balance(ledger, org, "504", end) == -595_00  # 其他收入: 12,500 − 11,905
    assets.dispose_asset(ledger, org, "TZ-001", dt.date(2014, 1, 31), proceeds_fen=170_000_00)
    assert _balance(ledger, org, "502", end) == 10_000_00  # 投资收益, a loss of 10,000
    assert _balance(ledger, org, "14101", end) == 0


def test_a_loss_waits_for_its_write_off_and_is_listed_until_then(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    for m in (1, 2, 3):
        assets.run_depreciation(ledger, org, 2014, m)
    with pytest.raises(DomainError, match="say what happened"):
        assets.report_loss(ledger, org, "GD-001", dt.date(2014, 3, 5), "")
    assets.report_loss(ledger, org, "GD-001", dt.date(2014, 3, 5), "暴雨冲毁")
    end = dt.date(2014, 3, 31)
    assert _balance(ledger, org, "181", end) == 12_000_00 - 285_00
    losses = assets.pending_losses(ledger, org, dt.date(2014, 12, 31))
    assert [(r.code, r.loss_fen, r.memo) for r in losses] == [("GD-001", 11_715_00, "暴雨冲毁")]
    assert assets.run_depreciation(ledger, org, 2014, 4).total_fen == 0
    # approved in January: the year-end papers of 2014 still list it, 2015's do not
    assets.write_off_asset(
        ledger, org, "GD-001", dt.date(2015, 1, 12), compensation_fen=2_000_00, counter="102"
    )
    assert [r.code for r in assets.pending_losses(ledger, org, dt.date(2014, 12, 31))] == ["GD-001"]
    assert assets.pending_losses(ledger, org, dt.date(2015, 12, 31)) == []
    when = dt.date(2015, 1, 31)
    assert _balance(ledger, org, "181", when) == 0
    assert _balance(ledger, org, "515", when) == 9_715_00
    assert assets.asset_card(ledger, org, "GD-001").status is AssetStatus.WRITTEN_OFF
    assert verify(ledger).ok


def test_improvement_spreads_over_the_life_left_and_transfer_moves_the_charge(
    ledger: Ledger,
) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.run_depreciation(ledger, org, 2014, 1)  # 95.00; 11,905 left over 119 months
    assets.improve_asset(
        ledger, org, "GD-001", dt.date(2014, 2, 10), 2_000_00, counter="102", memo="加装烘烤设备"
    )
    # February still charges on the old value; March on the new one over 118 months left.
    assert assets.run_depreciation(ledger, org, 2014, 2).total_fen == 95_00
    left = 14_000_00 - 700_00 - 190_00
    assert assets.run_depreciation(ledger, org, 2014, 3).total_fen == (2 * left + 118) // (2 * 118)
    assets.transfer_asset(
        ledger, org, "GD-001", dt.date(2014, 3, 15), location="大村小组", expense_account="513"
    )
    with pytest.raises(DomainError, match="nothing changes"):
        assets.transfer_asset(ledger, org, "GD-001", dt.date(2014, 3, 16), location="大村小组")
    run = assets.run_depreciation(ledger, org, 2014, 4)
    card = assets.asset_card(ledger, org, "GD-001")
    assert card.record.location == "大村小组" and card.record.expense_account == "513"
    assert [c.kind.value for c in card.changes] == ["improvement", "transfer"]
    assert _balance(ledger, org, "513", dt.date(2014, 4, 30)) == run.total_fen
    # the card's value and accounts are no longer edited by hand
    with pytest.raises(DomainError, match="can no longer change") as err:
        assets.edit_asset(ledger, org, replace(card.record, value_fen=20_000_00))
    assert err.value.path == "asset.value"
    assets.edit_asset(ledger, org, replace(card.record, name="1号烤烟房"))
    assert assets.asset_card(ledger, org, "GD-001").record.name == "1号烤烟房"
    assert verify(ledger).ok


def test_the_register_as_at_a_date_and_against_the_ledger(ledger: Ledger) -> None:
    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.add_asset(ledger, org, _oven(2))
    for m in (1, 2):
        assets.run_depreciation(ledger, org, 2014, m)
    reg = assets.asset_register(ledger, org, dt.date(2014, 1, 31))
    assert [(r.code, r.value_fen, r.accumulated_fen) for r in reg] == [
        ("GD-001", 12_000_00, 95_00),
        ("GD-002", 12_000_00, 95_00),
    ]
    recon = {r.code: r for r in assets.reconcile_assets(ledger, org, dt.date(2014, 2, 28))}
    assert recon["15101"].difference == 0 and recon["152"].difference == 0
    # the store (15102) and the stake (14101) have no cards yet: the check shows them
    assert recon["15102"].register_fen == 0 and recon["15102"].ledger_fen == 100_000_00
    assert recon["14101"].difference == 180_000_00


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_the_register_from_excel(ledger: Ledger, tmp_path: Path) -> None:
    org = _book(ledger)
    head = [
        "资产编号",
        "资产名称",
        "资产类别",
        "启用日期",
        "原值",
        "使用年限",
        "残值率",
        "折旧方法",
        "资产科目",
        "折旧费用科目",
        "扶贫项目资产",
        "数量",
        "计量单位",
    ]
    bad = _sheet(
        tmp_path / "bad.xlsx",
        [
            head,
            [
                "GD-001",
                "烤烟房",
                "房屋及建筑物",
                dt.date(2013, 12, 20),
                12000,
                10,
                0.05,
                "年限平均法",
                "15101",
                "51101",
                "否",
                1,
                "座",
            ],
            [
                "GD-002",
                "烤烟房",
                "房子",
                dt.date(2013, 12, 20),
                -3,
                0,
                0.05,
                "",
                "15101",
                "",
                "是",
                1,
                "座",
            ],
            [
                "GD-001",
                "冷库",
                "房屋建筑物",
                "2013年12月28日",
                100000,
                20,
                "4%",
                "",
                "15199",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    report = assets.import_assets(ledger, org, bad, commit=True)
    assert not report.committed
    text = "\n".join(e.describe() for e in report.errors)
    assert "row 3: 资产类别" in text  # 房子 is not a category
    assert "row 3: 原值" in text
    assert "row 4: 资产编号" in text  # the code is also in row 2
    assert _rows(ledger, tables.fixed_asset) == 0
    good = _sheet(
        tmp_path / "good.xlsx",
        [
            head,
            [
                "GD-001",
                "烤烟房",
                "房屋及建筑物",
                dt.date(2013, 12, 20),
                12000,
                10,
                0.05,
                "年限平均法",
                "15101",
                "51101",
                "否",
                1,
                "座",
            ],
            [
                "GD-002",
                "烤烟房",
                "房屋及建筑物",
                dt.date(2013, 12, 20),
                "12,000.00",
                10,
                "5%",
                "",
                "15101",
                "51101",
                "",
                1,
                "座",
            ],
            [
                "LK-001",
                "冷库",
                "房屋建筑物",
                "2013年12月28日",
                100000,
                20,
                "4%",
                "",
                "15102",
                "",
                "是",
                "",
                "",
            ],
            [
                "TZ-001",
                "食品公司股权",
                "长期投资",
                "2014-01-10",
                180000,
                "",
                "",
                "",
                "14101",
                "",
                "",
                "",
                "",
            ],
        ],
    )
    dry = assets.import_assets(ledger, org, good)
    assert dry.errors == [] and dry.count == 4 and not dry.committed
    assert _rows(ledger, tables.fixed_asset) == 0
    done = assets.import_assets(ledger, org, good, commit=True)
    assert done.committed
    cards = {c: assets.asset_card(ledger, org, c) for c in ("GD-002", "LK-001", "TZ-001")}
    assert cards["GD-002"].record.life_months == 120
    assert cards["GD-002"].record.residual_rate_e4 == 500
    assert cards["LK-001"].record.poverty_relief
    assert cards["LK-001"].record.expense_account == "513"
    assert cards["TZ-001"].record.method is DepreciationMethod.NONE
    assert assets.run_depreciation(ledger, org, 2014, 1).total_fen == 95_00 * 2 + 400_00
    recon = assets.reconcile_assets(ledger, org, dt.date(2014, 1, 31))
    assert all(r.difference == 0 for r in recon), recon
    assert verify(ledger).ok


def test_the_year_end_papers_list_the_losses_not_yet_written_off(
    ledger: Ledger, tmp_path: Path
) -> None:
    from coopledger.services import printing
    from tests.reports.pdfcheck import all_text

    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.add_asset(ledger, org, _oven(2))
    for m in range(1, 7):
        assets.run_depreciation(ledger, org, 2014, m)
    assets.report_loss(ledger, org, "GD-002", dt.date(2014, 6, 20), "山洪冲毁")
    paper = assets.losses_paper(ledger, org, 2014)
    fixed = next(ln for ln in paper.lines if ln.code == "5")
    assert fixed.amounts == (12_000_00, 6 * 95_00, 12_000_00 - 6 * 95_00)
    assert paper.lines[-1].is_total and paper.lines[-1].amounts == fixed.amounts
    assert "待处理财产损溢年末余额 11430.00" in paper.note and "不符" not in paper.note
    out = printing.print_statements(ledger, org, 2014, tmp_path / "st.pdf")
    text = all_text(out)
    assert "资产负债表补充资料" in text and "GD-002" in text and "山洪冲毁" in text
    # written off before the year end: nothing is listed
    assets.write_off_asset(ledger, org, "GD-002", dt.date(2014, 12, 20))
    paper = assets.losses_paper(ledger, org, 2014)
    assert paper.lines[-1].amounts == (0, 0, 0)


def test_an_exported_book_keeps_the_depreciation_and_disposals(ledger: Ledger) -> None:
    from coopledger.services import bookfile

    org = _book(ledger)
    assets.add_asset(ledger, org, _oven(1))
    assets.add_asset(ledger, org, _oven(2))
    for m in (1, 2):
        assets.run_depreciation(ledger, org, 2014, m)
    assets.reverse_depreciation(ledger, org, 2014, 2, "重算")
    assets.run_depreciation(ledger, org, 2014, 2)
    assets.dispose_asset(ledger, org, "GD-001", dt.date(2014, 2, 27), proceeds_fen=11_000_00)
    data = bookfile.export_book(ledger, org)
    data["organisation"]["name"] = "导出再导入"
    copy = bookfile.import_book(ledger, data)
    end = dt.date(2014, 2, 28)
    for code in ("152", "15101", "154", "504", "515", "51101"):
        assert _balance(ledger, copy, code, end) == _balance(ledger, org, code, end), code


def test_a_month_is_closed_only_once_its_depreciation_is_posted(ledger: Ledger) -> None:
    org = _book(ledger)
    vouchers.close_period(ledger, org, 2014, 1)  # nothing depreciates yet
    assets.add_asset(ledger, org, replace(_oven(1), in_service=dt.date(2014, 1, 15)))
    with pytest.raises(DomainError, match="run the depreciation of 2014-02 before closing it"):
        vouchers.close_period(ledger, org, 2014, 2)
    assets.run_depreciation(ledger, org, 2014, 2)
    vouchers.close_period(ledger, org, 2014, 2)
    with pytest.raises(DomainError, match="2014-03 before closing it"):
        vouchers.close_year(ledger, org, 2014)


def test_productive_biological_assets_have_their_own_accounts(ledger: Ledger) -> None:
    org = make_book(
        ledger,
        [v("2014-01-02", "期初", dr("132", "36000.00"), cr("301", "36000.00"))],
        accounts=[{"code": "40101", "name": "生产成本—核桃", "kind": "cost"}],
    )
    assets.add_asset(
        ledger,
        org,
        AssetRecord(
            "SW-001",
            "核桃树（300株）",
            AssetCategory.BIOLOGICAL,
            dt.date(2013, 12, 1),
            36_000_00,
            life_months=120,
            residual_rate_e4=0,
            expense_account="40101",  # the orchard's depreciation is a cost of its nuts
            quantity=300,
            unit="株",
        ),
    )
    card = assets.asset_card(ledger, org, "SW-001")
    assert (card.record.asset_account, card.record.depreciation_account) == ("132", "133")
    assert assets.run_depreciation(ledger, org, 2014, 1).total_fen == 300_00
    end = dt.date(2014, 1, 31)
    assert _balance(ledger, org, "133", end) == -300_00  # 生产性生物资产累计折旧
    assert _balance(ledger, org, "40101", end) == 300_00
    assert _balance(ledger, org, "152", end) == 0
    assert [r.difference for r in assets.reconcile_assets(ledger, org, end)] == [0, 0]
