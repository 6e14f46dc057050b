"""Share lots and share-day weights (股份 and 按股分红 weights).

A share lot is one block of share capital held by one holder from ``start`` to an
optional ``end`` (both inclusive). Its weight for year Y is ``amount_fen × active days``;
a holder's weight is the sum over its lots. Each land contract with a share value per mu
also yields a land share lot (土地折资入股) of ``round_half_up(area × share_value_per_mu)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from coopledger.domain.dates import active_days
from coopledger.domain.land import ContractInput
from coopledger.domain.money import AREA_SCALE, round_ratio_half_up
from coopledger.domain.vocabulary import ShareClass

__all__ = [
    "LAND_SHARE_CLASS",
    "SHARE_CLASSES",
    "ShareLotInput",
    "land_share_amount",
    "land_share_lots",
    "land_share_of",
    "share_weights",
]

LAND_SHARE_CLASS = ShareClass.LAND
"""The class of the share lots that follow from land contracts."""

SHARE_CLASSES: frozenset[str] = frozenset(ShareClass)
"""Known share classes (the book format lists all but ``land``, which is derived)."""


@dataclass(frozen=True, slots=True)
class ShareLotInput:
    """One block of share capital.

    Attributes:
        code: lot code, e.g. "S0001" (a land share lot carries its contract's code).
        holder: code of the member holding the lot.
        share_class: one of :data:`SHARE_CLASSES`.
        amount_fen: share capital in fen, ≥ 0.
        start: first day held (inclusive).
        end: last day held (inclusive), or None while open.
    """

    code: str
    holder: str
    share_class: str
    amount_fen: int
    start: date
    end: date | None


def _check_lot(lot: ShareLotInput) -> None:
    """Raise ValueError if ``lot`` breaks an input rule of the engine."""
    if lot.share_class not in SHARE_CLASSES:
        raise ValueError(f"share lot {lot.code}: unknown share class {lot.share_class!r}")
    if lot.amount_fen < 0:
        raise ValueError(
            f"share lot {lot.code}: amount must not be negative (got {lot.amount_fen})"
        )
    if lot.end is not None and lot.end < lot.start:
        raise ValueError(
            f"share lot {lot.code}: end {lot.end.isoformat()} is before start "
            f"{lot.start.isoformat()}"
        )


def land_share_of(area_e4: int, share_value_per_mu_fen: int) -> int:
    """The land share capital (土地折资入股) of ``area_e4`` ten-thousandths of a mu valued at
    ``share_value_per_mu_fen`` a mu: round_half_up(area × value), in fen. The one rule:
    the contract stores the result when it is saved (``land_share_amount_fen``), and every
    reader takes the stored amount."""
    return round_ratio_half_up(area_e4 * share_value_per_mu_fen, AREA_SCALE)


def land_share_amount(contract: ContractInput) -> int:
    """Share capital in fen that ``contract`` brings: its stored amount, or (for a contract
    not saved yet) `land_share_of` its area and share value."""
    stored = contract.land_share_amount_fen
    if stored is not None:
        return stored
    return land_share_of(contract.area_e4, contract.share_value_per_mu_fen)


def land_share_lots(contracts: Iterable[ContractInput]) -> list[ShareLotInput]:
    """The land share lots that follow from ``contracts``.

    Args:
        contracts: land contracts.
    Returns:
        One lot per contract with ``share_value_per_mu_fen > 0``, in input order: holder =
        the contract's member, class "land", amount = round_half_up(area × share_value_per_mu),
        the contract's start and end, code = the contract's code.
    """
    return [
        ShareLotInput(
            code=c.code,
            holder=c.member,
            share_class=LAND_SHARE_CLASS,
            amount_fen=land_share_amount(c),
            start=c.start,
            end=c.end,
        )
        for c in contracts
        if c.share_value_per_mu_fen > 0
    ]


def share_weights(lots: Iterable[ShareLotInput], year: int) -> dict[str, int]:
    """Share-day weights per holder for ``year``.

    Args:
        lots: share lots (explicit and/or land lots).
        year: the distribution year.
    Returns:
        holder code → Σ amount_fen × active days in ``year`` over the holder's lots. Every
        holder that has a lot appears, possibly with weight 0.
    Raises:
        ValueError: a lot has a negative amount or ends before it starts.
    """
    weights: dict[str, int] = {}
    for lot in lots:
        _check_lot(lot)
        weights[lot.holder] = weights.get(lot.holder, 0) + lot.amount_fen * active_days(
            lot.start, lot.end, year
        )
    return weights
