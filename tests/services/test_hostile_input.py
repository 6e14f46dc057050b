"""Hostile input: arbitrary text into the parsers, arbitrary vouchers into the voucher
service, arbitrary JSON into voucher files. Never a traceback (only DomainError), never a
partial write, always an error naming the place."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopledger.domain.dates import parse_date
from coopledger.domain.errors import DomainError
from coopledger.domain.ids import parse_resident_id
from coopledger.domain.ledger import LineInput, VoucherInput, voucher_from_dict
from coopledger.domain.money import parse_area, parse_money, parse_rate
from coopledger.services import vouchers
from coopledger.services.accounts import add_account, create_organisation
from coopledger.services.ledger import Ledger, verify
from coopledger.services.registers import MemberInput, add_member

PARSERS = [parse_money, parse_area, parse_rate, parse_date, parse_resident_id]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40) | st.from_regex(r"[-+￥¥0-9０-９.,，。 e]{0,20}", fullmatch=True))
def test_parsers_only_raise_domain_errors(text: str) -> None:
    for parse in PARSERS:
        try:
            parse(text, "field")
        except DomainError as exc:
            assert exc.path == "field"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    obj=json_values
    | st.fixed_dictionaries(
        {
            "date": st.text(max_size=12),
            "memo": json_values,
            "lines": st.lists(json_values, max_size=4),
        },
        optional={"attachments": json_values},
    )
)
def test_voucher_files_only_raise_domain_errors(obj: object) -> None:
    try:
        voucher_from_dict(obj)
    except DomainError as exc:
        assert exc.path.startswith("voucher")


@pytest.fixture(scope="module")
def fuzz_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ledger, int, Path]:
    from coopledger.services.ledger import open_ledger

    path = tmp_path_factory.mktemp("fuzz") / "l.sqlite3"
    led = open_ledger(path, user="fuzz", create=True)
    org = create_organisation(led, "测试")
    add_account(led, org, "50101", "经营收入—莲藕")
    add_member(led, org, MemberInput("H0001", "苏子柏"))
    vouchers.close_period(led, org, 2014, 1)
    yield led, org, path
    led.close()


def _counts(path: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(path)
    try:
        return tuple(  # type: ignore[return-value]
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("voucher", "voucher_line", "audit_log")
        )
    finally:
        con.close()


lines = st.builds(
    LineInput,
    account=st.sampled_from(["102", "101", "50101", "501", "113", "999", "", "10２"]),
    debit_fen=st.integers(min_value=-(10**6), max_value=10**15),
    credit_fen=st.sampled_from([0, 0, 1, 100, -5, 10**15]),
    member=st.sampled_from([None, None, "H0001", "H9999", ""]),
    memo=st.text(max_size=5),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=dt.date(2013, 12, 1), max_value=dt.date(2015, 2, 1)),
    ls=st.lists(lines, max_size=5),
    attachments=st.integers(min_value=-2, max_value=3),
)
def test_voucher_service_refuses_cleanly(
    fuzz_book: tuple[Ledger, int, Path], day: dt.date, ls: list[LineInput], attachments: int
) -> None:
    led, org, path = fuzz_book
    before = _counts(path)
    try:
        vid = vouchers.add_voucher(led, org, VoucherInput(day, "fuzz", tuple(ls), attachments))
    except DomainError as exc:
        assert exc.path  # names the place
        assert _counts(path) == before  # nothing written
        return
    after = _counts(path)
    assert after[0] == before[0] + 1 and after[1] == before[1] + len(ls)
    vouchers.delete_draft(led, org, vid)


def test_ledger_verifies_after_fuzzing(fuzz_book: tuple[Ledger, int, Path]) -> None:
    led, _org, _path = fuzz_book
    assert verify(led).ok
