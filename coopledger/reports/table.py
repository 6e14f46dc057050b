"""Ruled tables drawn straight on the canvas: fast for tens of thousands of rows, and text
is laid out cell by cell (platypus ``Paragraph`` would collapse ideographic spaces)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coopledger.reports.common import FONT, FONT_BOLD, MM, draw_fit

__all__ = ["Column", "Table", "baseline"]

_PAD = 1.4 * MM


def baseline(top: float, height: float, size: float) -> float:
    """The baseline (in page coordinates, y up) that centres text of ``size`` points in a
    row whose top edge is at ``top`` and which is ``height`` points tall."""
    return top - height / 2 - size * 0.36


@dataclass(frozen=True, slots=True)
class Column:
    """A column: heading, width in mm, and how its cells align (``left``, ``right``,
    ``centre``)."""

    title: str
    width_mm: float
    align: str = "left"


class Table:
    """A row of columns at a fixed x; draws headings, cells and rules."""

    def __init__(
        self,
        columns: Sequence[Column],
        x: float,
        *,
        size: float = 9.0,
        head_size: float = 9.0,
        scale: float = 1.0,
    ) -> None:
        self.columns = tuple(columns)
        self.size = size
        self.head_size = head_size
        xs = [x]
        for col in self.columns:
            xs.append(xs[-1] + col.width_mm * MM * scale)
        self.xs = tuple(xs)

    @property
    def left(self) -> float:
        return self.xs[0]

    @property
    def right(self) -> float:
        return self.xs[-1]

    @property
    def width(self) -> float:
        return self.xs[-1] - self.xs[0]

    def cell(
        self,
        c: Any,
        index: int,
        text: str,
        y: float,
        *,
        bold: bool = False,
        size: float | None = None,
        align: str | None = None,
        span: int = 1,
    ) -> None:
        """Draw ``text`` in column ``index`` (spanning ``span`` columns) on baseline ``y``."""
        if not text:
            return
        left = self.xs[index] + _PAD
        width = self.xs[index + span] - self.xs[index] - 2 * _PAD
        font = FONT_BOLD if bold else FONT
        draw_fit(
            c,
            text,
            left,
            y,
            width,
            font=font,
            size=size or self.size,
            align=align or self.columns[index].align,
        )

    def row(
        self,
        c: Any,
        texts: Sequence[str],
        top: float,
        height: float,
        *,
        bold: bool = False,
        size: float | None = None,
    ) -> None:
        """One row of cell texts (``""`` leaves a cell empty)."""
        sz = size or self.size
        y = baseline(top, height, sz)
        font = FONT_BOLD if bold else FONT
        xs = self.xs
        for i, text in enumerate(texts):
            if text:
                left = xs[i] + _PAD
                width = xs[i + 1] - xs[i] - 2 * _PAD
                draw_fit(c, text, left, y, width, font=font, size=sz, align=self.columns[i].align)

    def header(self, c: Any, top: float, height: float) -> None:
        """Column headings, bold and centred, in a row ``height`` tall."""
        y = baseline(top, height, self.head_size)
        for i, col in enumerate(self.columns):
            left = self.xs[i] + _PAD
            width = self.xs[i + 1] - self.xs[i] - 2 * _PAD
            draw_fit(
                c, col.title, left, y, width, font=FONT_BOLD, size=self.head_size, align="centre"
            )

    def rules(
        self,
        c: Any,
        top: float,
        bottom: float,
        row_lines: Sequence[float],
        *,
        outer: float = 0.9,
        inner: float = 0.35,
        stops: Mapping[int, float] | None = None,
        starts: Mapping[int, float] | None = None,
    ) -> None:
        """The outer box from ``top`` to ``bottom``, a horizontal rule at each of
        ``row_lines``, and the vertical rule on the left of each column but the first;
        ``stops`` ends some of them higher and ``starts`` begins some lower (column index ->
        y), for cells that span columns or rows."""
        c.setLineWidth(inner)
        for y in row_lines:
            c.line(self.left, y, self.right, y)
        stops = stops or {}
        starts = starts or {}
        for i in range(1, len(self.columns)):
            c.line(self.xs[i], starts.get(i, top), self.xs[i], stops.get(i, bottom))
        c.setLineWidth(outer)
        c.rect(self.left, bottom, self.width, top - bottom)
