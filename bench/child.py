"""A benchmark job in its own interpreter: ``python -m bench.child MODULE:FUNC ARGS OUT``.

Runs ``FUNC(**json(ARGS))`` and writes its JSON result (or ``{"error": ...}``) to ``OUT``,
so that the parent can read the job's own peak memory from ``wait4``. With ``BENCH_PROFILE``
set to a folder, the job runs under cProfile and leaves ``FUNC-PID.prof`` and a text summary
(the 40 costliest calls, cumulative) there."""

from __future__ import annotations

import cProfile
import importlib
import io
import json
import os
import pstats
import sys
import traceback
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    target, args_file, out_file = argv
    module, func = target.split(":")
    kwargs = json.loads(Path(args_file).read_text(encoding="utf-8"))
    fn = getattr(importlib.import_module(module), func)
    try:
        result = _profiled(fn, kwargs, func) if os.environ.get("BENCH_PROFILE") else fn(**kwargs)
    except BaseException as exc:  # report everything, MemoryError included
        traceback.print_exc()
        sys.stdout.flush()
        Path(out_file).write_text(
            json.dumps({"error": f"{type(exc).__name__}: {exc}"[:500]}), encoding="utf-8"
        )
        return 1
    Path(out_file).write_text(json.dumps(result if result is not None else {}), encoding="utf-8")
    return 0


def _profiled(fn: Any, kwargs: dict[str, Any], name: str) -> Any:
    folder = Path(os.environ["BENCH_PROFILE"])
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"{name}-{os.getpid()}"
    profile = cProfile.Profile()
    try:
        return profile.runcall(fn, **kwargs)
    finally:
        profile.dump_stats(base.with_suffix(".prof"))
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(40)
        base.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
