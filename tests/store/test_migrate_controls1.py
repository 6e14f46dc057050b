"""Migration ``controls1`` both ways: a version-1 ledger comes forward with its imported
vouchers in no batch and ``verify`` clean; a ledger with batches, requests and batched
vouchers goes back before ``controls1`` (keys intact) and forward again with ``verify`` clean."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from alembic import command

from coopledger.services import bookfile
from coopledger.services import distribution as dist
from coopledger.services.ledger import open_ledger, verify
from coopledger.store.engine import alembic_config
from tests.conftest import EXAMPLES

V1 = Path(__file__).resolve().parents[1] / "data" / "ledgers" / "v1-two-books.sqlite3"


def test_an_old_ledger_comes_forward_with_no_batches(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    shutil.copyfile(V1, path)
    led = open_ledger(path, user="会计")
    try:
        report = verify(led)
        assert report.ok, report.problems
        assert report.records["import_batch"] == 0
    finally:
        led.close()
    con = sqlite3.connect(path)
    (batched,) = con.execute("SELECT count(*) FROM voucher WHERE import_batch_id IS NOT NULL")
    con.close()
    assert batched == (0,)


def test_down_before_controls1_and_up_again_keeps_verify_clean(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    led = open_ledger(path, user="会计", create=True)
    org = bookfile.import_book(
        led, json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    )
    dist.commit_distribution(led, org, 2014)
    dist.reverse_distribution(led, org, 2014, "试一试")  # a request, done at once
    assert verify(led).ok
    command.downgrade(alembic_config(led.engine), "package1")  # controls1 and after
    with led.engine.connect() as conn:
        columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(voucher)")]
        assert "import_batch_id" not in columns
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # on again
    command.upgrade(alembic_config(led.engine), "head")
    report = verify(led)
    assert report.ok, report.problems
    assert report.records["import_batch"] == 0 and report.records["voucher"] > 0
    led.close()
