"""Issue 18: the year-end package of the 20,000-household village ≤ 30 s; verifying it ≤ 5 s;
importing 30 villages' packages into a township database ≤ 2 min; the township report over
30 villages ≤ 1 s.

The 30 packages are the village's own package given 30 names and 30 keys: each copy's
manifest and statements carry another village's name, and each is signed with a key of its
own, so that the township database holds 30 villages of 20,000 households (a large township;
most villages are far smaller)."""

from __future__ import annotations

import hashlib
import json
import time
import zipfile
from pathlib import Path
from typing import Any

from bench.common import MB, Run, best_of, copy_ledger, note, run_child, tail, times_text
from bench.fixtures import YEAR, committed_ledger, sizes

AREA = "package"
CREATE_LIMIT = 30.0
VERIFY_LIMIT = 5.0
IMPORT_LIMIT = 120.0
REPORT_LIMIT = 1.0
VILLAGES = 30


def create_job(ledger: str, org_id: int, year: int, out: str) -> dict[str, Any]:
    """Make the package; the seconds it took, per stage."""
    from coopledger.services.ledger import open_ledger
    from coopledger.services.package import create_package

    led = open_ledger(ledger)
    stages: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def progress(stage: str) -> None:
        stages.append((stage, time.perf_counter() - t0))
        print(f"{stages[-1][1]:8.2f} s  {stage}", flush=True)

    made = create_package(led, org_id, year, Path(out), progress=progress)
    seconds = time.perf_counter() - t0
    led.close()
    return {"seconds": seconds, "bytes": made.size, "stages": stages}


def verify_job(package: str) -> dict[str, Any]:
    from coopledger.services.package import verify_package

    got: list[Any] = []

    def run() -> None:
        got[:] = [verify_package(package)]

    timing = best_of(run)
    return {"timing": timing, "ok": got[0].ok}


def _renamed(src: Path, out: Path, name: str) -> None:
    """``src`` as another village's package: its name in the manifest and the statements,
    signed with a new key (the content checks still hold)."""
    from coopledger.domain.package import fingerprint
    from coopledger.services.orgkey import new_key_pair, sign

    with zipfile.ZipFile(src) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    statements = json.loads(files["statements.json"])
    statements["organisation"] = name
    files["statements.json"] = (json.dumps(statements, ensure_ascii=False, indent=1) + "\n").encode(
        "utf-8"
    )
    manifest = json.loads(files["manifest.json"])
    manifest["organisation"]["name"] = name
    for f in manifest["files"]:
        if f["path"] == "statements.json":
            f["sha256"] = hashlib.sha256(files["statements.json"]).hexdigest()
            f["size"] = len(files["statements.json"])
    key, public = new_key_pair()
    manifest["key"] = {
        "algorithm": "ed25519",
        "public_key": public.hex(),
        "fingerprint": fingerprint(public),
    }
    raw = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    files["manifest.json"] = raw
    files["manifest.sig"] = (sign(key, raw).hex() + "\n").encode("ascii")
    with zipfile.ZipFile(out, "w") as zf:
        for n, data in files.items():
            kind = zipfile.ZIP_STORED if n.endswith(".pdf") else zipfile.ZIP_DEFLATED
            zf.writestr(n, data, compress_type=kind, compresslevel=6)


def township_job(work: str, package: str, villages: int, year: int) -> dict[str, Any]:
    """Import ``villages`` packages into a new township database in one command; then time
    the report (JSON and the PDF)."""
    from coopledger.services.ledger import open_ledger
    from coopledger.services.township import (
        import_packages,
        print_township_report,
        report_json,
        township_report,
    )

    folder = Path(work)
    paths = []
    for i in range(1, villages + 1):
        p = folder / f"village{i:02d}.zip"
        _renamed(Path(package), p, f"合成{i:02d}村股份经济合作社")
        paths.append(p)
    led = open_ledger(folder / "township.sqlite3", create=True)
    t0 = time.perf_counter()
    done = import_packages(led, paths)
    seconds = time.perf_counter() - t0
    got: list[Any] = []

    def report() -> None:
        got[:] = [report_json(township_report(led, year))]

    timing = best_of(report, n=5)
    pdf = folder / "township.pdf"
    pdf_timing = best_of(lambda: print_township_report(led, year, pdf), n=3)
    led.close()
    return {
        "seconds": seconds,
        "imported": len(done),
        "report": timing,
        "villages": len(got[0]["villages"]),
        "pdf": pdf_timing,
        "db_bytes": (folder / "township.sqlite3").stat().st_size,
    }


def run(r: Run) -> None:
    source = committed_ledger(r)
    households = sizes(r).village["households"]
    work = copy_ledger(source, r.tmp / "village.sqlite3")
    out = r.tmp / "village.zip"
    note(f"package: {source.name}")
    res = run_child(
        "bench.package:create_job",
        {"ledger": str(work), "org_id": 1, "year": YEAR, "out": str(out)},
        log=r.tmp / "create.log",
        timeout=1800,
    )
    name = f"year-end package of a village of {households:,} households"
    if not res.ok:
        r.add(name, None, CREATE_LIMIT, detail=f"{res.error}; {tail(res.log, 5)}")
        return
    v = res.value
    # each stage's start, as the job noted it; a stage lasts until the next one starts
    stages = v["stages"]
    ends = [t for _, t in stages[1:]] + [v["seconds"]]
    steps = ", ".join(f"{s} {end - t:.1f} s" for (s, t), end in zip(stages, ends, strict=True))
    r.add(name, v["seconds"], CREATE_LIMIT, detail=f"{v['bytes'] / MB:.1f} MB zip; {steps}")
    r.add("  peak memory making it", res.maxrss, None, "B")
    res = run_child(
        "bench.package:verify_job", {"package": str(out)}, log=r.tmp / "verify.log", timeout=600
    )
    if not res.ok or not res.value["ok"]:
        r.add("verify that package", None, VERIFY_LIMIT, detail=f"{res.error}; {tail(res.log, 5)}")
    else:
        best, times = res.value["timing"]
        r.add("verify that package", best, VERIFY_LIMIT, detail=times_text(times))
        r.add("  peak memory verifying it", res.maxrss, None, "B")
    res = run_child(
        "bench.package:township_job",
        {"work": str(r.tmp), "package": str(out), "villages": VILLAGES, "year": YEAR},
        log=r.tmp / "township.log",
        timeout=3600,
    )
    name = f"import {VILLAGES} villages' packages ({households:,} households each) at once"
    if not res.ok:
        r.add(name, None, IMPORT_LIMIT, detail=f"{res.error}; {tail(res.log, 5)}")
        return
    v = res.value
    r.add(
        name,
        v["seconds"],
        IMPORT_LIMIT,
        detail=f"{v['imported']} imported; township database {v['db_bytes'] / MB:.0f} MB",
    )
    r.add("  peak memory importing them", res.maxrss, None, "B")
    best, times = v["report"]
    r.add(
        f"township report over {v['villages']} villages (JSON)",
        best,
        REPORT_LIMIT,
        detail=times_text(times),
    )
    best, times = v["pdf"]
    r.add("  the same report as a PDF with its chart", best, None, detail=times_text(times))
