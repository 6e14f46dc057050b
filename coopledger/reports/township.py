"""The township's summary of its villages' year-end packages, as counties print it: one row
per village (经营性收入, 本年收益, the distribution's tiers, households paid, the income band),
the totals, and a bar chart of the villages per band with the year before beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    Output,
    ReportDataError,
    draw_fit,
    money,
    open_pdf,
    page_label,
)
from coopledger.reports.table import Column, Table

__all__ = ["TownshipPaper", "TownshipPaperRow", "render_township"]

_PAGE: tuple[float, float] = landscape(A4)
_W: Final = float(_PAGE[0])
_H: Final = float(_PAGE[1])
_MARGIN: Final = 12 * MM
_HEAD_H: Final = 11 * MM
_ROW_H: Final = 6.6 * MM
_ROWS_PER_PAGE: Final = 22
_THIS_YEAR: Final = Color(0.18, 0.33, 0.55)
_LAST_YEAR: Final = Color(0.72, 0.74, 0.78)


@dataclass(frozen=True, slots=True)
class TownshipPaperRow:
    """One village (money in fen)."""

    name: str
    operating_income: int
    net_income: int
    land_fees: int
    welfare: int
    reserve: int
    transaction_returns: int
    dividends: int
    households_paid: int
    band: str

    def money(self) -> tuple[int, ...]:
        return (
            self.operating_income,
            self.net_income,
            self.land_fees,
            self.welfare,
            self.reserve,
            self.transaction_returns,
            self.dividends,
        )


@dataclass(frozen=True, slots=True)
class TownshipPaper:
    """The report as printed: rows, the bands in order with this year's and last year's
    counts (``counts`` must add up to the rows)."""

    year: int
    title_place: str
    rows: tuple[TownshipPaperRow, ...]
    bands: tuple[str, ...]
    counts: tuple[int, ...]
    previous_counts: tuple[int, ...]
    previous_villages: int = 0
    missing: tuple[str, ...] = ()


_COLUMNS = (
    Column("序号", 11, "centre"),
    Column("单位名称", 58),
    Column("经营性收入", 24, "right"),
    Column("本年收益", 24, "right"),
    Column("土地流转费", 24, "right"),
    Column("提取公益金", 22, "right"),
    Column("提取公积金", 22, "right"),
    Column("按交易量返还", 22, "right"),
    Column("按股分红", 24, "right"),
    Column("分配户数", 16, "right"),
    Column("收入档次", 22, "centre"),
)


def _check(paper: TownshipPaper) -> None:
    if len(paper.counts) != len(paper.bands) or len(paper.previous_counts) != len(paper.bands):
        raise ReportDataError("every band needs this year's and last year's count")
    if sum(paper.counts) != len(paper.rows):
        raise ReportDataError("the bands do not count every village")
    if sum(paper.previous_counts) != paper.previous_villages:
        raise ReportDataError("last year's bands do not count its villages")


def _title(c: Any, paper: TownshipPaper, page: int) -> float:
    title = f"{paper.title_place}{paper.year}年度村级集体经济组织收益分配汇总表"
    if page > 1:
        title += "（续）"
    draw_fit(c, title, _MARGIN, _H - _MARGIN - 8 * MM, _W - 2 * _MARGIN, font=FONT_BOLD,
             size=15, align="centre")  # fmt: skip
    y = _H - _MARGIN - 16 * MM
    draw_fit(c, f"{paper.year}年度（根据各村报送的年终报送包汇总）", _MARGIN, y, 150 * MM, size=9)
    draw_fit(c, "单位：元、户", _W - _MARGIN - 60 * MM, y, 60 * MM, size=9, align="right")
    return y - 3 * MM


def _table_page(
    c: Any, paper: TownshipPaper, rows: Sequence[tuple[int, TownshipPaperRow]], last: bool,
    page: int,
) -> float:  # fmt: skip
    top = _title(c, paper, page)
    t = Table(_COLUMNS, _MARGIN, size=8.6, head_size=8.6)
    t.header(c, top, _HEAD_H)
    y = top - _HEAD_H
    lines = [y]
    for n, r in rows:
        cells = [str(n), r.name, *(money(v) for v in r.money()), f"{r.households_paid:,}", r.band]
        t.row(c, cells, y, _ROW_H)
        y -= _ROW_H
        lines.append(y)
    if last:
        sums = [sum(col) for col in zip(*(r.money() for r in paper.rows), strict=True)] or [0] * 7
        paid = sum(r.households_paid for r in paper.rows)
        t.row(c, ["", "", *(money(v) for v in sums), f"{paid:,}", ""], y, _ROW_H, bold=True)
        t.cell(c, 0, f"合计（{len(paper.rows)}个村）", y - _ROW_H / 2 - 3, bold=True, span=2,
               align="centre")  # fmt: skip
        y -= _ROW_H
        lines.append(y)
    t.rules(c, top, y, lines[:-1])
    return y


def _chart(c: Any, paper: TownshipPaper, top: float) -> None:
    """Grouped bars: villages per band, the year before (grey) beside this year (blue), with
    the counts over the bars and a small table under them."""
    left, width, height = _MARGIN + 18 * MM, 150 * MM, 62 * MM
    bottom = top - height
    draw_fit(c, "村级集体经济组织经营性收入分档情况（个）", _MARGIN, top + 6 * MM, 200 * MM,
             font=FONT_BOLD, size=11)  # fmt: skip
    most = max([*paper.counts, *paper.previous_counts, 1])
    step = max(1, -(-most // 5))
    scale_top = step * -(-most // step)
    c.setLineWidth(0.3)
    c.setStrokeColor(GREY)
    c.setFont(FONT, 8)
    for k in range(0, scale_top + 1, step):
        y = bottom + height * k / scale_top
        c.line(left, y, left + width, y)
        c.drawRightString(left - 2 * MM, y - 2.5, str(k))
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.8)
    c.line(left, bottom, left + width, bottom)
    slot = width / len(paper.bands)
    bar = min(slot * 0.32, 14 * MM)
    for i, label in enumerate(paper.bands):
        mid = left + slot * (i + 0.5)
        for j, (count, colour) in enumerate(
            ((paper.previous_counts[i], _LAST_YEAR), (paper.counts[i], _THIS_YEAR))
        ):
            x = mid - bar + j * bar
            h = height * count / scale_top
            c.setFillColor(colour)
            c.rect(x + 0.6, bottom, bar - 1.2, h, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            c.setFont(FONT, 8)
            c.drawCentredString(x + bar / 2, bottom + h + 1.5 * MM, str(count))
        draw_fit(c, label, mid - slot / 2, bottom - 5 * MM, slot, size=8.5, align="centre")
    # the legend
    lx = left + width + 8 * MM
    for j, (text, colour) in enumerate(
        ((f"{paper.year - 1}年（{paper.previous_villages}个村）", _LAST_YEAR),
         (f"{paper.year}年（{len(paper.rows)}个村）", _THIS_YEAR))
    ):  # fmt: skip
        y = top - 6 * MM - j * 6 * MM
        c.setFillColor(colour)
        c.rect(lx, y, 5 * MM, 3.4 * MM, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        draw_fit(c, text, lx + 7 * MM, y + 0.5, 60 * MM, size=9)
    # the counts as a table beside the legend
    t = Table(
        (Column("档次", 30), Column(f"{paper.year - 1}年", 20, "right"),
         Column(f"{paper.year}年", 20, "right"), Column("增减", 16, "right")),
        lx, size=8.6, head_size=8.6,
    )  # fmt: skip
    ty = top - 20 * MM
    t.header(c, ty, 6 * MM)
    lines = [ty - 6 * MM]
    y = ty - 6 * MM
    for i, label in enumerate(paper.bands):
        change = paper.counts[i] - paper.previous_counts[i]
        t.row(c, [label, str(paper.previous_counts[i]), str(paper.counts[i]),
                  f"{change:+d}" if change else "0"], y, 5.6 * MM)  # fmt: skip
        y -= 5.6 * MM
        lines.append(y)
    t.rules(c, ty, y, lines[:-1])
    if paper.missing:
        draw_fit(c, "未报送：" + "、".join(paper.missing), _MARGIN, bottom - 14 * MM,
                 _W - 2 * _MARGIN, size=9)  # fmt: skip


def render_township(paper: TownshipPaper, out: Output) -> int:
    """Print the township summary to ``out``; returns the number of pages.

    Raises:
        ReportDataError: the bands do not count every village (nothing is written).
    """
    _check(paper)
    numbered = list(enumerate(paper.rows, start=1))
    chunks = [numbered[i : i + _ROWS_PER_PAGE] for i in range(0, len(numbered), _ROWS_PER_PAGE)]
    chunks = chunks or [[]]
    # The chart goes under the table when there is room, else on a page of its own.
    room = len(chunks[-1]) <= 8
    pages = len(chunks) + (0 if room else 1)
    title = f"{paper.title_place}{paper.year}年度村级集体经济组织收益分配汇总表"
    with open_pdf(out, title=title, author="coopledger", pagesize=(_W, _H)) as pdf:
        c = pdf.canvas
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            y = _table_page(c, paper, chunk, last, i + 1)
            if last and room:
                _chart(c, paper, y - 16 * MM)
            _footer(c, pdf.pages + 1, pages)
            pdf.show_page()
        if not room:
            _title(c, paper, pages)
            _chart(c, paper, _H - _MARGIN - 36 * MM)
            _footer(c, pages, pages)
            pdf.show_page()
    return pdf.pages


def _footer(c: Any, page: int, pages: int) -> None:
    c.setFillColor(GREY)
    c.setFont(FONT, 8)
    c.drawCentredString(_W / 2, 7 * MM, page_label(page, pages))
    c.setFillColorRGB(0, 0, 0)
