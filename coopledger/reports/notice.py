"""The public notice of a year's distribution (村务公开 收益分配公示): the result under the
labels of ``distribution.md`` in the waterfall's order, the announced rates, the dividend by
share class, the plan's 四议两公开 record, every holder's land fee, return by transactions
(cooperative books), dividend and total with page totals and a grand total (also in 大写),
the plan's dates, the notice period, where to object, and the signature lines.

Drawn on A4 landscape; ``A3L`` prints the same pages enlarged for the notice board. ID and
bank numbers are not in the data and so never printed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Final

from reportlab.lib.pagesizes import A3, A4, landscape

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
    area_text,
    capitals,
    cn_date,
    draw_fit,
    fingerprint_label,
    money,
    money_sign,
    open_pdf,
    page_label,
    text_batch,
)
from coopledger.reports.data import Notice, NoticeRow
from coopledger.reports.table import Column, Table, baseline

__all__ = ["PAPERS", "notice_pages", "render_notice"]

PAPERS: Final = ("A4L", "A3L")

# The layout is drawn in A4-landscape points; A3L scales it by √2.
_W, _H = landscape(A4)
_MARGIN: Final = 10 * MM
_HEAD_H: Final = 8.5 * MM
_ROW_H: Final = 5.6 * MM
_TOTAL_H: Final = 6.5 * MM
_BOTTOM: Final = 13 * MM  # the table never comes lower than this
_FIRST_TABLE_TOP: Final = _H - 79 * MM
_NEXT_TABLE_TOP: Final = _H - 21 * MM
_CLOSING_H: Final = 32 * MM  # below the table on the last page: 大写, signatures, dates

_COLUMNS: Final = (
    Column("序号", 14, "centre"),
    Column("户号", 22, "centre"),
    Column("户主（名称）", 34),
    Column("村民小组", 34),
    Column("流转面积（亩）", 25, "right"),
    Column("股金（元）", 30, "right"),
    Column("土地流转费（元）", 30, "right"),
    Column("按股分红（元）", 28, "right"),
    Column("应付合计（元）", 32, "right"),
    Column("备注", 28),
)
#: A cooperative's table has the returns by transactions beside the dividends.
_COOP_COLUMNS: Final = (
    Column("序号", 12, "centre"),
    Column("户号", 20, "centre"),
    Column("户主（名称）", 30),
    Column("村民小组", 26),
    Column("流转面积（亩）", 22, "right"),
    Column("股金（元）", 28, "right"),
    Column("土地流转费（元）", 28, "right"),
    Column("按交易量返还（元）", 29, "right"),
    Column("按股分红（元）", 26, "right"),
    Column("应付合计（元）", 30, "right"),
    Column("备注", 26),
)
#: Share classes as the notice names them.
_CLASS_NAMES: Final = {
    "land": "土地股",
    "self_raised": "自筹资金股",
    "project_fund": "项目资金股",
    "red_fund": "红色基金股",
    "cash": "现金股",
    "other": "其他股",
}


def _capacity(first: bool, last: bool) -> int:
    top = _FIRST_TABLE_TOP if first else _NEXT_TABLE_TOP
    room = top - _BOTTOM - _HEAD_H - _TOTAL_H
    if last:
        room -= _TOTAL_H + _CLOSING_H
    return int(room // _ROW_H)


def notice_pages(rows: int) -> list[tuple[int, int]]:
    """How ``rows`` table rows are split into pages: ``(start, end)`` slices. The last page
    keeps room for the grand total and the signatures, and holds at least a few rows."""
    pages: list[tuple[int, int]] = []
    start = 0
    while True:
        first = not pages
        remaining = rows - start
        if remaining <= _capacity(first, last=True):
            pages.append((start, rows))
            return pages
        take = _capacity(first, last=False)
        if remaining <= take:
            take = max(1, remaining - 3)
        pages.append((start, start + take))
        start += take


def _check(notice: Notice) -> None:
    sums = (
        ("land fees", sum(r.land_fee_fen for r in notice.rows), notice.land_fees_fen),
        (
            "returns",
            sum(r.transaction_return_fen for r in notice.rows),
            notice.transaction_returns_fen,
        ),
        ("dividends", sum(r.dividend_fen for r in notice.rows), notice.dividends_fen),
    )
    for what, rows, summary in sums:
        if rows != summary:
            raise ReportDataError(
                f"the notice's rows add up to {money(rows)} of {what}, "
                f"its summary says {money(summary)}"
            )
    if notice.transaction_returns_fen and not notice.cooperative:
        raise ReportDataError("returns by transactions on a village notice")
    by_class = sum(fen for _, fen in notice.dividends_by_class)
    if notice.dividends_by_class and by_class != notice.dividends_fen:
        raise ReportDataError(
            f"the dividends by share class add up to {money(by_class)}, "
            f"the summary says {money(notice.dividends_fen)}"
        )


def _columns(notice: Notice) -> tuple[Column, ...]:
    return _COOP_COLUMNS if notice.cooperative else _COLUMNS


def _totals_texts(rows: Sequence[NoticeRow], cooperative: bool) -> list[str]:
    """The sums of the rows printed, for a 本页合计 or 总计 row (its label spans the first
    four columns and is drawn apart)."""
    area = sum(r.area_e4 for r in rows)
    shares = sum(r.share_capital_fen for r in rows)
    fees = sum(r.land_fee_fen for r in rows)
    returns = sum(r.transaction_return_fen for r in rows)
    dividends = sum(r.dividend_fen for r in rows)
    total = sum(r.total_fen for r in rows)
    middle = [money(fees)] + ([money(returns)] if cooperative else []) + [money(dividends)]
    return ["", "", "", "", area_text(area), money(shares), *middle, money(total), ""]


def _row_texts(r: NoticeRow, cooperative: bool) -> list[str]:
    middle = [money(r.land_fee_fen)]
    if cooperative:
        middle.append(money(r.transaction_return_fen))
    middle.append(money(r.dividend_fen))
    note = f"交易额{money(r.transactions_fen)}" if cooperative and r.transactions_fen else ""
    return [
        str(r.no),
        r.member_code,
        r.member_name,
        r.group,
        area_text(r.area_e4) if r.area_e4 else "",
        money(r.share_capital_fen) if r.share_capital_fen else "",
        *middle,
        money(r.total_fen),
        note,
    ]


def _summary_rows(n: Notice) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The result's figures under the labels of distribution.md, in the waterfall's order:
    the year (row one) and where it went (row two)."""
    year = [
        ("本年经营收益（付土地流转费前）", n.distributable_fen),
        ("土地流转费", n.land_fees_fen),
        ("本年收益（盈余）", n.net_income_fen),
        ("年初未分配收益", n.undistributed_in_fen),
        ("年初未弥补亏损", n.loss_in_fen),
        ("可分配收益（盈余）", n.available_fen),
    ]
    went: list[tuple[str, int]] = [("弥补以前年度亏损", n.loss_made_up_fen)]
    if not n.cooperative:
        went.append(("提取公益金", n.welfare_fen))
    went.append(("提取公积金（盈余公积）", n.reserve_fen))
    if n.cooperative:
        went.append(("按交易量返还", n.transaction_returns_fen))
    went += [
        ("按股分红", n.dividends_fen),
        ("年末未分配收益", n.undistributed_fen),
        ("年末未弥补亏损", n.loss_carried_fen),
    ]
    return year, went


