"""Issue 12, part 3: every command pays only for itself. Whole-process wall times, each the
median of five runs after one that is not counted (it may compile bytecode):
``coopledger --version`` ≤ 0.3 s; ``trial-balance --json`` over ten years of the
500,000-line village ledger ≤ 0.35 s; the window's cold start on the demo ≤ 1.2 s
(``bench/ui.py``'s driver, from spawn to a shown window)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import ui
from bench.common import Run, copy_ledger, note, times_text
from bench.fixtures import YEAR, demo_ledger, village_ledger

AREA = "startup"
VERSION_LIMIT = 0.3
TRIAL_BALANCE_LIMIT = 0.35
WINDOW_LIMIT = 1.2
RUNS = 5


def _wall(args: list[str]) -> float:
    exe = Path(sys.executable).with_name("coopledger")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPLEDGER_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    done = subprocess.run([str(exe), *args], capture_output=True, env=env, timeout=120)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"coopledger {' '.join(args)}: exit {done.returncode}")
    return wall


def median_of(args: list[str]) -> tuple[float, list[float]]:
    """The median wall time of ``RUNS`` runs, after one uncounted run."""
    _wall(args)
    times = [_wall(args) for _ in range(RUNS)]
    return statistics.median(times), times


def run(r: Run) -> None:
    best, times = median_of(["--version"])
    r.add("coopledger --version (median of 5)", best, VERSION_LIMIT, detail=times_text(times))

    ledger = copy_ledger(village_ledger(r), r.tmp / "village.sqlite3")
    span = ["--from", f"{YEAR}-01-01", "--to", f"{YEAR + 9}-12-31"]
    args = ["--db", str(ledger), "trial-balance", *span, "--json"]
    note(f"startup: coopledger {' '.join(args)}")
    best, times = median_of(args)
    r.add(
        "trial-balance --json, ten years, 500,000 lines (median of 5)",
        best,
        TRIAL_BALANCE_LIMIT,
        detail=times_text(times),
    )

    demo_ledger(r)
    saved = ui.RUNS
    ui.RUNS = RUNS
    try:
        walls, _inside, error = ui.cold_start(r)
    finally:
        ui.RUNS = saved
    r.add(
        "window cold start on the demo (median of 5)",
        statistics.median(walls) if walls and not error else None,
        WINDOW_LIMIT,
        detail=error or times_text(walls),
    )
