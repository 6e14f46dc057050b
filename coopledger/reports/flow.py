"""Ruled sections flowing down pages, one column or several side by side: the layout of
the 财务公开表 and of the fixed-asset register and card. Each section has a title, its
column headings and rows; a section that goes on to the next page repeats its headings
there, and no page ends on a title or a heading.

Drawn in the page's own points; a ``scale`` enlarges every page (A4 drawn, A3 printed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    GREY,
    MM,
    Pdf,
    draw_fit,
    page_label,
    text_batch,
)
from coopledger.reports.table import Column, Table, baseline

__all__ = ["Flow", "Line", "Section", "columns"]


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a section: a title, the column headings, a row of cells (``style`` plain,
    ``group`` for a category heading spanning the row, ``total`` in bold)."""

    kind: str  # space | title | head | row
    cells: tuple[str, ...] = ()
    style: str = "plain"


@dataclass
class Section:
    title: str
    columns: tuple[Column, ...]
    rows: list[Line] = field(default_factory=list)

    def lines(self) -> list[tuple[Section, Line]]:
        out = [(self, Line("title", (self.title,)))] if self.title else []
        out.append((self, Line("head")))
        out += [(self, r) for r in self.rows]
        return out


Lines = list[tuple[Section, Line]]


def take(queue: Lines, rows: int) -> tuple[Lines, Lines]:
    """The lines of ``queue`` that go on this page (at most ``rows``, never ending on a
    title or a heading) and the rest, which starts with its section's headings again when
    the section goes on."""
    taken = queue[:rows]
    while taken and taken[-1][1].kind in ("space", "title", "head") and len(taken) < len(queue):
        taken.pop()
    rest = queue[len(taken) :]
    if taken and rest and rest[0][1].kind == "row":
        rest = [(rest[0][0], Line("head")), *rest]
    return taken, rest


def columns(spec: Sequence[tuple[str, float, str]], width: float) -> tuple[Column, ...]:
    total = sum(w for _, w, _ in spec)
    return tuple(Column(t, w / total * width / MM, a) for t, w, a in spec)


class Flow:
    """Pages of sections. ``header(canvas, first_page)`` draws a page's head and returns
    the y where its body starts; ``width`` is the page's width in the points drawn."""

    def __init__(
        self,
        pdf: Pdf,
        header: Callable[[Any, bool], float],
        *,
        width: float,
        margin: float = 10 * MM,
        row: float = 4.9 * MM,
        size: float = 7.6,
        scale: float = 1.0,
    ) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.scale = scale
        self.header = header
        self.width = width
        self.margin = margin
        self.row = row
        self.size = size
        self.bottom = margin + 6 * MM  # above the page number
        self.page_no = 0
        self.y = 0.0
        self.started = False

    def new_page(self) -> None:
        if self.started:
            self._finish_page()
        self.started = True
        self.page_no += 1
        if self.scale != 1.0:
            self.c.scale(self.scale, self.scale)
        self.y = self.header(self.c, self.page_no == 1)

    def _finish_page(self) -> None:
        c = self.c
        c.setFillColor(GREY)
        c.setFont(FONT, 7.5)
        c.drawCentredString(self.width / 2, self.margin - 3 * MM, page_label(self.page_no))
        c.setFillColorRGB(0, 0, 0)
        self.pdf.show_page()

    def finish(self) -> None:
        if self.started:
            self._finish_page()

    def room(self) -> int:
        return int((self.y - self.bottom) // self.row)

    def flow(self, sides: Sequence[Sequence[Section]], xs: Sequence[float]) -> None:
        """Lay sections out in columns side by side (one per ``xs``), each column flowing
        onto the next page where it must, with its headings repeated there."""
        queues = [
            [
                ln
                for n, s in enumerate(side)
                for ln in ([(s, Line("space"))] if n else []) + s.lines()
            ]
            for side in sides
        ]
        while any(queues):
            if self.room() < 4:
                self.new_page()
            rows = self.room()
            used = 0
            for i, queue in enumerate(queues):
                taken, queues[i] = take(queue, rows)
                if taken:
                    self._draw(taken, xs[i], self.y)
                    used = max(used, len(taken))
            self.y -= used * self.row + 3 * MM
            if any(queues):
                self.new_page()

    def _draw(self, lines: list[tuple[Section, Line]], x: float, top: float) -> None:
        c = self.c
        y = top
        chunk_top = None
        chunk: list[float] = []
        current: Section | None = None
        table: Table | None = None

        def close() -> None:
            if table is not None and chunk_top is not None:
                table.rules(c, chunk_top, y, chunk[1:], outer=0.7, inner=0.3)

        with text_batch(c) as t:
            for section, line in lines:
                if line.kind == "space":
                    close()
                    chunk_top, chunk, table = None, [], None
                    y -= self.row * 0.6
                    continue
                if line.kind == "title":
                    close()
                    chunk_top, chunk, table = None, [], None
                    draw_fit(
                        t,
                        line.cells[0],
                        x,
                        y - self.row + 1.4 * MM,
                        200 * MM,
                        font=FONT_BOLD,
                        size=self.size + 1,
                    )
                    y -= self.row
                    continue
                if section is not current or table is None:
                    close()
                    current = section
                    table = Table(section.columns, x, size=self.size, head_size=self.size)
                    chunk_top, chunk = y, []
                chunk.append(y)
                if line.kind == "head":
                    table.header(t, y, self.row)
                elif line.style == "group":
                    table.cell(
                        t,
                        0,
                        line.cells[0],
                        baseline(y, self.row, self.size),
                        bold=True,
                        span=len(table.columns),
                        align="left",
                    )
                else:
                    table.row(t, line.cells, y, self.row, bold=line.style == "total")
                y -= self.row
            close_needed = table is not None
        if close_needed:
            close()
