"""Voucher prints and a member's statement."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coopledger.reports import (
    ReportDataError,
    VoucherLinePrint,
    render_member_statement,
    render_voucher,
)
from coopledger.reports.voucher import LINES_PER_SHEET

from .pdfcheck import all_text, contents, fonts, page_texts
from .samples import ORG, fee_voucher, member_statement, reversal_voucher


def test_voucher_has_the_usual_layout(tmp_path: Path) -> None:
    out = tmp_path / "v.pdf"
    assert render_voucher([fee_voucher()], out) == 1
    text = all_text(out)
    for expected in (
        "记账凭证",
        f"核算单位：{ORG}",
        "2014年12月31日",
        "记字第0031号",
        "摘要",
        "科目编码",
        "会计科目",
        "借方金额",
        "贷方金额",
        "计提2014年土地流转费",
        "51101",
        "经营支出-土地流转费",
        "内部往来—苏子柏",
        "1,600.00",
        "230.00",
        "合计",
        "人民币（大写）壹仟捌佰叁拾元整",
        "¥1,830.00",
        "附件2张",
        "记账：张记账",
        "出纳：赵出纳",
        "审核：王主任",
        "制单：李会计",
    ):
        assert expected in text, expected
    assert all(fonts(out).values())


def test_red_lines_print_in_red_with_a_minus_sign(tmp_path: Path) -> None:
    out = tmp_path / "v.pdf"
    render_voucher([fee_voucher(), reversal_voucher()], out)
    assert len(page_texts(out)) == 1  # two vouchers to an A4 page
    text = all_text(out)
    assert "红字冲销" in text
    assert "-1,600.00" in text
    assert "-¥1,600.00" in text
    assert "负壹仟陆佰元整" in text
    assert "冲销：2014年12月31日记字第0031号" in text
    assert b".8 0 0 rg" in contents(out)  # the red fill colour
    black_only = tmp_path / "black.pdf"
    render_voucher([fee_voucher()], black_only)
    assert b".8 0 0 rg" not in contents(black_only)


def test_a_long_voucher_runs_over_sheets_with_the_total_on_the_last(tmp_path: Path) -> None:
    v = fee_voucher()
    long = dataclasses.replace(v, lines=v.lines * 4)  # 16 lines
    out = tmp_path / "v.pdf"
    assert render_voucher([long], out) == 2  # three sheets, two to a page
    texts = page_texts(out)
    assert "记字第0031号（1/3）" in texts[0] and "（续下张）" in texts[0]
    assert "记字第0031号（3/3）" in texts[1]
    assert "¥7,320.00" in texts[1] and "¥7,320.00" not in texts[0]
    assert -(-16 // LINES_PER_SHEET) == 3


def test_an_unbalanced_voucher_is_refused(tmp_path: Path) -> None:
    v = fee_voucher()
    bad = dataclasses.replace(
        v, lines=(*v.lines, VoucherLinePrint("多记", "101", "库存现金", "", 1, 0))
    )
    with pytest.raises(ReportDataError, match="记字第0031号"):
        render_voucher([bad], tmp_path / "v.pdf")
    assert not (tmp_path / "v.pdf").exists()


def test_member_statement_runs_the_balance(tmp_path: Path) -> None:
    out = tmp_path / "m.pdf"
    assert render_member_statement(member_statement(), out) == 1
    text = all_text(out)
    for expected in (
        "成员往来对账单",
        f"编制单位：{ORG}",
        "户号：H0001",
        "苏子柏",
        "岩子脚小组",
        "期初余额",
        "2014-12-31",
        "记字第0031号",
        "计提2014年土地流转费",
        "1,600.00",
        "1,830.00",
        "本期合计",
        "7,230.00",
        "期末余额",
        "借",
        "贷",
        "平",
        "成员签字",
    ):
        assert expected in text, expected


def test_member_statement_balances_must_follow_the_lines(tmp_path: Path) -> None:
    ms = member_statement()
    rows = list(ms.rows)
    rows[2] = dataclasses.replace(rows[2], balance_fen=-150_000)
    with pytest.raises(ReportDataError, match="line 3"):
        render_member_statement(dataclasses.replace(ms, rows=tuple(rows)), tmp_path / "m.pdf")
    with pytest.raises(ReportDataError, match="closing"):
        render_member_statement(dataclasses.replace(ms, closing_fen=1), tmp_path / "m.pdf")


def test_a_long_member_statement_continues(tmp_path: Path) -> None:
    ms = member_statement()
    rows = ms.rows * 20  # the balances still run: each block of five returns to zero
    out = tmp_path / "m.pdf"
    pages = render_member_statement(dataclasses.replace(ms, rows=rows), out)
    assert pages >= 3
    texts = page_texts(out)
    assert "成员往来对账单（续）" in texts[1]
    assert "期末余额" in texts[-1] and "期末余额" not in texts[0]
