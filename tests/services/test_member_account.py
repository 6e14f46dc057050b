"""A cooperative member's account (成员账户): contributions, the reserve quantified to the
members, transactions by year, returns and remaining surplus; it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.services import bookfile
from coopledger.services import distribution as dist
from coopledger.services.ledger import Ledger
from coopledger.services.member_account import (
    member_account,
    member_account_json,
    print_member_account,
)
from tests.conftest import EXAMPLES
from tests.reports.pdfcheck import all_text


def _coop(ledger: Ledger) -> int:
    book = json.loads((EXAMPLES / "cooperative.book.json").read_text(encoding="utf-8"))
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    dist.commit_distribution(ledger, org, 2015)
    return org


def test_the_account_follows_the_committed_years(ledger: Ledger) -> None:
    org = _coop(ledger)
    acc = member_account(ledger, org, "H0001")
    # land management rights (2 mu × 800) and a cash share lot from 2014-07-01
    assert acc.closing.contribution_fen == 1600_00 + 1000_00
    # 2014: transactions are the land fees (basis land-fees), with 2 mu as the quantity;
    # 2015: the plan's table.
    assert acc.closing.transactions_fen == 1600_00 + 3200_00
    assert acc.closing.returns_fen == 3685_15 + 5183_12
    assert acc.closing.surplus_fen == 183_06 + 189_17
    one = member_account(ledger, org, "H0001", year=2015)
    assert one.opening.contribution_fen == acc.closing.contribution_fen
    assert one.opening.transactions_fen == 0 and one.opening.returns_fen == 0  # flows restart
    assert one.closing.returns_fen == 5183_12
    assert one.opening.reserve_share_fen > 0
    js = member_account_json(one)
    assert js["closing"]["returns"] == "5183.12"  # type: ignore[index]


def test_the_reserve_shares_add_up_to_the_reserve(ledger: Ledger) -> None:
    org = _coop(ledger)
    codes = ["C001", "H0001", "H0002", "H0003", "H0004"]
    for year, reserve in ((2014, 2121_40), (2015, 2386_00)):
        shares = [
            member_account(ledger, org, c, year=year).closing.reserve_share_fen
            - member_account(ledger, org, c, year=year).opening.reserve_share_fen
            for c in codes
        ]
        assert sum(shares) == reserve


def test_a_village_book_has_no_member_account(ledger: Ledger) -> None:
    book = json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    org = bookfile.import_book(ledger, book)
    with pytest.raises(DomainError, match="member-statement"):
        member_account(ledger, org, "H0001")
    org2 = _coop(ledger)
    with pytest.raises(DomainError, match="H9999"):
        member_account(ledger, org2, "H9999")


def test_it_prints(ledger: Ledger, tmp_path: Path) -> None:
    org = _coop(ledger)
    out = print_member_account(ledger, org, "H0002", tmp_path / "ma.pdf", year=2015)
    text = all_text(out)
    for needle in ("成员账户", "杨绍文", "成员出资", "公积金份额", "交易额", "盈余返还金额",
                   "剩余盈余分配金额", "年初余额", "年末余额/总额", "5,120.50", "8,293.81"):  # fmt: skip
        assert needle in text, needle
