"""A cooperative member's account (成员账户, 会计制度 art. 57 and statements.md §3.5): the
member's contributions (成员出资), its quantified share of the reserve (公积金份额) and of
property formed from state subsidies and donations (量化份额), its transactions with the
cooperative (交易量, 交易额), and the returns (盈余返还) and remaining surplus (剩余盈余分配)
it received: 年初余额, the entries, 年末余额/总额. A4 landscape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from reportlab.lib.pagesizes import A4, landscape

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    Output,
    Pdf,
    ReportDataError,
    area_text,
    draw_fit,
    money,
    open_pdf,
    page_label,
)
from coopledger.reports.data import MemberAccount, MemberAccountEntry
from coopledger.reports.table import Column, Table, baseline

__all__ = ["render_member_account"]

_W, _H = landscape(A4)
_MARGIN: Final = 10 * MM
_ROW_H: Final = 6.0 * MM
_HEAD_TOP: Final = _H - 34 * MM
_BOTTOM: Final = 22 * MM
_COLUMNS: Final = (
    Column("编号", 11, "centre"),
    Column("日期", 21, "centre"),
    Column("摘要", 46),
    Column("扶贫项目资产出资", 22, "right"),
    Column("其他来源出资", 24, "right"),
    Column("公积金份额", 22, "right"),
    Column("财政补助量化份额", 23, "right"),
    Column("捐赠量化份额", 20, "right"),
    Column("交易量（亩）", 19, "right"),
    Column("交易额", 23, "right"),
    Column("盈余返还金额", 22, "right"),
    Column("剩余盈余分配金额", 24, "right"),
)
_HEAD_H: Final = 12 * MM


def _sum(entries: Sequence[MemberAccountEntry], field: str) -> int:
    return sum(int(getattr(e, field)) for e in entries)


def _check(ma: MemberAccount) -> None:
    """The closing balances are the opening ones plus the entries; the flow columns are
    the period's totals."""
    for field in ("contribution_fen", "reserve_share_fen", "subsidy_share_fen"):
        want = getattr(ma.opening, field) + _sum(ma.entries, field)
        if getattr(ma.closing, field) != want:
            raise ReportDataError(
                f"member account {ma.member_code}: closing {field} {money(getattr(ma.closing, field))}"
                f", the entries give {money(want)}"
            )
    for field in ("transactions_fen", "returns_fen", "surplus_fen", "donation_share_fen"):
        want = _sum(ma.entries, field) + getattr(ma.opening, field)
        if getattr(ma.closing, field) != want:
            raise ReportDataError(
                f"member account {ma.member_code}: total {field} {money(getattr(ma.closing, field))}"
                f", the entries give {money(want)}"
            )


def _texts(no: str, e: MemberAccountEntry, dated: bool) -> list[str]:
    def m(fen: int) -> str:
        return money(fen) if fen else ""

    return [
        no,
        e.date.isoformat() if dated else "",
        e.memo,
        "",  # 来源于到户类扶贫项目资产的出资额: not kept apart by this program (all "other")
        m(e.contribution_fen),
        m(e.reserve_share_fen),
        m(e.subsidy_share_fen),
        m(e.donation_share_fen),
        area_text(e.quantity_e4) if e.quantity_e4 else "",
        m(e.transactions_fen),
        m(e.returns_fen),
        m(e.surplus_fen),
    ]


