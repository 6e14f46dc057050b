"""Dividend slips: what is printed, the layouts, the font, cancelling."""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, A5, landscape

from coopledger.reports import ReportCancelled, ReportDataError, Slip, render_slips
from coopledger.reports.data import SlipContract

from .pdfcheck import all_text, fonts, page_sizes, page_texts, reader
from .samples import APPROVED, DEMO_CONTRACT, ORG, demo_slip


def test_demo_slip_prints_the_household_the_three_incomes_and_capitals(tmp_path: Path) -> None:
    out = tmp_path / "slip.pdf"
    assert render_slips([demo_slip()], out) == 1
    text = all_text(out)
    for expected in (
        ORG,
        "2014年度收益分配通知单",
        "分红领款单",
        "户号：",
        "H0001",
        "苏子柏",
        "岩子脚小组",
        "编号：",
        "2014-0001",
        "L0001",
        "岩子脚-03",
        "2.00",  # area in mu
        "800.00",  # rent per mu
        "1,600.00",  # land fee
        "按股分红",  # the result table's label
        "230.00",
        "务工工资",
        "10,800.00",
        "本单应付合计",
        "¥1,830.00",
        "人民币（大写）",
        "壹仟捌佰叁拾元整",
        "分配方案通过日期：2014年12月20日",
        "公示日期：2014年12月22日",
        "领款人签字",
        "手印",
        "制单",
        "审核",
        "李会计",
        "王主任",
        "校验码：K7Q3-0001",
        "单位：元",
        "领款方式：",
        "现金",
    ):
        assert expected in text, expected
    assert demo_slip().total_fen == 183_000


def test_cooperative_slip_prints_the_return_its_rates_and_the_total(tmp_path: Path) -> None:
    # The seed's story on a cooperative book: 1,600.00 land fee, then a return by
    # transactions and a dividend that together make the 230.00 of the article.
    slip = demo_slip(
        cooperative=True,
        transaction_return_fen=18_000,
        dividend_fen=5_000,
        transactions_fen=160_000,
        return_rate="11.2500",
        dividend_rate="0.3125",
    )
    out = tmp_path / "coop.pdf"
    assert render_slips([slip, slip], out, layout="a4x3") == 1
    text = all_text(out)
    for expected in (
        "一、土地流转费",
        "二、按交易量返还",
        "三、按股分红",
        "180.00",
        "50.00",
        "交易额1,600.00元；每百元交易额返还11.2500元",  # (text extraction drops spaces)
        "股金16,000.00元；每百元股金分红0.3125元",
        "务工工资（年内已发放，仅列示，不计入本单）",
        "本单应付合计（一＋二＋三）",
        "¥1,830.00",
        "壹仟捌佰叁拾元整",
    ):
        assert expected in text, expected
    assert slip.total_fen == 183_000
    # A village slip with an announced rate prints it beside the dividend.
    text = all_text(_render(tmp_path, demo_slip(dividend_rate="1.4375")))
    assert "每百元股金分红1.4375元" in text and "按交易量返还" not in text


def _render(tmp_path: Path, slip: Slip) -> Path:
    out = tmp_path / f"one-{slip.member_code}.pdf"
    render_slips([slip], out)
    return out


def test_font_is_embedded_as_a_subset(tmp_path: Path) -> None:
    out = tmp_path / "slip.pdf"
    render_slips([demo_slip()], out)
    used = fonts(out)
    assert used, "no fonts found"
    assert all(used.values()), used  # each has a FontFile2 stream
    assert all("+NotoSansSC" in name for name in used)  # ABCDEF+ prefix: a subset


def test_metadata(tmp_path: Path) -> None:
    out = tmp_path / "slip.pdf"
    render_slips([demo_slip()], out)
    meta = reader(out).metadata
    assert meta is not None
    assert meta.title == f"{ORG}2014年度收益分配通知单"
    assert meta.author == ORG


