"""Year-end statements: balance sheet (资产负债表), income and income distribution
(收益及收益分配表), trial balance (科目余额表). One layout serves all three: a titled, ruled
table with the organisation, the period and 单位：元; amounts right-aligned with thousands
separators; a balance sheet prints as two halves side by side.

Every total line is checked against the lines it adds up before anything is printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    draw_fit,
    fingerprint_label,
    money,
    open_pdf,
    page_label,
)
from coopledger.reports.data import Statement, StatementLine
from coopledger.reports.table import Column, Table, baseline

__all__ = ["check_statement", "render_statement"]

_MARGIN: Final = 10 * MM
_ROW_H: Final = 5.8 * MM
_HEAD_H: Final = 7.0 * MM
_TOP_BLOCK: Final = 27 * MM  # title, organisation and period above the table
_FOOT_BLOCK: Final = 16 * MM  # signatures (last page) and the page number
_INDENT: Final = 3.5 * MM


# --- checking the totals ---------------------------------------------------------------


def _covered(lines: Sequence[StatementLine], index: int) -> list[tuple[int, StatementLine]]:
    """The lines a total without ``total_of`` adds up: the non-total lines of its level
    since the previous total line of that level."""
    total = lines[index]
    parts: list[tuple[int, StatementLine]] = []
    for line in reversed(lines[:index]):
        if line.is_total and line.level == total.level:
            break
        if not line.is_total and line.level == total.level and line.amounts:
            parts.append((1, line))
    parts.reverse()
    return parts


def check_statement(statement: Statement) -> None:
    """Raise `ReportDataError` unless every total line equals what it adds up, and every
    line has one amount per column (or none, for a heading)."""
    halves = (statement.lines, statement.right_lines)
    by_code: dict[str, StatementLine] = {}
    width = len(statement.columns)
    for half in halves:
        for line in half:
            if line.amounts and len(line.amounts) != width:
                raise ReportDataError(
                    f"{statement.title}: line {line.code} {line.name} has {len(line.amounts)} "
                    f"amounts for {width} columns"
                )
            if line.code:
                by_code.setdefault(line.code, line)
    for half in halves:
        for index, line in enumerate(half):
            if not line.is_total:
                continue
            if line.total_of:
                parts: list[tuple[int, StatementLine]] = []
                for ref in line.total_of:
                    sign = -1 if ref.startswith("-") else 1
                    target = by_code.get(ref.lstrip("-+"))
                    if target is None:
                        raise ReportDataError(
                            f"{statement.title}: total {line.code} {line.name} refers to line "
                            f"{ref.lstrip('-+')}, which is not on the statement"
                        )
                    parts.append((sign, target))
            else:
                parts = _covered(half, index)
            for col, printed in enumerate(line.amounts):
                if printed is None:
                    continue
                added = sum(sign * (p.amounts[col] or 0) for sign, p in parts if p.amounts)
                if added != printed:
                    raise ReportDataError(
                        f"{statement.title}: {line.name} ({statement.columns[col]}) prints "
                        f"{money(printed)} but its lines add up to {money(added)}"
                    )


# --- layout -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    pagesize: tuple[float, float]
    halves: int
    name_mm: float
    code_mm: float
    amount_mm: float
    size: float
    rows_per_page: int


def _plan(statement: Statement) -> _Plan:
    halves = 2 if statement.right_lines else 1
    n = len(statement.columns)
    code_mm = 9.0 if halves == 2 else (16.0 if statement.code_header else 0.0)
    amount_mm = 22.0 if halves == 2 else 30.0
    portrait_w = (A4[0] - 2 * _MARGIN) / MM / halves
    name_mm = portrait_w - code_mm - n * amount_mm
    pagesize = A4
    if name_mm < (38 if halves == 2 else 60):
        pagesize = landscape(A4)
        amount_mm = 27.0 if halves == 2 else 32.0
        name_mm = (pagesize[0] - 2 * _MARGIN) / MM / halves - code_mm - n * amount_mm
    head = _HEAD_H * (2 if statement.column_groups else 1)
    room = pagesize[1] - 2 * _MARGIN - _TOP_BLOCK - head - _FOOT_BLOCK
    return _Plan(
        pagesize=pagesize,
        halves=halves,
        name_mm=name_mm,
        code_mm=code_mm,
        amount_mm=amount_mm,
        size=8.5 if halves == 2 else 9.0,
        rows_per_page=int(room // _ROW_H),
    )


def _tables(statement: Statement, plan: _Plan) -> list[Table]:
    tables = []
    x = _MARGIN
    headers = (statement.item_header, statement.right_item_header or statement.item_header)
    for half in range(plan.halves):
        cols = [Column(headers[half], plan.name_mm)]
        if plan.code_mm:
            code = Column(statement.code_header, plan.code_mm, "centre")
            cols.insert(0 if statement.code_first else 1, code)
        cols += [Column(title, plan.amount_mm, "right") for title in statement.columns]
        table = Table(cols, x, size=plan.size, head_size=plan.size)
        tables.append(table)
        x = table.right
    return tables


def _amount_text(value: int | None) -> str:
    return "" if value is None else money(value)


class _StatementPainter:
    def __init__(self, pdf: Pdf, statement: Statement, plan: _Plan) -> None:
        self.pdf = pdf
        self.c: Any = pdf.canvas
        self.s = statement
        self.plan = plan
        self.tables = _tables(statement, plan)

    def _top(self, page: int) -> float:
        c, s = self.c, self.s
        w, h = self.plan.pagesize
        title = s.title if page == 1 else f"{s.title}（续）"
        # Spaced-out title, as these forms are printed: 资 产 负 债 表.
        shown = " ".join(title) if len(title) <= 8 else title
        draw_fit(
            c,
            shown,
            _MARGIN,
            h - _MARGIN - 9 * MM,
            w - 2 * _MARGIN,
            font=FONT_BOLD,
            size=17,
            align="centre",
        )
        tw = c.stringWidth(shown, FONT_BOLD, 17)
        c.setLineWidth(0.6)
        c.line(w / 2 - tw / 2 - 2, h - _MARGIN - 11 * MM, w / 2 + tw / 2 + 2, h - _MARGIN - 11 * MM)
        c.line(
            w / 2 - tw / 2 - 2, h - _MARGIN - 11.7 * MM, w / 2 + tw / 2 + 2, h - _MARGIN - 11.7 * MM
        )
        if s.form_no:
            draw_fit(
                c, s.form_no, _MARGIN, h - _MARGIN - 4 * MM, w - 2 * _MARGIN, size=9, align="right"
            )
        y = h - _MARGIN - 20 * MM
        third = (w - 2 * _MARGIN) / 3
        draw_fit(c, f"编制单位：{s.org_name}", _MARGIN, y, third * 1.3, size=9.5)
        draw_fit(c, s.period_label, _MARGIN + third, y, third, size=9.5, align="centre")
        draw_fit(c, "单位：元", _MARGIN + 2 * third, y, third, size=9.5, align="right")
        return h - _MARGIN - _TOP_BLOCK + 4 * MM

    def _header(self, table: Table, top: float) -> float:
        """Column headings (two rows under column groups); returns the y below them."""
        c, s = self.c, self.s
        if not s.column_groups:
            table.header(c, top, _HEAD_H)
            return top - _HEAD_H
        first_amount = 2 if self.plan.code_mm else 1
        size = table.head_size
        # Item and code headings span both rows; the groups head their columns.
        for i in range(first_amount):
            table.cell(
                c,
                i,
                table.columns[i].title,
                baseline(top, 2 * _HEAD_H, size),
                bold=True,
                align="centre",
            )
        col = first_amount
        c.setLineWidth(0.35)
        for title, span in s.column_groups:
            table.cell(
                c, col, title, baseline(top, _HEAD_H, size), bold=True, align="centre", span=span
            )
            c.line(table.xs[col], top - _HEAD_H, table.xs[col + span], top - _HEAD_H)
            col += span
        for i in range(first_amount, len(table.columns)):
            table.cell(
                c,
                i,
                table.columns[i].title,
                baseline(top - _HEAD_H, _HEAD_H, size),
                bold=True,
                align="centre",
            )
        return top - 2 * _HEAD_H

    def _starts(self, table: Table, top: float) -> dict[int, float]:
        """Vertical rules between columns of one group start below the group's heading."""
        stops: dict[int, float] = {}
        if not self.s.column_groups:
            return stops
        col = 2 if self.plan.code_mm else 1
        for _, span in self.s.column_groups:
            for inner in range(col + 1, col + span):
                stops[inner] = top - _HEAD_H
            col += span
        return stops

    def _lines(self, table: Table, lines: Sequence[StatementLine], top: float) -> float:
        c = self.c
        y = top
        size = self.plan.size
        for line in lines:
            bold = line.is_total or not line.amounts
            base = baseline(y, _ROW_H, size)
            indent = line.level * _INDENT
            name_col = 1 if self.s.code_first and self.plan.code_mm else 0
            left = table.xs[name_col] + 1.4 * MM + indent
            draw_fit(
                c,
                line.name,
                left,
                base,
                table.xs[name_col + 1] - left - 1.4 * MM,
                font=FONT_BOLD if bold else FONT,
                size=size,
            )
            amounts = [_amount_text(a) for a in line.amounts]
            if not self.plan.code_mm:
                cells = ["", *amounts]
            elif name_col:
                cells = [line.code, "", *amounts]
            else:
                cells = ["", line.code, *amounts]
            table.row(c, cells, y, _ROW_H, bold=line.is_total)
            y -= _ROW_H
        return y

    def page(self, chunks: Sequence[Sequence[StatementLine]], page: int, pages: int) -> None:
        c = self.c
        w, _ = self.plan.pagesize
        top = self._top(page)
        rows = max((len(chunk) for chunk in chunks), default=0)
        bottom = top
        for table, chunk in zip(self.tables, chunks, strict=False):
            below_head = self._header(table, top)
            self._lines(table, chunk, below_head)
            bottom = below_head - rows * _ROW_H
            row_ys = [below_head - i * _ROW_H for i in range(rows)]
            table.rules(c, top, bottom, row_ys, starts=self._starts(table, top))
        if len(self.tables) == 2:  # the seam between the halves is a double rule
            c.setLineWidth(0.4)
            x = self.tables[1].left + 0.8
            c.line(x, top, x, bottom)
        if page == pages:
            self._signatures(bottom - 7 * MM)
        c.setFillColor(GREY)
        c.setFont(FONT, 8)
        c.drawCentredString(w / 2, _MARGIN - 2 * MM, page_label(page, pages))
        if self.s.key_fingerprint:
            c.drawString(_MARGIN, _MARGIN - 2 * MM, fingerprint_label(self.s.key_fingerprint))
        if self.s.fingerprint:
            c.drawRightString(w - _MARGIN, _MARGIN - 2 * MM, f"账套指纹：{self.s.fingerprint}")
        c.setFillColorRGB(0, 0, 0)
        self.pdf.show_page()

    def _signatures(self, y: float) -> None:
        c, s = self.c, self.s
        w, _ = self.plan.pagesize
        span = (w - 2 * _MARGIN) / 3
        for i, (label, name) in enumerate(
            (("单位负责人：", ""), ("审核：", s.reviewer), ("制表：", s.preparer))
        ):
            x = _MARGIN + i * span
            c.setFont(FONT, 9.5)
            c.drawString(x, y, label)
            lw = c.stringWidth(label, FONT, 9.5)
            draw_fit(c, name, x + lw, y, span - lw - 4 * MM, size=9.5)
        if s.note:
            for k, text in enumerate(s.note.splitlines()):
                draw_fit(c, text, _MARGIN, y - (k + 1) * 5 * MM, w - 2 * _MARGIN, size=8.5)


