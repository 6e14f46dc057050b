"""``package1`` gives every organisation a ledger already holds its signing key, and the
ledger stays exactly what the audit chain recorded; the printed papers carry the key."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from coopledger.domain.package import fingerprint
from coopledger.services.accounts import list_organisations
from coopledger.services.ledger import open_ledger, verify
from coopledger.services.orgkey import org_key

V1 = Path(__file__).resolve().parents[1] / "data" / "ledgers" / "v1-two-books.sqlite3"


def test_existing_organisations_get_their_keys(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    shutil.copyfile(V1, path)
    assert "organisation_key" not in {
        r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")
    }
    led = open_ledger(path, user="会计")
    try:
        orgs = list_organisations(led)
        assert len(orgs) == 2
        keys = [org_key(led, o.id) for o in orgs]
        assert all(k is not None and k.matches() for k in keys)
        assert all(k.fingerprint == fingerprint(k.public_key) for k in keys if k)
        assert len({k.public_key for k in keys if k}) == 2  # one key each
        report = verify(led)
        assert report.ok, report.problems
    finally:
        led.close()
