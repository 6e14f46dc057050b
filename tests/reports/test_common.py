"""The shared pieces: number text equal to the domain's babel formatting, fitting text in
boxes, the font, and writing a PDF only when it is complete."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics

from coopledger.domain.money import format_area, format_money
from coopledger.reports.common import (
    FONT,
    FONT_BOLD,
    ReportCancelled,
    area_text,
    capitals,
    cn_date,
    fit,
    money,
    money_sign,
    open_pdf,
    page_label,
    register_fonts,
)

from .pdfcheck import all_text, fonts


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_is_the_domain_formatter_for_zh_cn(fen: int) -> None:
    assert money(fen) == format_money(fen, "zh_CN")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_area_is_the_domain_formatter(area: int) -> None:
    assert area_text(area) == format_area(area, "zh_CN")


def test_small_figures() -> None:
    assert money(183_000) == "1,830.00"
    assert money(-3_510) == "-35.10"
    assert money_sign(183_000) == "¥1,830.00"
    assert money_sign(-3_510) == "-¥35.10"
    assert area_text(20_000) == "2.00"
    assert area_text(59_596) == "5.9596"
    assert capitals(183_000) == "壹仟捌佰叁拾元整"
    assert cn_date(dt.date(2014, 12, 20)) == "2014年12月20日"
    assert page_label(2, 5) == "第 2 页 共 5 页"
    assert page_label(2) == "第 2 页"


def test_fit_shrinks_then_cuts() -> None:
    register_fonts()
    text = "歐陽臺灣發票與會計"
    assert fit(text, FONT, 9, 500) == (text, 9)
    natural = pdfmetrics.stringWidth(text, FONT, 9)
    shrunk, size = fit(text, FONT, 9, natural * 0.8)
    assert shrunk == text and size < 9
    cut, size = fit(text * 5, FONT, 9, 60)
    assert cut.endswith("…") and size == pytest.approx(9 * 0.6)
    assert pdfmetrics.stringWidth(cut, FONT, size) <= 60


def test_fonts_register_once() -> None:
    register_fonts()
    register_fonts()
    assert pdfmetrics.getFont(FONT).face.name.endswith(b"NotoSansSC-Regular")
    assert pdfmetrics.getFont(FONT_BOLD).face.name.endswith(b"NotoSansSC-Bold")


def test_open_pdf_writes_a_path_and_a_file_object(tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    with open_pdf(out, title="t", author="a", pagesize=(200, 200)) as pdf:
        pdf.canvas.setFont(FONT, 10)
        pdf.canvas.drawString(10, 100, "繁體 與 会计")
        pdf.show_page()
    assert pdf.pages == 1
    assert "繁體與会计" in all_text(out)
    assert list(fonts(out).values()) == [True]
    buffer = io.BytesIO()
    with open_pdf(buffer, title="t", author="a", pagesize=(200, 200)):
        pass
    assert buffer.getvalue().startswith(b"%PDF")


def test_open_pdf_leaves_nothing_when_the_body_fails(tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    out.write_bytes(b"the previous file")
    with pytest.raises(ReportCancelled), open_pdf(out, title="t", author="a", pagesize=(9, 9)):
        raise ReportCancelled()
    assert out.read_bytes() == b"the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pdf"]
