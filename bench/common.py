"""What every benchmark shares: figures and their limits, timing, child processes with their
peak memory, the cache of big ledgers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
#: Bump when the synthetic data or the way a cached ledger is built changes.
CACHE_VERSION = 1

MB = 1_000_000  # limits say "MB" (10^6 bytes) and "GiB" (2^30): both shown in MB
GIB = 1 << 30


@dataclass
class Figure:
    """One measured figure against its limit (seconds or bytes; lower is better)."""

    area: str
    name: str
    measured: float | None  # None: could not be measured (the job failed)
    limit: float | None  # None: shown for information, no limit
    unit: str  # "s" or "B"
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.limit is None:
            return "info" if self.measured is not None else "n/a"
        if self.measured is None:
            return "FAIL"
        return "PASS" if self.measured <= self.limit else "FAIL"

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["verdict"] = self.verdict
        out["measured_text"] = show(self.measured, self.unit)
        out["limit_text"] = "—" if self.limit is None else "≤ " + show(self.limit, self.unit)
        return out


def show(value: float | None, unit: str) -> str:
    """A figure for people: 12.3 ms, 4.56 s, 765 MB."""
    if value is None:
        return "—"
    if unit == "/s":
        return f"{value:.1f} /s"
    if unit == "B":
        return f"{value / MB:,.0f} MB"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    if value < 100:
        return f"{value:.2f} s"
    return f"{value:.0f} s ({value / 60:.1f} min)"


@dataclass
class Run:
    """One area's run: options, a private temp folder, and the figures measured."""

    area: str
    quick: bool
    tmp: Path
    figures: list[Figure] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def add(
        self,
        name: str,
        measured: float | None,
        limit: float | None,
        unit: str = "s",
        detail: str = "",
    ) -> Figure:
        fig = Figure(self.area, name, measured, limit, unit, detail)
        self.figures.append(fig)
        mark = fig.verdict
        lim = "" if limit is None else f" (limit {show(limit, unit)})"
        note(f"  {name}: {show(measured, unit)}{lim} {mark}" + (f" — {detail}" if detail else ""))
        return fig


def note(msg: str) -> None:
    """A progress line on stderr (the table goes to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    return os.getloadavg()


def best_of(
    fn: Callable[[], object], n: int = 3, budget: float = 30.0
) -> tuple[float, list[float]]:
    """Run ``fn`` up to ``n`` times (fewer once ``budget`` seconds are spent); the best time
    and every time."""
    times: list[float] = []
    spent = 0.0
    while len(times) < n and (not times or spent < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    return min(times), times


def times_text(times: list[float]) -> str:
    return "runs " + ", ".join(show(t, "s") for t in times)


# -- child processes ----------------------------------------------------------------------


@dataclass
class ChildResult:
    """What a job in a child process gave back."""

    ok: bool
    value: dict[str, Any]
    wall: float  # seconds from spawn to exit
    maxrss: int  # the child's peak resident memory, bytes (from wait4)
    returncode: int
    error: str  # why it failed (exception, signal, memory cap, timeout), else ""
    log: Path


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_child(
    target: str,
    kwargs: dict[str, Any],
    *,
    log: Path,
    timeout: float,
    rss_cap: int | None = None,
    env: dict[str, str] | None = None,
) -> ChildResult:
    """Run ``module:function(**kwargs)`` in a fresh interpreter (``bench.child``) and collect
    its JSON result and peak memory (``wait4``'s ``ru_maxrss`` of that child alone). The
    child is killed past ``timeout`` seconds or when its resident memory passes ``rss_cap``
    bytes; either is reported, never raised."""
    log.parent.mkdir(parents=True, exist_ok=True)
    fd, args_name = tempfile.mkstemp(prefix="args-", suffix=".json", dir=log.parent)
    os.close(fd)
    args_file = Path(args_name)
    out_file = args_file.with_name(args_file.name.replace("args-", "out-"))
    args_file.write_text(json.dumps(kwargs), encoding="utf-8")
    child_env = dict(os.environ)
    child_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), child_env.get("PYTHONPATH", "")) if p
    )
    child_env.update(env or {})
    killed = ""
    with log.open("ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.child", target, str(args_file), str(out_file)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=child_env,
        )
        peak_seen = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            wall = time.perf_counter() - t0
            rss = _rss(proc.pid)
            peak_seen = max(peak_seen, rss)
            if not killed and rss_cap is not None and rss > rss_cap:
                killed = f"killed by the bench: resident memory passed {show(rss_cap, 'B')}"
                proc.send_signal(signal.SIGKILL)
            elif not killed and wall > timeout:
                killed = f"killed by the bench after {show(timeout, 's')}"
                proc.send_signal(signal.SIGKILL)
            time.sleep(0.05)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = max(int(usage.ru_maxrss) * 1024, peak_seen)
    value: dict[str, Any] = {}
    error = killed
    if out_file.exists():
        value = json.loads(out_file.read_text(encoding="utf-8"))
        out_file.unlink()
    args_file.unlink(missing_ok=True)
    if not error and proc.returncode != 0:
        if proc.returncode < 0:
            error = f"died of signal {-proc.returncode} ({signal.Signals(-proc.returncode).name})"
        else:
            error = value.get("error") or f"exit status {proc.returncode}"
    ok = not error and "error" not in value
    if not ok and not error:
        error = str(value.get("error"))
    return ChildResult(ok, value, wall, maxrss, proc.returncode, error, log)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- ledgers and the cache ------------------------------------------------------------------


def schema_head() -> str:
    from coopledger.store.engine import head_revision

    return head_revision()


def cache_file(kind: str, size: dict[str, Any], suffix: str = ".sqlite3") -> Path:
    """Where a cached ledger or book of this kind and size lives (ledgers depend on the
    schema revision too, so a new migration builds them afresh)."""
    parts = [f"{kind}-v{CACHE_VERSION}", *(f"{k}{v}" for k, v in sorted(size.items()))]
    if suffix == ".sqlite3":
        parts.append(schema_head())
    CACHE.mkdir(parents=True, exist_ok=True)
    return CACHE / ("-".join(parts) + suffix)


def ledger_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("", "-wal", "-shm", ".lock")]


def remove_ledger(path: Path) -> None:
    for p in ledger_files(path):
        p.unlink(missing_ok=True)


def copy_ledger(src: Path, dst: Path) -> Path:
    """A working copy of a (closed, checkpointed) cached ledger."""
    remove_ledger(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def publish(built: Path, target: Path) -> Path:
    """Move a freshly built ledger (closed) into the cache."""
    for s in ("-wal", "-shm"):
        if built.with_name(built.name + s).exists():
            raise RuntimeError(f"{built} was not closed cleanly ({s} left)")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(built), str(target))
    built.with_name(built.name + ".lock").unlink(missing_ok=True)
    return target
