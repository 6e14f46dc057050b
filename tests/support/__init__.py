"""Helpers for the tests only (never shipped: the package is ``coopledger``)."""

from __future__ import annotations

import os
from pathlib import Path

#: Put on a child process's PYTHONPATH, this folder makes its password hashing cheap (see
#: ``fasthash/sitecustomize.py``): the program itself has no switch for that.
FASTHASH_DIR = Path(__file__).resolve().parent / "fasthash"


def child_env(*, fast_hash: bool = True, **extra: str) -> dict[str, str]:
    """The environment for a ``coopledger`` child process: this one's without the
    program's own ``COOPLEDGER_*`` variables, with the cheap password hash (unless
    ``fast_hash`` is false) and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COOPLEDGER_")}
    if fast_hash:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(FASTHASH_DIR), env.get("PYTHONPATH", "")) if p
        )
    env.update(extra)
    return env
