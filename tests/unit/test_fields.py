"""The field tables: one rule per field, whoever reads it; records round-trip through the
book's JSON shape; the text rules of issue 15 (no control or direction characters, limits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.errors import DomainError
from coopledger.domain.fields import (
    Field,
    Kind,
    checked,
    field,
    fields_of,
    make_record,
    read_record,
    read_value,
    record_columns,
    record_from_columns,
    record_to_json,
)
from coopledger.domain.records import AccountRecord, ContractRecord, MemberRecord, ShareLotRecord
from coopledger.domain.vocabulary import ContractStatus, MemberKind, ShareClass

RECORDS = (MemberRecord, ContractRecord, ShareLotRecord, AccountRecord)


def _spec(record: type[Any], key: str) -> Any:
    return next(f for f in fields_of(record) if f.key == key)


def _errors(record: type[Any], values: dict[str, object]) -> list[tuple[str, str]]:
    found: list[DomainError] = []
    read_record(record, values, lambda key: key, lambda _key, err: found.append(err))
    return [(e.path, e.text()) for e in found]


def test_every_record_declares_each_key_once() -> None:
    for record in RECORDS:
        keys = [f.key for f in fields_of(record)]
        assert len(keys) == len(set(keys)), record
        assert all(f.label for f in fields_of(record)), record


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("6217 8182 9713 0299", "6217818297130299"),
        ("6217818297130299", "6217818297130299"),
        ("", ""),
    ],
)
def test_bank_card_digits_and_spaces(text: str, ok: str) -> None:
    assert read_value(_spec(MemberRecord, "bank_account"), text, "b") == ok


@pytest.mark.parametrize("text", ["6228-ABC 12", "6228-4804", "６２２８", "62.28", "1" * 33])
def test_bank_card_anything_else_is_refused(text: str) -> None:
    with pytest.raises(DomainError) as caught:
        read_value(_spec(MemberRecord, "bank_account"), text, "member.bank_account")
    assert caught.value.path == "member.bank_account"


@pytest.mark.parametrize(
    "text",
    [
        "苏子柏\u202e",  # RIGHT-TO-LEFT OVERRIDE: shows one thing, stores another
        "苏\u2066子柏",
        "苏子柏\x00",
        "苏子柏\n杨",  # a name is one line
        "苏子柏\t",  # inner tab: stripped at the end, but here kept inside
    ],
)
def test_one_line_text_refuses_control_and_direction_characters(text: str) -> None:
    spec = _spec(MemberRecord, "name")
    if text.endswith("\t"):
        text = text + "x"
    with pytest.raises(DomainError, match="invisible character"):
        read_value(spec, text, "name")


def test_an_invisible_character_is_spelt_out_in_the_message() -> None:
    with pytest.raises(DomainError) as caught:
        read_value(_spec(MemberRecord, "name"), "杨春花\u202e", "name")
    assert caught.value.text() == (
        'must not contain the invisible character U+202E (got "杨春花<U+202E>")'
    )
    assert "\u202e" not in caught.value.text()


def test_notes_may_hold_line_breaks_but_not_direction_controls() -> None:
    spec = _spec(MemberRecord, "notes")
    assert read_value(spec, " 第一行\n第二行\t完 ", "notes") == "第一行\n第二行\t完"
    with pytest.raises(DomainError):
        read_value(spec, "第一行\u202e", "notes")


def test_text_limits() -> None:
    name = _spec(MemberRecord, "name")
    assert read_value(name, "户" * 100, "name") == "户" * 100
    with pytest.raises(DomainError) as caught:
        read_value(name, "户" * 101, "name")
    assert caught.value.text() == "is too long (101 characters; at most 100)"
    code = _spec(MemberRecord, "code")
    with pytest.raises(DomainError, match="at most 32"):
        read_value(code, "H" * 33, "code")


def test_codes_are_taken_as_written() -> None:
    code = _spec(ContractRecord, "code")
    assert read_value(code, "L0001", "code") == "L0001"
    for bad in (" L0001", "L0001 ", "", "  "):
        with pytest.raises(DomainError):
            read_value(code, bad, "code")


def test_money_and_area_take_text_not_numbers() -> None:
    rent = _spec(ContractRecord, "rent_per_mu")
    assert read_value(rent, "1,600.00", "r") == 160000
    assert read_value(rent, "0", "r") == 0
    with pytest.raises(DomainError, match="in quotes"):
        read_value(rent, 800, "r")
    area = _spec(ContractRecord, "area_mu")
    assert read_value(area, "1.35", "a") == 13500
    with pytest.raises(DomainError, match="greater than 0"):
        read_value(area, "0", "a")
    amount = _spec(ShareLotRecord, "amount")
    with pytest.raises(DomainError, match="greater than 0"):
        read_value(amount, "0.00", "amount")


def test_choices_come_from_the_vocabulary() -> None:
    assert read_value(_spec(MemberRecord, "kind"), "collective", "k") is MemberKind.COLLECTIVE
    lot_class = _spec(ShareLotRecord, "class")
    assert read_value(lot_class, "red_fund", "c") is ShareClass.RED_FUND
    with pytest.raises(DomainError, match="must be one of self_raised"):
        read_value(lot_class, "land", "c")  # land lots follow the contracts


def test_cross_field_rules() -> None:
    contract = {
        "code": "L1",
        "member": "H1",
        "parcel": "P",
        "area_mu": "1",
        "rent_per_mu": "800",
        "share_value_per_mu": "0",
        "start": "2014-01-01",
        "end": "2013-12-31",
        "terminated_on": "2015-01-01",
    }
    assert _errors(ContractRecord, contract) == [
        ("end", "must not be before start 2014-01-01 (got 2013-12-31)"),
        ("terminated_on", "must be between start 2014-01-01 and end 2013-12-31 (got 2015-01-01)"),
    ]
    contract["end"] = "2020-12-31"
    assert _errors(ContractRecord, contract) == []
    contract["terminated_on"] = "2021-01-01"
    assert [p for p, _ in _errors(ContractRecord, contract)] == ["terminated_on"]
    lot = {"code": "R1", "holder": "O1", "class": "red_fund", "amount": "1", "start": "2014-01-01"}
    assert [p for p, _ in _errors(ShareLotRecord, lot)] == ["end"]
    lot.update({"class": "cash", "lender": "O2", "transfer_kind": "gift"})
    assert [p for p, _ in _errors(ShareLotRecord, lot)] == ["lender", "transfer_kind"]
    member = {"code": "H1", "name": "x", "kind": "household", "inactive_reason": "迁出"}
    assert [p for p, _ in _errors(MemberRecord, member)] == ["inactive_reason"]


def test_checked_normalises_a_record_made_in_code() -> None:
    m = checked(
        MemberRecord(
            " H1 ".strip(), " 苏子柏 ", id_number="53052119740121040x", bank_account="6217 0000"
        ),
        lambda key: f"member.{key}",
    )
    assert (m.name, m.id_number, m.bank_account) == ("苏子柏", "53052119740121040X", "62170000")
    with pytest.raises(DomainError) as caught:
        checked(MemberRecord("H1", "x", bank_account="6228-ABC 12"), lambda key: f"member.{key}")
    assert caught.value.path == "member.bank_account"


def test_make_record_from_form_texts() -> None:
    c = make_record(
        ContractRecord,
        {
            "code": "L1",
            "member": "H1",
            "parcel": "P",
            "area_mu": "2",
            "rent_per_mu": "800",
            "share_value_per_mu": "800",
            "start": dt.date(2014, 1, 1),
            "end": dt.date(2028, 12, 31),
        },
        lambda key: key,
    )
    assert (c.area_e4, c.effective_end, c.effective_status) == (
        20000,
        dt.date(2028, 12, 31),
        ContractStatus.ACTIVE,
    )


members = st.builds(
    MemberRecord,
    code=st.from_regex(r"[A-Z][0-9]{1,6}", fullmatch=True),
    name=st.text(st.characters(categories=("Lo", "Lu", "Ll")), min_size=1, max_size=20),
    kind=st.sampled_from(list(MemberKind)),
    group=st.text(st.characters(categories=("Lo",)), max_size=5),
    bank_account=st.from_regex(r"[0-9]{0,19}", fullmatch=True),
    notes=st.text(st.characters(categories=("Lo", "Nd")), max_size=10),
    active=st.booleans(),
)


@given(members)
def test_a_member_round_trips_through_json_and_columns(m: MemberRecord) -> None:
    values = record_to_json(m)
    problems: list[DomainError] = []
    back = read_record(MemberRecord, values, str, lambda _k, e: problems.append(e))
    assert problems == []
    assert MemberRecord(**back) == m
    columns = record_columns(m)
    assert "group_name" in columns and "group" not in columns
    assert record_from_columns(MemberRecord, columns) == m


def test_kinds_cover_every_field() -> None:
    for record in RECORDS:
        for f in fields_of(record):
            assert isinstance(f.kind, Kind)
            if f.kind is Kind.CHOICE:
                assert f.choices is not None


def _rates_together(v: Any) -> Any:
    if v.get("welfare_rate_e4", 0) + v.get("reserve_rate_e4", 0) > 10_000:
        yield ("reserve_rate", "welfare_rate + reserve_rate must not be more than 1", {})


@dataclass(frozen=True, slots=True)
class PlanLike:
    """A distribution plan as one more field table (the shape the plan takes after the
    merge): a year, two rates, a date and a note."""

    year: int = field(
        Field("year", Kind.INTEGER, "Year", required=True, minimum=1900, maximum=9999)
    )
    welfare_rate_e4: int = field(Field("welfare_rate", Kind.RATE, "Welfare", required=True))
    reserve_rate_e4: int = field(Field("reserve_rate", Kind.RATE, "Reserve", default=0))
    approved_on: dt.date | None = field(Field("approved_on", Kind.DATE, "Approved", default=None))
    notes: str = field(Field("notes", Kind.NOTE, "Notes"))

    checks: ClassVar[tuple[Any, ...]] = (_rates_together,)


def test_a_plan_is_one_more_table() -> None:
    plan = make_record(
        PlanLike, {"year": 2014, "welfare_rate": "10%", "approved_on": "2014-12-20"}, str
    )
    assert (plan.year, plan.welfare_rate_e4, plan.reserve_rate_e4) == (2014, 1000, 0)
    assert record_to_json(plan) == {
        "year": 2014,
        "welfare_rate": "0.1",
        "approved_on": "2014-12-20",
    }
    assert [p for p, _ in _errors(PlanLike, {"year": "2014", "welfare_rate": 0.1})] == [
        "year",
        "welfare_rate",
    ]
    assert _errors(PlanLike, {"year": 1800, "welfare_rate": "0.1"}) == [
        ("year", "must be between 1900 and 9999 (got 1800)")
    ]
    assert _errors(PlanLike, {"year": 2014, "welfare_rate": "0.7", "reserve_rate": "0.4"}) == [
        ("reserve_rate", "welfare_rate + reserve_rate must not be more than 1")
    ]


def test_money_and_areas_may_be_bounded() -> None:
    rent = Field("rent", Kind.MONEY, "Rent", maximum=1_000_000_00)  # a million yuan a mu
    assert read_value(rent, "1,000,000.00", "rent") == 1_000_000_00
    with pytest.raises(DomainError) as caught:
        read_value(rent, "1000000.01", "rent")
    assert caught.value.text() == 'must not be more than 1000000.00 (got "1000000.01")'
    area = Field("area", Kind.AREA, "Area", positive=True, maximum=100_000 * 10_000)
    with pytest.raises(DomainError, match="must not be more than 100000"):
        read_value(area, "100000.0001", "area")
