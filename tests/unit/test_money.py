"""Money, areas and rates: parsers, formatters, rounding and the largest-remainder split.

Also covers `coopledger.domain.errors`, which every parser here raises.
"""

from __future__ import annotations

import pickle
import time
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.money import (
    AREA_SCALE,
    FEN_PER_YUAN,
    MAX_AREA,
    MAX_MONEY_FEN,
    RATE_SCALE,
    area_to_str,
    fen_to_str,
    format_area,
    format_money,
    largest_remainder_split,
    parse_area,
    parse_money,
    parse_rate,
    rate_to_str,
    round_half_up,
)

money_fen = st.integers(min_value=-MAX_MONEY_FEN, max_value=MAX_MONEY_FEN)

# ---------------------------------------------------------------------------- errors


def test_domain_error_carries_path_message_and_params() -> None:
    error = DomainError("area_mu", N_('must be greater than 0 (got "{got}")'), got="-2")
    assert error.path == "area_mu"
    assert error.message == 'must be greater than 0 (got "{got}")'
    assert error.params == {"got": "-2"}
    assert error.text() == 'must be greater than 0 (got "-2")'
    assert str(error) == 'area_mu: must be greater than 0 (got "-2")'


def test_domain_error_without_path_is_just_its_text() -> None:
    assert str(DomainError("", N_("{n} things"), n=3)) == "3 things"


def test_domain_error_text_translates_before_formatting() -> None:
    error = DomainError("amount", N_('must not be negative (got "{got}")'), got="-5")
    catalog = {'must not be negative (got "{got}")': "不能为负数（输入为“{got}”）"}
    assert error.text(lambda msgid: catalog.get(msgid, msgid)) == "不能为负数（输入为“-5”）"


def test_domain_error_survives_a_broken_translation() -> None:
    error = DomainError("amount", N_('must not be negative (got "{got}")'), got="-5")
    assert error.text(lambda _msgid: "{missing}") == 'must not be negative (got "-5")'


def test_domain_error_pickles_with_its_params() -> None:
    error = DomainError("x", N_("bad {what}"), what="thing")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.message, copy.params) == ("x", "bad {what}", {"what": "thing"})


def test_domain_errors_lists_every_path_one_per_line() -> None:
    errors = DomainErrors(
        [
            DomainError("contracts[0].area_mu", N_("must be greater than 0")),
            DomainErrors([DomainError("contracts[3].start", N_("is not a real date"))]),
        ]
    )
    assert isinstance(errors, DomainError)
    assert [e.path for e in errors.errors] == ["contracts[0].area_mu", "contracts[3].start"]
    assert str(errors) == (
        "contracts[0].area_mu: must be greater than 0\ncontracts[3].start: is not a real date"
    )
    assert pickle.loads(pickle.dumps(errors)).errors[1].path == "contracts[3].start"


def test_domain_errors_needs_at_least_one() -> None:
    with pytest.raises(ValueError):
        DomainErrors([])


