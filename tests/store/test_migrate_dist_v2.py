"""A ledger written by the version-1 program comes forward through ``dist_v2``: committed
results and plans unchanged, ``verify`` clean, the carry into the next year from the stored
result, and the old slips still payable and verifiable."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from coopledger.services import distribution as dist
from coopledger.services.accounts import find_organisation
from coopledger.services.ledger import Ledger, open_ledger, verify

V1 = Path(__file__).resolve().parents[1] / "data" / "ledgers" / "v1-two-books.sqlite3"
MINI = "山邑村股份经济合作社"
NO_SHARES = "无股份测试合作社"


@pytest.fixture
def old(tmp_path: Path) -> Path:
    path = tmp_path / "v1.sqlite3"
    shutil.copyfile(V1, path)
    return path


@pytest.fixture
def migrated(old: Path) -> Ledger:
    led = open_ledger(old, user="会计")
    yield led
    led.close()


def test_the_fixture_is_a_version_1_ledger(old: Path) -> None:
    con = sqlite3.connect(old)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    columns = {r[1] for r in con.execute("PRAGMA table_info(distribution_plan)")}
    con.close()
    assert "dividend_method" not in columns


def test_verify_is_clean_after_the_migration(migrated: Ledger, old: Path) -> None:
    report = verify(migrated)
    assert report.ok, report.problems
    assert report.records["distribution_plan"] == 4
    assert list(old.parent.glob("*.bak")) or list(old.parent.glob("*before*"))


def test_committed_plans_keep_largest_remainder_and_their_results(migrated: Ledger) -> None:
    org = find_organisation(migrated, MINI).id
    for year in (2014, 2015):
        plan = dist.get_plan(migrated, org, year)
        assert plan is not None and plan.dividend_method == "largest-remainder"
    shown = dist.distribution_json(migrated, org, 2014)
    expected = json.loads(
        (V1.parents[1] / "examples" / "mini.expected.json").read_text(encoding="utf-8")
    )["years"]["2014"]
    assert shown == expected  # the version-1 result in version 2's shape, to the fen
    # Recomputing the committed year gives the same figures under its stored method.
    with migrated.read() as s:
        _plan, again = dist._compute(s, org, 2014)
    assert again.to_json() == expected


def test_the_undistributed_balance_of_a_version_1_year_is_carried(migrated: Ledger) -> None:
    org = find_organisation(migrated, NO_SHARES).id
    pv = dist.preview_distribution(migrated, org, 2015)
    assert pv.result.undistributed_in == 947_500
    assert pv.result.to_json()["undistributed_in"] == "9475.00"
    dist.commit_distribution(migrated, org, 2015)
    assert dist.distribution_json(migrated, org, 2015)["undistributed_in"] == "9475.00"
    assert verify(migrated).ok


def test_old_slips_are_paid_and_verified_as_before(migrated: Ledger) -> None:
    org = find_organisation(migrated, MINI).id
    slips = {s.member_code: s for s in dist.slips(migrated, org, 2014)}
    assert slips["H0001"].paid_on == dt.date(2014, 12, 28)
    assert dist.verify_slip(migrated, slips["H0002"].check_code).ok
    dist.pay_slip(migrated, org, 2014, "H0002", on=dt.date(2015, 1, 5))
    assert verify(migrated).ok
    # The migrated 2015 plan can be changed to the new default and committed.
    plan = dist.get_plan(migrated, org, 2015)
    assert plan is not None
    from dataclasses import replace

    dist.save_plan(migrated, org, replace(plan, dividend_method="per-share"))
    dist.commit_distribution(migrated, org, 2015)
    assert dist.distribution_json(migrated, org, 2015)["dividend_rate"] is not None
    assert verify(migrated).ok


def test_tampering_with_a_new_column_is_found(migrated: Ledger, old: Path) -> None:
    migrated.close()
    con = sqlite3.connect(old)
    con.execute("UPDATE distribution_plan SET dividend_method = 'per-share' WHERE year = 2014")
    con.commit()
    con.close()
    led = open_ledger(old, user="会计")
    try:
        report = verify(led)
        assert not report.ok
        assert any("distribution_plan" in str(p) for p in report.problems)
    finally:
        led.close()
