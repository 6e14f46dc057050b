"""Books on paper in the three-column ledger format accountants know (三栏式): 月 日 | 凭证字号 |
摘要 | (对方科目) | 借方 | 贷方 | 借或贷 | 余额, with the 上年结转 line, 本月合计 and 本年累计
after each month, and 过次页 / 承前页 carrying the month's running totals from one page to the
next. Also the 银行存款余额调节表.

Pages are drawn as the lines stream in (a year of a bank account runs to tens of thousands of
lines), with text batched per page; the running balance is checked line by line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from reportlab.lib.pagesizes import A4

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    Output,
    Pdf,
    Progress,
    ProgressCallback,
    ReportDataError,
    cn_date,
    draw_fit,
    money,
    open_pdf,
    page_label,
    text_batch,
)
from coopledger.reports.data import BookLine, BookPrint, ReconciliationPrint, direction
from coopledger.reports.table import Column, Table

__all__ = ["book_pages", "render_book", "render_general", "render_reconciliation"]

_MARGIN: Final = 10 * MM
_ROW_H: Final = 6.0 * MM
_HEAD_H: Final = 7.0 * MM
_TABLE_TOP: Final = A4[1] - 30 * MM
_BOTTOM: Final = 16 * MM
ROWS_PER_PAGE: Final = int((_TABLE_TOP - _HEAD_H - _BOTTOM) // _ROW_H)


def _columns(counterpart: bool) -> tuple[Column, ...]:
    fixed = [
        Column("月", 7, "centre"),
        Column("日", 7, "centre"),
        Column("凭证字号", 22, "centre"),
    ]
    money_cols = [
        Column("借方", 26, "right"),
        Column("贷方", 26, "right"),
        Column("借或贷", 10, "centre"),
        Column("余额", 27, "right"),
    ]
    width = (A4[0] - 2 * _MARGIN) / MM - sum(c.width_mm for c in fixed + money_cols)
    middle = (
        [Column("摘要", width - 30), Column("对方科目", 30)]
        if counterpart
        else [Column("摘要", width)]
    )
    return (*fixed, *middle, *money_cols)


def book_pages(lines: int) -> list[int]:
    """How many book lines each page holds: every page but the last ends with 过次页, every
    page but the first starts with 承前页."""
    cap = ROWS_PER_PAGE
    if lines <= cap:
        return [lines]
    out = [cap - 1]
    left = lines - (cap - 1)
    while left > cap - 1:
        out.append(cap - 2)
        left -= cap - 2
    out.append(left)
    return out


class _BookPainter:
    def __init__(self, pdf: Pdf, book: BookPrint) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.book = book
        self.table = Table(_columns(book.counterpart), _MARGIN, size=8.5, head_size=9)

    def _texts(self, ln: BookLine) -> list[str]:
        d = ln.date
        month = str(d.month) if d else ""
        day = str(d.day) if d and ln.kind != "carry" else ""
        texts = [month, day, ln.voucher, ln.memo]
        if self.book.counterpart:
            texts.append(ln.counter)
        if ln.kind == "opening":
            texts += ["", ""]
        elif ln.kind == "entry":
            texts += [money(ln.debit) if ln.debit else "", money(ln.credit) if ln.credit else ""]
        else:  # totals and page carries show both sides, even when nothing moved
            texts += [money(ln.debit), money(ln.credit)]
        texts += [direction(ln.balance), money(abs(ln.balance))]
        return texts

    def page(self, rows: list[BookLine], page: int, pages: int) -> None:
        c, b, t = self.c, self.book, self.table
        w, h = A4
        title = b.title if page == 1 else f"{b.title}（续）"
        c.setFont(FONT_BOLD, 16)
        c.drawCentredString(w / 2, h - 17 * MM, " ".join(title) if len(title) <= 7 else title)
        y = h - 25 * MM
        draw_fit(c, f"编制单位：{b.org_name}", _MARGIN, y, 70 * MM, size=9)
        draw_fit(c, f"{b.year}年度", _MARGIN + 70 * MM, y, 30 * MM, size=9, align="centre")
        who = f"科目：{b.account}" + (f"　户：{b.member}" if b.member else "")
        draw_fit(c, who, _MARGIN + 100 * MM, y, t.width - 100 * MM, size=9, align="right")
        t.header(c, _TABLE_TOP, _HEAD_H)
        yy = _TABLE_TOP - _HEAD_H
        rules = [yy]
        heavy: list[float] = []
        with text_batch(c) as batch:
            for ln in rows:
                bold = ln.is_total
                t.row(batch, self._texts(ln), yy, _ROW_H, bold=bold)
                yy -= _ROW_H
                rules.append(yy)
                if ln.kind in ("month", "year"):
                    heavy.append(yy)
        t.rules(c, _TABLE_TOP, yy, rules[:-1])
        c.setLineWidth(0.8)
        for y_rule in heavy:  # a ruled line under each month's and the year's totals
            c.line(t.left, y_rule, t.right, y_rule)
        if page == pages and b.preparer:
            c.setFont(FONT, 9)
            c.drawString(_MARGIN, yy - 6 * MM, f"记账：{b.preparer}")
        c.setFillColor(GREY)
        c.setFont(FONT, 8)
        c.drawCentredString(w / 2, 8 * MM, page_label(page, pages))
        c.setFillColorRGB(0, 0, 0)
        self.pdf.show_page()


def _checked(book: BookPrint) -> Iterator[BookLine]:
    """The lines, each balance checked: an entry's against the line before, a month's
    total against the month's start and its own debits and credits, 本年累计 against the
    month's total."""
    balance: int | None = None
    month_start: int | None = None
    for n, ln in enumerate(book.lines, start=1):
        want: int | None = None
        if balance is not None and month_start is not None:
            if ln.kind == "entry":
                want = balance + ln.debit - ln.credit
            elif ln.kind == "month":
                want = month_start + ln.debit - ln.credit
            elif ln.kind == "year":
                want = balance
        if want is not None and ln.balance != want:
            raise ReportDataError(
                f"{book.title} {book.account}, line {n} ({ln.voucher or ln.memo}): balance "
                f"{money(ln.balance)}, the lines give {money(want)}"
            )
        balance = ln.balance
        if ln.kind in ("opening", "year"):
            month_start = ln.balance
        yield ln