# ---------------------------------------------------------------------------- parse_money


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1600", 160000),
        ("1600.00", 160000),
        ("1,600.00", 160000),
        ("1,600", 160000),
        ("  1600.5\t", 160050),
        ("１６００", 160000),
        ("１，６００．００", 160000),
        ("¥1600", 160000),
        ("￥1,600.00", 160000),
        ("¥ 1600", 160000),
        ("1600元", 160000),
        ("1,600.00 元", 160000),
        ("1600\u3000元", 160000),  # ideographic space from a Chinese input method
        ("1600.", 160000),
        (".5", 50),
        (".05", 5),
        ("0.05", 5),
        ("0", 0),
        ("000123", 12300),
        ("1,234,567.89", 123456789),
        ("+5", 500),
        ("1600.000", 160000),  # extra zeros change nothing: the value is still exact
        ("9999999999.99", MAX_MONEY_FEN),
        ("9,999,999,999.99", MAX_MONEY_FEN),
    ],
)
def test_parse_money_accepts(text: str, fen: int) -> None:
    assert parse_money(text) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [("-35.10", -3510), ("-¥35.1", -3510), ("¥-35.10", -3510), ("－３５．１０", -3510)],
)
def test_parse_money_negative_when_allowed(text: str, fen: int) -> None:
    assert parse_money(text, allow_negative=True) == fen


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("\u3000", "must not be empty"),
        ("1600.005", "more than 2 decimal places"),
        ("0.001", "more than 2 decimal places"),
        ("八百", "is not an amount of money"),
        ("1e3", "is not an amount of money"),
        ("1E3", "is not an amount of money"),
        ("NaN", "is not an amount of money"),
        ("inf", "is not an amount of money"),
        ("-inf", "is not an amount of money"),
        ("0x10", "is not an amount of money"),
        ("1_000", "is not an amount of money"),
        ("--1", "is not an amount of money"),
        ("-¥-1", "is not an amount of money"),
        ("1.2.3", "is not an amount of money"),
        ("+", "is not an amount of money"),
        ("-", "is not an amount of money"),
        (".", "is not an amount of money"),
        ("¥", "is not an amount of money"),
        ("元", "is not an amount of money"),
        ("1 600", "is not an amount of money"),
        ("1600亩", "is not an amount of money"),
        ("1600%", "is not an amount of money"),
        ("¥1600¥", "is not an amount of money"),
        ("١٦٠٠", "is not an amount of money"),  # Arabic-Indic digits are not ours
        ("16,00", "thousands separators"),
        ("1,6000", "thousands separators"),
        ("1,600,0", "thousands separators"),
        (",600", "thousands separators"),
        ("-5", "must not be negative"),
        ("10000000000", "is too large"),
        ("10000000000.00", "is too large"),
        ("9" * 5000, "is too large"),
    ],
)
def test_parse_money_rejects(text: str, hint: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_money(text, "fee")
    assert caught.value.path == "fee"
    assert hint in caught.value.text()


def test_parse_money_error_names_what_was_got() -> None:
    with pytest.raises(DomainError) as caught:
        parse_money(" 1600.005 ")
    assert str(caught.value) == 'amount: has more than 2 decimal places (got "1600.005")'
    assert caught.value.params == {"places": 2, "got": "1600.005"}


def test_parse_money_quotes_long_input_shortened() -> None:
    with pytest.raises(DomainError) as caught:
        parse_money("x" * 1000)
    assert len(str(caught.value.params["got"])) <= 40


@pytest.mark.parametrize("value", [None, 1600, 16.0, b"1600", Decimal("1600")])
def test_parse_money_rejects_non_text_with_a_domain_error(value: object) -> None:
    with pytest.raises(DomainError) as caught:
        parse_money(value)  # type: ignore[arg-type]
    assert caught.value.path == "amount"


def test_parse_money_zero_and_sign_options() -> None:
    assert parse_money("0") == 0
    with pytest.raises(DomainError, match="greater than 0"):
        parse_money("0.00", allow_zero=False)
    with pytest.raises(DomainError, match="must not be zero"):
        parse_money("0", allow_negative=True, allow_zero=False)
    assert parse_money("-0.01", allow_negative=True, allow_zero=False) == -1
    assert parse_money("-9999999999.99", allow_negative=True) == -MAX_MONEY_FEN
    with pytest.raises(DomainError, match="too large"):
        parse_money("-10000000000", allow_negative=True)


@given(money_fen)
def test_parse_money_round_trips_fen_to_str(fen: int) -> None:
    assert parse_money(fen_to_str(fen), allow_negative=True) == fen


@given(money_fen, st.sampled_from(["zh_CN", "en", "en_US"]), st.booleans())
def test_parse_money_round_trips_format_money(fen: int, locale: str, currency: bool) -> None:
    assert parse_money(format_money(fen, locale, currency=currency), allow_negative=True) == fen


# ---------------------------------------------------------------------------- parse_area


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("1.35", 13500),
        ("2", 20000),
        ("5.9596", 59596),
        ("0.0001", 1),
        ("1,006", 10060000),
        ("１．３５", 13500),
        (" 1.35亩 ", 13500),
        ("1.350000", 13500),
    ],
)
def test_parse_area_accepts(text: str, area: int) -> None:
    assert parse_area(text) == area


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("-2", 'must be greater than 0 (got "-2")'),
        ("0", 'must be greater than 0 (got "0")'),
        ("0.0000", "must be greater than 0"),
        ("1.23456", "more than 4 decimal places"),
        ("¥1", "is not an area"),
        ("1.35元", "is not an area"),
        ("一亩", "is not an area"),
        ("1e2", "is not an area"),
        ("", "must not be empty"),
        ("10,00", "thousands separators"),
        ("1000000000000", "is too large"),
    ],
)
def test_parse_area_rejects(text: str, hint: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_area(text, "contracts[3].area_mu")
    assert caught.value.path == "contracts[3].area_mu"
    assert hint in caught.value.text()


def test_parse_area_allow_zero() -> None:
    assert parse_area("0", allow_zero=True) == 0
    with pytest.raises(DomainError, match="must not be negative"):
        parse_area("-1", allow_zero=True)
    assert parse_area("9999999.9999") == MAX_AREA


@given(st.integers(min_value=1, max_value=MAX_AREA))
def test_parse_area_round_trips_area_to_str(area: int) -> None:
    assert parse_area(area_to_str(area)) == area


@given(st.integers(min_value=1, max_value=MAX_AREA), st.sampled_from(["zh_CN", "en"]))
def test_parse_area_round_trips_format_area(area: int, locale: str) -> None:
    assert parse_area(format_area(area, locale)) == area


# ---------------------------------------------------------------------------- parse_rate


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("0.10", 1000),
        ("0.1", 1000),
        ("0.1234", 1234),
        ("0", 0),
        ("1", 10000),
        ("1.0000", 10000),
        (".05", 500),
        ("１０％", 1000),
        ("10%", 1000),
        ("12.34%", 1234),
        ("100%", 10000),
    ],
)
def test_parse_rate_accepts(text: str, rate: int) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("1.0001", "between 0 and 1"),
        ("-0.1", "between 0 and 1"),
        ("2", "between 0 and 1"),
        ("101%", "between 0 and 1"),
        ("123456789012", "between 0 and 1"),
        ("0.12345", "more than 4 decimal places"),
        ("12.345%", "more than 2 decimal places"),
        ("十分之一", "is not a rate"),
        ("1/10", "is not a rate"),
        ("", "must not be empty"),
    ],
)
def test_parse_rate_rejects(text: str, hint: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_rate(text, "welfare_rate")
    assert caught.value.path == "welfare_rate"
    assert hint in caught.value.text()


@given(st.integers(min_value=0, max_value=RATE_SCALE))
def test_parse_rate_round_trips_rate_to_str(rate: int) -> None:
    assert parse_rate(rate_to_str(rate)) == rate


# ---------------------------------------------------------------------------- to_str / format


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (160000, "1600.00"),
        (-3510, "-35.10"),
        (5, "0.05"),
        (-5, "-0.05"),
        (0, "0.00"),
        (MAX_MONEY_FEN, "9999999999.99"),
    ],
)
def test_fen_to_str(fen: int, text: str) -> None:
    assert fen_to_str(fen) == text


