"""The synthetic data the benchmarks run on, built once and cached under ``bench/.cache``.

* the *village book*: 20,000 households, 25,000 contracts, 30,000 share lots and 500,000
  voucher lines in 2014 (issue 4's import; issues 5 and 6 run on the ledger it makes);
* the *township ledger*: twenty books of 250,000 lines each spread over 2014–2023 (5,000,000
  lines in one file, issue 3): nineteen villages of 5,000 households and one township-wide
  book of 100,000 households, 125,000 contracts and 150,000 lots (issues 5 and 7);
* the *demo ledger* (``coopledger demo``), for the window's cold start.

``--quick`` uses the same shapes about a tenth (or less) of the size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    Run,
    cache_file,
    copy_ledger,
    note,
    publish,
    remove_ledger,
    run_child,
    show,
    tail,
)
from bench.synth import write_book_file

YEAR = 2014  # the synthetic books' first year (and the year of their distribution plan)


@dataclass(frozen=True)
class Sizes:
    """How big the synthetic data is."""

    village: dict[str, int]
    roster: int
    orgs: int
    village_org: dict[str, int]
    big_org: dict[str, int]
    lines_per_org: int
    years: int
    township_book: dict[str, int]
    label: str = field(default="full")


FULL = Sizes(
    village={"households": 20_000, "contracts": 25_000, "lots": 30_000, "voucher_lines": 500_000},
    roster=20_000,
    orgs=20,
    village_org={"households": 5_000, "contracts": 6_250, "lots": 7_500},
    big_org={"households": 100_000, "contracts": 125_000, "lots": 150_000},
    lines_per_org=250_000,
    years=10,
    township_book={
        "households": 100_000,
        "contracts": 125_000,
        "lots": 150_000,
        "voucher_lines": 5_000_000,
    },
)
QUICK = Sizes(
    village={"households": 2_000, "contracts": 2_500, "lots": 3_000, "voucher_lines": 50_000},
    roster=2_000,
    orgs=3,
    village_org={"households": 500, "contracts": 625, "lots": 750},
    big_org={"households": 10_000, "contracts": 12_500, "lots": 15_000},
    lines_per_org=20_000,
    years=10,
    township_book={
        "households": 10_000,
        "contracts": 12_500,
        "lots": 15_000,
        "voucher_lines": 200_000,
    },
    label="quick",
)


def sizes(run: Run) -> Sizes:
    return QUICK if run.quick else FULL


# -- jobs run in a child process (JSON in, JSON out) ----------------------------------------


def import_job(ledger: str, book: str) -> dict[str, Any]:
    """Import a book file into a new ledger; the seconds the import took, and per stage."""
    from coopledger.services import bookfile
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger, create=True)
    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def progress(stage: str) -> None:
        stages.append((stage, time.perf_counter() - t0))
        print(f"{stages[-1][1]:8.2f} s  {stage}", flush=True)

    org_id = bookfile.import_book_file(led, Path(book), progress)
    seconds = time.perf_counter() - t0
    led.close()
    return {"seconds": seconds, "org_id": org_id, "stages": stages}


def import_whole_job(ledger: str, book: str) -> dict[str, Any]:
    """Import a book file the way the window's File → Import book does: read it whole
    (``files.read_book_file``), then ``bookfile.import_book``."""
    from coopledger.formats import book_json
    from coopledger.services import bookfile
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger, create=True)
    t0 = time.perf_counter()
    data = book_json.read_book_file(Path(book))
    read = time.perf_counter() - t0
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{read:8.2f} s  read whole (peak so far {peak:,} MiB)", flush=True)
    org_id = bookfile.import_book(led, data)
    seconds = time.perf_counter() - t0
    led.close()
    return {"seconds": seconds, "org_id": org_id, "stages": [("read whole", read)]}


def township_job(ledger: str, work: str, sizes: dict[str, Any]) -> dict[str, Any]:
    """Build the township ledger: ``orgs`` books imported one after another."""
    from coopledger.services import bookfile
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger, create=True)
    orgs: dict[str, int] = {}
    t0 = time.perf_counter()
    for i in range(1, sizes["orgs"] + 1):
        if i == 1:
            name, shape = "合成镇股份经济联合总社", sizes["big_org"]
        else:
            name, shape = f"合成{i:02d}村股份经济合作社", sizes["village_org"]
        book = Path(work) / f"org{i:02d}.book.json"
        write_book_file(
            book,
            **shape,
            voucher_lines=sizes["lines_per_org"],
            name=name,
            year=YEAR,
            years=sizes["years"],
            seed=i,
        )
        orgs[name] = bookfile.import_book_file(led, book)
        book.unlink()
        print(f"{time.perf_counter() - t0:8.1f} s  book {i} of {sizes['orgs']}: {name}", flush=True)
    led.close()
    return {"orgs": orgs, "seconds": time.perf_counter() - t0}


def commit_job(ledger: str, org_id: int, year: int) -> dict[str, Any]:
    """Commit a year's distribution; the seconds it took."""
    from coopledger.services.distribution import commit_distribution
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger)
    t0 = time.perf_counter()
    dist_id = commit_distribution(led, org_id, year)
    seconds = time.perf_counter() - t0
    led.close()
    return {"seconds": seconds, "distribution_id": dist_id}