def _draw_book(pdf: Pdf, book: BookPrint, report: Progress) -> None:
    sizes = book_pages(book.line_count)
    pages = len(sizes)
    stream = _checked(book)
    painter = _BookPainter(pdf, book)
    month_d = month_c = 0
    balance = 0
    done = 0
    carried: BookLine | None = None
    for page, size in enumerate(sizes, start=1):
        rows: list[BookLine] = []
        if carried is not None:
            rows.append(carried)
        for _ in range(size):
            ln = next(stream, None)
            if ln is None:
                raise ReportDataError(f"{book.title} {book.account}: fewer lines than announced")
            rows.append(ln)
            balance = ln.balance
            if ln.kind == "entry":
                month_d += ln.debit
                month_c += ln.credit
            else:  # the opening line, or a month's totals: a new month starts
                month_d = month_c = 0
        done += size
        if page < pages:
            last = rows[-1]
            rows.append(BookLine("carry", last.date, "", None, "过次页", month_d, month_c, balance))
            carried = BookLine("carry", last.date, "", None, "承前页", month_d, month_c, balance)
        painter.page(rows, page, pages)
        report.report(done)
    if next(stream, None) is not None:
        raise ReportDataError(f"{book.title} {book.account}: more lines than announced")


def render_book(book: BookPrint, out: Output, *, progress: ProgressCallback | None = None) -> int:
    """Print a book (明细账, 现金日记账, 银行存款日记账) to ``out``; returns the pages.

    Raises:
        ReportDataError: a balance the lines do not give (nothing is written).
        ReportCancelled: ``progress`` said stop (nothing is written).
    """
    title = f"{book.title} {book.account} {book.year}"
    with open_pdf(out, title=title, author=book.org_name, pagesize=A4) as pdf:
        _draw_book(pdf, book, Progress(progress, book.line_count))
    return pdf.pages


def render_general(books: list[BookPrint], out: Output) -> int:
    """Print 总账 pages, each account from a new page; returns the pages."""
    author = books[0].org_name if books else "coopledger"
    with open_pdf(out, title="总账", author=author, pagesize=A4) as pdf:
        for book in books:
            _draw_book(pdf, book, Progress(None, book.line_count))
    return pdf.pages


