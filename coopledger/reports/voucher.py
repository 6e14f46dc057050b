"""Voucher prints (记账凭证), two to an A4 page with a cut line: 摘要, 科目, 借方, 贷方, a
合计 row with the amount in 大写, 附件 n 张 and the 记账/出纳/审核/制单 lines. Red (reversal)
lines carry negative amounts and print in red with a minus sign. A voucher with more lines
than one sheet holds continues on further sheets; its 合计 is on the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from reportlab.lib.pagesizes import A4

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    RED,
    Output,
    Pdf,
    ReportDataError,
    capitals,
    cn_date,
    draw_fit,
    money,
    money_sign,
    open_pdf,
)
from coopledger.reports.data import VoucherLinePrint, VoucherPrint
from coopledger.reports.table import Column, Table, baseline

__all__ = ["LINES_PER_SHEET", "render_voucher"]

LINES_PER_SHEET: Final = 7
_BAND: Final = A4[1] / 2
_X0: Final = 14 * MM
_COLUMNS: Final = (
    Column("摘　要", 46, "left"),
    Column("科目编码", 18, "centre"),
    Column("会计科目", 56, "left"),
    Column("借方金额", 28, "right"),
    Column("贷方金额", 28, "right"),
)
_HEAD_H: Final = 8 * MM
_ROW_H: Final = 9 * MM
_TABLE_TOP: Final = 26 * MM  # below the band's top edge


def _check(v: VoucherPrint) -> None:
    debit = sum(line.debit_fen for line in v.lines)
    credit = sum(line.credit_fen for line in v.lines)
    if debit != credit:
        raise ReportDataError(
            f"voucher {v.number_label}: debits {money(debit)} do not equal credits {money(credit)}"
        )


def _account_text(line: VoucherLinePrint) -> str:
    return f"{line.account_name}—{line.member_name}" if line.member_name else line.account_name


def _amount(fen: int) -> str:
    return money(fen) if fen else ""


class _VoucherPainter:
    def __init__(self, pdf: Pdf) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.table = Table(_COLUMNS, _X0, size=9.5, head_size=10)

    def sheet(
        self,
        v: VoucherPrint,
        lines: Sequence[VoucherLinePrint],
        top: float,
        sheet: int,
        sheets: int,
    ) -> None:
        """One sheet of voucher ``v`` in the half page whose top edge is at ``top``."""
        c, t = self.c, self.table
        w = A4[0]
        title = "记 账 凭 证"
        c.setFont(FONT_BOLD, 19)
        c.drawCentredString(w / 2, top - 14 * MM, title)
        tw = c.stringWidth(title, FONT_BOLD, 19)
        c.setLineWidth(0.7)
        for dy in (16.2, 17.0):
            c.line(w / 2 - tw / 2 - 4, top - dy * MM, w / 2 + tw / 2 + 4, top - dy * MM)
        if v.is_reversal:
            c.saveState()
            c.setStrokeColor(RED)
            c.setFillColor(RED)
            c.setLineWidth(1)
            c.rect(w / 2 + tw / 2 + 8 * MM, top - 15.5 * MM, 22 * MM, 8 * MM)
            c.setFont(FONT_BOLD, 11)
            c.drawCentredString(w / 2 + tw / 2 + 19 * MM, top - 12.8 * MM, "红字冲销")
            c.restoreState()

        y = top - 23 * MM
        draw_fit(c, f"核算单位：{v.org_name}", _X0, y, 70 * MM, size=9.5)
        draw_fit(c, cn_date(v.date), _X0 + 66 * MM, y, 44 * MM, size=10, align="centre")
        number = v.number_label + (f"（{sheet}/{sheets}）" if sheets > 1 else "")
        draw_fit(
            c, number, _X0 + 116 * MM, y, t.width - 116 * MM, font=FONT_BOLD, size=10, align="right"
        )

        table_top = top - _TABLE_TOP
        t.header(c, table_top, _HEAD_H)
        y = table_top - _HEAD_H
        rows = [y]
        for line in lines:
            red = line.debit_fen < 0 or line.credit_fen < 0
            if red:
                c.setFillColor(RED)
            texts = [
                line.memo,
                line.account_code,
                _account_text(line),
                _amount(line.debit_fen),
                _amount(line.credit_fen),
            ]
            t.row(c, texts, y, _ROW_H)
            if red:
                c.setFillColorRGB(0, 0, 0)
            y -= _ROW_H
            rows.append(y)
        for _ in range(LINES_PER_SHEET - len(lines)):
            y -= _ROW_H
            rows.append(y)
        # Unused lines are struck through across the amounts, so nothing can be added.
        if len(lines) < LINES_PER_SHEET:
            c.setLineWidth(0.5)
            c.line(t.xs[5], rows[len(lines)], t.xs[3], y)

        base = baseline(y, _ROW_H, 10)
        if sheet == sheets:
            debit = sum(line.debit_fen for line in v.lines)
            credit = sum(line.credit_fen for line in v.lines)
            if debit < 0:
                c.setFillColor(RED)
            t.cell(
                c, 0, f"合　计　人民币（大写）{capitals(debit)}", base, bold=True, size=10, span=3
            )
            t.cell(c, 3, money_sign(debit), base, bold=True, size=10)
            t.cell(c, 4, money_sign(credit), base, bold=True, size=10)
            c.setFillColorRGB(0, 0, 0)
        else:
            t.cell(c, 0, "（续下张）", base, size=9.5, span=3)
        bottom = y - _ROW_H
        t.rules(c, table_top, bottom, rows, stops={1: y, 2: y})

        # 附件 n 张, written down the right edge.
        x = t.right + 4 * MM
        c.setFont(FONT, 9.5)
        mid = (table_top + bottom) / 2 + 1.5 * 5 * MM
        for i, ch in enumerate(("附", "件", str(v.attachments), "张")):
            c.drawCentredString(x, mid - i * 5 * MM, ch)
        c.setLineWidth(0.3)
        under = mid - 2 * 5 * MM - 1.3 * MM  # the blank the count is written on
        c.line(x - 2.2 * MM, under, x + 2.2 * MM, under)

        y = bottom - 7 * MM
        people = (("记账：", v.poster), ("出纳：", v.cashier), ("审核：", v.reviewer),
                  ("制单：", v.preparer))  # fmt: skip
        span = t.width / len(people)
        for i, (label, name) in enumerate(people):
            x = _X0 + i * span
            c.setFont(FONT, 9.5)
            c.drawString(x, y, label)
            lw = c.stringWidth(label, FONT, 9.5)
            draw_fit(c, name, x + lw, y, span - lw - 3 * MM, size=9.5)
        if v.reverses_label:
            c.setFillColor(RED)
            draw_fit(c, f"冲销：{v.reverses_label}", _X0, y - 6 * MM, t.width, size=8.5)
            c.setFillColorRGB(0, 0, 0)

    def cut_line(self) -> None:
        c = self.c
        c.saveState()
        c.setStrokeColor(GREY)
        c.setFillColor(GREY)
        c.setLineWidth(0.4)
        c.setDash(3, 2)
        w = A4[0]
        c.line(6 * MM, _BAND, w / 2 - 14 * MM, _BAND)
        c.line(w / 2 + 14 * MM, _BAND, w - 6 * MM, _BAND)
        c.setFont(FONT, 7)
        c.drawCentredString(w / 2, _BAND - 2.4, "✂ 沿此线剪开")
        c.restoreState()


def render_voucher(vouchers: Sequence[VoucherPrint], out: Output) -> int:
    """Print the vouchers to ``out``, two sheets to an A4 page; returns the number of pages.

    Raises:
        ReportDataError: a voucher whose debits do not equal its credits (nothing is
            written).
    """
    for v in vouchers:
        _check(v)
    sheets: list[tuple[VoucherPrint, Sequence[VoucherLinePrint], int, int]] = []
    for v in vouchers:
        chunks: list[Sequence[VoucherLinePrint]] = [
            v.lines[i : i + LINES_PER_SHEET] for i in range(0, len(v.lines), LINES_PER_SHEET)
        ] or [()]
        for k, chunk in enumerate(chunks, start=1):
            sheets.append((v, chunk, k, len(chunks)))
    first = vouchers[0] if vouchers else None
    title = "记账凭证" + (f" {first.number_label}" if first and len(vouchers) == 1 else "")
    author = first.org_name if first else "coopledger"
    with open_pdf(out, title=title, author=author, pagesize=A4) as pdf:
        painter = _VoucherPainter(pdf)
        for i, (v, chunk, k, n) in enumerate(sheets):
            upper = i % 2 == 0
            painter.sheet(v, chunk, A4[1] if upper else _BAND, k, n)
            if not upper or i == len(sheets) - 1:
                if not upper:
                    painter.cut_line()
                pdf.show_page()
    return pdf.pages
