"""Bulk writes record what ``verify`` will find: the digests a bulk insert makes from its own
rows are those of the stored rows read back, for every kind of value a row holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopledger.domain.vocabulary import VoucherSource
from coopledger.services.accounts import create_organisation
from coopledger.services.ledger import Ledger, open_ledger
from coopledger.store.audit import digest, row_snapshot
from coopledger.store.ledger import (
    ResolvedLine,
    ResolvedVoucher,
    V,
    accounts_by_code,
    insert_posted_vouchers,
)
from coopledger.store.models import Member, table_of
from coopledger.store.tracked import StateDigester, digests_in_range, voucher_state

texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["", '"', "\\", "%s", "%%", "50%", "\u202e", "\x00\n\t", "中文 备注"])


@st.composite
def vouchers(draw: st.DrawFn) -> list[ResolvedVoucher]:
    out = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(2, 4))
        amounts = draw(st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n))
        lines = tuple(
            ResolvedLine(
                account_id=draw(st.sampled_from([1, 2, 3])),
                debit_fen=a if i % 2 == 0 else 0,
                credit_fen=0 if i % 2 == 0 else a,
                member_id=draw(st.none() | st.just(1)),
                memo=draw(texts),
            )
            for i, a in enumerate(amounts)
        )
        day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))
        out.append(ResolvedVoucher(day, draw(texts), lines, draw(st.integers(0, 2**31 - 1))))
    return out


class _Undo(Exception):
    """Raised to roll a unit of work back."""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ledger, int, list[int]]]:
    led = open_ledger(tmp_path_factory.mktemp("bulk") / "bulk.sqlite3", create=True)
    org = create_organisation(led, "批量写入社")
    with led.write(org) as tx:
        accounts = sorted(a.id for a in accounts_by_code(tx.session, org).values() if a.is_leaf)
        tx.session.execute(
            table_of(Member)
            .insert()
            .values(id=1, org_id=org, code="H1", name="x", kind="household")
        )
    yield led, org, accounts[:3]
    led.close()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=vouchers(), user=texts, reviewer=texts)
def test_voucher_digests_from_the_rows_equal_the_stored_ones(
    book: tuple[Ledger, int, list[int]], batch: list[ResolvedVoucher], user: str, reviewer: str
) -> None:
    led, org, accounts = book
    batch = [
        ResolvedVoucher(
            v.date,
            v.memo,
            tuple(
                ResolvedLine(
                    accounts[ln.account_id - 1], ln.debit_fen, ln.credit_fen, ln.member_id, ln.memo
                )
                for ln in v.lines
            ),
            v.attachments,
        )
        for v in batch
    ]
    with pytest.raises(_Undo), led.write(org) as tx:
        made: dict[int, str] = {}
        ids = insert_posted_vouchers(
            tx.session,
            org,
            batch,
            user=user,
            source=VoucherSource.IMPORT,
            reviewed_by=reviewer,
            digests=made,
        )
        stored = digests_in_range(tx.session.connection(), "voucher", min(ids), max(ids))
        assert made == stored
        raise _Undo


def test_a_state_digester_writes_what_canonical_json_writes() -> None:
    columns = list(V.columns.keys())
    now = dt.datetime(2026, 11, 27, 8, 30, 1, 5, tzinfo=dt.UTC)
    row = {
        "id": 7,
        "org_id": 1,
        "vtype": "记",
        "date": dt.date(2014, 10, 31),
        "year": 2014,
        "month": 10,
        "seq": 3,
        "memo": '销售"莲藕" 50% \\ \u202e',
        "attachments": 2,
        "state": "posted",
        "source": VoucherSource.IMPORT,
        "distribution_id": None,
        "reverses_id": None,
        "reversed_by_id": None,
        "prepared_by": "会计",
        "reviewed_by": "",
        "posted_by": "会计",
        "created_at": now,
        "posted_at": now.replace(tzinfo=None),  # naive: written as it is
        "import_batch_id": None,  # added later: left out of the state while null
    }
    lines = [
        {
            "line_no": 1,
            "org_id": 1,
            "account_id": 5,
            "member_id": None,
            "debit_fen": 150,
            "credit_fen": 0,
            "memo": "",
        },
        {
            "line_no": 2,
            "org_id": 1,
            "account_id": 6,
            "member_id": 9,
            "debit_fen": 0,
            "credit_fen": 150,
            "memo": "%",
        },
    ]
    expected = digest(voucher_state(row, lines))
    line_columns = [
        "line_no",
        "org_id",
        "account_id",
        "member_id",
        "debit_fen",
        "credit_fen",
        "memo",
    ]
    for constants in ({}, {"org_id": 1, "created_at": now, "memo": row["memo"]}):
        make = StateDigester(V, columns, constants, line_columns=line_columns)
        got = make([row[c] for c in columns], [[ln[c] for c in line_columns] for ln in lines])
        assert got == expected
    # A column added later is left out while it holds its "added later" value, and written
    # otherwise: given as a constant or row by row.
    batched = {**row, "import_batch_id": 4}
    expected_batched = digest(voucher_state(batched, lines))
    assert expected_batched != expected
    for constants in ({}, {"import_batch_id": 4}, {"import_batch_id": None}):
        make = StateDigester(V, columns, constants, line_columns=line_columns)
        for r, want in ((row, expected), (batched, expected_batched)):
            if constants and constants["import_batch_id"] != r["import_batch_id"]:
                continue
            got = make([r[c] for c in columns], [[ln[c] for c in line_columns] for ln in lines])
            assert got == want
    # A line of another book (org_id is part of the state when it is not the voucher's).
    moved = [lines[0], {**lines[1], "org_id": 2}]
    other = digest(voucher_state(row, moved))
    assert other != expected
    make = StateDigester(V, columns, {}, line_columns=line_columns)
    assert make([row[c] for c in columns], [[ln[c] for c in line_columns] for ln in moved]) == other
    members = table_of(Member)
    member = {c: "" for c in members.columns.keys()}
    member.update(id=1, org_id=1, active=False, inactive_on=dt.date(2015, 1, 1))
    plain = StateDigester(members, list(member))
    assert plain(list(member.values())) == digest(row_snapshot(members, member))
