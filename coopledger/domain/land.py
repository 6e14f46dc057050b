"""Land transfer contracts (土地流转合同) and the yearly land transfer fee.

A contract rents ``area`` mu of a household's land to the cooperative for a yearly
``rent_per_mu``; for year Y the fee is the rent of the days of Y the contract covers::

    fee = round_half_up(area × rent_per_mu × active / days(Y))

Units: money in integer fen, areas in integer ten-thousandths of a mu (``area_e4``:
"1.35" mu is 13500). All arithmetic is exact integer arithmetic; no floats anywhere.

Rounding and day counts come from :mod:`money` and :mod:`dates`, the one place each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coopledger.domain.dates import active_days, days_in_year
from coopledger.domain.money import AREA_SCALE, round_ratio_half_up

__all__ = ["AREA_SCALE", "ContractInput", "contract_fee"]


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
        land_share_amount_fen: the land share capital the contract brings, as stored when
            it was saved (None for a contract not saved yet: then
            ``shares.land_share_of(area, share value)``, the same rule).
    """

    code: str
    member: str
    area_e4: int
    rent_per_mu_fen: int
    share_value_per_mu_fen: int
    start: date
    end: date
    land_share_amount_fen: int | None = None


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
    active = active_days(contract.start, contract.end, year)
    return round_ratio_half_up(
        contract.area_e4 * contract.rent_per_mu_fen * active,
        AREA_SCALE * days_in_year(year),
    )
