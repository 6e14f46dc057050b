"""Issue 15, "money bounded": an amount beyond the bound is refused wherever it is typed or
read, and the worst book the bound allows (100,000 vouchers at the largest amount) imports,
and its trial balances, statements and distribution run without overflowing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from coopledger.domain.errors import DomainErrors
from coopledger.domain.money import MAX_MONEY_FEN, fen_to_str
from coopledger.services import bookfile, books, printing
from coopledger.services import distribution as dist
from coopledger.services.ledger import open_ledger, verify
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.sqlite_only

LARGEST = fen_to_str(MAX_MONEY_FEN)  # "9999999999.99"
VOUCHERS = 100_000


def _worst_book() -> dict[str, object]:
    book = json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    book["vouchers"] = [
        {
            "date": (dt.date(2014, 1, 1) + dt.timedelta(days=i % 365)).isoformat(),
            "memo": "最大金额",
            "lines": [
                {"account": "102", "debit": LARGEST},
                {"account": "50101", "credit": LARGEST},
            ],
        }
        for i in range(VOUCHERS)
    ]
    return book


def test_beyond_the_bound_is_refused_everywhere() -> None:
    book = json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    book["vouchers"][0]["lines"][0]["debit"] = "10000000000.00"
    book["vouchers"][0]["lines"][1]["credit"] = "10000000000.00"
    book["share_lots"][0]["amount"] = "99999999999.00"
    book["contracts"][0]["area_mu"] = "9999999"
    book["contracts"][0]["rent_per_mu"] = "9999.00"
    from coopledger.domain.book import parse_book

    with pytest.raises(DomainErrors) as caught:
        parse_book(book, charts=bookfile.charts_for_books())
    paths = {e.path for e in caught.value.errors}
    assert {
        "vouchers[0].lines[0].debit",
        "vouchers[0].lines[1].credit",
        "share_lots[0].amount",
        "contracts[0].rent_per_mu",
    } <= paths, paths


def test_the_worst_book_the_bound_allows(tmp_path: Path) -> None:
    led = open_ledger(tmp_path / "worst.sqlite3", user="accountant", create=True)
    try:
        org = bookfile.import_book(led, _worst_book())
        rows = books.trial_balance(led, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
        cash = next(r for r in rows if r.code == "102")
        assert cash.debit >= VOUCHERS * MAX_MONEY_FEN  # 1e17 fen: in range, exactly
        totals = books.trial_balance_totals(rows)
        assert totals["debit"] == totals["credit"]
        out = printing.print_statements(led, org, 2014, tmp_path / "statements.pdf")
        assert len(PdfReader(out).pages) >= 3
        preview = dist.preview_distribution(led, org, 2014)
        assert preview.result.distributable > VOUCHERS * MAX_MONEY_FEN - MAX_MONEY_FEN
        assert verify(led).ok
    finally:
        led.close()
