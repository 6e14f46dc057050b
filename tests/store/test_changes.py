"""Writes report what they changed as typed flags: the unit of work notes every table it
wrote (ORM flushes, Core statements and bulk inserts alike) and the ledger tells its
listeners once the write has committed, never for one that was rolled back."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlmodel import SQLModel

import coopledger.store.models  # noqa: F401  (the tables)
from coopledger.domain.changes import Changes
from coopledger.domain.errors import DomainError
from coopledger.domain.records import MemberRecord
from coopledger.services import bookfile
from coopledger.services import registers as reg
from coopledger.services.accounts import create_organisation
from coopledger.services.ledger import Ledger, open_ledger
from coopledger.services.settings import set_setting
from coopledger.store.uow import TABLE_CHANGES, changes_of

BOOK = {
    "format": "coopledger-book",
    "version": 1,
    "organisation": {"name": "变更社"},
    "members": [{"code": "H0001", "name": "苏子柏", "kind": "household"}],
    "contracts": [
        {
            "code": "L0001",
            "member": "H0001",
            "parcel": "P-1",
            "area_mu": "2",
            "rent_per_mu": "800",
            "share_value_per_mu": "800",
            "start": "2014-01-01",
            "end": "2028-12-31",
        }
    ],
    "vouchers": [
        {
            "date": "2014-10-31",
            "memo": "销售莲藕",
            "lines": [
                {"account": "102", "debit": "100.00"},
                {"account": "501", "credit": "100.00"},
            ],
        }
    ],
    "plans": [{"year": 2014, "welfare_rate": "0.10"}],
}


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return open_ledger(tmp_path / "changes.sqlite3", create=True)


def test_every_table_says_what_it_holds() -> None:
    assert set(SQLModel.metadata.tables) - {"writer_lock"} <= set(TABLE_CHANGES)
    assert changes_of(["no_such_table"]) == Changes.ALL  # unknown: refresh everything


def test_a_write_reports_its_kinds_of_record(ledger: Ledger) -> None:
    heard: list[Changes] = []
    ledger.subscribe(heard.append)
    org = bookfile.import_book(ledger, copy.deepcopy(BOOK))
    assert heard == [
        Changes.ORGS
        | Changes.ACCOUNTS
        | Changes.MEMBERS
        | Changes.CONTRACTS
        | Changes.SHARES
        | Changes.VOUCHERS
        | Changes.DISTRIBUTION
        | Changes.AUDIT
    ]
    heard.clear()
    reg.add_member(ledger, org, MemberRecord("H0002", "杨绍文"))  # an ORM insert
    reg.update_member(ledger, org, MemberRecord("H0002", "杨绍文", phone="13800000000"))
    set_setting(ledger, "notice_days", "5", org)
    assert heard == [
        Changes.MEMBERS | Changes.AUDIT,
        Changes.MEMBERS | Changes.AUDIT,
        Changes.SETTINGS | Changes.AUDIT,
    ]


def test_a_write_rolled_back_reports_nothing(ledger: Ledger) -> None:
    org = create_organisation(ledger, "回滚社")
    heard: list[Changes] = []
    stop = ledger.subscribe(heard.append)
    with pytest.raises(DomainError):
        reg.add_member(ledger, org, MemberRecord("H0001", "苏子柏", bank_account="6228-ABC 12"))
    with pytest.raises(RuntimeError), ledger.write(org) as tx:
        reg.add_member_in(tx, org, MemberRecord("H0001", "苏子柏"))
        assert tx.changes == Changes.MEMBERS | Changes.AUDIT  # known inside, before commit
        raise RuntimeError("undo")
    assert heard == []
    stop()
    reg.add_member(ledger, org, MemberRecord("H0001", "苏子柏"))
    assert heard == []  # no longer listening


def test_a_failing_listener_does_not_undo_the_write(ledger: Ledger) -> None:
    org = create_organisation(ledger, "监听社")

    def broken(_changes: Changes) -> None:
        raise ValueError("a listener's own bug")

    ledger.subscribe(broken)
    reg.add_member(ledger, org, MemberRecord("H0001", "苏子柏"))
    from coopledger.services.views import get_member

    assert get_member(ledger, org, "H0001") is not None
