"""One list specification per list: every filter type names its list, every sort key
sorts, pages never overlap or skip a row, and the count is the number of rows."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from coopledger.services import bookfile, views
from coopledger.services.ledger import Ledger, open_ledger
from coopledger.store import lists

MEMBERS = [
    {"code": f"H{i:04d}", "name": f"户主{i % 7}", "kind": "household", "group": f"{i % 3}组"}
    for i in range(1, 26)
]
BOOK: dict[str, Any] = {
    "format": "coopledger-book",
    "version": 1,
    "organisation": {"name": "列表社"},
    "members": [*MEMBERS, {"code": "C001", "name": "村集体", "kind": "collective"}],
    "contracts": [
        {
            "code": f"L{i:04d}",
            "member": f"H{i:04d}",
            "parcel": f"P-{i % 4}-{i}",
            "area_mu": f"{1 + i % 5}.5",
            "rent_per_mu": "800",
            "share_value_per_mu": "800" if i % 2 else "0",
            "start": f"{2010 + i % 5}-01-01",
            "end": "2030-12-31",
        }
        for i in range(1, 21)
    ],
    "share_lots": [
        {
            "code": f"S{i:04d}",
            "holder": "C001" if i % 2 else f"H{i:04d}",
            "class": "cash",
            "amount": f"{i * 100}.00",
            "start": "2014-01-01",
            "end": None,
        }
        for i in range(1, 8)
    ],
    "vouchers": [
        {
            "date": f"2014-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "memo": f"收入{i}",
            "lines": [
                {"account": "102", "debit": f"{i}.00"},
                {"account": "501", "credit": f"{i}.00"},
            ],
        }
        for i in range(1, 31)
    ],
}

FILTERS: list[object] = [
    views.MemberFilter(),
    views.MemberFilter(search="户主3"),
    views.ContractFilter(),
    views.ContractFilter(year=2012),
    views.ShareLotFilter(),
    views.ShareLotFilter(share_class="land"),
    views.VoucherFilter(),
    views.VoucherFilter(start=dt.date(2014, 3, 1), end=dt.date(2014, 9, 30)),
    views.AuditFilter(),
    views.AssetFilter(),
    views.AssetFilter(search="资产1"),
    views.AssetFilter(category="machinery"),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ledger, int]:
    from coopledger.domain.assets import AssetRecord
    from coopledger.domain.vocabulary import AssetCategory
    from coopledger.services import assets

    ledger = open_ledger(Path(tmp_path_factory.mktemp("lists")) / "lists.sqlite3", create=True)
    org = bookfile.import_book(ledger, copy.deepcopy(BOOK))
    for i in range(1, 13):
        category = AssetCategory.MACHINERY if i % 3 else AssetCategory.BUILDINGS
        assets.add_asset(
            ledger,
            org,
            AssetRecord(
                f"GD-{i:03d}",
                f"资产{i % 4}",
                category,
                dt.date(2013, 12, i),
                i * 1_000_00,
                life_months=6 * i,
                location=f"{i % 3}组",
            ),
        )
    assets.run_depreciation(ledger, org, 2014, 1)
    return ledger, org


def test_every_filter_names_its_list() -> None:
    assert set(lists.SPECS) == {
        lists.MemberFilter,
        lists.ContractFilter,
        lists.ShareLotFilter,
        lists.VoucherFilter,
        lists.SlipFilter,
        lists.AuditFilter,
        lists.AssetFilter,
    }
    with pytest.raises(TypeError):
        lists.spec_of(object())


def _keys(f: object) -> list[str]:
    spec = lists.spec_of(f)
    return list(spec.sorts(spec.query(1, f)))


@pytest.mark.parametrize("f", FILTERS, ids=[repr(f) for f in FILTERS])
def test_pages_cover_the_list_once_in_every_order(book: tuple[Ledger, int], f: object) -> None:
    ledger, org = book
    count = views.count_rows(ledger, org, f)
    assert count > 0
    for key in [None, *_keys(f)]:
        for descending in (False, True):
            whole = views.page_rows(ledger, org, f, sort=key, descending=descending, limit=None)
            pages = [
                row
                for offset in range(0, count, 7)
                for row in views.page_rows(
                    ledger, org, f, sort=key, descending=descending, offset=offset, limit=7
                )
            ]
            assert len(whole) == count
            assert pages == whole, (key, descending)
    assert list(views.all_rows(ledger, org, f, page=4)) == views.page_rows(
        ledger, org, f, limit=None
    )


def test_filters_select(book: tuple[Ledger, int]) -> None:
    ledger, org = book
    members = views.page_rows(ledger, org, views.MemberFilter(search="户主3"), limit=None)
    assert {m.name for m in members} == {"户主3"}
    assert all(isinstance(m, views.MemberListRow) and m.id for m in members)
    land = views.page_rows(ledger, org, views.ShareLotFilter(share_class="land"), limit=None)
    # land lots: the contracts with a share value, with the amount each contract stores
    assert [(x.code, x.amount_fen) for x in land][:2] == [
        ("L0001", 200000),  # 2.5 mu × 800.00
        ("L0003", 360000),  # 4.5 mu × 800.00
    ]
    vouchers = views.page_rows(
        ledger, org, views.VoucherFilter(start=dt.date(2014, 3, 1), end=dt.date(2014, 3, 31))
    )
    assert vouchers and all(v.date.month == 3 for v in vouchers)
    assert [v.date for v in vouchers] == sorted(v.date for v in vouchers)


def test_a_contract_row_is_the_contract_record(book: tuple[Ledger, int]) -> None:
    ledger, org = book
    row = views.page_rows(ledger, org, views.ContractFilter(search="L0002"))[0]
    assert isinstance(row, views.ContractListRow)
    fields = {f.name for f in dataclasses.fields(row)}
    assert {"code", "member", "parcel", "area_e4", "notes", "member_name", "group"} <= fields
    assert (row.member, row.member_name, row.effective_status) == ("H0002", "户主2", "active")
