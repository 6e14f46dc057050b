"""Money, areas and rates as exact integers: parsing user text, formatting, rounding, splitting.

* money is an `int` of fen (0.01 yuan);
* areas are an `int` of ten-thousandths of a mu (``"1.35"`` mu is ``13500``);
* rates are an `int` of ten-thousandths (``"0.10"`` is ``1000``).

No binary floating point anywhere: user text is read with a strict regular expression into
integers, rounding works on exact `Fraction`s, and babel receives exact `Decimal`s.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:
    from babel.numbers import NumberPattern

# babel is imported by the formatting functions only: a command that writes amounts as
# JSON (``fen_to_str``) never loads it.

from coopledger.domain.errors import N_, DomainError

__all__ = [
    "AREA_SCALE",
    "FEN_PER_YUAN",
    "MAX_AREA",
    "MAX_MONEY_FEN",
    "RATE_SCALE",
    "Area",
    "Fen",
    "area_to_str",
    "fen_to_str",
    "format_area",
    "format_money",
    "largest_remainder_split",
    "parse_area",
    "parse_money",
    "parse_rate",
    "per_share_rate_to_str",
    "per_share_split",
    "rate_to_str",
    "round_half_up",
    "round_ratio_half_up",
]

Fen: TypeAlias = int
Area: TypeAlias = int

FEN_PER_YUAN: Final = 100
AREA_SCALE: Final = 10_000
RATE_SCALE: Final = 10_000
#: The largest amount of money the program accepts anywhere (a voucher line, a share lot,
#: a rent, an opening balance): 9,999,999,999.99 yuan, just under 100亿. Every sum the
#: program makes is of such amounts, in 64-bit integers (SQLite's SUM, PostgreSQL's
#: bigint): 9.2 million amounts at this bound still fit (2**63 - 1 fen), some ninety times
#: a book of 100,000 vouchers at the bound, which tests/security checks end to end.
MAX_MONEY_FEN: Final = 999_999_999_999
#: The largest area (9,999,999.9999 mu, more than any county holds); with a rent or a share
#: value per mu, a contract's yearly rent and land share must also stay within
#: `MAX_MONEY_FEN` (``records.ContractRecord``).
MAX_AREA: Final = 99_999_999_999

_MONEY_PLACES: Final = 2
_AREA_PLACES: Final = 4
_RATE_PLACES: Final = 4

# Full-width forms typed by Chinese input methods, folded to ASCII before parsing.
_FOLD: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "－": "-",
        "−": "-",  # U+2212 MINUS SIGN
        "﹣": "-",  # U+FE63 SMALL HYPHEN-MINUS
        "＋": "+",
        "￥": "¥",
        "％": "%",
        "\u3000": " ",  # IDEOGRAPHIC SPACE, e.g. between the number and 元
    }
)

# One optional sign (before or after the currency symbol), optional symbol, the number with
# thousands separators only in correct groups of three, an optional unit suffix.
_NUMBER_RE: Final = re.compile(
    r"(?P<sign1>[+-]?)[ \t]*(?P<prefix>¥?)[ \t]*(?P<sign2>[+-]?)[ \t]*"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)"
    r"(?:\.(?P<frac>[0-9]*))?"
    r"[ \t]*(?P<suffix>元|亩|%)?"
)

_GOT_MAX_CHARS: Final = 40


def _shown(text: str) -> str:
    """The user's text as quoted back in a message (shortened when very long)."""
    if len(text) > _GOT_MAX_CHARS:
        return text[: _GOT_MAX_CHARS - 1] + "…"
    return text


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ",".join(parts)


def _require_text(text: object, field: str) -> str:
    if text is None:
        raise DomainError(field, N_("must not be empty"))
    if not isinstance(text, str):
        raise DomainError(field, N_("must be text (got a {got})"), got=type(text).__name__)
    stripped = text.strip()
    if not stripped:
        raise DomainError(field, N_("must not be empty"))
    return stripped


class _TooLarge(Exception):
    """Internal: the integer part has more digits than any allowed value."""


