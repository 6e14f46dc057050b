"""A member's statement (成员往来对账单): the lines of one member's current and payable
accounts for a period, with the opening balance, a running balance (借/贷 and amount), the
period's totals and the closing balance; the member's other lines (wages) in grey, for
information, outside the balance. Balances are debit-positive: a negative balance is owed
to the member (贷)."""

from __future__ import annotations

from typing import Any, Final

from reportlab.lib.pagesizes import A4

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    Output,
    Pdf,
    ReportDataError,
    draw_fit,
    money,
    open_pdf,
    page_label,
)
from coopledger.reports.data import MemberStatement, MemberStatementRow
from coopledger.reports.table import Column, Table, baseline

__all__ = ["render_member_statement"]

TITLE: Final = "成员往来对账单"
_MARGIN: Final = 10 * MM
_HEAD_H: Final = 7.5 * MM
_ROW_H: Final = 6.2 * MM
_COLUMNS: Final = (
    Column("日期", 20, "centre"),
    Column("凭证号", 22, "centre"),
    Column("摘要", 42),
    Column("科目", 28),
    Column("借方", 24, "right"),
    Column("贷方", 24, "right"),
    Column("借或贷", 13, "centre"),
    Column("余额", 18, "right"),
)
_TABLE_TOP_FIRST: Final = A4[1] - 36 * MM
_TABLE_TOP_NEXT: Final = A4[1] - 26 * MM
_BOTTOM: Final = 24 * MM


def _side(balance: int) -> str:
    return "借" if balance > 0 else "贷" if balance < 0 else "平"


def _check(ms: MemberStatement) -> None:
    running = ms.opening_fen
    for i, row in enumerate(ms.rows):
        if not row.information:
            running += row.debit_fen - row.credit_fen
        if row.balance_fen != running:
            raise ReportDataError(
                f"statement of {ms.member_code}, line {i + 1} ({row.voucher_label}): balance "
                f"{money(row.balance_fen)}, the lines give {money(running)}"
            )
    if running != ms.closing_fen:
        raise ReportDataError(
            f"statement of {ms.member_code}: closing balance {money(ms.closing_fen)}, "
            f"the lines give {money(running)}"
        )


