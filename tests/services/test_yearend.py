"""The year end: the checks (share register against the books, members, vouchers, slips),
closing refused while the plan is not committed, a supervisor reopening a closed year so
that the distribution can be reversed and recommitted; sub-accounts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.roles import PermissionDenied
from coopledger.services import accounts, approvals, vouchers, yearend
from coopledger.services import distribution as dist
from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.services.users import add_user, create_first_admin
from coopledger.store.models import AuditLog
from tests.services.bookmaker import cr, dr, example_book, make_book, v


def _post(ledger: Ledger, org: int, data: VoucherInput) -> int:
    vid = vouchers.add_voucher(ledger, org, data)
    vouchers.review_voucher(ledger, org, vid)
    vouchers.post_voucher(ledger, org, vid)
    return vid


def test_close_is_refused_while_the_plan_is_not_committed(ledger: Ledger) -> None:
    org = example_book(ledger)
    with pytest.raises(DomainError, match="not committed yet"):
        vouchers.close_year(ledger, org, 2014)
    dist.commit_distribution(ledger, org, 2014)
    assert vouchers.close_year(ledger, org, 2014)


def test_reopen_reverse_recommit_close_again(ledger: Ledger) -> None:
    org = example_book(ledger)
    dist.commit_distribution(ledger, org, 2014)
    vouchers.close_year(ledger, org, 2014)
    # closed: the distribution cannot be reversed, a month cannot be reopened
    with pytest.raises(DomainError, match="closed"):
        dist.reverse_distribution(ledger, org, 2014, "重新分配")
    with pytest.raises(DomainError, match="say why"):
        yearend.reopen_year(ledger, org, 2014, "  ")
    yearend.reopen_year(ledger, org, 2014, "漏记12月莲藕销售收入")
    assert not yearend.year_status(ledger, org, 2014).closed
    with ledger.read() as s:
        entry = s.query(AuditLog).filter(AuditLog.action == "reopen year").one()
    assert json.loads(entry.after_json)["reason"] == "漏记12月莲藕销售收入"
    dist.reverse_distribution(ledger, org, 2014, "补记收入后重新分配")
    _post(
        ledger,
        org,
        VoucherInput(
            dt.date(2014, 12, 30),
            "补记莲藕销售收入",
            (LineInput("102", debit_fen=1000_00), LineInput("50101", credit_fen=1000_00)),
        ),
    )
    dist.commit_distribution(ledger, org, 2014)
    assert dist.preview_distribution(ledger, org, 2014).result.distributable == 15_000_00
    vouchers.close_year(ledger, org, 2014)
    check = yearend.year_check(ledger, org, 2014, today=dt.date(2014, 12, 31))
    assert check.closed
    assert next(i for i in check.items if i.key == "statements").ok
    with pytest.raises(DomainError, match="is not closed"):
        yearend.reopen_year(ledger, org, 2013, "没有结账")
    assert verify(ledger).ok


def test_only_a_supervisor_reopens(ledger_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    led = open_ledger(ledger_path, user="setup", create=True)
    org = example_book(led)
    dist.commit_distribution(led, org, 2014)
    vouchers.close_year(led, org, 2014)
    create_first_admin(led, "admin", "admin-pw", "管理员")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw")
    add_user(led, "jiandu", "supervisor", "jiandu-pw")
    add_user(led, "shenhe", "reviewer", "shenhe-pw")
    led.close()
    acc = open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw")
    with pytest.raises(PermissionDenied):
        yearend.reopen_year(acc, org, 2014, "想改账")
    acc.close()
    sup = open_ledger(ledger_path, user="jiandu", password="jiandu-pw")
    request = yearend.reopen_year(sup, org, 2014, "审计发现错误")
    assert not request.done and yearend.year_status(sup, org, 2014).closed
    with pytest.raises(PermissionDenied):  # not by the one who asked
        approvals.approve_request(sup, request.id)
    sup.close()
    rev = open_ledger(ledger_path, user="shenhe", password="shenhe-pw")
    assert approvals.approve_request(rev, request.id).done
    assert not yearend.year_status(rev, org, 2014).closed
    rev.close()


def test_year_check_finds_each_problem(ledger: Ledger) -> None:
    org = make_book(
        ledger,
        [
            v("2024-01-05", "入股", dr("102", "5000.00"), cr("301", "5000.00")),
            v("2024-02-01", "现金付费", dr("513", "10.00"), cr("101", "10.00")),
        ],
        share_lots=[
            {
                "code": "S1",
                "holder": "H0001",
                "class": "cash",
                "amount": "4000.00",
                "start": "2024-01-05",
            }
        ],
        plans=[
            {
                "year": 2024,
                "welfare_rate": "0.1",
                "approved_on": "2024-12-20",
                "published_on": "2024-12-22",
            }
        ],
    )
    vouchers.add_voucher(
        ledger,
        org,
        VoucherInput(
            dt.date(2024, 5, 1),
            "草稿",
            (LineInput("102", debit_fen=1), LineInput("301", credit_fen=1)),
        ),
    )
    check = yearend.year_check(ledger, org, 2024, today=dt.date(2025, 1, 10))
    failed = {i.key for i in check.items if not i.ok}
    # The book came in by an import that no reviewer has reviewed yet.
    assert failed == {"balances", "shares", "vouchers", "plan", "imports"}
    capital = next(g for g in check.shares if g.accounts == ("301",))
    assert (capital.register, capital.books, capital.difference) == (4000_00, 5000_00, 1000_00)
    assert not check.ok


def test_sub_accounts(ledger: Ledger) -> None:
    org = make_book(ledger, [])
    accounts.add_sub_account(ledger, org, "501", "50101", "经营收入—莲藕")
    rows = {r.code: r for r in accounts.chart_rows(ledger, org)}
    assert rows["50101"].kind == "revenue" and rows["50101"].level == 1
    assert not rows["501"].is_leaf
    for parent, code, message in [
        ("501", "5011", "does not extend its parent"),
        ("501", "50201", "does not extend its parent"),
        ("999", "99901", "no account 999"),
        ("501", "50101", "already exists"),
    ]:
        with pytest.raises(DomainError, match=message):
            accounts.add_sub_account(ledger, org, parent, code, "x")
    _post(
        ledger,
        org,
        VoucherInput(
            dt.date(2024, 3, 1),
            "销售",
            (LineInput("102", debit_fen=100), LineInput("50101", credit_fen=100)),
        ),
    )
    with pytest.raises(DomainError, match="still has a balance"):
        accounts.retire_account(ledger, org, "50101")
    with pytest.raises(DomainError, match="postings"):
        accounts.delete_account(ledger, org, "50101")
    accounts.add_sub_account(ledger, org, "501", "50102", "经营收入—鱼")
    _post(
        ledger,
        org,
        VoucherInput(
            dt.date(2024, 3, 2),
            "冲回",
            (LineInput("50102", debit_fen=5), LineInput("102", credit_fen=5)),
        ),
    )
    _post(
        ledger,
        org,
        VoucherInput(
            dt.date(2024, 3, 3),
            "更正",
            (LineInput("102", debit_fen=5), LineInput("50102", credit_fen=5)),
        ),
    )
    accounts.retire_account(ledger, org, "50102")  # used, balance nil: retired, never deleted
    with pytest.raises(DomainError, match="retired"):
        vouchers.add_voucher(
            ledger,
            org,
            VoucherInput(
                dt.date(2024, 4, 1),
                "x",
                (LineInput("102", debit_fen=1), LineInput("50102", credit_fen=1)),
            ),
        )
    accounts.rename_account(ledger, org, "50101", "经营收入—莲藕销售")
    accounts.reactivate_account(ledger, org, "50102")
    assert all(r.active for r in accounts.chart_rows(ledger, org))
    assert verify(ledger).ok
