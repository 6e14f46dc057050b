"""Shared fixtures. Qt runs offscreen; every ledger is a real SQLite file under tmp_path or a
real PostgreSQL database on a throwaway server (tests/pgserver.py)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
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
# The user data folder (the chain heads this computer has seen, server dumps) is the test
# session's own, for this process and the commands it starts.
_DATA_HOME = tempfile.mkdtemp(prefix="coopledger-test-data-")
os.environ["XDG_DATA_HOME"] = _DATA_HOME
atexit.register(shutil.rmtree, _DATA_HOME, True)
os.environ.setdefault("COOPLEDGER_LANG", "zh_CN")

REPO = Path(__file__).resolve().parents[1]
#: The worked examples of distribution.md, kept in the repo (tests/data/examples/README.md).
EXAMPLES = REPO / "tests" / "data" / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow (the SIGKILL harness); CI=true does the same",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run in CI (``CI=true``) and with ``--slow`` (``make stress``),
    not in every local ``make test``."""
    if config.getoption("--slow") or os.environ.get("CI", "").lower() == "true":
        return
    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters in every test (the program has no switch for them; a test
    that checks the real ones calls ``users._default_hasher``). Child processes get them
    from ``tests.support.child_env``."""
    from coopledger.store import users
    from tests.support.fasthash.coopledger_fasthash import fast_hasher

    monkeypatch.setattr(users, "password_hasher", fast_hasher)


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


@pytest.fixture(scope="session")
def demo_packages(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The 2014 year-end packages of the demo's two books (made once, from a copy)."""
    import shutil

    from coopledger.services.accounts import list_organisations
    from coopledger.services.ledger import open_ledger
    from coopledger.services.package import create_package

    folder = tmp_path_factory.mktemp("packages")
    db = folder / "demo.sqlite3"
    shutil.copy(demo_db, db)
    led = open_ledger(db, user="会计")
    try:
        return {
            o.name: create_package(led, o.id, 2014, folder / f"{o.id}.zip").path
            for o in list_organisations(led)
        }
    finally:
        led.close()
