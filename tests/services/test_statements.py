"""The official statements from the ledger: the per-member split of 内部往来, abnormal
balances shown and listed, fixed 行次, one meaning per number, the cross-checks, a
cooperative's three forms, and a corrected 行次 as a one-file change."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from coopledger.domain.figures import distribution_figures, parse_fen
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.services import distribution as dist
from coopledger.services import printing, vouchers
from coopledger.services.ledger import Ledger
from coopledger.services.statements import forms_folder, statements_json, year_statements
from tests.reports.pdfcheck import all_text
from tests.services.bookmaker import cr, dr, example_book, line_of, make_book, v


def _json(ledger: Ledger, org: int, year: int, **kw: Any) -> dict[str, Any]:
    return statements_json(year_statements(ledger, org, year, **kw))


def test_an_advance_to_one_household_is_a_receivable(ledger: Ledger) -> None:
    """The auditor's case: 10,000.00 advanced to one household must not vanish into a
    single liability line; other households' credit balances stay payables."""
    org = make_book(
        ledger,
        [
            v("2024-01-05", "收到入股资金", dr("102", "100000.00"), cr("301", "100000.00")),
            v("2024-03-01", "借支", dr("113", "10000.00", "H0001"), cr("102", "10000.00")),
            v(
                "2024-06-30",
                "应付务工工资",
                dr("513", "5000.00"),
                cr("113", "3000.00", "H0002"),
                cr("113", "2000.00", "H0003"),
            ),
        ],
    )
    js = _json(ledger, org, 2024)
    sheet = js["balance_sheet"]
    assert line_of(sheet, "应收款项")["closing"] == "10000.00"
    assert line_of(sheet, "应付款项")["closing"] == "5000.00"
    assert line_of(sheet, "货币资金")["closing"] == "90000.00"
    assert line_of(sheet, "资产总计")["closing"] == "100000.00"
    assert line_of(sheet, "负债和所有者权益总计")["closing"] == "100000.00"
    # the year's loss (the wages), not yet closed, stands in 未分配收益
    assert line_of(sheet, "未分配收益")["closing"] == "-5000.00"
    assert js["warnings"] == []
    assert all(c["ok"] for c in js["checks"])


def test_negative_cash_is_shown_and_listed(ledger: Ledger, tmp_path: Path) -> None:
    org = make_book(
        ledger,
        [
            v("2024-01-05", "收到入股资金", dr("102", "1000.00"), cr("301", "1000.00")),
            v("2024-02-01", "付办公费（现金）", dr("513", "300.00"), cr("101", "300.00")),
            v("2024-02-02", "多付应付款", dr("211", "50.00"), cr("102", "50.00")),
        ],
    )
    st = year_statements(ledger, org, 2024)
    js = statements_json(st)
    sheet = js["balance_sheet"]
    # shown on its own line's sign rule: 货币资金 = 库存现金 (−300) + 银行存款 (950)
    assert line_of(sheet, "货币资金")["closing"] == "650.00"
    assert line_of(sheet, "应付款项")["closing"] == "-50.00"
    codes = {w.params["code"] for w in st.warnings if w.kind == "abnormal"}
    assert codes == {"101", "211"}
    texts = [w["message"] for w in js["warnings"]]
    assert any("库存现金" in t and "300.00" in t for t in texts)
    # the totals still balance: nothing was folded into another side
    assert (
        line_of(sheet, "资产总计")["closing"] == line_of(sheet, "负债和所有者权益总计")["closing"]
    )
    # and the warnings are printed on the papers
    out = printing.print_statements(ledger, org, 2024, tmp_path / "st.pdf")
    text = all_text(out)
    assert "注：" in text and "库存现金" in text and "贷方余额" in text


def test_rows_never_move(ledger: Ledger) -> None:
    """Every line keeps its 行次 whether or not its accounts have a balance."""
    empty = make_book(ledger, [], name="空账")
    busy = make_book(
        ledger,
        [v("2024-01-05", "入股", dr("102", "1000.00"), cr("301", "1000.00"))],
        name="有账",
        members=[],
    )
    a = [(ln["row"], ln["name"]) for ln in _json(ledger, empty, 2024)["balance_sheet"]["lines"]]
    b = [(ln["row"], ln["name"]) for ln in _json(ledger, busy, 2024)["balance_sheet"]["lines"]]
    assert a == b
    assert [r for r, _n in a] == [str(n) for n in range(1, 39)]


def test_income_statement_prints_the_distributions_figures(ledger: Ledger) -> None:
    org = example_book(ledger)
    dist.commit_distribution(ledger, org, 2014)
    want = distribution_figures(dist.distribution_json(ledger, org, 2014))
    assert want.net_income == 9720_00  # mini 2014: 14000.00 − 4280.00 of land fees
    js = _json(ledger, org, 2014)
    income = js["income_statement"]

    def amount(name: str) -> int:
        return parse_fen(line_of(income, name)["amount"])

    assert amount("四、本年收益") == want.net_income
    assert amount("加：年初未分配收益") == want.undistributed_in - want.loss_in == 0
    assert amount("五、可分配收益") == want.available
    assert amount("减：提取公积公益金") == want.welfare + want.reserve == 972_00
    assert amount("向成员分配收益") == want.dividends + want.transaction_returns
    assert amount("六、年末未分配收益") == want.undistributed - want.loss_carried
    assert js["figures_from"]["2014"] == "distribution"
    assert js["warnings"] == []


