"""Issue 17: the township ledger (twenty books, 5,000,000 lines, 195,000 members) on a
PostgreSQL server beside the same file on SQLite: copy-ledger of the file to the server
≤ 10 min; a year's trial balance ≤ 0.5 s; posting a voucher ≤ 20 ms with four clients
posting at once in four villages (and their throughput); distribution preview for 100,000
households ≤ 4 s.

The server is a throwaway cluster like the tests' (``tests/pgserver.py``) but durable
(fsync and synchronous commit on, as an office's server runs), on a Unix socket.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, Run, best_of, copy_ledger, note, run_child, tail, times_text
from bench.fixtures import YEAR, big_org, sizes, township_ledger

AREA = "postgres"
COPY_LIMIT = 600.0
TRIAL_BALANCE_LIMIT = 0.5
POST_LIMIT = 0.020
BIG_PREVIEW_LIMIT = 4.0
CLIENTS = 4
POSTS_PER_CLIENT = 40


def reads_job(ledger: str, org_id: int, big_org_id: int, year: int) -> dict[str, Any]:
    """A year's trial balance of a village book and of the big book; the big preview."""
    from coopledger.services import books
    from coopledger.services.distribution import preview_distribution
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger, readonly=True)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: dict[str, Any] = {}
    out["tb"] = best_of(lambda: books.trial_balance(led, org_id, start, end))
    out["tb_big"] = best_of(lambda: books.trial_balance(led, big_org_id, start, end))
    got: list[Any] = []
    out["preview"] = best_of(lambda: got.append(preview_distribution(led, big_org_id, year)))
    out["holders"] = len(got[-1].result.holders)
    led.close()
    return out


def post_client(ledger: str, org_id: int, n: int, start_at: float, year: int) -> dict[str, Any]:
    """One accountant: wait for ``start_at``, then add, review and post ``n`` vouchers; the
    seconds each took (add, review, post: what a voucher costs its accountant)."""
    from coopledger.domain.ledger import LineInput, VoucherInput
    from coopledger.services.ledger import open_ledger
    from coopledger.services.vouchers import add_voucher, post_voucher, review_voucher

    # On SQLite, four processes at once means no writer lock: each write waits its turn.
    led = open_ledger(ledger, user=f"会计{org_id}", lock=False)
    while time.time() < start_at:
        time.sleep(0.005)
    posts: list[float] = []
    whole: list[float] = []
    t_begin = time.perf_counter()
    for i in range(n):
        amount = 100_00 + i
        data = VoucherInput(
            dt.date(year, 12, 20),
            "基准测试：四人同时记账",
            (LineInput("102", debit_fen=amount), LineInput("50101", credit_fen=amount)),
        )
        t0 = time.perf_counter()
        vid = add_voucher(led, org_id, data)
        review_voucher(led, org_id, vid)
        t1 = time.perf_counter()
        post_voucher(led, org_id, vid)
        t2 = time.perf_counter()
        posts.append(t2 - t1)
        whole.append(t2 - t0)
    span = time.perf_counter() - t_begin
    led.close()
    return {"posts": posts, "whole": whole, "span": span}


def _clients(ledger: str, org_ids: list[int], log: Path) -> dict[str, Any]:
    """Four accountants in four villages at once (separate processes)."""
    start_at = time.time() + 3.0
    procs = []
    outs = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for i, org_id in enumerate(org_ids):
        out = log.with_name(f"{log.stem}-{i}.json")
        code = (
            "import json,sys;from bench.postgres import post_client;"
            f"r=post_client({ledger!r},{org_id},{POSTS_PER_CLIENT},{start_at},{YEAR});"
            f"open({str(out)!r},'w').write(json.dumps(r))"
        )
        with log.open("ab") as fh:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=fh, stderr=fh
                )
            )
        outs.append(out)
    for p in procs:
        p.wait(timeout=1800)
    results = [json.loads(o.read_text()) for o in outs if o.exists()]
    if len(results) != len(org_ids):
        raise RuntimeError(f"a client failed: {tail(log, 5)}")
    posts = sorted(x for r in results for x in r["posts"])
    whole = sorted(x for r in results for x in r["whole"])
    span = max(r["span"] for r in results)
    return {
        "median": statistics.median(posts),
        "p95": posts[int(0.95 * (len(posts) - 1))],
        "max": posts[-1],
        "whole_median": statistics.median(whole),
        "throughput": len(posts) / span,
        "count": len(posts),
    }


