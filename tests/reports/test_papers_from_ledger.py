"""The papers printed from the demo ledger, read back: 苏子柏's slip, the notice's grand
total against the ledger, the statements; and through the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coopledger.domain.money import format_money
from coopledger.domain.numerals import amount_in_capitals
from coopledger.services import distribution as dist
from coopledger.services import printing
from coopledger.services.accounts import find_organisation
from coopledger.services.demo import COOPERATIVE
from coopledger.services.ledger import open_ledger
from tests.reports.pdfcheck import all_text, fonts, page_texts

BIN = Path(sys.executable).with_name("coopledger")


def test_su_zibai_slip(demo_db: Path, tmp_path: Path) -> None:
    led = open_ledger(demo_db, user="会计", readonly=True)
    try:
        org = find_organisation(led, COOPERATIVE).id
        su = next(s for s in dist.slips(led, org, 2014) if s.member_name == "苏子柏")
        out = printing.print_slips(
            led, org, 2014, tmp_path / "su.pdf", member=su.member_code, layout="a5"
        )
    finally:
        led.close()
    text = all_text(out)
    assert su.transaction_return + su.dividend == 230_00  # the seed's 分红, in two lines
    for needle in (
        "苏子柏",
        "岩子脚小组",
        "1,600.00",
        "按交易量返还",
        format_money(su.transaction_return),
        "按股分红",
        format_money(su.dividend),
        "务工工资",
        "10,800.00",
        "1,830.00",
        "壹仟捌佰叁拾元整",
        su.check_code,
    ):
        assert needle in text, needle
    assert all(fonts(out).values())


def test_notice_grand_total_equals_ledger(demo_db: Path, tmp_path: Path) -> None:
    led = open_ledger(demo_db, user="会计", readonly=True)
    try:
        org = find_organisation(led, COOPERATIVE).id
        out = printing.print_notice(led, org, 2014, tmp_path / "notice.pdf")
        rows = dist.slips(led, org, 2014)
    finally:
        led.close()
    grand = sum(r.total for r in rows)
    last = page_texts(out)[-1]
    assert format_money(grand) in last
    assert amount_in_capitals(grand) in last
    assert "村务监督委员会" in all_text(out)


def test_statements_cli(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "st.pdf"
    r = subprocess.run(
        [
            str(BIN),
            "--db",
            str(demo_db),
            "--org",
            COOPERATIVE,
            "statements",
            "--year",
            "2014",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    text = all_text(out)
    for title in ("资产负债表", "盈余及盈余分配表", "科目余额表"):
        assert title in text
