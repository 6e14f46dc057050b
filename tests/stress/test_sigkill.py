"""Crash safety: a real ``coopledger`` process doing a large import or a distribution commit
is killed with SIGKILL at random moments; afterwards ``verify`` passes and the work is either
wholly there or wholly absent. Marked ``slow``: CI (``CI=true``) runs a few kills, a local
``make test`` none; ``make stress`` runs COOPLEDGER_STRESS_RUNS (50) of them."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.synth import synthetic_book

BIN = Path(sys.executable).with_name("coopledger")
RUNS = int(os.environ.get("COOPLEDGER_STRESS_RUNS", "6"))
SIZE = {"households": 3000, "contracts": 4000, "lots": 500, "voucher_lines": 40000}


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout)


def _copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("stress")
    book = root / "big.book.json"
    book.write_text(
        json.dumps(synthetic_book(name="大合作社", **SIZE), ensure_ascii=False), encoding="utf-8"
    )
    small = root / "small.book.json"
    small.write_text(
        json.dumps(
            synthetic_book(name="小合作社", households=20, contracts=20, lots=5, voucher_lines=40)
        ),
        encoding="utf-8",
    )
    base = root / "base.sqlite3"  # holds only the small book: the import target
    assert _run("--db", str(base), "import-book", str(small)).returncode == 0
    full = root / "full.sqlite3"  # holds the big book too: the commit target
    _copy(base, full)
    r = _run("--db", str(full), "import-book", str(book))
    assert r.returncode == 0, r.stderr
    return {"book": book, "base": base, "full": full}


def _count(db: Path, sql: str) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def _kill_at(args: list[str], delay: float) -> int:
    proc = subprocess.Popen([str(BIN), *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    return proc.wait()


def _baseline(args: list[str]) -> float:
    t = time.perf_counter()
    r = _run(*args)
    assert r.returncode == 0, r.stderr
    return time.perf_counter() - t


@pytest.mark.slow
def test_sigkill_during_import_and_commit(prepared: dict[str, Path], tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("COOPLEDGER_STRESS_SEED", "7")))
    # How long each job takes when left alone, and what it leaves behind.
    probe = tmp_path / "probe.sqlite3"
    _copy(prepared["base"], probe)
    t_import = _baseline(["--db", str(probe), "import-book", str(prepared["book"])])
    members_after = _count(probe, "SELECT count(*) FROM member")
    vouchers_after = _count(probe, "SELECT count(*) FROM voucher")
    members_before = _count(prepared["base"], "SELECT count(*) FROM member")
    vouchers_before = _count(prepared["base"], "SELECT count(*) FROM voucher")
    _copy(prepared["full"], probe)
    commit_args = [
        "--db",
        str(probe),
        "--org",
        "大合作社",
        "distribute",
        "--year",
        "2014",
        "--commit",
    ]
    t_commit = _baseline(commit_args)
    dist_vouchers = _count(probe, "SELECT count(*) FROM voucher WHERE source = 'distribution'")
    items = _count(probe, "SELECT count(*) FROM distribution_item")

    outcomes = {"import": [0, 0], "commit": [0, 0]}
    for run in range(RUNS):
        db = tmp_path / f"run{run}.sqlite3"
        if run % 2 == 0:
            _copy(prepared["base"], db)
            args = ["--db", str(db), "import-book", str(prepared["book"])]
            delay = rng.uniform(0.05, t_import * 1.05)
        else:
            _copy(prepared["full"], db)
            args = [
                "--db",
                str(db),
                "--org",
                "大合作社",
                "distribute",
                "--year",
                "2014",
                "--commit",
            ]
            delay = rng.uniform(0.05, t_commit * 1.05)
        _kill_at(args, delay)
        v = _run("--db", str(db), "verify")
        assert v.returncode == 0, f"run {run} (killed after {delay:.2f}s): {v.stdout}{v.stderr}"
        if run % 2 == 0:
            m = _count(db, "SELECT count(*) FROM member")
            n = _count(db, "SELECT count(*) FROM voucher")
            assert (m, n) in ((members_before, vouchers_before), (members_after, vouchers_after)), (
                run,
                m,
                n,
            )
            outcomes["import"][m == members_after] += 1
        else:
            d = _count(db, "SELECT count(*) FROM voucher WHERE source = 'distribution'")
            i = _count(db, "SELECT count(*) FROM distribution_item")
            assert (d, i) in ((0, 0), (dist_vouchers, items)), (run, d, i)
            outcomes["commit"][d == dist_vouchers] += 1
        # The ledger is usable again (the stale writer lock is cleared).
        again = _run("--db", str(db), "--org", "小合作社", "distribute", "--year", "2014", "--json")
        assert again.returncode == 0, again.stderr
        db.unlink()
    print(
        f"\nSIGKILL runs: {RUNS}; import absent/present {outcomes['import']}, commit absent/present {outcomes['commit']}"
    )
