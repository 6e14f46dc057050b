"""Amounts in financial capitals (大写): the vectors of domain.md and the canonical 零 rules."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from coopledger.domain.money import MAX_MONEY_FEN
from coopledger.domain.numerals import CAPITAL_CHARACTERS, MAX_CAPITALS_FEN, amount_in_capitals

DOMAIN_MD_VECTORS = [
    ("1,006.50", "壹仟零陆元伍角整"),
    ("1,409.50", "壹仟肆佰零玖元伍角整"),
    ("6,007.14", "陆仟零柒元壹角肆分"),
    ("1,680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107,000.53", "壹拾万柒仟元零伍角叁分"),
    ("16,409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("804,800", "捌拾万肆仟捌佰元整"),
    ("2,077,800", "贰佰零柒万柒仟捌佰元整"),
    ("100,010", "壹拾万零壹拾元整"),
    ("240,968", "贰拾肆万零玖佰陆拾捌元整"),
    ("1,000,000.01", "壹佰万元零壹分"),
    ("100,000,001", "壹亿零壹元整"),
    ("1,600", "壹仟陆佰元整"),
    ("230", "贰佰叁拾元整"),
    ("0.05", "伍分"),
    ("0", "零元整"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("107,000", "壹拾万柒仟元整"),
]

CAREFUL_CASES = [
    ("1,600.00", "壹仟陆佰元整"),
    ("100,000.10", "壹拾万元零壹角整"),
    ("1,830.00", "壹仟捌佰叁拾元整"),
    ("10", "壹拾元整"),
    ("1", "壹元整"),
    ("11", "壹拾壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1,001", "壹仟零壹元整"),
    ("1,010", "壹仟零壹拾元整"),
    ("10,000", "壹万元整"),
    ("100,000", "壹拾万元整"),
    ("100,000,000", "壹亿元整"),
    ("100,000,001", "壹亿零壹元整"),
    ("100,001,000", "壹亿零壹仟元整"),  # the 万 group was skipped: 零 even before a 仟
    ("110,000,000", "壹亿壹仟万元整"),
    ("101,000,000", "壹亿零壹佰万元整"),
    ("1,000,000.01", "壹佰万元零壹分"),
    ("0.50", "伍角整"),
    ("0.05", "伍分"),
    ("0.55", "伍角伍分"),
    ("0.01", "壹分"),
    ("1.05", "壹元零伍分"),
    ("1.50", "壹元伍角整"),
    ("10.10", "壹拾元零壹角整"),
    ("10.05", "壹拾元零伍分"),
    ("10.15", "壹拾元零壹角伍分"),
    ("100,010", "壹拾万零壹拾元整"),
    ("240,968", "贰拾肆万零玖佰陆拾捌元整"),
    ("2,077,800", "贰佰零柒万柒仟捌佰元整"),
    ("1,000,100", "壹佰万零壹佰元整"),
    ("10,000,000,000", "壹佰亿元整"),
    ("100,000,100,000", "壹仟亿零壹拾万元整"),
    ("100,100,000,000", "壹仟零壹亿元整"),
    ("100,001,000,000", "壹仟亿零壹佰万元整"),
    ("100,000,000,001.10", "壹仟亿零壹元壹角整"),
    ("999,999,999,999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("804,800", "捌拾万肆仟捌佰元整"),
]


def to_fen(text: str) -> int:
    """'1,006.50' -> 100650 (test helper; the real parser is tested in test_money)."""
    yuan, _, cents = text.replace(",", "").partition(".")
    return int(yuan) * 100 + int(cents.ljust(2, "0"))


@pytest.mark.parametrize(("amount", "capitals"), DOMAIN_MD_VECTORS)
def test_domain_md_vectors(amount: str, capitals: str) -> None:
    assert amount_in_capitals(to_fen(amount)) == capitals


@pytest.mark.parametrize(("amount", "capitals"), CAREFUL_CASES)
def test_careful_cases(amount: str, capitals: str) -> None:
    assert amount_in_capitals(to_fen(amount)) == capitals


def test_negative_is_prefixed_fu() -> None:
    assert amount_in_capitals(-100650) == "负壹仟零陆元伍角整"
    assert amount_in_capitals(-5) == "负伍分"
    assert amount_in_capitals(-MAX_MONEY_FEN) == "负" + amount_in_capitals(MAX_MONEY_FEN)


def test_range_covers_money_and_its_totals() -> None:
    # Every amount a user can enter, and totals of a hundred of the largest.
    assert MAX_CAPITALS_FEN == 100 * MAX_MONEY_FEN + 99
    for outside in (MAX_CAPITALS_FEN + 1, -MAX_CAPITALS_FEN - 1, 10**20):
        with pytest.raises(ValueError):
            amount_in_capitals(outside)


def test_non_int_is_refused() -> None:
    with pytest.raises(TypeError):
        amount_in_capitals(True)
    with pytest.raises(TypeError):
        amount_in_capitals("100")  # type: ignore[arg-type]


# A reader for canonical capitals, independent of the writer, to prove nothing is lost.

_DIGIT_VALUES = {ch: value for value, ch in enumerate("零壹贰叁肆伍陆柒捌玖")}
_POSITION_VALUES = {"拾": 10, "佰": 100, "仟": 1000}
_DIGIT = "[壹贰叁肆伍陆柒捌玖]"
_DECIMALS_RE = re.compile(rf"(?:({_DIGIT})角)?(?:({_DIGIT})分|整)")


def _read_yuan(text: str) -> int:
    total = section = digit = 0
    for ch in text:
        if ch in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[ch]
        elif ch in _POSITION_VALUES:
            assert digit, f"a position without a digit in {text!r}"
            section += digit * _POSITION_VALUES[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10**4
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 10**8
            section = digit = 0
        else:
            raise AssertionError(f"unexpected {ch!r} in {text!r}")
    return total + section + digit


def read_capitals(text: str) -> int:
    """Capitals -> fen for the canonical form (asserts on anything else)."""
    if text.startswith("负"):
        return -read_capitals(text[1:])
    if text == "零元整":
        return 0
    yuan_text, has_yuan, decimals = text.rpartition("元")
    if not has_yuan:
        decimals = text
    yuan = _read_yuan(yuan_text) if has_yuan else 0
    assert not has_yuan or yuan > 0, text
    if has_yuan and decimals.startswith("零"):
        decimals = decimals[1:]
    match = _DECIMALS_RE.fullmatch(decimals)
    assert match is not None, text
    jiao, fen = match.groups()
    return yuan * 100 + _DIGIT_VALUES.get(jiao or "零", 0) * 10 + _DIGIT_VALUES.get(fen or "零", 0)


# Amounts with many zeros hit the 零 rules far more often than uniform integers do.
zero_heavy = st.lists(
    st.sampled_from("0000000123456789"), min_size=1, max_size=len(str(MAX_MONEY_FEN))
).map(lambda digits: int("".join(digits)))
any_amount = st.integers(min_value=-MAX_MONEY_FEN, max_value=MAX_MONEY_FEN)


@given(st.one_of(zero_heavy, any_amount))
@example(0)
@example(MAX_MONEY_FEN)
@example(10_000_000_000_000)
def test_capitals_read_back_to_the_same_amount(fen: int) -> None:
    assert read_capitals(amount_in_capitals(fen)) == fen


@given(st.one_of(zero_heavy, any_amount))
def test_capitals_use_only_the_allowed_characters_and_shapes(fen: int) -> None:
    text = amount_in_capitals(fen)
    assert set(text) <= CAPITAL_CHARACTERS
    assert set(text) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整负")
    assert not set(text) & set("一二三四五六七八九十两")
    assert "零零" not in text
    assert text.endswith(("整", "分"))
    assert "分整" not in text
    if fen != 0:
        assert not text.lstrip("负").startswith("零")
        for unit in "拾佰仟万亿元角分":
            assert "零" + unit not in text  # 零 is never read with a unit
    assert text.count("整") <= 1
    assert text.count("负") == (1 if fen < 0 else 0)


@given(st.sets(st.one_of(zero_heavy, any_amount), min_size=2, max_size=40))
def test_distinct_amounts_give_distinct_capitals(amounts: set[int]) -> None:
    assert len({amount_in_capitals(fen) for fen in amounts}) == len(amounts)
