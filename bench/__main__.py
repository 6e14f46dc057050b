"""``python -m bench [NAME ...] [--quick] [--township]``: the township-scale figures of
issues 3–7 against their limits.

Every benchmark builds its own synthetic data (big ledgers are cached in ``bench/.cache``,
keyed by size and schema revision), times the operation with ``time.perf_counter`` (best of
three where that is cheap), runs heavy jobs in a child process to read their peak memory,
prints a table (figure, measured, limit, PASS/FAIL) and updates ``bench/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from bench.common import BENCH, ROOT, Figure, Run, load, note, show

#: name on the command line → module:function; run in this order (later ones reuse data the
#: earlier ones build).
AREAS: dict[str, str] = {
    "import": "bench.importing:run",
    "township": "bench.importing:run_township",
    "distribution": "bench.distribution:run",
    "printing": "bench.printing:run",
    "ledger": "bench.ledger:run",
    "statements": "bench.statements:run",
    "package": "bench.package:run",
    "assets": "bench.assets:run",
    "window": "bench.ui:run_window",
    "ui": "bench.ui:run",
    "postgres": "bench.postgres:run",
    "startup": "bench.startup:run",
    "wizard": "bench.wizard:run",
    "verify": "bench.verify:run",
}
#: Run only when named (or with --township): ~10 minutes, and 6 GB of memory at its worst.
ON_REQUEST = ("township", "postgres", "window", "verify")


def _machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in (
            Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines()
        ):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        pass
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory": show(mem, "B"),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
        return head + ("+changes" if dirty else "")
    except OSError:
        return ""


def _loads(values: tuple[float, float, float] | list[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    head = "| area | figure | measured | limit | result |\n|---|---|---:|---:|---|"
    rows = [
        f"| {f.area} | {f.name.strip()} | {show(f.measured, f.unit)} | "
        f"{'—' if f.limit is None else '≤ ' + show(f.limit, f.unit)} | {f.verdict} |"
        for f in figures
    ]
    return "\n".join([head, *rows])


def report(results_file: Path) -> str:
    """The figures kept in a results file as Markdown: per area, when and at what load."""
    data = json.loads(results_file.read_text(encoding="utf-8"))
    lines = [
        "| area | figure | measured | limit | result |",
        "|---|---|---:|---:|---|",
    ]
    runs = []
    for name, area in data.get("areas", {}).items():
        for f in area["figures"]:
            lines.append(
                f"| {name} | {f['name'].strip()} | {f['measured_text']} | {f['limit_text']} "
                f"| {f['verdict']} |"
            )
        runs.append(
            f"* {name}: {area['date']}, `{area.get('command', '')}`, load "
            f"{_loads(area['load_before'])} before, {_loads(area['load_after'])} after"
        )
    m = data.get("machine", {})
    head = f"{m.get('cpus')} × {m.get('cpu')}, {m.get('memory')}, Python {m.get('python')}"
    return "\n".join([*lines, "", f"Machine: {head}; code {data.get('git', '')}.", "", *runs])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="The township-scale figures of issues 3-7 against their limits.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"some of: {', '.join(AREAS)}")
    parser.add_argument("--quick", action="store_true", help="reduced sizes: a smoke check")
    parser.add_argument(
        "--township",
        action="store_true",
        help="also run 'township': import a township-sized book (100,000 members, "
        "5,000,000 lines), streamed and read whole (~10 min)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs)")
    parser.add_argument(
        "--results",
        type=Path,
        help="results file (default bench/results.json; quick runs write bench/results-quick.json)",
    )
    parser.add_argument(
        "--report", action="store_true", help="print the results file as Markdown; run nothing"
    )
    args = parser.parse_args(argv)
    if args.report:
        print(
            report(args.results or BENCH / ("results-quick.json" if args.quick else "results.json"))
        )
        return 0
    unknown = [n for n in args.names if n not in AREAS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(AREAS)}")
    chosen = set(args.names) or {n for n in AREAS if n not in ON_REQUEST}
    if args.township:
        chosen.add("township")
    names = [n for n in AREAS if n in chosen]
    results_file: Path = args.results or BENCH / (
        "results-quick.json" if args.quick else "results.json"
    )

    tmp = Path(tempfile.mkdtemp(prefix="coopledger-bench-"))
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    note(f"{command.strip()} — temp folder {tmp}; load {_loads(load())}")
    figures: list[Figure] = []
    areas: dict[str, Any] = {}
    failed = False
    try:
        for name in names:
            run = Run(name, args.quick, tmp / name)
            run.tmp.mkdir(parents=True)
            before = load()
            t0 = time.perf_counter()
            note(f"== {name} (load {_loads(before)})")
            try:
                module, func = AREAS[name].split(":")
                getattr(importlib.import_module(module), func)(run)
            except Exception as exc:  # report the area as failed, go on with the others
                traceback.print_exc()
                run.add(f"{name} benchmarks", None, None, detail=f"{type(exc).__name__}: {exc}")
                failed = True
            figures += run.figures
            areas[name] = {
                "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "command": command.strip(),
                "quick": args.quick,
                "load_before": [round(x, 2) for x in before],
                "load_after": [round(x, 2) for x in load()],
                "seconds": round(time.perf_counter() - t0, 1),
                "figures": [f.to_json() for f in run.figures],
            }
    finally:
        if args.keep:
            note(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(table(figures))
    print()
    print(f"load average now {_loads(load())} (1 / 5 / 15 min) on {os.cpu_count()} CPUs")

    old: dict[str, Any] = {}
    if results_file.exists():
        try:
            old = json.loads(results_file.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
    merged = {
        "command": command.strip(),
        "git": _git(),
        "machine": _machine(),
        "areas": {**old.get("areas", {}), **areas},
    }
    results_file.write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n", "utf-8")
    note(
        f"wrote {results_file.relative_to(ROOT) if results_file.is_relative_to(ROOT) else results_file}"
    )
    return 1 if failed or any(f.verdict == "FAIL" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
