"""Year-end statements: titles, organisation, period, units, right-aligned figures, totals
that are checked against their lines."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics

from coopledger.reports import ReportDataError, StatementLine, render_statement
from coopledger.reports.common import FONT, FONT_BOLD, register_fonts
from coopledger.reports.statement import check_statement

from .pdfcheck import all_text, fonts, page_sizes, page_texts, reader
from .samples import ORG, balance_sheet, income_statement, trial_balance

PORTRAIT = (round(A4[0]), round(A4[1]))
LANDSCAPE = (round(landscape(A4)[0]), round(landscape(A4)[1]))


def test_three_statements_each_start_a_page(tmp_path: Path) -> None:
    out = tmp_path / "year.pdf"
    assert render_statement([balance_sheet(), income_statement(), trial_balance()], out) == 3
    bs, inc, tb = page_texts(out)
    assert all(fonts(out).values())
    for text in (bs, inc, tb):
        assert f"编制单位：{ORG}" in text
        assert "单位：元" in text
        assert "审核：王主任" in text and "制表：李会计" in text
        assert "第1页共1页" in text
    bs_labels = ["资产负债表", "2014年12月31日", "资产", "负债及所有者权益", "行次", "年初数",
                 "年末数", "流动资产合计", "资产总计", "1,938,406.00", "负债和所有者权益总计",
                 "村会01表"]  # fmt: skip
    inc_labels = ["收益及收益分配表", "2014年度", "经营收益", "115,000.00", "本年收益",
                  "年末未分配收益", "31,685.00",
                  "注：土地流转费72,800.00元已计入经营支出。"]  # fmt: skip
    tb_labels = ["科目余额表", "期初余额", "本期发生额", "期末余额", "科目编码", "101",
                 "库存现金", "银行存款-农村信用社", "合计", "400,000.00", "173,430.00",
                 "551,830.00"]  # fmt: skip
    for text, labels in ((bs, bs_labels), (inc, inc_labels), (tb, tb_labels)):
        for expected in labels:
            assert expected in text, expected
    assert page_sizes(out) == [PORTRAIT, PORTRAIT, LANDSCAPE]


def test_figures_are_drawn_right_aligned(tmp_path: Path) -> None:
    out = tmp_path / "inc.pdf"
    render_statement([income_statement()], out)
    register_fonts()
    edges: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        # 本年数 figures of different widths, regular and bold (经营收益).
        if text.strip() in {"150,000.00", "10,000.00", "32,000.00", "115,000.00"}:
            name = FONT_BOLD if "Bold" in str(font["/BaseFont"]) else FONT
            x = cm[4] + tm[4] * cm[0]
            width = pdfmetrics.stringWidth(text, name, size) * tm[0] * cm[0]
            edges.setdefault(text.strip(), x + width)

    reader(out).pages[0].extract_text(visitor_text=visit)
    assert len(edges) == 4, edges
    assert max(edges.values()) - min(edges.values()) < 0.5  # one column edge, all figures


def test_a_wrong_total_is_refused_before_printing(tmp_path: Path) -> None:
    bs = balance_sheet()
    lines = list(bs.lines)
    i = next(k for k, ln in enumerate(lines) if ln.code == "1")
    lines[i] = dataclasses.replace(lines[i], amounts=(40_000_000, 61_235_601))
    bad = dataclasses.replace(bs, lines=tuple(lines))
    out = tmp_path / "bs.pdf"
    with pytest.raises(ReportDataError, match="流动资产合计"):
        render_statement([bad], out)
    assert not out.exists()


def test_subtractions_in_a_formula_total_are_checked() -> None:
    inc = income_statement()
    lines = [
        dataclasses.replace(ln, amounts=(11_500_000 + 2 * 1_300_000, 0)) if ln.code == "6" else ln
        for ln in inc.lines
    ]  # as if 管理费用 had been added instead of subtracted
    with pytest.raises(ReportDataError, match="经营收益"):
        check_statement(dataclasses.replace(inc, lines=tuple(lines)))


def test_a_total_without_a_formula_adds_the_lines_of_its_level() -> None:
    tb = trial_balance()
    check_statement(tb)
    *body, total = tb.lines
    # A sub-account does not count twice: change it and the 合计 still holds ...
    sub = [dataclasses.replace(ln, amounts=(1, 0, 0, 0, 0, 0)) if ln.level else ln for ln in body]
    check_statement(dataclasses.replace(tb, lines=(*sub, total)))
    # ... but a first-level account does.
    first = [dataclasses.replace(body[0], amounts=(1, 0, 0, 0, 0, 0)), *body[1:]]
    with pytest.raises(ReportDataError, match="合计"):
        check_statement(dataclasses.replace(tb, lines=(*first, total)))


def test_a_formula_naming_a_missing_line_is_refused() -> None:
    inc = income_statement()
    lines = (*inc.lines, StatementLine("99", "错", (0, 0), is_total=True, total_of=("98",)))
    with pytest.raises(ReportDataError, match="98"):
        check_statement(dataclasses.replace(inc, lines=lines))


def test_a_line_with_the_wrong_number_of_amounts_is_refused() -> None:
    inc = income_statement()
    lines = (*inc.lines, StatementLine("20", "多一列", (1, 2, 3)))
    with pytest.raises(ReportDataError, match="3 amounts for 2 columns"):
        check_statement(dataclasses.replace(inc, lines=lines))


def test_a_long_trial_balance_runs_on_with_page_numbers(tmp_path: Path) -> None:
    lines = [StatementLine(f"{100 + i}", f"科目{i}", (100, 0, 0, 0, 100, 0)) for i in range(70)]
    lines.append(StatementLine("", "合计", (7_000, 0, 0, 0, 7_000, 0), is_total=True))
    tb = dataclasses.replace(trial_balance(), lines=tuple(lines))
    out = tmp_path / "tb.pdf"
    pages = render_statement([tb], out)
    assert pages >= 3
    texts = page_texts(out)
    assert "科目余额表（续）" in texts[1]
    assert f"第{pages}页共{pages}页" in texts[-1]
    assert "70.00" in texts[-1] and "合计" in texts[-1]
    assert "制表：李会计" in texts[-1] and "制表" not in texts[0]
    assert "科目69" in all_text(out)
