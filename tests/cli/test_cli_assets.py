"""The installed command on the demo ledger: the asset register and its check against the
ledger, the depreciation run (refused twice, one line and exit 2 with nothing written),
the 财务公开表 and its publication, certificates, the cash position, and a voucher that
takes cash below zero warned of on stderr."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.reports.pdfcheck import all_text

BIN = Path(sys.executable).with_name("coopledger")
VILLAGE = "山邑村股份经济合作社"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), "--db", str(db), "--org", VILLAGE, *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_the_demo_register_depreciates_and_agrees_with_the_ledger(
    demo_copy: Path, tmp_path: Path
) -> None:
    r = run(demo_copy, "asset", "list", "--date", "2014-12-31", "--json")
    assert r.returncode == 0, r.stderr
    cards = {c["code"]: c for c in json.loads(r.stdout)}
    assert len(cards) == 23  # 20 ovens, the service building, two stakes
    assert cards["KY-001"]["accumulated_depreciation"] == "576.00"  # 12 × 48.00
    assert cards["FW-001"]["accumulated_depreciation"] == "9600.00"  # May–December × 1,200.00
    assert cards["FW-001"]["poverty_relief"] is True
    assert cards["TZ-001"]["method"] == "none"
    r = run(demo_copy, "asset", "check", "--date", "2014-12-31")
    assert r.returncode == 0, r.stdout + r.stderr
    out = tmp_path / "card.pdf"
    assert run(demo_copy, "asset", "card", "KY-001", "--pdf", str(out)).returncode == 0
    assert "固定资产卡片" in all_text(out) and "2014-12" in all_text(out)
    out = tmp_path / "register.pdf"
    assert (
        run(demo_copy, "asset", "list", "--date", "2014-12-31", "--pdf", str(out)).returncode == 0
    )
    assert "资产台账" in all_text(out) and "1,220,000.00" in all_text(out)


def test_a_month_runs_once(demo_copy: Path) -> None:
    before = (_count(demo_copy, "voucher"), _count(demo_copy, "audit_log"))
    r = run(demo_copy, "depreciation", "run", "--month", "2014-12")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "2014-12" in r.stderr
    assert (_count(demo_copy, "voucher"), _count(demo_copy, "audit_log")) == before
    r = run(demo_copy, "depreciation", "run", "--json")  # the next month due: January 2015
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {
        "month": "2015-01",
        "total": "2160.00",
        "cards": 21,
        "voucher": "记字第0001号",
    }
    r = run(
        demo_copy,
        "asset",
        "add",
        "X-1",
        "--name",
        "坏卡",
        "--category",
        "machinery",
        "--in-service",
        "2015-01-01",
        "--value=-5",
        "--life-months",
        "12",
    )
    assert r.returncode == 2 and "--value" in r.stderr and "Traceback" not in r.stderr


def test_disclosure_publication_and_certificates(demo_copy: Path, tmp_path: Path) -> None:
    r = run(demo_copy, "disclosure", "status", "--year", "2014", "--check")
    assert r.returncode == 0, r.stderr
    q4 = next(line for line in r.stdout.splitlines() if "第四季度" in line)
    assert "杨文华" in q4
    out = tmp_path / "q4.pdf"
    r = run(
        demo_copy, "disclosure", "print", "--quarter", "2014-Q4", "--out", str(out), "--paper", "A4"
    )
    assert r.returncode == 0, r.stderr
    assert "公开日期：2015年1月6日" in all_text(out)
    r = run(demo_copy, "disclosure", "print", "--quarter", "2014-5", "--out", str(out))
    assert r.returncode == 2 and "YYYY-Qn" in r.stderr
    r = run(
        demo_copy,
        "disclosure",
        "publish",
        "--month",
        "2014-12",
        "--date",
        "2015-01-06",
        "--reviewed-by",
        "杨文华、李德兴、张学富",
    )
    assert r.returncode == 0, r.stderr
    r = run(
        demo_copy,
        "certificate",
        "issue",
        "--member",
        "O001",
        "--date",
        "2014-12-31",
        "--out",
        str(tmp_path / "c.pdf"),
    )
    assert r.returncode == 0, r.stderr  # the Party branch holds the red-fund lot
    r = run(
        demo_copy,
        "certificate",
        "issue",
        "--member",
        "C001",
        "--date",
        "2014-12-31",
        "--out",
        str(tmp_path / "d.pdf"),
    )
    assert r.returncode == 2 and "C001" in r.stderr  # the collective itself holds no shares
    r = run(demo_copy, "certificate", "register", "--json")
    assert [c["member"] for c in json.loads(r.stdout)] == ["O001"]


def test_cash_position_and_a_voucher_that_overdraws(demo_copy: Path, tmp_path: Path) -> None:
    r = run(demo_copy, "cash", "position", "--date", "2014-12-31")
    assert r.returncode == 0
    assert "6400.00" in r.stdout and "5000.00" in r.stdout
    voucher = tmp_path / "v.json"
    voucher.write_text(
        json.dumps(
            {
                "date": "2014-12-31",
                "memo": "支付维修费",
                "lines": [
                    {"account": "51301", "debit": "7000.00"},
                    {"account": "101", "credit": "7000.00"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    r = run(demo_copy, "voucher", "add", "--file", str(voucher))
    assert r.returncode == 0, r.stderr
    assert "-600.00" in r.stderr  # a warning, the draft is saved