# -- cached data ----------------------------------------------------------------------------


def village_book(run: Run) -> Path:
    """The village book file (JSON)."""
    size = sizes(run).village
    path = cache_file("village-book", size, ".book.json")
    if not path.exists():
        note(f"writing the village book {path.name}")
        write_book_file(path, **size, name="合成村股份经济合作社", year=YEAR)
    return path


def cooperative_ledger(run: Run, *, big: bool = False) -> Path:
    """A ledger holding one ``cooperative-2021`` book (returns by transactions): of the
    village's size, or (``big``) of the township book's 100,000 households with the village
    book's 500,000 lines of one year (the distribution reads one year's lines)."""
    sz = sizes(run)
    size = {
        **(sz.township_book if big else sz.village),
        "voucher_lines": sz.village["voucher_lines"],
    }
    path = cache_file("cooperative-big" if big else "cooperative", size)
    if path.exists():
        return path
    book = cache_file("cooperative-book-big" if big else "cooperative-book", size, ".book.json")
    if not book.exists():
        note(f"writing the cooperative book {book.name}")
        write_book_file(
            book, **size, name="合成农民专业合作社", year=YEAR, chart="cooperative-2021"
        )
    work = run.tmp / "cooperative-build.sqlite3"
    remove_ledger(work)
    note(f"building the cooperative ledger ({size['households']:,} households)")
    res = run_child(
        "bench.fixtures:import_job",
        {"ledger": str(work), "book": str(book)},
        log=run.tmp / "cooperative-build.log",
        timeout=3600,
    )
    if not res.ok:
        raise RuntimeError(f"building the cooperative ledger failed: {res.error}\n{tail(res.log)}")
    return publish(work, path)


def township_book(run: Run) -> Path:
    """The township-sized book file (one book, 10 years of lines), written as a stream."""
    size = sizes(run).township_book
    path = cache_file("township-book", {**size, "years": 10}, ".book.json")
    if not path.exists():
        note(f"writing the township book {path.name} (streamed)")
        t0 = time.perf_counter()
        write_book_file(path, **size, name="合成镇股份经济联合总社", year=YEAR, years=10)
        note(f"  {path.stat().st_size / 1e6:,.0f} MB in {show(time.perf_counter() - t0, 's')}")
    return path


