"""The public notice: summary, every holder, page totals that add up, the grand total in
大写, dates, the notice period, objections, signatures; never ID or bank numbers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A3, A4, landscape

from coopledger.domain.numerals import amount_in_capitals
from coopledger.reports import NoticeRow, ReportCancelled, ReportDataError, render_notice
from coopledger.reports.common import money
from coopledger.reports.notice import notice_pages

from .pdfcheck import all_text, fonts, page_sizes, page_texts
from .samples import ORG, demo_notice


def test_the_notice_prints_what_the_village_must_see(tmp_path: Path) -> None:
    notice = demo_notice(10)
    out = tmp_path / "notice.pdf"
    assert render_notice(notice, out) == 1
    text = all_text(out)
    for expected in (
        "村务公开",
        f"{ORG}2014年度收益分配公示",
        # the result table's labels, each once for its own figure (distribution.md)
        "本年经营收益（付土地流转费前）",
        "土地流转费",
        "本年收益（盈余）",
        "年初未分配收益",
        "年初未弥补亏损",
        "可分配收益（盈余）",
        "弥补以前年度亏损",
        "提取公益金",
        "提取公积金（盈余公积）",
        "按股分红",
        "年末未分配收益",
        "年末未弥补亏损",
        "序号",
        "户号",
        "H0001",
        "苏子柏",
        "岩子脚小组",
        "1,600.00",
        "230.00",
        "1,830.00",
        "山邑村集体",
        "本页合计",
        "总计",
        "应付合计（大写）：人民币",
        "2014年12月20日表决通过",
        "自2014年12月22日起公示7天（至2014年12月28日）",
        "村务监督委员会",
        "联系电话：0875-8123456",
        "民主理财小组",
        "制表：",
        "李会计",
        "单位：元",
        money(notice.welfare_fen),
        money(notice.distributable_fen),
    ):
        assert expected in text, expected
    assert all(fonts(out).values())
    assert page_sizes(out) == [(round(landscape(A4)[0]), round(landscape(A4)[1]))]
    assert "按交易量返还" not in text  # a village book has no returns
    assert text.count("可分配收益") == 1  # one name, one number


def test_the_notice_prints_rates_record_and_the_dividend_by_class(tmp_path: Path) -> None:
    notice = dataclasses.replace(
        demo_notice(6),
        dividend_rate="1.4375",
        proposed_by="山邑村党总支",
        meeting="2014年12月20日村民代表会议",
        vote="应到45人，实到43人，赞成43票",
        resolution="先付土地流转金，再提取10%公益金，其余按股分红",
        publication="在村务公开栏公示",
    )
    dividends = notice.dividends_fen
    notice = dataclasses.replace(
        notice, dividends_by_class=(("land", dividends - 1_000_000), ("project_fund", 1_000_000))
    )
    out = tmp_path / "notice.pdf"
    render_notice(notice, out)
    text = all_text(out)
    for expected in (
        "每百元股金分红1.4375元",
        f"土地股{money(dividends - 1_000_000)}元",
        "项目资金股10,000.00元",
        "提议：山邑村党总支",
        "会议：2014年12月20日村民代表会议",
        "出席及表决：应到45人，实到43人，赞成43票",
        "决议：先付土地流转金",
        "在村务公开栏公示",
    ):
        assert expected in text, expected
    wrong = dataclasses.replace(notice, dividends_by_class=(("land", 1),))
    with pytest.raises(ReportDataError, match="share class"):
        render_notice(wrong, tmp_path / "wrong.pdf")


def test_a_cooperative_notice_has_the_returns_column(tmp_path: Path) -> None:
    base = demo_notice(4)
    rows = tuple(
        dataclasses.replace(r, transaction_return_fen=r.land_fee_fen // 2) for r in base.rows
    )
    returns = sum(r.transaction_return_fen for r in rows)
    notice = dataclasses.replace(
        base,
        rows=rows,
        cooperative=True,
        welfare_fen=0,
        transaction_returns_fen=returns,
        return_rate="50.0000",
        distributable_fen=base.distributable_fen - base.welfare_fen + returns,
    )
    out = tmp_path / "coop.pdf"
    render_notice(notice, out)
    text = all_text(out)
    assert "按交易量返还（元）" in text and "每百元交易额返还50.0000元" in text
    assert money(returns) in text
    assert "提取公益金" not in text  # a cooperative keeps no welfare fund
    grand = sum(r.total_fen for r in rows)
    assert amount_in_capitals(grand) in text
    with pytest.raises(ReportDataError, match="returns"):
        render_notice(dataclasses.replace(notice, transaction_returns_fen=0), tmp_path / "x.pdf")


def test_grand_total_and_page_totals_are_the_sums_of_the_rows(tmp_path: Path) -> None:
    notice = demo_notice(80)
    out = tmp_path / "notice.pdf"
    slices = notice_pages(len(notice.rows))
    assert render_notice(notice, out) == len(slices) > 2
    texts = page_texts(out)
    for text, (start, end) in zip(texts, slices, strict=True):
        rows = notice.rows[start:end]
        assert f"第{slices.index((start, end)) + 1}页共{len(slices)}页" in text
        assert "本页合计" in text
        for value in (
            sum(r.land_fee_fen for r in rows),
            sum(r.dividend_fen for r in rows),
            sum(r.total_fen for r in rows),
        ):
            assert money(value) in text
    grand = sum(r.total_fen for r in notice.rows)
    assert grand == notice.land_fees_fen + notice.dividends_fen
    last = texts[-1]
    assert "总计" in last
    assert money(grand) in last
    assert f"¥{money(grand)}" in last
    assert amount_in_capitals(grand) in last
    assert all("总计" not in t for t in texts[:-1])
    # Every holder is printed exactly once.
    everything = "".join(texts)
    for row in notice.rows:
        assert row.member_code in everything


def test_pages_cover_every_row_once_and_the_last_page_has_rows() -> None:
    for n in (0, 1, 5, 17, 18, 19, 20, 23, 24, 50, 51, 52, 53, 1000):
        slices = notice_pages(n)
        covered = [i for a, b in slices for i in range(a, b)]
        assert covered == list(range(n))
        if n:
            assert slices[-1][1] > slices[-1][0]


def test_a3_is_the_same_pages_enlarged(tmp_path: Path) -> None:
    notice = demo_notice(60)
    a4, a3 = tmp_path / "a4.pdf", tmp_path / "a3.pdf"
    pages = render_notice(notice, a4)
    assert render_notice(notice, a3, paper="A3L") == pages
    assert page_sizes(a3) == [(round(landscape(A3)[0]), round(landscape(A3)[1]))] * pages
    assert page_texts(a3)[-1] == page_texts(a4)[-1]


def test_a_table_that_does_not_match_the_summary_is_refused(tmp_path: Path) -> None:
    notice = demo_notice(5)
    short = dataclasses.replace(notice, rows=notice.rows[:-1])  # the collective left out
    with pytest.raises(ReportDataError, match="dividends"):
        render_notice(short, tmp_path / "n.pdf")
    wrong_fees = dataclasses.replace(notice, land_fees_fen=notice.land_fees_fen + 1)
    with pytest.raises(ReportDataError, match="land fees"):
        render_notice(wrong_fees, tmp_path / "n.pdf")
    assert list(tmp_path.iterdir()) == []


def test_no_id_or_bank_number_can_reach_the_notice() -> None:
    names = {f.name for f in dataclasses.fields(NoticeRow)}
    assert not any("id" in n.split("_") or "bank" in n or "card" in n for n in names)


def test_without_a_phone_the_objection_line_still_says_where(tmp_path: Path) -> None:
    notice = dataclasses.replace(demo_notice(3), objection_phone="")
    out = tmp_path / "n.pdf"
    render_notice(notice, out)
    text = all_text(out)
    assert "公示期内如有异议，请向村务监督委员会反映。" in text
    assert "联系电话" not in text


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    notice = demo_notice(100)
    with pytest.raises(ReportCancelled):
        render_notice(notice, tmp_path / "n.pdf", progress=lambda done, total: done == 0)
    assert list(tmp_path.iterdir()) == []


def test_unknown_paper_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="A4L"):
        render_notice(demo_notice(1), tmp_path / "n.pdf", paper="letter")