def _verify(ledger: str, log: Path) -> bool:
    with log.open("ab") as fh:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("coopledger")), "--db", ledger, "verify"],
            stdout=fh,
            stderr=fh,
        )
    return done.returncode == 0


def run(r: Run) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.pgserver import PgServer

    sz = sizes(r)
    path, orgs = township_ledger(r)
    big_name, big_id = big_org(orgs)
    villages = sorted(n for n in orgs if not n.startswith("合成镇"))[:CLIENTS]
    village_ids = [orgs[n] for n in villages]
    lines = sz.orgs * sz.lines_per_org
    server = PgServer().start(durable=True)  # its own folder, readable by postgres
    try:
        db = server.create_database("township")
        url = server.url(db)
        # copy-ledger: the file to the server, and (beside it) to a new file.
        for label, target in (("PostgreSQL", url), ("SQLite", str(r.tmp / "copy.sqlite3"))):
            log = r.tmp / f"copy-{label}.log"
            t0 = time.perf_counter()
            with log.open("ab") as fh:
                done = subprocess.run(
                    [
                        str(Path(sys.executable).with_name("coopledger")),
                        "copy-ledger",
                        "--from",
                        str(path),
                        "--to",
                        target,
                    ],
                    stdout=fh,
                    stderr=fh,
                    timeout=3 * COPY_LIMIT,
                )
            wall = time.perf_counter() - t0
            name = f"copy-ledger of the township file ({lines:,} lines) to {label}"
            if done.returncode == 0:
                r.add(name, wall, COPY_LIMIT, detail="checked (row counts, verify) before commit")
            else:
                r.add(name, None, COPY_LIMIT, detail=tail(log, 3))
        (r.tmp / "copy.sqlite3").unlink(missing_ok=True)
        sqlite_work = copy_ledger(path, r.tmp / "work.sqlite3")
        for label, ledger in (("PostgreSQL", url), ("SQLite", str(sqlite_work))):
            res = run_child(
                "bench.postgres:reads_job",
                {"ledger": ledger, "org_id": village_ids[0], "big_org_id": big_id, "year": YEAR},
                log=r.tmp / f"reads-{label}.log",
                timeout=1800,
            )
            if res.ok:
                v = res.value
                r.add(
                    f"{label}: a year's trial balance (a village book)",
                    v["tb"][0],
                    TRIAL_BALANCE_LIMIT,
                    detail=times_text(v["tb"][1]),
                )
                r.add(
                    f"{label}: a year's trial balance (the 100,000-member book)",
                    v["tb_big"][0],
                    TRIAL_BALANCE_LIMIT,
                    detail=times_text(v["tb_big"][1]),
                )
                r.add(
                    f"{label}: distribution preview, {sz.big_org['households']:,} households",
                    v["preview"][0],
                    BIG_PREVIEW_LIMIT,
                    detail=f"{v['holders']:,} paid; " + times_text(v["preview"][1]),
                )
            else:
                r.add(f"{label}: reads", None, TRIAL_BALANCE_LIMIT, detail=tail(res.log, 3))
            note(f"{label}: four clients posting at once in {', '.join(villages)}")
            try:
                c = _clients(ledger, village_ids, r.tmp / f"clients-{label}.log")
                r.add(
                    f"{label}: posting a voucher, {CLIENTS} clients at once (median)",
                    c["median"],
                    POST_LIMIT,
                    detail=f"p95 {c['p95'] * 1000:.1f} ms, max {c['max'] * 1000:.1f} ms;"
                    f" add+review+post median {c['whole_median'] * 1000:.1f} ms;"
                    f" {c['count']} vouchers",
                )
                ok = _verify(ledger, r.tmp / f"verify-{label}.log")
                r.add(
                    f"{label}: throughput of the {CLIENTS} clients (vouchers added, reviewed"
                    " and posted per second)",
                    c["throughput"],
                    None,
                    unit="/s",
                    detail="verify afterwards: " + ("OK" if ok else "FAILED"),
                )
            except Exception as exc:  # reported as a figure that could not be measured
                r.add(f"{label}: posting, {CLIENTS} clients", None, POST_LIMIT, detail=str(exc))
        note(f"big book: {big_name}")
    finally:
        server.stop()
