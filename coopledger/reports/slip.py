"""Dividend slips (收益分配通知单 / 分红领款单): one per household for a year, three to an A4
page with cut lines (``a4x3``) or one per A5 landscape page (``a5``).

Built for township scale (20,000 slips): the parts that are the same on every slip (title,
labels, rules, dates) are drawn once as a PDF form and reused; each household's values are
drawn straight on the canvas in one text object per slip, never with platypus flowables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sized
from dataclasses import dataclass
from typing import Any, Final

from reportlab.lib.pagesizes import A4, A5, landscape

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
    TextBatch,
    area_text,
    capitals,
    cn_date,
    draw_fit,
    money,
    money_sign,
    open_pdf,
    page_label,
)
from coopledger.reports.data import Slip, SlipContract

__all__ = ["LAYOUTS", "render_slips"]

LAYOUTS: Final = ("a4x3", "a5")

#: Widths (mm) of the contract table's columns; the last one carries every amount.
_COLS: Final = (24.0, 42.0, 24.0, 28.0, 24.0, 44.0)
_SIGN_COLS: Final = (48.0, 26.0, 26.0, 26.0, 26.0, 34.0)
_SLIP_W: Final = sum(_COLS)  # 186 mm


@dataclass(frozen=True, slots=True)
class _Layout:
    name: str
    pagesize: tuple[float, float]
    per_page: int
    slip_h: float  # mm, the band each slip owns on the page
    contract_rows: int


_LAYOUTS: Final = {
    "a4x3": _Layout("a4x3", A4, 3, 99.0, 3),
    "a5": _Layout("a5", landscape(A5), 1, 148.0, 10),
}

# Vertical geometry, mm down from the top of a slip's band.
_TITLE_Y: Final = 10.0
_INFO_Y: Final = 17.0
_BOX_TOP: Final = 19.5
_HEAD_H: Final = 6.5
_ROW_H: Final = 5.6
_SUM_H: Final = 6.4
_SIGN_H: Final = 14.0


@dataclass(frozen=True, slots=True)
class _Geometry:
    """Where things go on one slip, in points: x from the page's left edge, y down from the
    top of the slip's band (negated when drawing, the band's top being the origin)."""

    x0: float
    col_x: tuple[float, ...]  # left edge of each contract column, and the right edge last
    head_top: float
    rows_top: float
    sums_top: float  # top of the summary rows (fee, [return,] dividend, wages, total)
    sum_h: float  # the height of one summary row
    dates_top: float
    sign_top: float
    box_bottom: float
    foot_y: float


def _sum_rows(cooperative: bool) -> int:
    """Land fee, [return by transactions,] dividend, wages (information), total."""
    return 5 if cooperative else 4


def _geometry(layout: _Layout, cooperative: bool = False) -> _Geometry:
    page_w = layout.pagesize[0]
    x0 = (page_w - _SLIP_W * MM) / 2
    xs = [x0]
    for w in _COLS:
        xs.append(xs[-1] + w * MM)
    head_top = _BOX_TOP * MM
    rows_top = head_top + _HEAD_H * MM
    sums_top = rows_top + layout.contract_rows * _ROW_H * MM
    # Five rows share a little less than five times the height of four (the band is fixed).
    sum_h = _SUM_H * MM if not cooperative else 5.5 * MM
    dates_top = sums_top + _sum_rows(cooperative) * sum_h
    sign_top = dates_top + _SUM_H * MM
    box_bottom = sign_top + _SIGN_H * MM
    return _Geometry(
        x0=x0,
        col_x=tuple(xs),
        head_top=head_top,
        rows_top=rows_top,
        sums_top=sums_top,
        sum_h=sum_h,
        dates_top=dates_top,
        sign_top=sign_top,
        box_bottom=box_bottom,
        foot_y=box_bottom + 4.2 * MM,
    )


def _baseline(top: float, height: float, size: float) -> float:
    """Baseline that centres a line of ``size`` points in a row ``height`` points tall."""
    return top + height / 2 + size * 0.36


def _check(slip: Slip) -> None:
    fees = sum(c.fee_fen for c in slip.contracts)
    if fees != slip.land_fee_fen:
        raise ReportDataError(
            f"slip {slip.slip_no} ({slip.member_code}): contract fees add up to {money(fees)}, "
            f"the slip says {money(slip.land_fee_fen)}"
        )


def _days_text(contract: SlipContract) -> str:
    if contract.active_days == contract.days_in_year:
        return f"全年 {contract.days_in_year}"
    return f"{contract.active_days}/{contract.days_in_year}"


def _rows_to_print(
    contracts: tuple[SlipContract, ...], room: int
) -> list[tuple[str, str, str, str, str, str]]:
    """One text row per contract; when there are more than ``room``, the last row sums the
    rest so that the printed fees still add up to the slip's land fee."""
    shown = contracts if len(contracts) <= room else contracts[: room - 1]
    rows = [
        (
            c.code,
            c.parcel,
            area_text(c.area_e4),
            money(c.rent_per_mu_fen),
            _days_text(c),
            money(c.fee_fen),
        )
        for c in shown
    ]
    rest = contracts[len(shown) :]
    if rest:
        rows.append(
            (
                "",
                f"其余 {len(rest)} 份合同",
                area_text(sum(c.area_e4 for c in rest)),
                "",
                "",
                money(sum(c.fee_fen for c in rest)),
            )
        )
    return rows


