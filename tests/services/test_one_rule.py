"""One rule per field, whichever way a value comes in: a book file, a roster, or a form
(the registers service). The bank card "6228-ABC 12" used to pass a book file and fail the
form; now the book, the roster and the form refuse it alike, and accept the same cards."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from coopledger.domain.errors import DomainError, DomainErrors
from coopledger.domain.fields import fields_of
from coopledger.domain.records import ContractRecord, MemberRecord, ShareLotRecord
from coopledger.formats.roster import parse_member_rows
from coopledger.formats.sheets import Table
from coopledger.services import bookfile
from coopledger.services import registers as reg
from coopledger.services.ledger import Ledger, open_ledger
from coopledger.store.models import LandContract, Member, ShareLot, table_of

BOOK: dict[str, Any] = {
    "format": "coopledger-book",
    "version": 1,
    "organisation": {"name": "一条规则合作社"},
    "members": [{"code": "H0001", "name": "苏子柏", "kind": "household"}],
}

#: (value, what a book, a roster and a form all keep, or None when they all refuse it)
CASES: list[tuple[str, str, str | None]] = [
    ("bank_account", "6228-ABC 12", None),
    ("bank_account", "6217 8182 9713 0299", "6217818297130299"),
    ("name", "苏子柏\u202e", None),
    ("name", "户" * 101, None),
    ("phone", "138\x0012345678", None),
    ("id_number", "530521196503120014", None),
    ("id_number", "53052119740121040x", "53052119740121040X"),
    ("notes", "第一行\n第二行", "第一行\n第二行"),
]


def _from_book(key: str, value: str) -> object:
    data = copy.deepcopy(BOOK)
    data["members"][0][key] = value
    try:
        book = bookfile.validate_book(data)
    except DomainErrors as errors:
        assert [e.path for e in errors.errors] == [f"members[0].{key}"]
        return None
    return getattr(book.members[0], key)


def _from_roster(key: str, value: str) -> object:
    header = {"name": "户主姓名", "bank_account": "银行卡号", "phone": "电话"}
    header |= {"id_number": "身份证号", "notes": "备注"}
    cells = {"name": "苏子柏", key: value}
    keys = list(dict.fromkeys(["name", key]))
    table = Table([header[k] for k in keys], [(2, [cells[k] for k in keys])])
    rows, errors = parse_member_rows(table)
    if errors:
        assert [e.path for e in errors] == [f"row 2: {header[key]}"]
        return None
    return getattr(rows[0].member, key)


def _from_form(ledger: Ledger, org: int, key: str, value: str) -> object:
    code = f"H{abs(hash((key, value))) % 10_000:04d}"
    try:
        reg.add_member(ledger, org, MemberRecord(code, **{"name": "杨绍文", key: value}))
    except DomainError as err:
        assert err.path == f"member.{key}"
        return None
    from coopledger.services.views import get_member

    row = get_member(ledger, org, code)
    assert row is not None
    return getattr(row, key)


@pytest.fixture
def book(tmp_path: Path) -> tuple[Ledger, int]:
    ledger = open_ledger(tmp_path / "one-rule.sqlite3", create=True)
    return ledger, bookfile.import_book(ledger, copy.deepcopy(BOOK))


@pytest.mark.parametrize(
    ("key", "value", "kept"), CASES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(CASES)]
)
def test_book_roster_and_form_agree(
    book: tuple[Ledger, int], key: str, value: str, kept: str | None
) -> None:
    ledger, org = book
    got = (_from_book(key, value), _from_roster(key, value), _from_form(ledger, org, key, value))
    assert got == (kept, kept, kept)


def test_every_column_of_a_register_is_a_field_or_kept_by_the_program() -> None:
    """A new column is a new row of the record's field table (or something the program
    derives, listed here), so that the book, the roster, the forms and the exports have it."""
    derived = {
        Member: {"id", "org_id"},
        LandContract: {
            "id",
            "org_id",
            "member_id",  # the member field, by id
            "end_on",  # terminated_on or end
            "status",  # from terminated_on and renewals
            "renews_id",  # the renews field, by id
            "land_share_amount_fen",  # worked out when saved
        },
        ShareLot: {"id", "org_id", "holder_id", "lender_id", "transferred_from_id"},
    }
    records = {Member: MemberRecord, LandContract: ContractRecord, ShareLot: ShareLotRecord}
    for model, record in records.items():
        columns = {c.name for c in table_of(model).columns}
        fields = {f.db_column for f in fields_of(record) if f.db_column}
        assert columns - derived[model] == fields, model.__name__


def test_a_book_export_carries_contract_and_lot_notes(book: tuple[Ledger, int]) -> None:
    ledger, org = book
    reg.add_contract(
        ledger,
        org,
        ContractRecord(
            "L0001",
            "H0001",
            "岩子脚-03",
            20000,
            80000,
            80000,
            __import__("datetime").date(2014, 1, 1),
            __import__("datetime").date(2028, 12, 31),
            notes="四至：东至水沟",
        ),
    )
    data = bookfile.export_book(ledger, org)
    assert data["contracts"][0]["notes"] == "四至：东至水沟"
    assert bookfile.validate_book(json.loads(json.dumps(data))).contracts[0].notes == (
        "四至：东至水沟"
    )