# --- 银行存款余额调节表 ------------------------------------------------------------------------

_RECON_LABELS: Final = {
    "bank_in_not_booked": "银行已收、企业未收",
    "bank_out_not_booked": "银行已付、企业未付",
    "booked_in_not_bank": "企业已收、银行未收",
    "booked_out_not_bank": "企业已付、银行未付",
}


def render_reconciliation(r: ReconciliationPrint, out: Output) -> int:
    """The bank reconciliation statement: the book balance and the bank statement's, each
    adjusted by the items in transit, side by side; they must agree."""
    with open_pdf(
        out, title=f"银行存款余额调节表 {r.account}", author=r.org_name, pagesize=A4
    ) as pdf:
        c: Any = pdf.canvas
        w, h = A4
        c.setFont(FONT_BOLD, 16)
        c.drawCentredString(w / 2, h - 20 * MM, "银 行 存 款 余 额 调 节 表")
        y = h - 30 * MM
        draw_fit(c, f"编制单位：{r.org_name}", _MARGIN, y, 80 * MM, size=9.5)
        draw_fit(c, cn_date(r.on), _MARGIN + 80 * MM, y, 40 * MM, size=9.5, align="centre")
        draw_fit(
            c,
            f"账户：{r.account}　单位：元",
            _MARGIN + 120 * MM,
            y,
            70 * MM,
            size=9.5,
            align="right",
        )
        half = (w - 2 * _MARGIN) / MM / 2
        left = Table([Column("项目", half - 32), Column("金额", 32, "right")], _MARGIN, size=9.5)
        right = Table(
            [Column("项目", half - 32), Column("金额", 32, "right")], left.right, size=9.5
        )
        top = h - 36 * MM
        left.header(c, top, _HEAD_H)
        right.header(c, top, _HEAD_H)
        rows_l = [
            ("企业银行存款日记账余额", r.ledger_balance, True),
            ("加：银行已收、企业未收", r.bank_in_not_booked, False),
            ("减：银行已付、企业未付", r.bank_out_not_booked, False),
            ("调节后的存款余额", r.adjusted_ledger, True),
        ]
        rows_r = [
            ("银行对账单余额", r.statement_balance, True),
            ("加：企业已收、银行未收", r.booked_in_not_bank, False),
            ("减：企业已付、银行未付", r.booked_out_not_bank, False),
            ("调节后的存款余额", r.adjusted_statement, True),
        ]
        yy = top - _HEAD_H
        lines = [yy]
        for (tl, al, bl), (tr, ar, br) in zip(rows_l, rows_r, strict=True):
            left.row(c, [tl, money(al)], yy, _ROW_H + 1 * MM, bold=bl)
            right.row(c, [tr, money(ar)], yy, _ROW_H + 1 * MM, bold=br)
            yy -= _ROW_H + 1 * MM
            lines.append(yy)
        left.rules(c, top, yy, lines[:-1])
        right.rules(c, top, yy, lines[:-1])
        y = yy - 8 * MM
        agree = r.adjusted_ledger == r.adjusted_statement
        c.setFont(FONT_BOLD, 10)
        c.drawString(
            _MARGIN,
            y,
            "调节后余额相符。"
            if agree
            else f"调节后余额不符，相差 {money(r.adjusted_ledger - r.adjusted_statement)}！",
        )
        if r.items:
            y -= 9 * MM
            items = Table(
                [Column("未达账项", 50), Column("摘要", 100), Column("金额", 40, "right")],
                _MARGIN,
                size=9,
            )
            items.header(c, y, _HEAD_H)
            yy = y - _HEAD_H
            lines = [yy]
            for kind, amount, memo in r.items:
                items.row(c, [_RECON_LABELS.get(kind, kind), memo, money(amount)], yy, _ROW_H)
                yy -= _ROW_H
                lines.append(yy)
            items.rules(c, y, yy, lines[:-1])
            y = yy
        y -= 12 * MM
        c.setFont(FONT, 9.5)
        c.drawString(_MARGIN, y, f"审核：{r.reviewer}")
        c.drawString(_MARGIN + 70 * MM, y, f"编制：{r.preparer}")
        pdf.show_page()
    return pdf.pages