class _SlipPainter:
    """Draws slips of one layout; keeps one form per distinct fixed part."""

    def __init__(self, canvas: Any, layout: _Layout) -> None:
        self.c = canvas
        self.layout = layout
        self.geometries = {coop: _geometry(layout, coop) for coop in (False, True)}
        self.g = self.geometries[False]
        self.forms: dict[tuple[object, ...], str] = {}

    # -- the fixed part, drawn once per (organisation, year, dates, names) ---------------

    def _form_for(self, slip: Slip) -> str:
        key = (
            slip.org_name,
            slip.year,
            slip.approved_on,
            slip.published_on,
            slip.preparer,
            slip.reviewer,
            slip.cashier,
            slip.cooperative,
        )
        name = self.forms.get(key)
        if name is None:
            name = f"slip{len(self.forms)}"
            self.forms[key] = name
            band_h = self.layout.slip_h * MM
            self.c.beginForm(name, 0, -band_h, self.layout.pagesize[0], 0)
            self._draw_fixed(slip)
            self.c.endForm()
        return name

    def _draw_fixed(self, slip: Slip) -> None:
        c, g = self.c, self.geometries[slip.cooperative]
        n_sums = _sum_rows(slip.cooperative)
        x0, xs = g.x0, g.col_x
        x1 = xs[-1]
        width = x1 - x0
        title = f"{slip.org_name}　{slip.year}年度收益分配通知单（分红领款单）"
        c.setFillColor(GREY)
        draw_fit(c, "单位：元", x0, -_INFO_Y * MM - 0.2 * MM, width, size=7.5, align="right")
        c.setFillColorRGB(0, 0, 0)
        draw_fit(c, title, x0, -_TITLE_Y * MM, width, font=FONT_BOLD, size=13, align="centre")

        # Labels above the box; the values go beside them per slip.
        y = -_INFO_Y * MM
        for label, at in (("户号：", 0.0), ("户主：", 34.0), ("小组：", 78.0), ("编号：", 128.0)):
            c.setFont(FONT, 8.5)
            c.drawString(x0 + at * MM, y, label)

        # Rules: outer box, rows, contract columns.
        c.setLineWidth(0.5)
        top, bottom = g.head_top, g.box_bottom
        c.setLineWidth(1.0)
        c.rect(x0, -bottom, width, bottom - top)
        c.setLineWidth(0.4)
        horizontal = [g.rows_top]
        horizontal += [g.rows_top + i * _ROW_H * MM for i in range(1, self.layout.contract_rows)]
        horizontal += [g.sums_top + i * g.sum_h for i in range(n_sums)]
        horizontal += [g.dates_top, g.sign_top]
        for yy in horizontal:
            c.line(x0, -yy, x1, -yy)
        for xx in xs[1:-1]:
            c.line(xx, -top, xx, -g.sums_top)
        c.line(xs[-2], -g.sums_top, xs[-2], -g.dates_top)  # the amount column goes on down
        c.line(xs[2], -g.sums_top - (n_sums - 1) * g.sum_h, xs[2], -g.dates_top)

        # Header of the contract table.
        heads = ("合同编号", "地块", "面积（亩）", "租金（元/亩）", "计费天数", "土地流转费（元）")
        hy = -_baseline(top, _HEAD_H * MM, 8.5)
        for i, head in enumerate(heads):
            draw_fit(
                c, head, xs[i], hy, xs[i + 1] - xs[i], font=FONT_BOLD, size=8.5, align="centre"
            )

        # Summary rows: what the slip pays, line by line (each from its own account), the
        # wages for information, and the total. The names are the result table's.
        pad = 1.5 * MM
        labels: tuple[str, ...]
        if slip.cooperative:
            labels = (
                "一、土地流转费",
                "二、按交易量返还",
                "三、按股分红",
                "务工工资（年内已发放，仅列示，不计入本单）",
                "本单应付合计（一＋二＋三）",
            )
        else:
            labels = (
                "一、土地流转费",
                "二、按股分红",
                "务工工资（年内已发放，仅列示，不计入本单）",
                "本单应付合计（一＋二）",
            )
        for i, label in enumerate(labels):
            row_top = g.sums_top + i * g.sum_h
            yy = -_baseline(row_top, g.sum_h, 9)
            info = i == n_sums - 2
            c.setFont(FONT if info else FONT_BOLD, 9)
            if info:
                c.setFillColor(GREY)
            c.drawString(x0 + pad, yy, label)
            c.setFillColorRGB(0, 0, 0)
        yy = -_baseline(g.sums_top + (n_sums - 1) * g.sum_h, g.sum_h, 9)
        c.setFont(FONT, 8.5)
        c.drawString(xs[2] + pad, yy, "人民币（大写）")

        # Plan dates and the payment line.
        yy = -_baseline(g.dates_top, _SUM_H * MM, 8.5)
        dates = (
            f"分配方案通过日期：{cn_date(slip.approved_on)}　　"
            f"公示日期：{cn_date(slip.published_on)}"
        )
        draw_fit(c, dates, x0 + pad, yy, xs[4] - x0 - 2 * pad, size=8.5)
        c.setFont(FONT, 8.5)
        c.drawString(xs[4] + pad, yy, "领款方式：")
        c.line(xs[4], -g.dates_top, xs[4], -g.sign_top)

        # Signature boxes: payee, thumbprint, preparer, reviewer, cashier, date.
        sx = [x0]
        for w in _SIGN_COLS:
            sx.append(sx[-1] + w * MM)
        for xx in sx[1:-1]:
            c.line(xx, -g.sign_top, xx, -bottom)
        names = ("领款人签字", "手印", "制单", "审核", "出纳", "领款日期")
        filled = {2: slip.preparer, 3: slip.reviewer, 4: slip.cashier}
        ly = -g.sign_top - 3.6 * MM
        for i, label in enumerate(names):
            c.setFillColor(GREY)
            c.setFont(FONT, 7.5)
            c.drawString(sx[i] + pad, ly, label)
            c.setFillColorRGB(0, 0, 0)
            person = filled.get(i, "")
            if person:
                draw_fit(
                    c,
                    person,
                    sx[i] + pad,
                    -bottom + 3 * MM,
                    sx[i + 1] - sx[i] - 2 * pad,
                    size=9.5,
                    align="centre",
                )
        # The thumbprint square.
        side = 11.0 * MM
        c.setDash(1, 1.5)
        c.setLineWidth(0.3)
        c.rect(sx[2] - side - 1.5 * MM, -bottom + 1.5 * MM, side, side)
        c.setDash()

    # -- per slip --------------------------------------------------------------------------

    def draw(self, slip: Slip, top: float) -> None:
        """Draw ``slip`` in the band whose top edge is ``top`` points above the page bottom."""
        _check(slip)
        c, g = self.c, self.geometries[slip.cooperative]
        n_sums = _sum_rows(slip.cooperative)
        form = self._form_for(slip)
        c.saveState()
        c.translate(0, top)
        c.doForm(form)
        t = TextBatch(c)  # every value of the slip in one text object
        x0, xs = g.x0, g.col_x
        pad = 1.5 * MM
        y = -_INFO_Y * MM
        draw_fit(t, slip.member_code, x0 + 10 * MM, y, 23 * MM, font=FONT_BOLD, size=9)
        draw_fit(t, slip.member_name, x0 + 44 * MM, y, 33 * MM, font=FONT_BOLD, size=9)
        draw_fit(t, slip.group, x0 + 88 * MM, y, 39 * MM, size=9)
        number = slip.slip_no
        if slip.certificate_no:
            number += f"　股权证号：{slip.certificate_no}"
        draw_fit(t, number, x0 + 138 * MM, y, 36 * MM, size=9)

        size = 8.5
        for r, row in enumerate(_rows_to_print(slip.contracts, self.layout.contract_rows)):
            yy = -_baseline(g.rows_top + r * _ROW_H * MM, _ROW_H * MM, size)
            for i, text in enumerate(row):
                left, right = xs[i] + pad, xs[i + 1] - pad
                align = "left" if i < 2 else "right"
                draw_fit(t, text, left, yy, right - left, size=size, align=align)

        amount_left, amount_w = xs[-2] + pad, xs[-1] - xs[-2] - 2 * pad
        values: tuple[int, ...] = (slip.land_fee_fen, slip.dividend_fen, slip.wages_fen)
        if slip.cooperative:
            values = (
                slip.land_fee_fen,
                slip.transaction_return_fen,
                slip.dividend_fen,
                slip.wages_fen,
            )
        for i, fen in enumerate(values):
            yy = -_baseline(g.sums_top + i * g.sum_h, g.sum_h, 9.5)
            if i == n_sums - 2:
                t.setFillColor(GREY)
            draw_fit(t, money(fen), amount_left, yy, amount_w, size=9.5, align="right")
            t.setFillColorRGB(0, 0, 0)
        # What each amount was computed from, beside its line (rates as announced).
        share = f"股金 {money(slip.share_capital_fen)} 元"
        if slip.dividend_rate is not None:
            share += f"；每百元股金分红 {slip.dividend_rate} 元"
        notes = [(1 + int(slip.cooperative), share)]
        if slip.cooperative:
            trade = f"交易额 {money(slip.transactions_fen)} 元"
            if slip.return_rate is not None:
                trade += f"；每百元交易额返还 {slip.return_rate} 元"
            notes.append((1, trade))
        for line, text in notes:
            yy = -_baseline(g.sums_top + line * g.sum_h, g.sum_h, 8.5)
            draw_fit(t, f"（{text}）", x0 + 30 * MM, yy, xs[-2] - x0 - 32 * MM, size=8.5)
        total = slip.total_fen
        yy = -_baseline(g.sums_top + (n_sums - 1) * g.sum_h, g.sum_h, 10)
        draw_fit(
            t,
            money_sign(total),
            amount_left,
            yy,
            amount_w,
            font=FONT_BOLD,
            size=10.5,
            align="right",
        )
        words_left = xs[2] + 23 * MM
        draw_fit(
            t, capitals(total), words_left, yy, xs[-2] - words_left - pad, font=FONT_BOLD, size=10
        )

        yy = -_baseline(g.dates_top, _SUM_H * MM, 8.5)
        draw_fit(
            t, slip.payment_method_hint, xs[4] + 16 * MM, yy, xs[-1] - xs[4] - 17.5 * MM, size=8.5
        )

        t.setFillColor(GREY)
        draw_fit(t, f"校验码：{slip.check_code}", x0, -g.foot_y, 90 * MM, size=7.5)
        if slip.fingerprint:
            # In the middle: the page number takes the right end of the last slip's foot.
            draw_fit(
                t,
                f"账套指纹：{slip.fingerprint}",
                (x0 + xs[-1]) / 2 - 40 * MM,
                -g.foot_y,
                80 * MM,
                size=7.5,
                align="centre",
            )
        t.setFillColorRGB(0, 0, 0)
        t.close()
        c.restoreState()

    def cut_line(self, y: float) -> None:
        """A dashed line across the page at ``y`` with a note to cut along it."""
        c = self.c
        c.saveState()
        c.setStrokeColor(GREY)
        c.setFillColor(GREY)
        c.setLineWidth(0.4)
        c.setDash(3, 2)
        w = self.layout.pagesize[0]
        c.line(6 * MM, y, w / 2 - 14 * MM, y)
        c.line(w / 2 + 14 * MM, y, w - 6 * MM, y)
        c.setFont(FONT, 7)
        c.drawCentredString(w / 2, y - 2.4, "✂ 沿此线剪开")
        c.restoreState()


