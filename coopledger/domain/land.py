"""Land transfer contracts (土地流转合同) and the yearly land transfer fee.

A contract rents ``area`` mu of a household's land to the cooperative for a yearly
``rent_per_mu``; for year Y the fee is the rent of the days of Y the contract covers::

    fee = round_half_up(area × rent_per_mu × active / days(Y))

Units: money in integer fen, areas in integer ten-thousandths of a mu (``area_e4``:
"1.35" mu is 13500). All arithmetic is exact integer arithmetic; no floats anywhere.

The small arithmetic helpers at the top (``_round_half_up``, ``_days_in_year``,
``_active_days``) are shared with :mod:`shares` and :mod:`distribution`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["AREA_SCALE", "ContractInput", "contract_fee"]

AREA_SCALE = 10_000
"""Areas are held in ten-thousandths of a mu."""


def _round_half_up(num: int, den: int) -> int:
    """Round the exact rational ``num / den`` to the nearest integer, halves away from zero.

    Args:
        num: numerator, any sign.
        den: denominator, > 0.
    Returns:
        The rounded integer.
    """
    if den <= 0:
        raise ValueError(f"denominator must be > 0 (got {den})")
    if num >= 0:
        return (2 * num + den) // (2 * den)
    return -((-2 * num + den) // (2 * den))


def _days_in_year(year: int) -> int:
    """365 or 366 (Gregorian)."""
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


def _year_bounds(year: int) -> tuple[int, int]:
    """Proleptic ordinals of 1 January and 31 December of ``year``."""
    return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()


def _active_days(start: date, end: date | None, year: int) -> int:
    """Number of days of ``year`` inside the inclusive range [start, end] (end None = open)."""
    first, last = _year_bounds(year)
    lo = max(start.toordinal(), first)
    hi = last if end is None else min(end.toordinal(), last)
    return hi - lo + 1 if hi >= lo else 0


@dataclass(frozen=True, slots=True)
class ContractInput:
    """One land transfer contract, as the distribution engine sees it.

    Attributes:
        code: contract code, e.g. "L0001".
        member: code of the household that rents its land out.
        area_e4: area in ten-thousandths of a mu, > 0.
        rent_per_mu_fen: yearly rent per mu in fen, ≥ 0.
        share_value_per_mu_fen: share capital per mu in fen (土地折资入股), ≥ 0; 0 = no land shares.
        start: first day of the contract (inclusive).
        end: last day of the contract (inclusive), ≥ start.
    """

    code: str
    member: str
    area_e4: int
    rent_per_mu_fen: int
    share_value_per_mu_fen: int
    start: date
    end: date


def _check_contract(contract: ContractInput) -> None:
    """Raise ValueError if ``contract`` breaks an input rule of the engine."""
    code = contract.code
    if contract.area_e4 <= 0:
        raise ValueError(f"contract {code}: area must be greater than 0 (got {contract.area_e4})")
    if contract.rent_per_mu_fen < 0:
        raise ValueError(
            f"contract {code}: rent per mu must not be negative (got {contract.rent_per_mu_fen})"
        )
    if contract.share_value_per_mu_fen < 0:
        raise ValueError(
            f"contract {code}: share value per mu must not be negative "
            f"(got {contract.share_value_per_mu_fen})"
        )
    if contract.end < contract.start:
        raise ValueError(
            f"contract {code}: end {contract.end.isoformat()} is before start "
            f"{contract.start.isoformat()}"
        )


def contract_fee(contract: ContractInput, year: int) -> int:
    """The land transfer fee of ``contract`` for ``year``, in fen.

    Args:
        contract: the contract.
        year: the distribution year.
    Returns:
        round_half_up(area × rent_per_mu × active / days(year)); 0 if the contract
        covers no day of the year.
    Raises:
        ValueError: the contract breaks an input rule (area ≤ 0, negative money, end < start).
    """
    _check_contract(contract)
    active = _active_days(contract.start, contract.end, year)
    return _round_half_up(
        contract.area_e4 * contract.rent_per_mu_fen * active,
        AREA_SCALE * _days_in_year(year),
    )