def _pages(rows: int) -> list[tuple[int, int]]:
    first = int((_TABLE_TOP_FIRST - _BOTTOM - _HEAD_H) // _ROW_H)
    nxt = int((_TABLE_TOP_NEXT - _BOTTOM - _HEAD_H) // _ROW_H)
    total = rows + 3  # the opening row, the period's totals and the closing row
    out: list[tuple[int, int]] = []
    start = 0
    cap = first
    while True:
        out.append((start, min(start + cap, total)))
        start += cap
        if start >= total:
            return out
        cap = nxt


class _Painter:
    def __init__(self, pdf: Pdf, ms: MemberStatement) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.ms = ms
        widths = sum(col.width_mm for col in _COLUMNS)
        # The balance column takes what is left of the page width.
        room = (A4[0] - 2 * _MARGIN) / MM - widths
        cols = (*_COLUMNS[:-1], Column("余额", _COLUMNS[-1].width_mm + room, "right"))
        self.table = Table(cols, _MARGIN, size=8.5, head_size=9)

    def _texts(self, index: int) -> tuple[list[str], bool]:
        ms = self.ms
        n = len(ms.rows)
        if index == 0:
            return ["", "", "期初余额", "", "", "", _side(ms.opening_fen),
                    money(abs(ms.opening_fen))], True  # fmt: skip
        if index <= n:
            r: MemberStatementRow = ms.rows[index - 1]
            if r.information:
                return [
                    r.date.isoformat(),
                    r.voucher_label,
                    f"{r.memo}（仅供参考）",
                    r.account_name,
                    money(r.debit_fen) if r.debit_fen else "",
                    money(r.credit_fen) if r.credit_fen else "",
                    "",
                    "",
                ], False
            return [
                r.date.isoformat(),
                r.voucher_label,
                r.memo,
                r.account_name,
                money(r.debit_fen) if r.debit_fen else "",
                money(r.credit_fen) if r.credit_fen else "",
                _side(r.balance_fen),
                money(abs(r.balance_fen)),
            ], False
        if index == n + 1:
            debit = sum(r.debit_fen for r in ms.rows if not r.information)
            credit = sum(r.credit_fen for r in ms.rows if not r.information)
            return ["", "", "本期合计", "", money(debit), money(credit), "", ""], True
        return ["", "", "期末余额", "", "", "", _side(ms.closing_fen),
                money(abs(ms.closing_fen))], True  # fmt: skip

    def page(self, start: int, end: int, page: int, pages: int) -> None:
        c, ms, t = self.c, self.ms, self.table
        w, h = A4
        first = page == 1
        name = ms.title or TITLE
        title = name if first else f"{name}（续）"
        c.setFont(FONT_BOLD, 16 if first else 12)
        c.drawCentredString(w / 2, h - 18 * MM, title)
        y = h - 26 * MM if first else h - 22 * MM
        if first:
            draw_fit(c, f"编制单位：{ms.org_name}", _MARGIN, y, 100 * MM, size=9.5)
            draw_fit(
                c,
                ms.period_label,
                _MARGIN + 100 * MM,
                y,
                t.width - 100 * MM,
                size=9.5,
                align="right",
            )
            y -= 6.5 * MM
            who = f"户号：{ms.member_code}　　户主（名称）：{ms.member_name}"
            if ms.group:
                who += f"　　小组：{ms.group}"
            draw_fit(c, who, _MARGIN, y, t.width - 20 * MM, font=FONT_BOLD, size=10)
        c.setFillColor(GREY)
        draw_fit(c, "单位：元", _MARGIN, y, t.width, size=8.5, align="right")
        c.setFillColorRGB(0, 0, 0)

        top = _TABLE_TOP_FIRST if first else _TABLE_TOP_NEXT
        t.header(c, top, _HEAD_H)
        yy = top - _HEAD_H
        lines = [yy]
        for index in range(start, end):
            texts, bold = self._texts(index)
            info = 1 <= index <= len(ms.rows) and ms.rows[index - 1].information
            if info:
                c.setFillColor(GREY)
            t.row(c, texts, yy, _ROW_H, bold=bold)
            if info:
                c.setFillColorRGB(0, 0, 0)
            yy -= _ROW_H
            lines.append(yy)
        t.rules(c, top, yy, lines[:-1])
        if page == pages:
            if ms.accounts_label or any(r.information for r in ms.rows):
                note = f"余额为{ms.accounts_label}的余额" if ms.accounts_label else ""
                if any(r.information for r in ms.rows):
                    note += ("；" if note else "") + "工资等其他收入仅供参考，不计入余额"
                c.setFillColor(GREY)
                draw_fit(c, note + "。", _MARGIN, yy - 4 * MM, t.width, size=8)
                c.setFillColorRGB(0, 0, 0)
                yy -= 5 * MM
            base = baseline(yy - 4 * MM, 6 * MM, 9)
            c.setFont(FONT, 9)
            c.drawString(_MARGIN, base, "核对无误，成员签字：")
            c.line(_MARGIN + 33 * MM, base - 1.5, _MARGIN + 80 * MM, base - 1.5)
            c.drawString(_MARGIN + 100 * MM, base, "日期：")
            c.line(_MARGIN + 110 * MM, base - 1.5, _MARGIN + 150 * MM, base - 1.5)
        c.setFillColor(GREY)
        c.setFont(FONT, 8)
        c.drawCentredString(w / 2, 8 * MM, page_label(page, pages))
        c.setFillColorRGB(0, 0, 0)
        self.pdf.show_page()


def render_member_statement(ms: MemberStatement, out: Output) -> int:
    """Print one member's statement to ``out``; returns the number of pages.

    Raises:
        ReportDataError: a running balance or the closing balance that the lines do not
            give (nothing is written).
    """
    _check(ms)
    slices = _pages(len(ms.rows))
    title = f"{ms.title or TITLE} {ms.member_code} {ms.member_name}"
    with open_pdf(out, title=title, author=ms.org_name, pagesize=A4) as pdf:
        painter = _Painter(pdf, ms)
        for i, (start, end) in enumerate(slices, start=1):
            painter.page(start, end, i, len(slices))
    return pdf.pages