def _parse_scaled(
    raw: str,
    field: str,
    *,
    places: int,
    prefixes: frozenset[str],
    suffixes: frozenset[str],
    not_a_number: str,
    max_digits: int,
) -> int:
    """Read `raw` (already stripped, non-empty) as a signed integer of 10**-places units.

    `prefixes` and `suffixes` are the symbols accepted before and after the number ('' for
    none). Digits beyond `places` are an error unless they are all zeros. An integer part
    of more than `max_digits` significant digits raises `_TooLarge` before any conversion;
    callers check their exact maximum afterwards.
    """
    got = _shown(raw)
    folded = raw.translate(_FOLD)
    match = _NUMBER_RE.fullmatch(folded)
    if match is None:
        if "," in folded and _NUMBER_RE.fullmatch(folded.replace(",", "")) is not None:
            raise DomainError(
                field,
                N_('has thousands separators in the wrong places (got "{got}")'),
                got=got,
            )
        raise DomainError(field, not_a_number, got=got)
    sign1, sign2 = match["sign1"], match["sign2"]
    int_part = match["int"].replace(",", "")
    frac_part = match["frac"] or ""
    if (
        (sign1 and sign2)
        or match["prefix"] not in prefixes
        or (match["suffix"] or "") not in suffixes
        or not (int_part or frac_part)
    ):
        raise DomainError(field, not_a_number, got=got)
    significant_frac = frac_part.rstrip("0")
    if len(significant_frac) > places:
        raise DomainError(
            field,
            N_('has more than {places} decimal places (got "{got}")'),
            places=places,
            got=got,
        )
    significant_int = int_part.lstrip("0")
    if len(significant_int) > max_digits:
        raise _TooLarge
    scale: int = 10**places
    value = int(significant_int or "0") * scale + int(significant_frac.ljust(places, "0"))
    return -value if "-" in (sign1, sign2) else value