def _wrap(c: Any, text: str, width: float, font: str, size: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (character by character: Chinese
    has no spaces to break at)."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if line and c.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


class _NoticePainter:
    def __init__(self, pdf: Pdf, notice: Notice, scale: float) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.n = notice
        self.scale = scale
        self.table = Table(_columns(notice), _MARGIN, size=9, head_size=8.5)

    def _title(self, first: bool) -> None:
        c, n = self.c, self.n
        title = f"{n.org_name}　{n.year}年度收益分配公示"
        if first:
            # The 村务公开 tag, boxed, at the top left.
            c.setLineWidth(0.8)
            c.rect(_MARGIN, _H - 19 * MM, 24 * MM, 9 * MM)
            c.setFont(FONT_BOLD, 12)
            c.drawCentredString(_MARGIN + 12 * MM, _H - 16.2 * MM, "村务公开")
            draw_fit(
                c,
                title,
                _MARGIN + 30 * MM,
                _H - 17 * MM,
                _W - 2 * _MARGIN - 60 * MM,
                font=FONT_BOLD,
                size=17,
                align="centre",
            )
        else:
            draw_fit(
                c,
                title + "（续）",
                _MARGIN,
                _H - 15 * MM,
                _W - 2 * _MARGIN,
                font=FONT_BOLD,
                size=12,
                align="centre",
            )
        c.setFillColor(GREY)
        draw_fit(
            c,
            "单位：元",
            _MARGIN,
            (_FIRST_TABLE_TOP if first else _NEXT_TABLE_TOP) + 1.5 * MM,
            self.table.width,
            size=8,
            align="right",
        )
        c.setFillColorRGB(0, 0, 0)

    def _summary(self) -> None:
        """The result in the waterfall's order, the announced rates, the dividend by share
        class, the plan's 四议两公开 record, the notice period and where to object."""
        c, n = self.c, self.n
        width = self.table.width
        top = _H - 22 * MM
        h = 5.6 * MM
        for items in _summary_rows(n):
            cw = width / MM / len(items)
            t = Table([Column(label, cw, "right") for label, _ in items], _MARGIN, size=9.5)
            y_head = baseline(top, h, 7.5)
            for i, (label, _) in enumerate(items):
                t.cell(c, i, label, y_head, bold=True, size=7.5, align="centre")
            y = baseline(top - h, h, 9.5)
            for i, (label, fen) in enumerate(items):
                strong = label in ("可分配收益（盈余）", "按股分红", "按交易量返还")
                t.cell(c, i, money(fen), y, bold=strong, size=9.5)
            t.rules(c, top, top - 2 * h, [top - h])
            top -= 2 * h + 1.5 * MM

        lines: list[tuple[str, bool]] = []
        rates = []
        if n.return_rate is not None and n.cooperative:
            rates.append(f"每百元交易额返还 {n.return_rate} 元")
        if n.dividend_rate is not None:
            rates.append(f"每百元股金分红 {n.dividend_rate} 元")
        first = "；".join(rates) + ("。" if rates else "")
        if n.no_transactions:
            first += "本年成员均无交易额，可分配盈余全部按股分配。"
        if n.dividends_by_class:
            parts = "，".join(
                f"{_CLASS_NAMES.get(cls, cls)} {money(fen)} 元" for cls, fen in n.dividends_by_class
            )
            first += f"按股分红构成：{parts}。"
        if first:
            lines.append((first, True))
        record = [
            ("提议", n.proposed_by),
            ("会议", n.meeting),
            ("出席及表决", n.vote),
            ("决议", n.resolution),
        ]
        shown = "；".join(f"{k}：{v}" for k, v in record if v)
        if shown:
            lines.append(("四议两公开：" + shown + "。", False))
        end = n.published_on + dt.timedelta(days=max(n.notice_days, 1) - 1)
        period = (
            f"，自{cn_date(n.published_on)}起公示{n.notice_days}天（至{cn_date(end)}）"
            if n.notice_days > 0
            else f"，于{cn_date(n.published_on)}公示"
        )
        order = (
            "先付土地流转费，再弥补亏损、提取盈余公积，盈余按交易量返还后按股分配"
            if n.cooperative
            else "先付土地流转费，再弥补亏损、提取公益金和公积金，最后按股分红"
        )
        publication = f"（{n.publication}）" if n.publication else ""
        lines.append(
            (
                f"本年度收益分配方案于{cn_date(n.approved_on)}表决通过{period}{publication}。"
                f"分配顺序：{order}。",
                False,
            )
        )
        objection = "公示期内如有异议，请向村务监督委员会反映"
        objection += f"，联系电话：{n.objection_phone}。" if n.objection_phone else "。"
        lines.append((objection, True))
        y = top - 3.5 * MM
        room = int((y - (_FIRST_TABLE_TOP + 5 * MM)) // (4.6 * MM)) + 1
        wrapped = [
            (part, bold)
            for text, bold in lines
            for part in _wrap(c, text, width, FONT_BOLD if bold else FONT, 9)
        ]
        if len(wrapped) > room:  # too long to wrap: shrink the longest lines instead
            wrapped = lines
        for text, bold in wrapped:
            draw_fit(c, text, _MARGIN, y, width, font=FONT_BOLD if bold else FONT, size=9)
            y -= 4.6 * MM

    def page(self, rows: Sequence[NoticeRow], first: bool, last: bool, pages: int) -> None:
        c, t = self.c, self.table
        c.saveState()
        if self.scale != 1.0:
            c.scale(self.scale, self.scale)
        self._title(first)
        if first:
            self._summary()
        top = _FIRST_TABLE_TOP if first else _NEXT_TABLE_TOP
        t.header(c, top, _HEAD_H)
        lines = [top - _HEAD_H]
        y = top - _HEAD_H
        with text_batch(c) as text:
            for r in rows:
                t.row(text, _row_texts(r, self.n.cooperative), y, _ROW_H)
                y -= _ROW_H
                lines.append(y)
            totals_top = y
            totals = [("本页合计", rows)] + ([("总计", self.n.rows)] if last else [])
            for label, some in totals:
                t.row(text, _totals_texts(some, self.n.cooperative), y, _TOTAL_H, bold=True)
                t.cell(text, 0, label, baseline(y, _TOTAL_H, 9.5), bold=True, size=9.5,
                       align="centre", span=4)  # fmt: skip
                y -= _TOTAL_H
                lines.append(y)
        # The label of a total row spans the first four columns.
        t.rules(c, top, y, lines[:-1], stops=dict.fromkeys((1, 2, 3), totals_top))
        if last:
            self._closing(y)
        c.setFillColor(GREY)
        c.setFont(FONT, 8)
        c.drawCentredString(_W / 2, 7 * MM, page_label(self.pdf.pages + 1, pages))
        if self.n.key_fingerprint:
            c.drawString(_MARGIN, 7 * MM, fingerprint_label(self.n.key_fingerprint))
        c.setFillColorRGB(0, 0, 0)
        c.restoreState()
        self.pdf.show_page()

    def _closing(self, y: float) -> None:
        c, n = self.c, self.n
        grand = sum(r.total_fen for r in n.rows)
        y -= 7 * MM
        draw_fit(
            c,
            f"应付合计（大写）：人民币{capitals(grand)}",
            _MARGIN,
            y,
            190 * MM,
            font=FONT_BOLD,
            size=11,
        )
        draw_fit(
            c,
            f"（小写）{money_sign(grand)}",
            _MARGIN + 190 * MM,
            y,
            self.table.width - 190 * MM,
            font=FONT_BOLD,
            size=11,
            align="right",
        )
        y -= 11 * MM
        people = (
            ("制表：", n.preparer, 40),
            ("会计：", n.accountant, 40),
            ("审核：", n.reviewer, 40),
            ("民主理财小组：", "", 60),
            ("村务监督委员会（签章）：", "", 97),
        )
        x = _MARGIN
        c.setLineWidth(0.4)
        for label, name, width in people:
            c.setFont(FONT, 10)
            c.drawString(x, y, label)
            lw = c.stringWidth(label, FONT, 10)
            c.line(x + lw, y - 1.5, x + width * MM - 5 * MM, y - 1.5)
            if name:
                draw_fit(
                    c, name, x + lw + 1 * MM, y, width * MM - lw - 7 * MM, size=10, align="centre"
                )
            x += width * MM
        y -= 9 * MM
        c.setFont(FONT, 10)
        c.drawRightString(
            _MARGIN + self.table.width, y, f"{n.org_name}　　公示日期：{cn_date(n.published_on)}"
        )
        if n.fingerprint:
            c.setFillColor(GREY)
            c.setFont(FONT, 8)
            c.drawString(_MARGIN, y, f"账套指纹：{n.fingerprint}")
            c.setFillColorRGB(0, 0, 0)


def render_notice(
    notice: Notice,
    out: Output,
    *,
    paper: str = "A4L",
    progress: ProgressCallback | None = None,
) -> int:
    """Print the public notice to ``out``; returns the number of pages.

    Args:
        paper: ``"A4L"`` (A4 landscape) or ``"A3L"`` (the same pages enlarged to A3
            landscape, for the notice board).
        progress: called as ``progress(rows_done, rows)`` after each page; returning
            ``False`` cancels with `ReportCancelled` and writes nothing.

    Raises:
        ReportDataError: the rows' land fees or dividends do not add up to the summary's.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; use one of {', '.join(PAPERS)}")
    _check(notice)
    pagesize = landscape(A3) if paper == "A3L" else landscape(A4)
    scale = math.sqrt(2) if paper == "A3L" else 1.0
    slices = notice_pages(len(notice.rows))
    tracker = Progress(progress, len(notice.rows))
    tracker.report(0)
    title = f"{notice.org_name}{notice.year}年度收益分配公示"
    with open_pdf(out, title=title, author=notice.org_name, pagesize=pagesize) as pdf:
        painter = _NoticePainter(pdf, notice, scale)
        for i, (start, end) in enumerate(slices):
            painter.page(notice.rows[start:end], i == 0, i == len(slices) - 1, len(slices))
            tracker.report(end)
    return pdf.pages
