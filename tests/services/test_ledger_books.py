"""The books as accountants keep them: the line model (上年结转 from the opening entry, the
entries, 本月合计 and 本年累计, 借/贷; paged exactly like a whole read; one member's lines),
总账, and the papers read back (过次页 / 承前页 across pages, the 对方科目 of a day-book, the
reconciliation), Excel included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from coopledger.domain.errors import DomainError
from coopledger.reports.common import ReportDataError
from coopledger.reports.data import BookLine, BookPrint
from coopledger.reports.ledger_book import ROWS_PER_PAGE, book_pages, render_book
from coopledger.services import ledger_books, vouchers
from coopledger.services.ledger import Ledger
from coopledger.services.opening import OpeningBalances, OpeningLine, post_opening
from tests.reports.pdfcheck import all_text, page_texts
from tests.services.bookmaker import cr, dr, make_book, v


def _book(ledger: Ledger) -> int:
    org = make_book(
        ledger,
        [
            v("2024-01-10", "销售", dr("102", "500.00"), cr("501", "500.00")),
            v("2024-01-20", "借支", dr("113", "200.00", "H0001"), cr("102", "200.00")),
            v("2024-03-05", "还款", dr("102", "50.00"), cr("113", "50.00", "H0001")),
            v("2024-03-06", "借支", dr("113", "70.00", "H0002"), cr("102", "70.00")),
        ],
    )
    post_opening(
        ledger,
        org,
        OpeningBalances(
            dt.date(2024, 1, 1),
            (OpeningLine("102", 1000_00, 0), OpeningLine("301", 0, 1000_00)),
        ),
    )
    return org


def test_lines_of_a_year(ledger: Ledger) -> None:
    org = _book(ledger)
    book = ledger_books.ledger_book(ledger, org, "102", 2024)
    lines = list(book)
    assert [(ln.kind, ln.memo) for ln in lines] == [
        ("opening", "上年结转"),
        ("entry", "销售"),
        ("entry", "借支"),
        ("month", "本月合计"),
        ("year", "本年累计"),
        ("entry", "还款"),
        ("entry", "借支"),
        ("month", "本月合计"),
        ("year", "本年累计"),
    ]
    assert lines[0].balance == 1000_00 and lines[0].direction == "借"
    assert (lines[3].debit, lines[3].credit, lines[3].balance) == (500_00, 200_00, 1300_00)
    assert lines[3].date == dt.date(2024, 1, 31)
    assert (lines[8].debit, lines[8].credit, lines[8].balance) == (550_00, 270_00, 1280_00)
    assert book.row_count == len(lines) and book.entries == 4 and book.closing == 1280_00
    # any page of it is the same lines
    for offset in range(len(lines)):
        for limit in (1, 2, 5):
            assert book.rows(offset, limit) == lines[offset : offset + limit]
    # one household's lines on 内部往来: a credit balance shows 贷
    h2 = list(ledger_books.ledger_book(ledger, org, "113", 2024, member="H0001"))
    assert [ln.balance for ln in h2 if ln.kind == "entry"] == [200_00, 150_00]
    assert h2[0].memo == "上年结转" and h2[0].direction == "平"  # the book opened this year
    with pytest.raises(DomainError, match="no member H9999"):
        ledger_books.ledger_book(ledger, org, "113", 2024, member="H9999")
    general = ledger_books.general_book(ledger, org, 2024, code="102")[0]
    assert [(ln.memo, ln.balance) for ln in general.lines] == [
        ("上年结转", 1000_00),
        ("本月合计", 1300_00),
        ("本年累计", 1300_00),
        ("本月合计", 1280_00),
        ("本年累计", 1280_00),
    ]


def test_papers_and_excel(ledger: Ledger, tmp_path: Path) -> None:
    org = _book(ledger)
    bank = ledger_books.print_book(ledger, org, "bank", 2024, tmp_path / "bank.pdf")
    text = all_text(bank)
    for needle in ("银行存款日记账", "上年结转", "本月合计", "本年累计", "1,280.00", "内部往来"):
        assert needle in text, needle  # 内部往来 is the 对方科目 of the 借支
    detail = ledger_books.print_book(
        ledger, org, "detail", 2024, tmp_path / "h.pdf", code="113", member="H0001"
    )
    assert "H0001苏子柏" in all_text(detail)
    general = ledger_books.print_book(ledger, org, "general", 2024, tmp_path / "gl.pdf")
    assert "总账" in all_text(general)
    xlsx = ledger_books.print_book(ledger, org, "cash", 2024, tmp_path / "cash.xlsx", code="102")
    sheet = openpyxl.load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["日期", "凭证字号", "摘要"]
    assert values[2][2] == "上年结转" and values[2][-2:] == ["借", "1000.00"]
    tb = ledger_books.print_trial_balance(
        ledger, org, dt.date(2024, 1, 1), dt.date(2024, 12, 31), tmp_path / "tb.pdf"
    )
    assert "科目余额表" in all_text(tb)


def test_page_carries(tmp_path: Path) -> None:
    n = 2 * ROWS_PER_PAGE
    lines = [BookLine("opening", dt.date(2024, 1, 1), "", None, "上年结转", 0, 0, 0)]
    bal = 0
    for i in range(n):
        bal += 100
        lines.append(
            BookLine("entry", dt.date(2024, 1, 2), f"记字第{i + 1:04d}号", i, "收款", 100, 0, bal)
        )
    lines += [
        BookLine("month", dt.date(2024, 1, 31), "", None, "本月合计", 100 * n, 0, bal),
        BookLine("year", dt.date(2024, 1, 31), "", None, "本年累计", 100 * n, 0, bal),
    ]
    sizes = book_pages(len(lines))
    assert sum(sizes) == len(lines) and len(sizes) == 3
    book = BookPrint("明细账", "测试村", 2024, "102 银行存款", iter(lines), len(lines))
    out = tmp_path / "b.pdf"
    assert render_book(book, out) == 3
    pages = page_texts(out)
    assert "过次页" in pages[0] and "承前页" not in pages[0]
    assert "承前页" in pages[1] and "过次页" in pages[1]
    assert "承前页" in pages[2] and "过次页" not in pages[2]
    # a running balance the lines do not give is refused, and nothing is written
    bad = [*lines[:5], BookLine("entry", dt.date(2024, 1, 3), "x", 0, "错", 1, 0, 999), *lines[5:]]
    with pytest.raises(ReportDataError):
        render_book(
            BookPrint("明细账", "测试村", 2024, "102", iter(bad), len(bad)), tmp_path / "x.pdf"
        )
    assert not (tmp_path / "x.pdf").exists()


def test_reconciliation_paper(ledger: Ledger, tmp_path: Path) -> None:
    org = _book(ledger)
    vouchers.record_balance_check(
        ledger,
        org,
        "102",
        dt.date(2024, 3, 31),
        1300_00,
        items=[vouchers.ReconItem("booked_out_not_bank", 20_00, "支票未兑付")],
    )
    out = ledger_books.print_reconciliation(ledger, org, None, 2024, 3, tmp_path / "r.pdf")
    text = all_text(out)
    assert "银行存款余额调节表" in text and "调节后余额相符" in text and "支票未兑付" in text
