"""Issue 6: printing from a committed distribution of 20,000 households: the slips ≤ 30 s and
≤ 500 MB peak memory; the public notice ≤ 20 s."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import MB, Run, note, run_child, tail
from bench.fixtures import YEAR, committed_ledger, sizes

AREA = "printing"
SLIPS_LIMIT = 30.0
SLIPS_MEMORY = 500 * MB
NOTICE_LIMIT = 20.0


def print_job(ledger: str, org_id: int, year: int, what: str, out: str) -> dict[str, Any]:
    """Print the slips or the notice of a committed year to ``out``."""
    from coopledger.services import printing
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger, readonly=True)
    t0 = time.perf_counter()
    if what == "slips":
        printing.print_slips(led, org_id, year, Path(out))
    else:
        printing.print_notice(led, org_id, year, Path(out))
    seconds = time.perf_counter() - t0
    led.close()
    return {"seconds": seconds, "bytes": Path(out).stat().st_size}


def run(r: Run) -> None:
    ledger = committed_ledger(r)
    households = sizes(r).village["households"]
    note(f"printing: {ledger.name}")
    for what, limit, memory in (
        ("slips", SLIPS_LIMIT, SLIPS_MEMORY),
        ("notice", NOTICE_LIMIT, None),
    ):
        out = r.tmp / f"{what}.pdf"
        res = run_child(
            "bench.printing:print_job",
            {"ledger": str(ledger), "org_id": 1, "year": YEAR, "what": what, "out": str(out)},
            log=r.tmp / f"{what}.log",
            timeout=1800,
        )
        name = f"{what} for {households:,} households"
        if not res.ok:
            r.add(name, None, limit, detail=f"{res.error}; {tail(res.log, 3)}")
            r.add("  peak memory", res.maxrss, memory, "B")
            continue
        v = res.value
        r.add(name, v["seconds"], limit, detail=f"{v['bytes'] / MB:.1f} MB PDF")
        r.add(f"  peak memory printing the {what}", res.maxrss, memory, "B")
        out.unlink(missing_ok=True)