@pytest.mark.parametrize(
    ("area", "text"),
    [(20000, "2"), (13500, "1.35"), (59596, "5.9596"), (1, "0.0001"), (0, "0"), (10060000, "1006")],
)
def test_area_to_str(area: int, text: str) -> None:
    assert area_to_str(area) == text


@pytest.mark.parametrize(
    ("rate", "text"), [(1000, "0.1"), (1234, "0.1234"), (0, "0"), (10000, "1"), (5, "0.0005")]
)
def test_rate_to_str(rate: int, text: str) -> None:
    assert rate_to_str(rate) == text


@pytest.mark.parametrize(
    ("fen", "locale", "currency", "text"),
    [
        (160000, "zh_CN", False, "1,600.00"),
        (160000, "en", False, "1,600.00"),
        (-160000, "zh_CN", False, "-1,600.00"),
        (5, "zh_CN", False, "0.05"),
        (0, "zh_CN", False, "0.00"),
        (MAX_MONEY_FEN, "zh_CN", False, "9,999,999,999.99"),
        (160000, "zh_CN", True, "¥1,600.00"),
        (160000, "en", True, "¥1,600.00"),
        (-160000, "zh_CN", True, "-¥1,600.00"),
        (12, "zh_CN", True, "¥0.12"),
        (13, "zh_CN", True, "¥0.13"),
    ],
)
def test_format_money(fen: int, locale: str, currency: bool, text: str) -> None:
    assert format_money(fen, locale, currency=currency) == text