def parse_money(
    text: str,
    field: str = "amount",
    *,
    allow_negative: bool = False,
    allow_zero: bool = True,
) -> int:
    """Parse a yuan amount typed by a user into fen, exactly.

    Accepts surrounding whitespace, full-width characters, correct thousands separators, an
    optional leading ``¥``/``￥`` and trailing ``元``, at most 2 significant decimals
    (``"1600."`` and ``".5"`` are fine). Anything else raises `DomainError` on `field`:
    empty text, more decimals, exponents, words, negatives (unless `allow_negative`),
    zero (unless `allow_zero`) and amounts beyond `MAX_MONEY_FEN`.
    """
    raw = _require_text(text, field)
    too_large = DomainError(
        field,
        N_('is too large (got "{got}"; the largest amount is {max})'),
        got=_shown(raw),
        max=_group_thousands(str(MAX_MONEY_FEN // FEN_PER_YUAN)) + ".99",
    )
    try:
        fen = _parse_scaled(
            raw,
            field,
            places=_MONEY_PLACES,
            prefixes=frozenset({"", "¥"}),
            suffixes=frozenset({"", "元"}),
            not_a_number=N_('is not an amount of money such as 1,600.00 (got "{got}")'),
            max_digits=len(str(MAX_MONEY_FEN)),
        )
    except _TooLarge:
        raise too_large from None
    if abs(fen) > MAX_MONEY_FEN:
        raise too_large
    if fen < 0 and not allow_negative:
        raise DomainError(field, N_('must not be negative (got "{got}")'), got=_shown(raw))
    if fen == 0 and not allow_zero:
        message = (
            N_('must not be zero (got "{got}")')
            if allow_negative
            else N_('must be greater than 0 (got "{got}")')
        )
        raise DomainError(field, message, got=_shown(raw))
    return fen


def parse_area(text: str, field: str = "area_mu", *, allow_zero: bool = False) -> int:
    """Parse an area in mu into ten-thousandths of a mu (``"1.35"`` -> ``13500``), exactly.

    At most 4 significant decimals, an optional trailing ``亩``; the area must be greater than
    0 (or at least 0 with `allow_zero`) and at most `MAX_AREA`. Otherwise `DomainError`.
    """
    raw = _require_text(text, field)
    too_large = DomainError(
        field,
        N_('is too large (got "{got}"; the largest area is {max} mu)'),
        got=_shown(raw),
        max=_group_thousands(str(MAX_AREA // AREA_SCALE)) + ".9999",
    )
    try:
        area = _parse_scaled(
            raw,
            field,
            places=_AREA_PLACES,
            prefixes=frozenset({""}),
            suffixes=frozenset({"", "亩"}),
            not_a_number=N_('is not an area in mu such as 1.35 (got "{got}")'),
            max_digits=len(str(MAX_AREA)),
        )
    except _TooLarge:
        raise too_large from None
    if area > MAX_AREA:
        raise too_large
    if area < 0 or (area == 0 and not allow_zero):
        message = (
            N_('must not be negative (got "{got}")')
            if allow_zero
            else N_('must be greater than 0 (got "{got}")')
        )
        raise DomainError(field, message, got=_shown(raw))
    return area


def parse_rate(text: str, field: str = "rate") -> int:
    """Parse a rate in [0, 1] into ten-thousandths (``"0.10"`` -> ``1000``), exactly.

    At most 4 significant decimals; a percentage with at most 2 decimals is also accepted
    (``"10%"`` -> ``1000``). Outside 0..1 or not a number: `DomainError`.
    """
    raw = _require_text(text, field)
    not_a_rate = N_('is not a rate such as 0.10 (got "{got}")')
    percent = raw.translate(_FOLD).rstrip().endswith("%")
    try:
        rate = _parse_scaled(
            raw,
            field,
            # "12.34%" is 1234 ten-thousandths: two places of a percentage are the same unit.
            places=2 if percent else _RATE_PLACES,
            prefixes=frozenset({""}),
            suffixes=frozenset({"%"} if percent else {""}),
            not_a_number=not_a_rate,
            max_digits=8,
        )
    except _TooLarge:
        rate = RATE_SCALE + 1
    if not 0 <= rate <= RATE_SCALE:
        raise DomainError(field, N_('must be between 0 and 1 (got "{got}")'), got=_shown(raw))
    return rate


def round_half_up(x: Fraction | int) -> int:
    """The nearest integer to the exact value `x`; halves go away from zero (-2.5 -> -3)."""
    return round_ratio_half_up(x.numerator, x.denominator)


def round_ratio_half_up(numerator: int, denominator: int) -> int:
    """`round_half_up(numerator / denominator)` without building a Fraction (for hot loops);
    `denominator` > 0."""
    if denominator <= 0:
        raise ValueError(f"denominator must be > 0 (got {denominator})")
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return -quotient if numerator < 0 else quotient


def largest_remainder_split(pool: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split `pool` (fen, >= 0) in proportion to `weights` (ints >= 0) keyed by holder code.

    Each part is ``floor(pool * w / T)``; the leftover fen go one each to the largest
    fractional parts, ties to the smaller code (plain string order). The result has every
    key of `weights` (weight 0 gets 0) and sums exactly to `pool`; when the total weight `T`
    is 0 every part is 0. Raises `ValueError` on a negative pool or weight.
    """
    if pool < 0:
        raise ValueError(f"pool must not be negative, got {pool}")
    if weights and min(weights.values()) < 0:
        negative = {code: weight for code, weight in weights.items() if weight < 0}
        raise ValueError(f"weights must not be negative, got {negative}")
    total = sum(weights.values())
    if total == 0:
        return dict.fromkeys(weights, 0)
    # Integer arithmetic only: every fractional part is remainder / total, so remainders
    # compare like the fractions themselves. Comprehensions keep 100,000 holders fast.
    codes = list(weights)
    quotients = [divmod(pool * weight, total) for weight in weights.values()]
    parts = [base for base, _ in quotients]
    remainders = [remainder for _, remainder in quotients]
    leftover = pool - sum(parts)
    if leftover:
        # The leftover-th largest remainder is the cut; all above it get a fen, and the
        # fen still left go to the smallest codes among those exactly at the cut. There
        # are always more non-zero remainders than leftover fen, so the cut is positive.
        cut = sorted(remainders, reverse=True)[leftover - 1]
        above = sum(1 for remainder in remainders if remainder > cut)
        at_cut = sorted(codes[i] for i, remainder in enumerate(remainders) if remainder == cut)
        lucky_at_cut = set(at_cut[: leftover - above])
        for i, remainder in enumerate(remainders):
            if remainder > cut or (remainder == cut and codes[i] in lucky_at_cut):
                parts[i] += 1
    return dict(zip(codes, parts, strict=True))


def per_share_split(pool: int, weights: Mapping[str, int], unit: int) -> tuple[int, dict[str, int]]:
    """Split `pool` (fen, >= 0) at one announced rate per `unit` of weight (每股分红).

    The rate, in ten-thousandths of a yuan per 100 yuan, is ``floor(pool × 100 × unit / T)``
    (`unit` is the weight of 100 yuan: ``10,000 × days(Y)`` for share-days, ``10,000`` for
    transactions in fen); each key gets ``floor(w × rate / (100 × unit))`` fen, so equal
    weights get equal amounts. Returns ``(rate_e4, parts)``: parts has every key of
    `weights` and sums to at most `pool` (the left-over is a few fen, never negative); when
    the pool or the total weight is 0 the rate and every part are 0. Raises `ValueError`
    on a negative pool or weight, or a unit ≤ 0.
    """
    if pool < 0:
        raise ValueError(f"pool must not be negative, got {pool}")
    if unit <= 0:
        raise ValueError(f"unit must be > 0, got {unit}")
    if weights and min(weights.values()) < 0:
        negative = {code: weight for code, weight in weights.items() if weight < 0}
        raise ValueError(f"weights must not be negative, got {negative}")
    total = sum(weights.values())
    if total == 0 or pool == 0:
        return 0, dict.fromkeys(weights, 0)
    rate = pool * 100 * unit // total
    den = 100 * unit
    return rate, {code: weight * rate // den for code, weight in weights.items()}


def _scaled_to_str(value: int, scale: int, min_places: int, max_places: int) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), scale)
    digits = str(frac).rjust(max_places, "0")
    digits = digits.rstrip("0").ljust(min_places, "0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def fen_to_str(fen: int) -> str:
    """Fen as the plain spec form with exactly two decimals: ``160000`` -> ``"1600.00"``."""
    return _scaled_to_str(fen, FEN_PER_YUAN, _MONEY_PLACES, _MONEY_PLACES)


def area_to_str(area: int) -> str:
    """Area as the shortest exact decimal in mu: ``20000`` -> ``"2"``, ``13500`` -> ``"1.35"``."""
    return _scaled_to_str(area, AREA_SCALE, 0, _AREA_PLACES)


def rate_to_str(rate: int) -> str:
    """Rate as the shortest exact decimal: ``1000`` -> ``"0.1"``, ``10000`` -> ``"1"``."""
    return _scaled_to_str(rate, RATE_SCALE, 0, _RATE_PLACES)


def per_share_rate_to_str(rate_e4: int) -> str:
    """An announced per-share rate (yuan per 100 yuan, in ten-thousandths of a yuan) with
    exactly four places: ``563876`` -> ``"56.3876"``."""
    return _scaled_to_str(rate_e4, RATE_SCALE, _RATE_PLACES, _RATE_PLACES)


@functools.lru_cache(maxsize=64)
def _decimal_pattern(locale: str, min_places: int, max_places: int) -> NumberPattern:
    from babel import Locale
    from babel.numbers import NumberPattern, parse_pattern

    base = Locale.parse(locale).decimal_formats.get(None)
    pattern = copy.copy(base if isinstance(base, NumberPattern) else parse_pattern("#,##0.###"))
    pattern.frac_prec = (min_places, max_places)
    return pattern


@functools.lru_cache(maxsize=64)
def _uses_plain_yuan_sign(locale: str) -> bool:
    from babel import Locale

    parsed = Locale.parse(locale)
    return not (parsed.script == "Hant" or parsed.territory in {"TW", "HK", "MO"})


def format_money(fen: int, locale: str = "zh_CN", *, currency: bool = False) -> str:
    """Fen for display in `locale`: grouped, exactly two decimals (``"1,600.00"``).

    With `currency`, babel's CNY format, shown as ``"¥1,600.00"`` in mainland Chinese and
    English locales (traditional-Chinese locales keep babel's symbol). Negative amounts
    keep their minus sign (``"-1,600.00"``).
    """
    from babel.numbers import format_currency, format_decimal

    value = Decimal(fen).scaleb(-_MONEY_PLACES)
    if not currency:
        return format_decimal(
            value, format=_decimal_pattern(locale, _MONEY_PLACES, _MONEY_PLACES), locale=locale
        )
    text = format_currency(value, "CNY", locale=locale)
    if _uses_plain_yuan_sign(locale):
        text = text.replace("CN¥", "¥")
    return text


def format_area(area: int, locale: str = "zh_CN") -> str:
    """Area in mu for display: grouped, 2 to 4 decimals (``13500`` -> ``"1.35"``,
    ``59596`` -> ``"5.9596"``, ``10060000`` -> ``"1,006.00"``)."""
    from babel.numbers import format_decimal

    value = Decimal(area).scaleb(-_AREA_PLACES)
    return format_decimal(value, format=_decimal_pattern(locale, 2, _AREA_PLACES), locale=locale)