def test_a_posting_after_the_commit_is_flagged(ledger: Ledger) -> None:
    org = example_book(ledger)
    dist.commit_distribution(ledger, org, 2014)
    vid = vouchers.add_voucher(
        ledger,
        org,
        VoucherInput(
            dt.date(2014, 12, 30),
            "补记收入",
            (LineInput("102", debit_fen=100_00), LineInput("50101", credit_fen=100_00)),
        ),
    )
    vouchers.review_voucher(ledger, org, vid)
    vouchers.post_voucher(ledger, org, vid)
    st = year_statements(ledger, org, 2014)
    kinds = {(w.kind, w.line) for w in st.warnings}
    # 本年收益, 可分配收益 and 年末未分配收益 no longer equal the distribution's own figures
    assert {
        ("check", "net_income"),
        ("check", "available"),
        ("check", "undistributed_end"),
    } <= kinds
    # the balance sheet still balances; its 未分配收益 now holds the 100.00 beside what the
    # distribution left undistributed (the per-share split's few fen)
    sheet = statements_json(st)["balance_sheet"]
    left = dist.distribution_json(ledger, org, 2014)["undistributed"]
    assert isinstance(left, str)
    assert line_of(sheet, "未分配收益")["closing"] == f"{Decimal(left) + 100:.2f}"
    assert (
        line_of(sheet, "资产总计")["closing"] == line_of(sheet, "负债和所有者权益总计")["closing"]
    )


def test_cooperative_three_forms(ledger: Ledger) -> None:
    members = [
        {"code": "H0001", "name": "苏子柏", "kind": "household"},
        {"code": "H0002", "name": "杨绍文", "kind": "household"},
    ]
    org = make_book(
        ledger,
        [
            v(
                "2024-01-10",
                "成员出资",
                dr("102", "12000.00"),
                cr("301", "10000.00"),
                cr("321", "2000.00"),
            ),
            v("2024-02-01", "收到财政补助", dr("102", "30000.00"), cr("235", "30000.00")),
            v("2024-02-20", "补助形成资产", dr("151", "30000.00"), cr("102", "30000.00")),
            v("2024-02-20", "补助转专项基金", dr("235", "30000.00"), cr("311", "30000.00")),
            v("2024-09-30", "销售", dr("102", "8000.00"), cr("501", "8000.00")),
            v("2024-10-30", "成员往来借支", dr("114", "500.00", "H0001"), cr("102", "500.00")),
            v("2024-11-30", "办公费", dr("523", "1000.00"), cr("102", "1000.00")),
        ],
        chart="cooperative-2021",
        name="测试专业合作社",
        members=members,
        share_lots=[
            {
                "code": "S001",
                "holder": "H0001",
                "class": "cash",
                "amount": "6000.00",
                "start": "2024-01-10",
            },
            {
                "code": "S002",
                "holder": "H0002",
                "class": "cash",
                "amount": "4000.00",
                "start": "2024-01-10",
            },
        ],
        plans=[
            {
                "year": 2024,
                "welfare_rate": "0",
                "reserve_rate": "0.10",
                "approved_on": "2024-12-20",
                "published_on": "2024-12-22",
            }
        ],
    )
    dist.commit_distribution(ledger, org, 2024)
    vouchers.close_year(ledger, org, 2024)
    js = _json(ledger, org, 2024)
    assert js["warnings"] == [], js["warnings"]
    sheet, income, equity = js["balance_sheet"], js["income_statement"], js["member_equity"]
    assert [c["label"] for c in sheet["columns"]] == ["期末余额", "年初余额"]
    assert line_of(sheet, "应收款项")["closing"] == "500.00"
    assert line_of(sheet, "股金")["closing"] == "10000.00"
    assert line_of(sheet, "专项基金")["closing"] == "30000.00"
    assert line_of(income, "四、本年盈余")["amount"] == "7000.00"
    assert line_of(income, "减：提取盈余公积")["amount"] == "700.00"
    assert line_of(income, "五、可分配盈余")["amount"] == "6300.00"
    # per-share (the default): 每百元 rate floored, 0.02 left undistributed (2024 has 366
    # days, the lots 357 of them)
    assert line_of(income, "剩余盈余分配")["amount"] == "6299.98"
    assert line_of(income, "六、年末未分配盈余")["amount"] == "0.02"
    assert line_of(equity, "成员增加出资")["share_capital"] == "10000.00"
    assert line_of(equity, "股金溢价")["capital_reserve"] == "2000.00"
    assert line_of(equity, "接受国家财政直接补助形成")["special_fund"] == "30000.00"
    assert line_of(equity, "从盈余中提取")["surplus_reserve"] == "700.00"
    closing = line_of(equity, "四、年末余额")
    assert closing["total"] == line_of(sheet, "所有者权益合计")["closing"] == "42700.02"
    assert all(c["ok"] for c in js["checks"])


def test_a_corrected_row_is_a_one_file_change(ledger: Ledger, tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(forms_folder(), forms)
    path = forms / "village-2023" / "balance-sheet.toml"
    text = path.read_text(encoding="utf-8")
    assert 'id = "cash"\nrow = 1\nlabel = "货币资金"' in text
    path.write_text(
        text.replace(
            'id = "cash"\nrow = 1\nlabel = "货币资金"',
            'id = "cash"\nrow = 101\nlabel = "货币资金（更正）"',
        ),
        encoding="utf-8",
    )
    org = make_book(ledger, [v("2024-01-05", "入股", dr("102", "1000.00"), cr("301", "1000.00"))])
    shipped = _json(ledger, org, 2024)["balance_sheet"]["lines"][0]
    corrected = _json(ledger, org, 2024, forms_dir=forms)["balance_sheet"]["lines"][0]
    assert (shipped["row"], shipped["name"]) == ("1", "货币资金")
    assert (corrected["row"], corrected["name"]) == ("101", "货币资金（更正）")
    assert corrected["closing"] == shipped["closing"] == "1000.00"