def render_slips(
    slips: Iterable[Slip],
    out: Output,
    *,
    layout: str = "a4x3",
    total: int | None = None,
    progress: ProgressCallback | None = None,
) -> int:
    """Print the slips to ``out`` (a path or a binary file); returns the number of pages.

    Args:
        slips: any iterable (a generator is fine: slips are drawn as they come).
        layout: ``"a4x3"`` (three per A4 page, cut lines between) or ``"a5"`` (one per A5
            landscape page).
        total: the number of slips, for progress and page numbers when ``slips`` has no
            ``len()``.
        progress: called as ``progress(done, total)`` after each page; returning ``False``
            cancels with `ReportCancelled` and writes nothing.

    Raises:
        ReportDataError: a slip whose contract fees do not add up to its land fee.
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"unknown slip layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    spec = _LAYOUTS[layout]
    if total is None and isinstance(slips, Sized):
        total = len(slips)
    tracker = Progress(progress, total)
    pages = math.ceil(total / spec.per_page) if total else 0
    tracker.report(0)
    title = "收益分配通知单"
    author = ""
    page_h = spec.pagesize[1]
    band = spec.slip_h * MM
    first_top = page_h - (page_h - spec.per_page * band) / 2
    with open_pdf(out, title=title, author="coopledger", pagesize=spec.pagesize) as pdf:
        painter = _SlipPainter(pdf.canvas, spec)
        on_page = 0
        done = 0
        for slip in slips:
            if not author:
                author = slip.org_name
                pdf.canvas.setAuthor(author)
                pdf.canvas.setTitle(f"{slip.org_name}{slip.year}年度收益分配通知单")
            top = first_top - on_page * band
            painter.draw(slip, top)
            on_page += 1
            done += 1
            if on_page == spec.per_page:
                _finish_page(pdf, painter, spec, first_top, band, on_page, pages)
                on_page = 0
                tracker.report(done)
        if on_page:
            _finish_page(pdf, painter, spec, first_top, band, on_page, pages)
            tracker.report(done)
    return pdf.pages


def _finish_page(
    pdf: Pdf,
    painter: _SlipPainter,
    spec: _Layout,
    first_top: float,
    band: float,
    on_page: int,
    pages: int,
) -> None:
    """Cut lines between the slips drawn, the page number, and on to the next page."""
    c = pdf.canvas
    for i in range(1, on_page):
        painter.cut_line(first_top - i * band)
    c.setFillColor(GREY)
    c.setFont(FONT, 7)
    c.drawRightString(spec.pagesize[0] - painter.g.x0, 5.5 * MM, page_label(pdf.pages + 1, pages))
    c.setFillColorRGB(0, 0, 0)
    pdf.show_page()
