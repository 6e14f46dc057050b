"""The township's view of its villages: operating-income bands (空壳村 and the rest) and the
report's totals. Pure.

The Party's yardstick for village collectives is the year's operating income (经营收入 +
投资收益): a village with none is a 空壳村 (an "empty shell"), the others are counted in
bands. The bands differ between counties, so they are a setting: increasing lower bounds in
yuan after the 空壳村 band (default 1万, 3万, 10万), each bound included in the band it starts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.package import SUMMARY_MONEY

__all__ = [
    "DEFAULT_BOUNDS_YUAN",
    "EMPTY_SHELL",
    "Band",
    "band_of",
    "bands_from_bounds",
    "count_bands",
    "parse_bounds",
    "totals",
]

#: The first band: no operating income at all (≤ 0).
EMPTY_SHELL = "空壳村"
#: The default lower bounds (yuan) after 空壳村: under 1万, 1–3万, 3–10万, 10万 and over.
DEFAULT_BOUNDS_YUAN: tuple[int, ...] = (10_000, 30_000, 100_000)


@dataclass(frozen=True, slots=True)
class Band:
    """Operating income in ``[low, high)`` fen (``low`` None: no lower end, ``high`` None: no
    upper end)."""

    label: str
    low: int | None
    high: int | None

    def holds(self, fen: int) -> bool:
        return (self.low is None or fen >= self.low) and (self.high is None or fen < self.high)


def _amount(yuan: int, unit: int) -> str:
    if unit == 10_000:
        whole, rest = divmod(yuan, 10_000)
        return f"{whole}" if not rest else f"{whole}.{rest // 1000}"
    return f"{yuan}"


def parse_bounds(texts: Sequence[str], path: str = "--bounds") -> tuple[int, ...]:
    """Lower bounds as typed (``"10000"``, ``"1万"``, ``"0.5万"``): whole yuan, > 0, increasing."""
    out: list[int] = []
    for text in texts:
        t = text.strip().replace(",", "")
        scale = 1
        if t.endswith("万元"):
            t, scale = t[:-2], 10_000
        elif t.endswith("万"):
            t, scale = t[:-1], 10_000
        elif t.endswith("元"):
            t = t[:-1]
        whole, _, frac = t.partition(".")
        if not whole.isdigit() or (frac and not frac.isdigit()):
            raise DomainError(path, N_("not an amount in yuan: {got}"), got=text)
        value = int(whole) * scale + (int(frac.ljust(4, "0")[:4]) if frac and scale > 1 else 0)
        if frac and (scale == 1 or len(frac) > 4):
            raise DomainError(path, N_("bounds are whole yuan: {got}"), got=text)
        out.append(value)
    if not out:
        raise DomainError(path, N_("give at least one bound"))
    if any(b <= 0 for b in out) or any(b >= c for b, c in itertools.pairwise(out)):
        raise DomainError(path, N_("the bounds must be above 0 and increasing"))
    return tuple(out)


def bands_from_bounds(
    bounds_yuan: Sequence[int], labels: Sequence[str] | None = None
) -> tuple[Band, ...]:
    """The bands for increasing lower bounds in yuan: 空壳村 (≤ 0), under the first bound,
    one band from each bound (included) to the next, and the last bound and over. Labels
    are written as counties write them (``1万元以下``, ``1-3万元``, ``10万元以上``) unless
    given (one per band)."""
    if (
        not bounds_yuan
        or any(b <= 0 for b in bounds_yuan)
        or list(bounds_yuan) != sorted(set(bounds_yuan))
    ):
        raise DomainError("bands", N_("the bounds must be above 0 and increasing"))
    unit = 10_000 if all(b % 1000 == 0 for b in bounds_yuan) else 1
    u = "万元" if unit == 10_000 else "元"
    made = [EMPTY_SHELL, f"{_amount(bounds_yuan[0], unit)}{u}以下"]
    made += [
        f"{_amount(a, unit)}-{_amount(b, unit)}{u}" for a, b in itertools.pairwise(bounds_yuan)
    ]
    made.append(f"{_amount(bounds_yuan[-1], unit)}{u}以上")
    if labels:
        if len(labels) != len(made):
            raise DomainError(
                "bands", N_("{n} bands need {n} labels (got {got})"), n=len(made), got=len(labels)
            )
        if len(set(labels)) != len(labels) or any(not x.strip() for x in labels):
            raise DomainError("bands", N_("each band needs its own label"))
        made = [x.strip() for x in labels]
    lows: list[int | None] = [None, 1, *(b * 100 for b in bounds_yuan)]
    highs: list[int | None] = [*lows[1:], None]
    return tuple(Band(label, lo, hi) for label, lo, hi in zip(made, lows, highs, strict=True))


def band_of(bands: Sequence[Band], operating_income_fen: int) -> Band:
    """The band a village's operating income falls in."""
    for band in bands:
        if band.holds(operating_income_fen):
            return band
    raise ValueError("the bands do not cover every amount")  # bands_from_bounds always do


def count_bands(bands: Sequence[Band], incomes: Iterable[int]) -> dict[str, int]:
    """Villages per band (every band listed, in order, 0 when none)."""
    out = {b.label: 0 for b in bands}
    for fen in incomes:
        out[band_of(bands, fen).label] += 1
    return out


def totals(rows: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The sum of each money field of the report's rows (fen)."""
    out = dict.fromkeys(SUMMARY_MONEY, 0)
    for row in rows:
        for name in SUMMARY_MONEY:
            out[name] += row[name]
    return out