def test_traditional_chinese_renders(tmp_path: Path) -> None:
    out = tmp_path / "slip.pdf"
    slip = demo_slip(member_name="陳國華", group="臺灣組", org_name="山邑村農業合作社")
    render_slips([slip], out)
    text = all_text(out)
    assert "陳國華" in text and "臺灣組" in text and "山邑村農業合作社" in text


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7])
def test_a4x3_has_three_slips_a_page(tmp_path: Path, n: int) -> None:
    out = tmp_path / "slips.pdf"
    pages = render_slips([demo_slip(i) for i in range(1, n + 1)], out, layout="a4x3")
    assert pages == math.ceil(n / 3)
    assert page_sizes(out) == [(round(A4[0]), round(A4[1]))] * pages
    texts = page_texts(out)
    assert texts[0].count("沿此线剪开") == min(n, 3) - 1
    for i in range(1, n + 1):
        assert f"H{i:04d}" in texts[(i - 1) // 3]


@pytest.mark.parametrize("n", [1, 4])
def test_a5_has_one_slip_a_page(tmp_path: Path, n: int) -> None:
    out = tmp_path / "slips.pdf"
    assert render_slips([demo_slip(i) for i in range(1, n + 1)], out, layout="a5") == n
    w, h = landscape(A5)
    assert page_sizes(out) == [(round(w), round(h))] * n


def test_a_generator_with_a_total_gives_page_numbers(tmp_path: Path) -> None:
    def slips() -> Iterator[Slip]:
        for i in range(1, 5):
            yield demo_slip(i)

    out = tmp_path / "slips.pdf"
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    pages = render_slips(slips(), out, total=4, progress=progress)
    assert pages == 2
    assert "第2页共2页" in page_texts(out)[1]
    assert seen == [(0, 4), (3, 4), (4, 4)]


def test_file_object_output() -> None:
    buffer = io.BytesIO()
    assert render_slips([demo_slip()], buffer, layout="a5") == 1
    assert "壹仟捌佰叁拾元整" in all_text(buffer.getvalue())


def test_cancel_raises_and_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "slips.pdf"
    calls: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return done < 3  # go on until the first page is done, then stop

    with pytest.raises(ReportCancelled):
        render_slips([demo_slip(i) for i in range(1, 10)], out, progress=progress)
    assert calls == [0, 3]
    assert list(tmp_path.iterdir()) == []


def test_cancel_keeps_an_older_file_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "slips.pdf"
    out.write_bytes(b"yesterday's slips")
    with pytest.raises(ReportCancelled):
        render_slips([demo_slip()], out, progress=lambda d, t: False)
    assert out.read_bytes() == b"yesterday's slips"
    assert [p.name for p in tmp_path.iterdir()] == ["slips.pdf"]


def test_fees_must_add_up_to_the_land_fee(tmp_path: Path) -> None:
    out = tmp_path / "slips.pdf"
    with pytest.raises(ReportDataError, match="H0001"):
        render_slips([demo_slip(land_fee_fen=150_000)], out)
    assert not out.exists()


def test_more_contracts_than_rows_are_summed_in_the_last_row(tmp_path: Path) -> None:
    contracts = tuple(
        dataclasses.replace(DEMO_CONTRACT, code=f"L{i:04d}", parcel=f"岩子脚-{i:02d}")
        for i in range(5)
    )
    slip = demo_slip(contracts=contracts, land_fee_fen=5 * 160_000)
    out = tmp_path / "slips.pdf"
    render_slips([slip], out)
    text = all_text(out)
    assert "L0000" in text and "L0001" in text and "L0002" not in text
    assert "其余3份合同" in text
    assert "4,800.00" in text  # the three other fees
    assert "8,000.00" in text  # the land fee total
    # The A5 layout has room for all five.
    render_slips([slip], out, layout="a5")
    assert "L0004" in all_text(out)


def test_part_year_contract_shows_its_days(tmp_path: Path) -> None:
    contract = SlipContract("L0009", "岩子脚-09", 20_000, 80_000, 181, 365, 79_342)
    slip = demo_slip(contracts=(contract,), land_fee_fen=79_342)
    out = tmp_path / "slips.pdf"
    render_slips([slip], out)
    text = all_text(out)
    assert "181/365" in text and "793.42" in text
    assert "柒佰柒拾叁元肆角贰分" not in text  # total is fee + dividend: 1,023.42
    assert "壹仟零贰拾叁元肆角贰分" in text


def test_long_names_do_not_break_the_slip(tmp_path: Path) -> None:
    slip = demo_slip(member_name="歐陽" * 20, group="很长的村民小组名称" * 4, approved_on=APPROVED)
    out = tmp_path / "slips.pdf"
    render_slips([slip], out)
    text = all_text(out)
    assert "歐陽歐陽" in text and "…" in text


def test_unknown_layout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="a4x3"):
        render_slips([demo_slip()], tmp_path / "x.pdf", layout="letter")


def test_slips_of_several_organisations_in_one_run(tmp_path: Path) -> None:
    out = tmp_path / "slips.pdf"
    slips = [demo_slip(1), demo_slip(2, org_name="山邑村股份经济合作社", year=2015), demo_slip(3)]
    assert render_slips(slips, out, layout="a5") == 3
    texts = page_texts(out)
    assert "山邑村股份经济合作社2015年度" in texts[1]
    assert f"{ORG}2014年度" in texts[0] and f"{ORG}2014年度" in texts[2]
