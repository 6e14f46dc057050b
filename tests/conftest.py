"""Shared fixtures. Qt runs offscreen; every ledger is a real SQLite file under tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("COOPLEDGER_LANG", "zh_CN")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = SHARED / "examples"


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite3"


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[object]:
    from coopledger.services.ledger import open_ledger

    led = open_ledger(ledger_path, user="accountant", create=True)
    try:
        yield led
    finally:
        led.close()