def village_ledger(run: Run, built: Path | None = None) -> Path:
    """A ledger holding the village book as organisation 1 (``built``: a ledger the import
    benchmark just made, moved into the cache instead of importing again)."""
    size = sizes(run).village
    path = cache_file("village", size)
    if path.exists():
        if built is not None:
            remove_ledger(built)
        return path
    if built is not None:
        return publish(built, path)
    work = run.tmp / "village-build.sqlite3"
    remove_ledger(work)
    note("building the village ledger (importing the village book)")
    res = run_child(
        "bench.fixtures:import_job",
        {"ledger": str(work), "book": str(village_book(run))},
        log=run.tmp / "village-build.log",
        timeout=3600,
    )
    if not res.ok:
        raise RuntimeError(f"building the village ledger failed: {res.error}\n{tail(res.log)}")
    return publish(work, path)


def committed_ledger(run: Run) -> Path:
    """The village ledger with the 2014 distribution committed."""
    size = sizes(run).village
    path = cache_file("village-committed", size)
    if path.exists():
        return path
    work = copy_ledger(village_ledger(run), run.tmp / "committed-build.sqlite3")
    note("committing the 2014 distribution of the village ledger")
    res = run_child(
        "bench.fixtures:commit_job",
        {"ledger": str(work), "org_id": 1, "year": YEAR},
        log=run.tmp / "committed-build.log",
        timeout=3600,
    )
    if not res.ok:
        raise RuntimeError(f"committing failed: {res.error}\n{tail(res.log)}")
    return publish(work, path)


def township_ledger(run: Run) -> tuple[Path, dict[str, int]]:
    """The township ledger and its books (name → id); the first book has 100,000 members."""
    sz = sizes(run)
    shape = {
        "orgs": sz.orgs,
        "lines": sz.lines_per_org,
        "years": sz.years,
        "big": sz.big_org["households"],
        "hh": sz.village_org["households"],
    }
    path = cache_file("township", shape)
    info = path.with_name(path.name + ".json")
    if path.exists() and info.exists():
        return path, json.loads(info.read_text(encoding="utf-8"))
    work = run.tmp / "township-build.sqlite3"
    remove_ledger(work)
    lines = sz.orgs * sz.lines_per_org
    note(f"building the township ledger: {sz.orgs} books, {lines:,} lines (once; cached)")
    res = run_child(
        "bench.fixtures:township_job",
        {
            "ledger": str(work),
            "work": str(run.tmp),
            "sizes": {
                "orgs": sz.orgs,
                "big_org": sz.big_org,
                "village_org": sz.village_org,
                "lines_per_org": sz.lines_per_org,
                "years": sz.years,
            },
        },
        log=run.tmp / "township-build.log",
        timeout=4 * 3600,
    )
    if not res.ok:
        raise RuntimeError(f"building the township ledger failed: {res.error}\n{tail(res.log)}")
    note(f"  built in {show(res.wall, 's')}, peak {show(res.maxrss, 'B')}")
    publish(work, path)
    info.write_text(json.dumps(res.value["orgs"], ensure_ascii=False), encoding="utf-8")
    return path, res.value["orgs"]


def big_org(orgs: dict[str, int]) -> tuple[str, int]:
    """The township ledger's 100,000-member book."""
    name = next(n for n in orgs if n.startswith("合成镇"))
    return name, orgs[name]


def village_org(orgs: dict[str, int]) -> tuple[str, int]:
    """A typical village book of the township ledger (the second one)."""
    name = sorted(n for n in orgs if not n.startswith("合成镇"))[0]
    return name, orgs[name]


def demo_ledger(run: Run) -> Path:
    """The demo ledger, as ``coopledger --db X demo`` builds it."""
    path = cache_file("demo", {})
    if path.exists():
        return path
    work = run.tmp / "demo-build.sqlite3"
    remove_ledger(work)
    exe = Path(sys.executable).with_name("coopledger")
    note("building the demo ledger (coopledger demo)")
    r = subprocess.run(
        [str(exe), "--db", str(work), "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=600,
    )
    if r.returncode != 0:
        raise RuntimeError(f"coopledger demo failed:\n{r.stdout}\n{r.stderr}")
    return publish(work, path)