def _pages(rows: int) -> list[tuple[int, int]]:
    per = int((_HEAD_TOP - _HEAD_H - _BOTTOM) // _ROW_H)
    total = rows + 2  # 年初余额 and 年末余额/总额
    out = [(i, min(i + per, total)) for i in range(0, total, per)]
    return out or [(0, 2)]


class _Painter:
    def __init__(self, pdf: Pdf, ma: MemberAccount) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.ma = ma
        self.table = Table(_COLUMNS, _MARGIN, size=8.5, head_size=8)

    def _row(self, index: int) -> tuple[list[str], bool]:
        ma = self.ma
        if index == 0:
            return _texts("", ma.opening, False), True
        if index <= len(ma.entries):
            return _texts(str(index), ma.entries[index - 1], True), False
        return _texts("", ma.closing, False), True

    def page(self, start: int, end: int, page: int, pages: int) -> None:
        c, ma, t = self.c, self.ma, self.table
        title = "成员账户" if page == 1 else "成员账户（续）"
        c.setFont(FONT_BOLD, 16)
        c.drawCentredString(_W / 2, _H - 16 * MM, title)
        y = _H - 25 * MM
        who = f"成员姓名（名称）：{ma.member_name}（{ma.member_code}）"
        draw_fit(c, who, _MARGIN, y, 110 * MM, font=FONT_BOLD, size=10)
        draw_fit(c, f"联系地址：{ma.address or '—'}", _MARGIN + 112 * MM, y, 80 * MM, size=9.5)
        draw_fit(
            c,
            f"{ma.org_name}　{ma.period_label}　第{page}页",
            _MARGIN + 192 * MM,
            y,
            t.width - 192 * MM,
            size=9.5,
            align="right",
        )
        c.setFillColor(GREY)
        draw_fit(c, "单位：元", _MARGIN, _HEAD_TOP + 1.5 * MM, t.width, size=8, align="right")
        c.setFillColorRGB(0, 0, 0)
        self._header(_HEAD_TOP)
        yy = _HEAD_TOP - _HEAD_H
        lines = [yy]
        for index in range(start, end):
            texts, bold = self._row(index)
            t.row(c, texts, yy, _ROW_H, bold=bold)
            yy -= _ROW_H
            lines.append(yy)
        t.rules(c, _HEAD_TOP, yy, lines[:-1], starts={4: _HEAD_TOP - _HEAD_H / 2})
        if page == pages:
            c.setFillColor(GREY)
            note = (
                "成员出资含土地经营权作价出资；公积金份额按当年股金（股金×天数）量化；"
                "财政补助形成的财产按成员平均量化；交易额按分配方案的交易额口径。"
            )
            draw_fit(c, note, _MARGIN, yy - 5 * MM, t.width, size=8)
            c.setFillColorRGB(0, 0, 0)
            c.setFont(FONT, 9)
            c.drawString(_MARGIN, yy - 12 * MM, f"制表：{ma.preparer}")
            c.drawString(_MARGIN + 80 * MM, yy - 12 * MM, "成员签字：")
            c.line(_MARGIN + 97 * MM, yy - 12 * MM - 1.5, _MARGIN + 150 * MM, yy - 12 * MM - 1.5)
        c.setFillColor(GREY)
        c.setFont(FONT, 8)
        c.drawCentredString(_W / 2, 8 * MM, page_label(page, pages))
        c.setFillColorRGB(0, 0, 0)
        self.pdf.show_page()

    def _header(self, top: float) -> None:
        """Two heading rows: 成员出资 over its two columns, the rest spanning both."""
        c, t = self.c, self.table
        half = _HEAD_H / 2
        xs = t.xs
        for i, col in enumerate(_COLUMNS):
            if i in (3, 4):
                continue
            draw_fit(
                c,
                col.title,
                xs[i] + 1,
                baseline(top, _HEAD_H, 8),
                xs[i + 1] - xs[i] - 2,
                font=FONT_BOLD,
                size=8,
                align="centre",
            )
        draw_fit(
            c, "成员出资", xs[3] + 1, baseline(top, half, 8), xs[5] - xs[3] - 2,
            font=FONT_BOLD, size=8, align="centre",
        )  # fmt: skip
        for i in (3, 4):
            draw_fit(
                c, _COLUMNS[i].title, xs[i] + 1, baseline(top - half, half, 7.5),
                xs[i + 1] - xs[i] - 2, font=FONT_BOLD, size=7.5, align="centre",
            )  # fmt: skip
        c.setLineWidth(0.35)
        c.line(xs[3], top - half, xs[5], top - half)


def render_member_account(ma: MemberAccount, out: Output) -> int:
    """Print one member's account to ``out``; returns the number of pages.

    Raises:
        ReportDataError: closing balances or totals the entries do not give.
    """
    _check(ma)
    slices = _pages(len(ma.entries))
    title = f"成员账户 {ma.member_code} {ma.member_name}"
    with open_pdf(out, title=title, author=ma.org_name, pagesize=landscape(A4)) as pdf:
        painter = _Painter(pdf, ma)
        for i, (start, end) in enumerate(slices, start=1):
            painter.page(start, end, i, len(slices))
    return pdf.pages
