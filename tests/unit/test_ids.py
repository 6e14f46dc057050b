"""Resident ID numbers (GB 11643-1999) and masking for public papers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.errors import DomainError
from coopledger.domain.ids import (
    mask_bank_account,
    mask_resident_id,
    parse_resident_id,
    resident_id_check_digit,
)

DEMO_ID = "530521196503120013"


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("53052119650312001", "3"),  # the demo book's member
        ("11010519491231002", "X"),  # the example printed in GB 11643-1999
        ("44052418800101001", "4"),  # the other example of the standard
        ("00000000000000000", "1"),
    ],
)
def test_check_digit(first17: str, check: str) -> None:
    assert resident_id_check_digit(first17) == check


@pytest.mark.parametrize(
    "bad", ["", "1234", "5305211965031200X", "５３０５２１１９６５０３１２００１"]
)
def test_check_digit_needs_17_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        resident_id_check_digit(bad)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        (DEMO_ID, DEMO_ID),
        (f"  {DEMO_ID}\n", DEMO_ID),
        ("530521 19650312 0013", DEMO_ID),
        ("５３０５２１１９６５０３１２００１３", DEMO_ID),
        ("11010519491231002x", "11010519491231002X"),
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002ｘ", "11010519491231002X"),
    ],
)
def test_parse_resident_id_normalises(text: str, normalised: str) -> None:
    assert parse_resident_id(text) == normalised


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("53052119650312001", 'must have 18 characters (got 17: "53052119650312001")'),
        ("5305211965031200133", "must have 18 characters (got 19"),
        ("53052119650312001A", "the last character must be a digit or X"),
        ("5305211965031200X3", "the first 17 characters must be digits"),
        ("53052119650230001X", 'not a real date (got "1965-02-30")'),
        ("530521196513120013", 'not a real date (got "1965-13-12")'),
        ("530521196503120012", "check digit should be 3, got 2"),
        ("110105194912310020", "check digit should be X, got 0"),
    ],
)
def test_parse_resident_id_rejects(text: str, hint: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_resident_id(text, "members[2].id_number")
    assert caught.value.path == "members[2].id_number"
    assert hint in caught.value.text()


@pytest.mark.parametrize("value", [None, 530521196503120013])
def test_parse_resident_id_rejects_non_text(value: object) -> None:
    with pytest.raises(DomainError):
        parse_resident_id(value)  # type: ignore[arg-type]


@given(
    region=st.integers(min_value=110000, max_value=829999),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_any_well_formed_id_parses_and_any_other_check_digit_fails(
    region: int, birth: date, sequence: int
) -> None:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    check = resident_id_check_digit(first17)
    assert parse_resident_id(first17 + check.lower()) == first17 + check
    for wrong in "0123456789X":
        if wrong != check:
            with pytest.raises(DomainError, match=f"check digit should be {check}, got {wrong}"):
                parse_resident_id(first17 + wrong)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.integers(0, 16))
def test_check_digit_catches_every_single_digit_error(first17: str, position: int) -> None:
    changed = str((int(first17[position]) + 1) % 10)
    other = first17[:position] + changed + first17[position + 1 :]
    assert resident_id_check_digit(other) != resident_id_check_digit(first17)


def test_mask_resident_id() -> None:
    assert mask_resident_id(DEMO_ID) == "530521********0013"
    assert mask_resident_id("11010519491231002X") == "110105********002X"
    assert mask_resident_id(" 530521 19650312 0013 ") == "530521********0013"
    assert mask_resident_id("530521650312001") == "530521*****2001"  # old 15-digit number
    assert mask_resident_id("12345678") == "****5678"
    assert mask_resident_id("123") == "***"
    assert mask_resident_id("") == ""


def test_mask_bank_account() -> None:
    assert mask_bank_account("6222021234561234") == "**** 1234"
    assert mask_bank_account("6222 0212 3456 1234") == "**** 1234"
    assert mask_bank_account(" 6228480402564890018 ") == "**** 0018"
    assert mask_bank_account("1234") == "****"
    assert mask_bank_account("") == ""


@given(st.text(alphabet="0123456789", min_size=5, max_size=30))
def test_mask_bank_account_never_shows_more_than_four_digits(account: str) -> None:
    masked = mask_bank_account(account)
    assert masked == "**** " + account[-4:]
    assert sum(ch.isdigit() for ch in masked) == 4
