"""Issue 15: ``verify`` on the township ledger (twenty books, 5,000,000 lines in one file) with
every check it makes: the audit chain against every tracked row, the schema against its
revision, the slips against the distribution vouchers and the payments. No limit is set by the
issue; the time and the peak memory are reported."""

from __future__ import annotations

import time
from typing import Any

from bench.common import Run, copy_ledger, note, run_child, tail
from bench.fixtures import township_ledger

AREA = "verify"


def job(ledger: str) -> dict[str, Any]:
    from coopledger.services.ledger import open_ledger, verify

    led = open_ledger(ledger, readonly=True)
    t0 = time.perf_counter()
    report = verify(led)
    seconds = time.perf_counter() - t0
    led.close()
    return {
        "seconds": seconds,
        "ok": report.ok,
        "entries": report.entries,
        "problems": [str(p) for p in report.problems[:5]],
    }


def run(r: Run) -> None:
    path, _orgs = township_ledger(r)
    work = copy_ledger(path, r.tmp / "township.sqlite3")
    note(f"verify: {path.name}")
    res = run_child(
        "bench.verify:job", {"ledger": str(work)}, log=r.tmp / "verify.log", timeout=3600
    )
    if not res.ok:
        r.add("verify the township ledger", None, None, detail=f"{res.error}; {tail(res.log, 5)}")
        return
    v = res.value
    r.add(
        "verify the township ledger (5,000,000 lines, every check)",
        v["seconds"],
        None,
        detail=f"{v['entries']:,} audit entries; clean: {v['ok']} {v['problems'] or ''}".strip(),
    )
    r.add("  peak memory verifying it", res.maxrss, None, "B")