def _align_grand_totals(
    left: tuple[StatementLine, ...], right: tuple[StatementLine, ...]
) -> list[tuple[StatementLine, ...]]:
    """Pad the shorter half with empty lines before its last line, so that 资产总计 and
    负债和所有者权益总计 stand on the same row."""
    gap = len(left) - len(right)
    if not gap or not left or not right:
        return [left, right]
    blank = (StatementLine("", "", ()),) * abs(gap)
    if gap > 0:
        return [left, right[:-1] + blank + right[-1:]]
    return [left[:-1] + blank + left[-1:], right]


def _draw(pdf: Pdf, statement: Statement) -> None:
    plan = _plan(statement)
    halves = [statement.lines] + ([statement.right_lines] if plan.halves == 2 else [])
    if len(halves) == 2:
        halves = _align_grand_totals(halves[0], halves[1])
    note_lines = len(statement.note.splitlines())
    per = max(plan.rows_per_page - note_lines, 1)
    longest = max(len(h) for h in halves)
    pages = max(1, -(-longest // per))
    painter = _StatementPainter(pdf, statement, plan)
    for p in range(pages):
        chunks = [h[p * per : (p + 1) * per] for h in halves]
        if p:
            pdf.canvas.setPageSize(plan.pagesize)
        painter.page(chunks, p + 1, pages)


def render_statement(statements: Sequence[Statement], out: Output) -> int:
    """Print the statements to ``out``, each from a new page; returns the number of pages.

    Raises:
        ReportDataError: a total line that does not equal the lines it adds up (nothing is
            written).
    """
    for statement in statements:
        check_statement(statement)
    first = statements[0] if statements else None
    title = first.title if first and len(statements) == 1 else "年度会计报表"
    author = first.org_name if first else "coopledger"
    pagesize = _plan(first).pagesize if first else A4
    with open_pdf(out, title=title, author=author, pagesize=pagesize) as pdf:
        for statement in statements:
            pdf.canvas.setPageSize(_plan(statement).pagesize)
            _draw(pdf, statement)
    return pdf.pages
