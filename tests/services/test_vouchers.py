"""Vouchers through the services on a real SQLite file: drafts, review, posting, reversal,
periods and year-end close; property tests on arbitrary sequences of postings."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.services import books, vouchers
from coopledger.services.accounts import add_account, create_organisation
from coopledger.services.ledger import Ledger, open_ledger, verify
from tests.pgserver import raw_sql


def sale(day: dt.date, fen: int, memo: str = "销售莲藕") -> VoucherInput:
    return VoucherInput(
        day, memo, (LineInput("102", debit_fen=fen), LineInput("50101", credit_fen=fen))
    )


def wages(day: dt.date, fen: int) -> VoucherInput:
    return VoucherInput(
        day, "支付务工工资", (LineInput("51101", debit_fen=fen), LineInput("101", credit_fen=fen))
    )


@pytest.fixture
def book(ledger: Ledger) -> tuple[Ledger, int]:
    org = create_organisation(ledger, "山邑村红莲藕种植专业合作社")
    add_account(ledger, org, "50101", "经营收入—莲藕")
    add_account(ledger, org, "51101", "经营支出—务工工资")
    return ledger, org


def post(led: Ledger, org: int, v: VoucherInput) -> int:
    vid = vouchers.add_voucher(led, org, v)
    vouchers.review_voucher(led, org, vid)
    vouchers.post_voucher(led, org, vid)
    return vid


def test_draft_review_post_numbers_per_month(book: tuple[Ledger, int]) -> None:
    led, org = book
    a = vouchers.add_voucher(led, org, sale(dt.date(2014, 10, 5), 100_00))
    b = vouchers.add_voucher(led, org, sale(dt.date(2014, 10, 6), 200_00))
    c = vouchers.add_voucher(led, org, sale(dt.date(2014, 11, 1), 300_00))
    vouchers.delete_draft(led, org, a)  # deleting a draft leaves no gap: numbers come at posting
    for vid in (b, c):
        vouchers.review_voucher(led, org, vid)
    assert vouchers.post_voucher(led, org, b) == "记字第0001号"
    assert vouchers.post_voucher(led, org, c) == "记字第0001号"  # November starts again
    d = post(led, org, sale(dt.date(2014, 10, 31), 1))
    from coopledger.services.views import voucher_detail

    assert voucher_detail(led, org, d).label == "记字第0002号"
    assert verify(led).ok


def test_posting_requires_review_and_balance(book: tuple[Ledger, int]) -> None:
    led, org = book
    vid = vouchers.add_voucher(led, org, sale(dt.date(2014, 10, 5), 100_00))
    with pytest.raises(DomainError, match="reviewed"):
        vouchers.post_voucher(led, org, vid)
    unbalanced = VoucherInput(
        dt.date(2014, 10, 5),
        "错",
        (LineInput("102", debit_fen=100), LineInput("50101", credit_fen=99)),
    )
    with pytest.raises(DomainError, match="do not equal"):
        vouchers.add_voucher(led, org, unbalanced)
    with pytest.raises(DomainError, match="sub-accounts"):
        vouchers.add_voucher(
            led,
            org,
            VoucherInput(
                dt.date(2014, 10, 5),
                "x",
                (LineInput("102", debit_fen=1), LineInput("501", credit_fen=1)),
            ),
        )
    with pytest.raises(DomainError, match="per member"):
        vouchers.add_voucher(
            led,
            org,
            VoucherInput(
                dt.date(2014, 10, 5),
                "x",
                (LineInput("102", debit_fen=1), LineInput("113", credit_fen=1)),
            ),
        )


def test_posted_vouchers_are_never_edited(book: tuple[Ledger, int]) -> None:
    led, org = book
    vid = post(led, org, sale(dt.date(2014, 10, 5), 100_00))
    with pytest.raises(DomainError):
        vouchers.update_draft(led, org, vid, sale(dt.date(2014, 10, 5), 1))
    with pytest.raises(DomainError):
        vouchers.delete_draft(led, org, vid)


def test_reversal_mirrors_and_cannot_be_reversed(book: tuple[Ledger, int]) -> None:
    led, org = book
    vid = post(led, org, sale(dt.date(2014, 10, 5), 123_45))
    rid = vouchers.reverse_voucher(led, org, vid)
    from coopledger.services.views import voucher_detail

    red = voucher_detail(led, org, rid)
    assert red.reverses_id == vid
    assert red.memo == "注销10月5日记字第0001号凭证"
    assert [ln.debit for ln in red.lines] == [-123_45, 0]
    with pytest.raises(DomainError, match="itself a reversal"):
        vouchers.reverse_voucher(led, org, rid)
    with pytest.raises(DomainError, match="already been reversed"):
        vouchers.reverse_voucher(led, org, vid)
    assert books.account_balance(led, org, "102", dt.date(2014, 12, 31)) == 0
    assert verify(led).ok


def test_closed_period_refuses_postings_and_reopen_is_audited(
    book: tuple[Ledger, int], ledger_path: Path
) -> None:
    led, org = book
    post(led, org, sale(dt.date(2014, 9, 5), 100))
    post(led, org, sale(dt.date(2014, 10, 5), 100))
    with pytest.raises(DomainError, match="close 2014-09 first"):
        vouchers.close_period(led, org, 2014, 10)
    vouchers.close_period(led, org, 2014, 9)
    vouchers.close_period(led, org, 2014, 10)
    with pytest.raises(DomainError, match="closed"):
        vouchers.add_voucher(led, org, sale(dt.date(2014, 10, 20), 100))
    draft = vouchers.add_voucher(led, org, sale(dt.date(2014, 11, 20), 100))
    vouchers.review_voucher(led, org, draft)
    with pytest.raises(DomainError, match="reopen 2014-10 first"):
        vouchers.reopen_period(led, org, 2014, 9, "补记")
    vouchers.reopen_period(led, org, 2014, 10, "漏记一笔销售")
    post(led, org, sale(dt.date(2014, 10, 20), 100))
    actions = [r[0] for r in raw_sql(ledger_path, "SELECT action FROM audit_log")]
    assert "reopen period" in actions


def test_maker_checker_with_two_users(book: tuple[Ledger, int], ledger_path: Path) -> None:
    led, org = book
    for name in ("会计甲", "主管乙"):
        raw_sql(
            ledger_path,
            "INSERT INTO app_user (username, display_name, role, password_hash, failed_attempts,"
            " active, created_at) VALUES (?, '', 'admin', 'x', 0, true, '2026-01-01 00:00:00')",
            (name,),
        )
    led.user = "会计甲"
    led.role = None  # role checks aside: only the maker–checker rule is under test here
    vid = vouchers.add_voucher(led, org, sale(dt.date(2014, 10, 5), 100))
    with pytest.raises(DomainError, match="制单"):
        vouchers.review_voucher(led, org, vid)
    led.user = "主管乙"
    vouchers.review_voucher(led, org, vid)
    vouchers.post_voucher(led, org, vid)


def test_year_close_leaves_income_at_zero(book: tuple[Ledger, int]) -> None:
    led, org = book
    post(led, org, sale(dt.date(2014, 9, 30), 20000_00))
    post(led, org, wages(dt.date(2014, 10, 15), 6000_00))
    vouchers.close_year(led, org, 2014)
    rows = {
        r.code: r for r in books.trial_balance(led, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    }
    assert rows["321"].closing == 0
    assert rows["501"].closing == 0 and rows["511"].closing == 0
    assert rows["32202"].closing == -14000_00  # a credit: the year's income, undistributed
    with pytest.raises(DomainError, match="closed"):
        post(led, org, sale(dt.date(2014, 12, 31), 1))
    with pytest.raises(DomainError, match="already closed"):
        vouchers.close_year(led, org, 2014)
    # 2015 opens with the balances brought forward.
    tb15 = {
        r.code: r for r in books.trial_balance(led, org, dt.date(2015, 1, 1), dt.date(2015, 12, 31))
    }
    assert tb15["102"].opening == 20000_00
    assert tb15["32202"].opening == -14000_00
    assert verify(led).ok


def test_trial_balance_any_date_range(book: tuple[Ledger, int]) -> None:
    led, org = book
    post(led, org, sale(dt.date(2014, 9, 30), 100))
    post(led, org, sale(dt.date(2014, 10, 15), 200))
    post(led, org, sale(dt.date(2014, 10, 16), 400))
    post(led, org, sale(dt.date(2014, 11, 1), 800))
    tb = {
        r.code: r
        for r in books.trial_balance(led, org, dt.date(2014, 10, 16), dt.date(2014, 11, 1))
    }
    assert tb["102"].opening == 300
    assert tb["102"].debit == 1200
    assert tb["102"].closing == 1500
    totals = books.trial_balance_totals(tb.values())
    assert totals["debit"] == totals["credit"]


def test_subsidiary_ledger_pages_agree_with_whole(book: tuple[Ledger, int]) -> None:
    led, org = book
    for i in range(25):
        post(led, org, sale(dt.date(2014, 1 + i % 12, 1 + i), 100 + i))
    _, whole = books.subsidiary_ledger(led, org, "102", limit=None)
    paged = []
    for off in range(0, 25, 7):
        opening, rows = books.subsidiary_ledger(led, org, "102", offset=off, limit=7)
        if rows:
            assert opening == rows[0].balance - rows[0].debit + rows[0].credit
        paged += rows
    assert [r.balance for r in paged] == [r.balance for r in whole]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["sale", "wages", "reverse"]),
            st.integers(min_value=1, max_value=10**9),
            st.integers(min_value=1, max_value=12),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_postings_and_reversals_keep_the_ledger_balanced(
    tmp_path: Path, ops: list[tuple[str, int, int]]
) -> None:
    path = tmp_path / f"p{abs(hash(tuple(ops)))}.sqlite3"
    led = open_ledger(path, user="acc", create=True)
    try:
        org = create_organisation(led, "测试")
        add_account(led, org, "50101", "经营收入—莲藕")
        add_account(led, org, "51101", "经营支出—务工工资")
        posted: list[int] = []
        for kind, fen, month in ops:
            day = dt.date(2014, month, 1)
            if kind == "reverse":
                if posted:
                    vouchers.reverse_voucher(led, org, posted.pop(0))
                continue
            posted.append(post(led, org, sale(day, fen) if kind == "sale" else wages(day, fen)))
        con = sqlite3.connect(path)
        per_month = con.execute(
            "SELECT v.month, SUM(l.debit_fen), SUM(l.credit_fen) FROM voucher_line l"
            " JOIN voucher v ON v.id = l.voucher_id WHERE v.state = 'posted' GROUP BY v.month"
        ).fetchall()
        for _m, d, c in per_month:
            assert d == c
        tb = books.trial_balance(led, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
        totals = books.trial_balance_totals(tb)
        assert totals["debit"] == totals["credit"]
        assert totals["closing_debit"] == totals["closing_credit"]
        assert verify(led).ok
    finally:
        led.close()
