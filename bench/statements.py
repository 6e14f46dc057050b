"""Issue 14: the official statements of a year on the township ledger (5,000,000 lines in one
file) ≤ 2 s, for a village book and for the 100,000-household book, after their 2014
distributions are committed (so that 内部往来 holds a balance per household and the split
rule has work to do); and a 明细账 PDF of 10,000 lines ≤ 5 s."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from bench.common import Run, best_of, copy_ledger, note, run_child, tail, times_text
from bench.fixtures import YEAR, big_org, sizes, township_ledger, village_org

AREA = "statements"
STATEMENTS_LIMIT = 2.0
BOOK_PDF_LIMIT = 5.0
BOOK_LINES = 10_000


def job(ledger: str, org_id: int, big_org_id: int, year: int) -> dict[str, Any]:
    """Commit 2014 in both books of a working copy, then time the statements."""
    from coopledger.services.distribution import commit_distribution
    from coopledger.services.ledger import open_ledger
    from coopledger.services.statements import year_statements

    led = open_ledger(ledger)
    out: dict[str, Any] = {}
    for key, org in (("village", org_id), ("big", big_org_id)):
        t0 = time.perf_counter()
        commit_distribution(led, org, YEAR)
        out[f"commit_{key}"] = time.perf_counter() - t0
        for y in (YEAR, year):
            got: list[Any] = []

            def run(org: int = org, y: int = y, got: list[Any] = got) -> None:
                got[:] = [year_statements(led, org, y)]

            out[f"{key}_{y}"] = {
                "timing": best_of(run),
                "warnings": len(got[0].warnings),
                "lines": sum(len(f.lines) for f in got[0].forms),
            }
    led.close()
    return out


def book_job(work: str, lines: int) -> dict[str, Any]:
    """A ledger whose bank account has ``lines`` lines in one year; time its 明细账 PDF."""
    from coopledger.services import bookfile, ledger_books
    from coopledger.services.ledger import open_ledger

    path = Path(work) / "book10k.sqlite3"
    led = open_ledger(path, create=True)
    vouchers = []
    start = dt.date(2024, 1, 1)
    for i in range(lines):
        day = (start + dt.timedelta(days=i * 366 // lines)).isoformat()
        amount = f"{100 + i % 97}.{i % 100:02d}"
        if i % 2:
            pair = [{"account": "102", "debit": amount}, {"account": "501", "credit": amount}]
        else:
            pair = [{"account": "513", "debit": amount}, {"account": "102", "credit": amount}]
        vouchers.append({"date": day, "memo": f"第{i}笔收支", "lines": pair})
    org = bookfile.import_book(
        led,
        {
            "format": "coopledger-book",
            "version": 1,
            "organisation": {"name": "基准村", "chart": "village-2023"},
            "members": [],
            "vouchers": vouchers,
        },
    )
    timings = {}
    for kind in ("detail", "bank"):
        pdf = Path(work) / f"book-{kind}.pdf"

        def run(kind: str = kind, pdf: Path = pdf) -> None:
            ledger_books.print_book(led, org, kind, 2024, pdf, code="102")

        timings[kind] = best_of(run, n=2)
    book = ledger_books.ledger_book(led, org, "102", 2024)
    led.close()
    return {"timings": timings, "rows": book.row_count, "entries": book.entries}


def run(r: Run) -> None:
    res = run_child(
        "bench.statements:book_job",
        {"work": str(r.tmp), "lines": BOOK_LINES},
        log=r.tmp / "book.log",
        timeout=1800,
    )
    if not res.ok:
        r.add("明细账 PDF", None, None, detail=f"{res.error}; {tail(res.log, 5)}")
    else:
        v = res.value
        for kind, label in (("detail", "明细账"), ("bank", "银行存款日记账 (with 对方科目)")):
            best, times = v["timings"][kind]
            r.add(
                f"{label} PDF of {v['entries']:,} lines",
                best,
                BOOK_PDF_LIMIT,
                detail=f"{v['rows']:,} book lines with the month lines; " + times_text(times),
            )
    path, orgs = township_ledger(r)
    name, org_id = village_org(orgs)
    big_name, big_id = big_org(orgs)
    work = copy_ledger(path, r.tmp / "township.sqlite3")
    year = YEAR + sizes(r).years - 1
    note(f"statements: {name} (#{org_id}) and {big_name} (#{big_id}) in {path.name}")
    res = run_child(
        "bench.statements:job",
        {"ledger": str(work), "org_id": org_id, "big_org_id": big_id, "year": year},
        log=r.tmp / "statements.log",
        timeout=3600,
    )
    if not res.ok:
        r.add("statements", None, None, detail=f"{res.error}; {tail(res.log, 5)}")
        return
    v = res.value
    for key, where in (("village", "a village book"), ("big", "the 100,000-household book")):
        for y in (YEAR, year):
            item = v[f"{key}_{y}"]
            best, times = item["timing"]
            r.add(
                f"statements of {y}, {where}",
                best,
                STATEMENTS_LIMIT,
                detail=f"{item['lines']} lines on the forms, {item['warnings']} warnings; "
                + times_text(times),
            )
