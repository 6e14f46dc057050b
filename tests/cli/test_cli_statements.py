"""The installed command: ``statements --json`` and ``--out``, ``year check`` (exit 1 when a
check fails), ``year close|reopen``, ``opening`` and ``account``, on real ledger files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.reports.pdfcheck import all_text

BIN = Path(sys.executable).with_name("coopledger")
COLLECTIVE = "山邑村股份经济合作社"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=300)


def test_statements_json_of_the_demo(demo_db: Path, tmp_path: Path) -> None:
    r = run("--db", str(demo_db), "--org", COLLECTIVE, "statements", "--year", "2014", "--json")
    assert r.returncode == 0, r.stderr
    js = json.loads(r.stdout)
    assert set(js) >= {"balance_sheet", "income_statement", "checks", "warnings"}
    assert "member_equity" not in js  # a village book has no 成员权益变动表
    bs = js["balance_sheet"]["lines"]
    assert set(bs[0]) == {"row", "name", "id", "opening", "closing"}
    by_name = {ln["name"]: ln for ln in bs}
    assert by_name["资产总计"]["closing"] == by_name["负债和所有者权益总计"]["closing"]
    inc = js["income_statement"]["lines"]
    assert set(inc[0]) == {"row", "name", "id", "amount", "last_year"}
    assert all(c["ok"] for c in js["checks"])
    out = tmp_path / "st.pdf"
    r = run(
        "--db", str(demo_db), "--org", COLLECTIVE, "statements", "--year", "2014", "--out", str(out)
    )
    assert r.returncode == 0, r.stderr
    text = all_text(out)
    for title in ("资产负债表", "收益及收益分配表", "科目余额表", "村会01表"):
        assert title in text


def test_year_check_close_reopen(demo_copy: Path) -> None:
    db = str(demo_copy)
    r = run("--db", db, "--org", COLLECTIVE, "year", "check", "--year", "2014", "--json")
    assert r.returncode == 1, r.stderr  # the slips are unpaid, the register differs
    js = json.loads(r.stdout)
    failed = {c["check"] for c in js["checks"] if not c["ok"]}
    assert "shares" in failed
    capital = next(g for g in js["share_register"] if g["accounts"] == ["301"])
    assert capital["difference"] == "1714000.00"
    assert run("--db", db, "--org", COLLECTIVE, "year", "close", "--year", "2014").returncode == 0
    bad = run("--db", db, "--org", COLLECTIVE, "year", "reopen", "--year", "2014", "--reason", "")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    r = run("--db", db, "--org", COLLECTIVE, "year", "reopen", "2014", "--reason", "补记收入")
    assert r.returncode == 0, r.stderr
    r = run(
        "--db",
        db,
        "--org",
        COLLECTIVE,
        "reverse-distribution",
        "--year",
        "2014",
        "--reason",
        "补记收入后重分",
    )
    assert r.returncode == 0, r.stderr


def test_opening_and_accounts(tmp_path: Path) -> None:
    db = str(tmp_path / "l.sqlite3")
    assert run("--db", db, "org", "add", "新建村", "--chart", "village-2023").returncode == 0
    before = sqlite3.connect(db).execute("select count(*) from voucher").fetchone()[0]
    r = run(
        "--db",
        db,
        "opening",
        "post",
        "--date",
        "2024-01-01",
        "--debit",
        "102=1000.00",
        "--credit",
        "301=900.00",
    )
    assert r.returncode == 2 and "100.00" in r.stderr
    assert sqlite3.connect(db).execute("select count(*) from voucher").fetchone()[0] == before
    r = run(
        "--db",
        db,
        "opening",
        "post",
        "--date",
        "2024-01-01",
        "--debit",
        "102=1000.00",
        "--credit",
        "301=1000.00",
    )
    assert r.returncode == 0, r.stderr
    shown = json.loads(run("--db", db, "opening", "show", "--json").stdout)
    assert shown["debit"] == shown["credit"] == "1000.00"
    template = tmp_path / "t.xlsx"
    assert run("--db", db, "opening", "template", "--out", str(template)).returncode == 0
    assert template.stat().st_size > 0
    r = run("--db", db, "account", "add", "501", "5010", "错")
    assert r.returncode == 2 and "5010" in r.stderr
    assert run("--db", db, "account", "add", "501", "50101", "经营收入—莲藕").returncode == 0
    listed = json.loads(run("--db", db, "account", "list", "--json").stdout)
    assert any(a["code"] == "50101" and a["kind"] == "revenue" for a in listed)