def test_format_money_zh_tw_is_babels_cny() -> None:
    text = format_money(160000, "zh_TW", currency=True)
    assert text.endswith("1,600.00")
    assert "¥" in text


def test_format_money_default_locale_is_zh_cn() -> None:
    assert format_money(123456) == "1,234.56"


@pytest.mark.parametrize(
    ("area", "text"),
    [
        (13500, "1.35"),
        (59596, "5.9596"),
        (10060000, "1,006.00"),
        (20000, "2.00"),
        (1, "0.0001"),
        (12345670, "1,234.567"),
    ],
)
def test_format_area(area: int, text: str) -> None:
    assert format_area(area) == text
    assert format_area(area, "en") == text


def test_scales() -> None:
    assert (FEN_PER_YUAN, AREA_SCALE, RATE_SCALE) == (100, 10_000, 10_000)
    # The bound of every amount (issue 15): 9.2 million of them still sum within 64 bits.
    assert MAX_MONEY_FEN == 999_999_999_999
    assert MAX_MONEY_FEN * 9_200_000 < 2**63 - 1


# ---------------------------------------------------------------------------- round_half_up


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(3, 2), 2),
        (Fraction(-3, 2), -2),
        (Fraction(1, 2), 1),
        (Fraction(-1, 2), -1),
        (Fraction(49, 100), 0),
        (Fraction(-49, 100), 0),
        (Fraction(51, 100), 1),
        (Fraction(7, 3), 2),
        (Fraction(-7, 3), -2),
        (Fraction(8, 3), 3),
        (Fraction(0), 0),
        (7, 7),
        (-7, -7),
        # 1.35 mu × 800.00 yuan/mu × 197 / 365 days = 58,290.41095... fen
        (Fraction(13500 * 80000 * 197, AREA_SCALE * 365), 58290),
    ],
)
def test_round_half_up(value: Fraction | int, expected: int) -> None:
    assert round_half_up(value) == expected


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=1, max_value=10**6),
)
def test_round_half_up_matches_decimal_round_half_up(numerator: int, denominator: int) -> None:
    with localcontext() as context:
        # |n/d| < 10**12 and any non-half lies >= 1/(2d) from a half: 40 digits are exact enough.
        context.prec = 40
        quotient = Decimal(numerator) / Decimal(denominator)
        expected = int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert round_half_up(Fraction(numerator, denominator)) == expected


# ---------------------------------------------------------------------------- split


def test_split_example() -> None:
    # 100 fen over 1:1:1 -> 33.33 each; one leftover fen goes to the smallest code.
    assert largest_remainder_split(100, {"B": 1, "A": 1, "C": 1}) == {"A": 34, "B": 33, "C": 33}


