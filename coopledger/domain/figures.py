"""The figures of a year's distribution result, read in one place.

The statements print the distribution's own figures under the labels of ``distribution.md``
("Result of one year"): 本年收益 is ``net_income``, 年初未分配收益 ``undistributed_in`` (less
``loss_in``), 可分配收益 ``available``, 年末未分配收益 ``undistributed`` (less
``loss_carried``). Everything that reads a committed result goes through
`distribution_figures`, so that a result written by an older version still reads the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from coopledger.domain.distribution import result_json_v2

__all__ = ["DistributionFigures", "distribution_figures", "parse_fen"]


@dataclass(frozen=True, slots=True)
class DistributionFigures:
    """A year's distribution in fen, under the result's field names."""

    distributable: int = 0
    land_fees: int = 0
    net_income: int = 0
    undistributed_in: int = 0
    loss_in: int = 0
    available: int = 0
    loss_made_up: int = 0
    loss_carried: int = 0
    welfare: int = 0
    reserve: int = 0
    transaction_returns: int = 0
    dividends: int = 0
    undistributed: int = 0

    def get(self, name: str) -> int:
        value: int = getattr(self, name)
        return value

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def parse_fen(text: object) -> int:
    """A result's money string (``"1600.00"``, ``"-35.10"``) as fen.

    Raises:
        ValueError: not a decimal with at most two places.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        return text * 100
    if not isinstance(text, str):
        raise ValueError(f"not a money string: {text!r}")
    s = text.strip()
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    whole, _, frac = s.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise ValueError(f"not a money string: {text!r}")
    return sign * (int(whole) * 100 + int(frac.ljust(2, "0") or 0))


def distribution_figures(result: Mapping[str, object]) -> DistributionFigures:
    """The figures of a committed result (the object ``distribute --json`` prints and
    ``distribution.result_json`` stores); a result committed under version 1 is read in
    version 2's shape (`domain.distribution.result_json_v2`)."""
    shaped = result_json_v2(result)
    got = {n: parse_fen(shaped[n]) for n in DistributionFigures.names() if n in shaped}
    return DistributionFigures(**got)
