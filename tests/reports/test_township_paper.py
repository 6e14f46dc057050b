"""The township's summary on paper: every village and the totals, the bands chart with the
year before, pages as the rows need them, and counts that do not add up refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coopledger.domain.township import band_of, bands_from_bounds, count_bands
from coopledger.reports.common import ReportDataError
from coopledger.reports.township import TownshipPaper, TownshipPaperRow, render_township
from tests.reports.pdfcheck import page_texts

BANDS = bands_from_bounds((10_000, 30_000, 100_000))


def _paper(n: int, previous: list[int]) -> TownshipPaper:
    rows = tuple(
        TownshipPaperRow(
            f"合成{i:02d}村股份经济合作社",
            i * 7_310_01 - 5_000_00,
            i * 500_00,
            1_000_00,
            200_00,
            100_00,
            0,
            300_00,
            100 + i,
            "",
        )
        for i in range(1, n + 1)
    )
    rows = tuple(
        dataclasses.replace(r, band=band_of(BANDS, r.operating_income).label) for r in rows
    )
    now = count_bands(BANDS, [r.operating_income for r in rows])
    before = count_bands(BANDS, previous)
    return TownshipPaper(
        2024,
        "姚关镇",
        rows,
        tuple(b.label for b in BANDS),
        tuple(now.values()),
        tuple(before.values()),
        len(previous),
        ("合成99村股份经济合作社",),
    )


def test_thirty_villages_on_two_pages(tmp_path: Path) -> None:
    out = tmp_path / "t.pdf"
    paper = _paper(30, [0, 5_000_00, 50_000_00])
    assert render_township(paper, out) == 2
    first, second = page_texts(out)
    assert "姚关镇2024年度村级集体经济组织收益分配汇总表" in first
    assert "合成01村股份经济合作社" in first and "合成30村股份经济合作社" in second
    assert "合计（30个村）" in second
    total_dividends = sum(r.dividends for r in paper.rows)
    assert f"{total_dividends // 100:,}.00" in second
    for words in ("空壳村", "10万元以上", "2023年（3个村）", "2024年（30个村）", "未报送"):
        assert words in second


def test_counts_that_do_not_add_up_are_refused(tmp_path: Path) -> None:
    paper = _paper(3, [])
    bad = dataclasses.replace(paper, counts=(0, 0, 0, 0, 0))
    with pytest.raises(ReportDataError):
        render_township(bad, tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()
