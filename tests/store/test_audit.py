"""The audit chain: appended in the same transaction, tamper-evident, and verify proves it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.store.models import Member, Organisation
from tests.pgserver import raw_sql


def _add_member(led: Ledger, code: str = "H0001") -> int:
    with led.write() as tx:
        org = Organisation(name="测试村", created_at=dt.datetime.now(dt.UTC))
        tx.session.add(org)
        tx.session.flush()
        assert org.id is not None
        tx.track("add organisation", "organisation", org.id)
        m = Member(org_id=org.id, code=code, name="苏子柏", kind="household")
        tx.session.add(m)
        tx.session.flush()
        assert m.id is not None
        tx.track("add member", "member", m.id)
        return m.id


def test_fresh_ledger_verifies(ledger: Ledger) -> None:
    _add_member(ledger)
    report = verify(ledger)
    assert report.ok, report.problems
    assert report.entries == 3  # init, organisation, member
    assert report.records["member"] == 1


def test_rollback_leaves_no_trace(ledger: Ledger, ledger_path: Path) -> None:
    before = raw_sql(ledger_path, "SELECT count(*) FROM audit_log")
    with pytest.raises(RuntimeError), ledger.write() as tx:
        tx.session.add(Organisation(name="半截", created_at=dt.datetime.now(dt.UTC)))
        tx.session.flush()
        tx.log("half-written")
        raise RuntimeError("power cut")
    assert raw_sql(ledger_path, "SELECT count(*) FROM audit_log") == before
    assert raw_sql(ledger_path, "SELECT count(*) FROM organisation") == [(0,)]


def _tamper(path: Path | str, sql: str) -> None:
    raw_sql(path, sql)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE member SET name = '张三'", "member #1 differs"),
        ("DELETE FROM member", "member #1 recorded here is missing"),
        (
            "INSERT INTO member (org_id, code, name, kind, group_name, id_number, phone,"
            " bank_account, address, notes, active, inactive_reason)"
            " VALUES (1, 'H9', '冒名', 'household', '', '', '', '', '', '', true, '')",
            "member #2 exists but the audit log never recorded it",
        ),
        ("UPDATE audit_log SET \"user\" = 'someone' WHERE id = 2", "audit entry #2: was altered"),
        ("DELETE FROM audit_log WHERE id = 2", "audit entry #3: does not follow"),
    ],
)
def test_tampering_is_found(ledger_path: Path, sql: str, expected: str) -> None:
    led = open_ledger(ledger_path, user="accountant", create=True)
    _add_member(led)
    led.close()
    _tamper(ledger_path, sql)
    led = open_ledger(ledger_path, user="auditor")
    report = verify(led)
    led.close()
    assert not report.ok
    assert expected in str(report.problems[0]), report.problems


def test_chain_cannot_fork(ledger: Ledger, ledger_path: Path) -> None:
    """Two entries can never claim the same predecessor (the column is unique)."""
    import psycopg

    _add_member(ledger)
    with pytest.raises((sqlite3.IntegrityError, psycopg.IntegrityError)):
        raw_sql(
            ledger_path,
            'INSERT INTO audit_log (org_id, at, "user", action, entity, entity_id, before_json,'
            ' after_json, prev_hash, hash) SELECT org_id, at, "user", action, entity, entity_id,'
            " before_json, after_json, prev_hash, 'x' FROM audit_log WHERE id = 2",
        )
