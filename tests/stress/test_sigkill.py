"""Crash safety: a real ``coopledger`` process doing a large import or a distribution commit
is killed with SIGKILL at random moments; afterwards ``verify`` passes and the work is either
wholly there or wholly absent. On a SQLite file and on a PostgreSQL server (the client dies
mid-transaction; the server rolls its work back). Marked ``slow``: CI (``CI=true``) runs a few
kills, a local ``make test`` none; ``make stress`` runs COOPLEDGER_STRESS_RUNS (50) of them."""

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
from tests.pgserver import NewLedger, PgServer, raw_sql

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


def _count(db: Path | str, sql: str) -> int:
    return int(str(raw_sql(db, sql)[0][0]))


class Ledgers:
    """Fresh working ledgers made from the prepared ones, on one backend: file copies, or
    PostgreSQL databases made from templates (the prepared ledgers copied with copy-ledger)."""

    def __init__(self, prepared: dict[str, Path], tmp_path: Path, server: PgServer | None) -> None:
        self.prepared = prepared
        self.tmp_path = tmp_path
        self.server = server
        self.templates: dict[str, str] = {}
        self.made: list[str] = []
        if server is not None:
            for kind in ("base", "full"):
                name = server.create_database()
                r = _run("copy-ledger", "--from", str(prepared[kind]), "--to", server.url(name))
                assert r.returncode == 0, r.stderr
                self.templates[kind] = name

    def fresh(self, kind: str, name: str) -> Path | str:
        if self.server is None:
            db = self.tmp_path / f"{name}.sqlite3"
            db.unlink(missing_ok=True)
            _copy(self.prepared[kind], db)
            return db
        made = self.server.create_database(template=self.templates[kind])
        self.made.append(made)
        return self.server.url(made)

    def drop(self, db: Path | str) -> None:
        if isinstance(db, Path):
            db.unlink()
        elif self.server is not None:
            self.server.drop_database(self.made.pop())

    def close(self) -> None:
        if self.server is not None:
            for name in [*self.made, *self.templates.values()]:
                self.server.drop_database(name)


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
def test_sigkill_during_import_and_commit(
    prepared: dict[str, Path],
    tmp_path: Path,
    db_backend: str,
    new_ledger: NewLedger,
    request: pytest.FixtureRequest,
) -> None:
    server = request.getfixturevalue("pg_server") if db_backend == "postgresql" else None
    ledgers = Ledgers(prepared, tmp_path, server)
    try:
        _sigkill_runs(prepared, ledgers)
    finally:
        ledgers.close()


def _sigkill_runs(prepared: dict[str, Path], ledgers: Ledgers) -> None:
    rng = random.Random(int(os.environ.get("COOPLEDGER_STRESS_SEED", "7")))
    # How long each job takes when left alone, and what it leaves behind.
    probe = ledgers.fresh("base", "probe")
    t_import = _baseline(["--db", str(probe), "import-book", str(prepared["book"])])
    members_after = _count(probe, "SELECT count(*) FROM member")
    vouchers_after = _count(probe, "SELECT count(*) FROM voucher")
    members_before = _count(prepared["base"], "SELECT count(*) FROM member")
    vouchers_before = _count(prepared["base"], "SELECT count(*) FROM voucher")
    ledgers.drop(probe)
    probe = ledgers.fresh("full", "probe")
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
    ledgers.drop(probe)

    outcomes = {"import": [0, 0], "commit": [0, 0]}
    for run in range(RUNS):
        if run % 2 == 0:
            db = ledgers.fresh("base", f"run{run}")
            args = ["--db", str(db), "import-book", str(prepared["book"])]
            delay = rng.uniform(0.05, t_import * 1.05)
        else:
            db = ledgers.fresh("full", f"run{run}")
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
        ledgers.drop(db)
    print(
        f"\nSIGKILL runs: {RUNS}; import absent/present {outcomes['import']}, commit absent/present {outcomes['commit']}"
    )
