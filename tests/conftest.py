"""Shared fixtures. Qt runs offscreen; every ledger is a real SQLite file under tmp_path or a
real PostgreSQL database on a throwaway server (tests/pgserver.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The throwaway PostgreSQL server and the ledger fixtures that run on both backends
# (ledger_path, new_ledger, db_backend): see tests/pgserver.py.
from tests.pgserver import (  # noqa: F401
    db_backend,
    ledger_path,
    new_ledger,
    pg_server,
    pg_url,
    pytest_configure,
    pytest_generate_tests,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("COOPLEDGER_LANG", "zh_CN")

REPO = Path(__file__).resolve().parents[1]
#: The worked examples of distribution.md, kept in the repo (tests/data/examples/README.md).
EXAMPLES = REPO / "tests" / "data" / "examples"


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[object]:  # noqa: F811  (the fixture above)
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger_path, user="accountant", create=True)
    try:
        yield led
    finally:
        led.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger, built once per test session (copy it before writing to it)."""
    from coopledger.services.demo import build_demo
    from coopledger.services.ledger import open_ledger

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    led = open_ledger(path, user="会计", create=True)
    try:
        build_demo(led)
    finally:
        led.close()
    return path


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo ledger."""
    import sqlite3

    target = tmp_path / "demo.sqlite3"
    src = sqlite3.connect(demo_db)
    dst = sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()
    return target
