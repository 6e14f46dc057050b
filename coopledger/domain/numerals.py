"""Amounts in Chinese financial capitals (大写), in the one canonical form of domain.md."""

from __future__ import annotations

from typing import Final

__all__ = ["CAPITAL_CHARACTERS", "MAX_CAPITALS_FEN", "amount_in_capitals"]

#: 999,999,999,999.99 yuan: a hundred times the largest amount a user can enter
#: (`money.MAX_MONEY_FEN`), so that totals print in capitals too.
MAX_CAPITALS_FEN: Final = 99_999_999_999_999

_DIGITS: Final = "零壹贰叁肆伍陆柒捌玖"
_POSITIONS: Final = ("仟", "佰", "拾", "")  # inside a group of four digits, high to low
_GROUP_UNITS: Final = ("", "万", "亿")  # groups of four digits, low to high

#: Every character `amount_in_capitals` may write.
CAPITAL_CHARACTERS: Final = frozenset(_DIGITS + "拾佰仟万亿元角分整负")


def _group_in_capitals(group: int) -> str:
    """A group of four digits (1..9999) without leading zeros; inner zero runs are one 零,
    trailing zeros are silent."""
    digits = f"{group:04d}".lstrip("0")
    positions = _POSITIONS[4 - len(digits) :]
    out: list[str] = []
    pending_zero = False
    for digit, position in zip(digits, positions, strict=True):
        if digit == "0":
            pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[int(digit)] + position)
    return "".join(out)


def _yuan_in_capitals(yuan: int) -> str:
    """Whole yuan (>= 1) read in groups of four, with 零 between groups when the lower
    group is below 1000 or a whole group of zeros was skipped."""
    groups: list[int] = []
    while yuan:
        yuan, group = divmod(yuan, 10_000)
        groups.append(group)
    out: list[str] = []
    skipped_group = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            skipped_group = bool(out)
            continue
        if out and (skipped_group or group < 1000):
            out.append("零")
        out.append(_group_in_capitals(group) + _GROUP_UNITS[index])
        skipped_group = False
    return "".join(out)


def amount_in_capitals(fen: int) -> str:
    """`fen` in financial capitals, e.g. ``100650`` -> ``"壹仟零陆元伍角整"``.

    Canonical form of domain.md "Money on paper": 整 after 元 or 角, nothing after 分;
    below one yuan no 元 (``5`` -> ``"伍分"``); zero is ``"零元整"``; negatives are prefixed
    负. Raises `ValueError` outside ±`MAX_CAPITALS_FEN` and `TypeError` for a non-int.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amount_in_capitals needs an int of fen, got {type(fen).__name__}")
    if abs(fen) > MAX_CAPITALS_FEN:
        raise ValueError(f"{fen} fen is outside ±{MAX_CAPITALS_FEN} for capitals")
    if fen == 0:
        return "零元整"
    if fen < 0:
        return "负" + amount_in_capitals(-fen)
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    out: list[str] = []
    if yuan:
        out.append(_yuan_in_capitals(yuan) + "元")
        # After 元: 零 when the 元 digit is 0 and 角 is not, or when 角 is 0 and 分 is not.
        if (jiao and yuan % 10 == 0) or (not jiao and fen_digit):
            out.append("零")
    if jiao:
        out.append(_DIGITS[jiao] + "角")
    if fen_digit:
        out.append(_DIGITS[fen_digit] + "分")
    else:
        out.append("整")
    return "".join(out)