def test_split_largest_fraction_wins_before_code() -> None:
    # raw: Z 6.6, A 3.4 -> Z has the larger fraction and gets the leftover fen.
    assert largest_remainder_split(10, {"A": 34, "Z": 66}) == {"A": 3, "Z": 7}


def test_split_ties_use_plain_code_point_order() -> None:
    # Upper case sorts before lower case and "10" before "9": plain str order, no collation.
    result = largest_remainder_split(2, {"b": 1, "B": 1, "9": 1, "10": 1, "a": 1})
    assert result == {"10": 1, "9": 1, "B": 0, "a": 0, "b": 0}


def test_split_zero_weights_get_zero_and_stay_in_the_result() -> None:
    result = largest_remainder_split(1001, {"H1": 0, "H2": 3, "H3": 0, "H4": 1})
    assert result == {"H1": 0, "H2": 751, "H3": 0, "H4": 250}


def test_split_total_weight_zero_gives_all_zeros() -> None:
    assert largest_remainder_split(500, {"A": 0, "B": 0}) == {"A": 0, "B": 0}
    assert largest_remainder_split(500, {}) == {}


def test_split_zero_pool() -> None:
    assert largest_remainder_split(0, {"A": 5, "B": 7}) == {"A": 0, "B": 0}


def test_split_exact_shares_need_no_leftover() -> None:
    assert largest_remainder_split(600, {"A": 1, "B": 2, "C": 3}) == {"A": 100, "B": 200, "C": 300}


def test_split_refuses_negative_input() -> None:
    with pytest.raises(ValueError):
        largest_remainder_split(-1, {"A": 1})
    with pytest.raises(ValueError):
        largest_remainder_split(10, {"A": 1, "B": -1})


def _reference_split(pool: int, weights: dict[str, int]) -> dict[str, int]:
    """The rule of distribution.md written out with Fractions, for small inputs."""
    total = sum(weights.values())
    if total == 0:
        return dict.fromkeys(weights, 0)
    raw = {code: Fraction(pool * weight, total) for code, weight in weights.items()}
    parts = {code: value.numerator // value.denominator for code, value in raw.items()}
    leftover = pool - sum(parts.values())
    ranked = sorted(raw, key=lambda code: (-(raw[code] - parts[code]), code))
    for code in ranked[:leftover]:
        parts[code] += 1
    return parts


codes = st.text(alphabet="ABHZabz019中户", min_size=1, max_size=4)
weight_maps = st.dictionaries(codes, st.integers(min_value=0, max_value=10**9), max_size=30)


@given(st.integers(min_value=0, max_value=MAX_MONEY_FEN), weight_maps)
def test_split_properties(pool: int, weights: dict[str, int]) -> None:
    result = largest_remainder_split(pool, weights)
    total = sum(weights.values())
    assert set(result) == set(weights)
    assert result == _reference_split(pool, weights)
    if total == 0:
        assert all(part == 0 for part in result.values())
        return
    assert sum(result.values()) == pool
    for code, weight in weights.items():
        assert abs(result[code] - Fraction(pool * weight, total)) < 1
        if weight == 0:
            assert result[code] == 0


@given(
    st.integers(min_value=0, max_value=10**6),
    st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12),
)
def test_split_tie_heavy_inputs_match_the_reference(pool: int, small_weights: list[int]) -> None:
    weights = {f"H{index:02d}": weight for index, weight in enumerate(small_weights)}
    assert largest_remainder_split(pool, weights) == _reference_split(pool, weights)


def test_split_is_fast_for_100k_holders() -> None:
    weights = {f"H{(i * 7919) % 100_000:06d}": (i * 2_654_435_761) % 10**12 for i in range(100_000)}
    pool = 12_345_678_901
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = largest_remainder_split(pool, weights)
        timings.append(time.perf_counter() - started)
        assert sum(result.values()) == pool
    assert min(timings) < 0.5
