"""Opening balances (建账): posted as one marked entry that the books show as 上年结转, the
opening 未分配收益 carried into the first distribution year, the template round trip, and
every kind of bad input refused with the row named and nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from coopledger.domain.errors import DomainError
from coopledger.services import books, opening
from coopledger.services import distribution as dist
from coopledger.services.ledger import Ledger, verify
from coopledger.services.opening import OpeningBalances, OpeningLine, post_opening
from coopledger.services.statements import statements_json, year_statements
from coopledger.store.ledger import V
from tests.services.bookmaker import cr, dr, line_of, make_book, v

JAN1 = dt.date(2024, 1, 1)


def _lines(*rows: tuple[str, int, int] | tuple[str, int, int, str]) -> tuple[OpeningLine, ...]:
    return tuple(OpeningLine(r[0], r[1], r[2], r[3] if len(r) > 3 else None) for r in rows)


BALANCED = _lines(
    ("101", 2_000_00, 0),
    ("102", 50_000_00, 0),
    ("113", 3_000_00, 0, "H0001"),  # a household owes the collective
    ("113", 0, 1_000_00, "H0002"),  # the collective owes a household
    ("301", 0, 40_000_00),
    ("32202", 0, 14_000_00),  # undistributed income brought forward
)


def _voucher_count(ledger: Ledger) -> int:
    with ledger.read() as s:
        return len(s.execute(V.select()).all())


def test_opening_is_the_opening_balance_not_turnover(ledger: Ledger) -> None:
    org = make_book(
        ledger,
        [v("2024-03-01", "销售", dr("102", "500.00"), cr("50101", "500.00"))],
        accounts=[{"code": "50101", "name": "经营收入—莲藕", "kind": "revenue"}],
    )
    post_opening(ledger, org, OpeningBalances(JAN1, BALANCED))
    tb = {r.code: r for r in books.trial_balance(ledger, org, JAN1, dt.date(2024, 12, 31))}
    assert tb["102"].opening == 50_000_00 and tb["102"].debit == 500_00
    assert tb["113"].opening == 2_000_00 and tb["113"].debit == 0
    assert tb["301"].opening == -40_000_00 and tb["301"].credit == 0
    # the general ledger starts from it, and the subsidiary ledger shows no turnover for it
    gl = books.general_ledger(ledger, org, "102", 2024)
    assert gl[0].opening == 50_000_00 and gl[0].debit == 0
    before, rows = books.subsidiary_ledger(ledger, org, "102")
    assert before == 50_000_00 and [r.debit for r in rows] == [500_00]
    st = year_statements(ledger, org, 2024)
    sheet = statements_json(st)["balance_sheet"]
    assert line_of(sheet, "货币资金")["opening"] == "52000.00"
    assert line_of(sheet, "应收款项")["opening"] == "3000.00"
    assert line_of(sheet, "应付款项")["opening"] == "1000.00"
    assert line_of(sheet, "未分配收益")["opening"] == "14000.00"
    assert (
        line_of(sheet, "资产总计")["opening"] == line_of(sheet, "负债和所有者权益总计")["opening"]
    )
    assert st.opening_year and not st.warnings, st.warnings
    shown = opening.current_opening(ledger, org)
    assert shown is not None and shown.debit == shown.credit == 55_000_00


def test_the_opening_undistributed_income_carries_into_the_first_year(ledger: Ledger) -> None:
    org = make_book(ledger, [])
    loss = _lines(("102", 10_000_00, 0), ("301", 0, 12_000_00), ("32202", 2_000_00, 0))
    post_opening(ledger, org, OpeningBalances(JAN1, loss))
    with ledger.read() as s:
        assert opening.opening_carry(s, org, 2024) == (0, 2_000_00)
        assert opening.opening_carry(s, org, 2023) == (0, 0)  # the book opens later
        assert dist.loss_carried_in(s, org, 2024) == 2_000_00  # the distribution's carry-in
    income = statements_json(year_statements(ledger, org, 2024))["income_statement"]
    assert line_of(income, "加：年初未分配收益")["amount"] == "-2000.00"


def test_replacing_the_opening_entry(ledger: Ledger) -> None:
    org = make_book(ledger, [])
    post_opening(ledger, org, OpeningBalances(JAN1, BALANCED))
    with pytest.raises(DomainError, match="already has its opening entry"):
        post_opening(ledger, org, OpeningBalances(JAN1, BALANCED))
    fixed = _lines(("102", 45_000_00, 0), ("301", 0, 45_000_00))
    post_opening(ledger, org, OpeningBalances(JAN1, fixed), replace_existing=True)
    shown = opening.current_opening(ledger, org)
    assert shown is not None
    assert {(ln.account, ln.debit_fen - ln.credit_fen) for ln in shown.lines} == {
        ("102", 45_000_00),
        ("301", -45_000_00),
    }
    tb = {r.code: r for r in books.trial_balance(ledger, org, JAN1, dt.date(2024, 12, 31))}
    assert tb["102"].opening == 45_000_00 and tb["102"].debit == tb["102"].credit == 0
    assert verify(ledger).ok  # the audit log vouches for the entry, its red mirror, the new one


@pytest.mark.parametrize(
    ("lines", "path", "message"),
    [
        (_lines(("102", 100_00, 0), ("301", 0, 90_00)), "lines", "difference 10.00"),
        (
            _lines(("102", 100_00, 0), ("113", 0, 100_00, "H9999")),
            "lines[1].member",
            "no member H9999",
        ),
        (
            _lines(("102", 100_00, 0), ("501", 0, 100_00)),
            "lines[1].account",
            "closed at every year end",
        ),
        (
            _lines(("102", 100_00, 0), ("321", 0, 100_00)),
            "lines[1].account",
            "closed at every year end",
        ),
        (_lines(("102", 100_00, 0), ("113", 0, 100_00)), "lines[1].member", "say which member"),
        (
            _lines(("102", 100_00, 0, "H0001"), ("301", 0, 100_00)),
            "lines[0].member",
            "no ledger per member",
        ),
        (_lines(("102", 100_00, 0), ("999", 0, 100_00)), "lines[1].account", "no account 999"),
        (_lines(("102", 100_00, 0), ("322", 0, 100_00)), "lines[1].account", "has sub-accounts"),
    ],
)
def test_bad_opening_balances_name_the_row_and_write_nothing(
    ledger: Ledger, lines: tuple[OpeningLine, ...], path: str, message: str
) -> None:
    org = make_book(ledger, [])
    count = _voucher_count(ledger)
    with pytest.raises(DomainError) as err:
        post_opening(ledger, org, OpeningBalances(JAN1, lines))
    assert err.value.path == path
    assert message in err.value.text()
    assert _voucher_count(ledger) == count


def test_opening_date_and_history(ledger: Ledger) -> None:
    org = make_book(ledger, [v("2023-06-01", "旧账", dr("102", "1.00"), cr("301", "1.00"))])
    with pytest.raises(DomainError, match="1 January"):
        post_opening(ledger, org, OpeningBalances(dt.date(2024, 3, 1), BALANCED))
    with pytest.raises(DomainError, match="already has postings before"):
        post_opening(ledger, org, OpeningBalances(JAN1, BALANCED))


def test_template_round_trip(ledger: Ledger, tmp_path: Path) -> None:
    org = make_book(ledger, [])
    path = opening.write_template(ledger, org, tmp_path / "opening.xlsx")
    book = openpyxl.load_workbook(path)
    accounts, members = book["科目余额"], book["成员往来"]
    codes = [r[0].value for r in accounts.iter_rows(min_row=2)]
    assert "101" in codes and "501" not in codes and "113" not in codes  # 113 is per member
    assert [c.value for c in members[1]] == [
        "科目编码",
        "科目名称",
        "成员编码",
        "成员名称",
        "借方金额",
        "贷方金额",
    ]
    for row in accounts.iter_rows(min_row=2):
        if row[0].value == "102":
            row[3].value = 1234.5  # typed as a number in Excel
        if row[0].value == "301":
            row[4].value = "1,000.00"
    for row in members.iter_rows(min_row=2):
        if row[2].value == "H0001":
            row[4].value = "234.50"
            row[5].value = None
    book.save(path)
    ob = opening.read_template(path, JAN1)
    assert {(ln.account, ln.member, ln.debit_fen, ln.credit_fen, ln.where) for ln in ob.lines} == {
        ("102", None, 1234_50, 0, "科目余额!3"),
        (
            "301",
            None,
            0,
            1000_00,
            next(
                f"科目余额!{r[0].row}" for r in accounts.iter_rows(min_row=2) if r[0].value == "301"
            ),
        ),
        ("113", "H0001", 234_50, 0, "成员往来!2"),
    }
    with pytest.raises(DomainError) as err:  # 1,234.50 + 234.50 ≠ 1,000.00
        post_opening(ledger, org, ob)
    assert "difference 469.00" in err.value.text()
    # a bad amount names the sheet and row
    book = openpyxl.load_workbook(path)
    book["成员往来"]["E3"] = "12.345"
    book.save(path)
    with pytest.raises(DomainError) as err:
        opening.read_template(path, JAN1)
    assert err.value.path == "成员往来!3.debit"
