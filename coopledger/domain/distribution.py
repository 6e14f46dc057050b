"""The year-end distribution (收益分配) waterfall, exact to the fen.

Implements ``docs/distribution.md``:

1. land transfer fees first (先付土地流转金), guaranteed even when income falls short;
2. make up losses carried in (弥补亏损);
3. the welfare fund (公益金) and the reserve fund (公积金);
4. dividends last (最后分红), split by share-days with the largest-remainder rule.

Everything is integer arithmetic on fen (money), ten-thousandths of a mu (areas) and
ten-thousandths (rates). The hot loops work on date ordinals and plain ints so that tens
of thousands of contracts and lots compute in a few tens of milliseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from coopledger.domain.dates import days_in_year
from coopledger.domain.land import ContractInput, _check_contract, contract_fee
from coopledger.domain.money import AREA_SCALE, largest_remainder_split, round_ratio_half_up
from coopledger.domain.shares import (
    SHARE_CLASSES,
    ShareLotInput,
    _check_lot,
    land_share_amount,
    land_share_lots,
    share_weights,
)

__all__ = [
    "RATE_SCALE",
    "ContractFee",
    "ContractInput",
    "DistributionResult",
    "HolderAmount",
    "PlanRates",
    "ShareLotInput",
    "compute_distribution",
    "contract_fee",
    "land_share_lots",
    "share_weights",
    "split_by_weight",
]

RATE_SCALE = 10_000
"""Rates are held in ten-thousandths: "0.10" is 1000."""


@dataclass(frozen=True, slots=True)
class PlanRates:
    """The rates of one year's distribution plan, in ten-thousandths.

    Attributes:
        welfare_rate_e4: 公益金 rate, in [0, 10000].
        reserve_rate_e4: 公积金 rate, in [0, 10000]; welfare + reserve ≤ 10000.
    """

    welfare_rate_e4: int
    reserve_rate_e4: int = 0


@dataclass(frozen=True, slots=True)
class ContractFee:
    """The land fee of one contract for the year (only contracts active ≥ 1 day)."""

    code: str
    member: str
    fee: int
    active_days: int


@dataclass(frozen=True, slots=True)
class HolderAmount:
    """What one member receives: Σ land fees of its contracts and its dividend.

    ``weight`` is the member's share-days (Σ amount_fen × active days over its lots).
    """

    code: str
    land_fee: int
    dividend: int
    weight: int


def _fen_str(fen: int) -> str:
    """Fen as a decimal string with exactly two places: 160000 → "1600.00", -3510 → "-35.10"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def _holder_code(holder: HolderAmount) -> str:
    return holder.code


@dataclass(frozen=True, slots=True)
class DistributionResult:
    """The result of one year's distribution (see the table in ``distribution.md``).

    All money in fen. ``contracts`` holds every contract active on at least one day of the
    year, sorted by code; ``holders`` every member with a non-zero land fee or dividend,
    sorted by code (plain code-point order). ``total_weight`` is T, the sum of all
    share-days; when it is 0 the dividend pool D is left ``undistributed``.
    """

    year: int
    distributable: int
    land_fees: int
    loss_made_up: int
    loss_carried: int
    loss_carried_in: int
    welfare: int
    reserve: int
    dividends: int
    undistributed: int
    contracts: tuple[ContractFee, ...]
    holders: tuple[HolderAmount, ...]
    total_weight: int

    def to_json(self) -> dict[str, object]:
        """The result as printed by ``coopledger distribute --json`` (money as "1600.00")."""
        return {
            "year": self.year,
            "distributable": _fen_str(self.distributable),
            "land_fees": _fen_str(self.land_fees),
            "loss_made_up": _fen_str(self.loss_made_up),
            "loss_carried": _fen_str(self.loss_carried),
            "welfare": _fen_str(self.welfare),
            "reserve": _fen_str(self.reserve),
            "dividends": _fen_str(self.dividends),
            "undistributed": _fen_str(self.undistributed),
            "contracts": [{"code": c.code, "fee": _fen_str(c.fee)} for c in self.contracts],
            "holders": [
                {
                    "code": h.code,
                    "land_fee": _fen_str(h.land_fee),
                    "dividend": _fen_str(h.dividend),
                }
                for h in self.holders
            ],
        }

    def holder(self, code: str) -> HolderAmount | None:
        """The amounts of member ``code``, or None if it receives nothing this year."""
        i = bisect.bisect_left(self.holders, code, key=_holder_code)
        if i < len(self.holders) and self.holders[i].code == code:
            return self.holders[i]
        return None


def split_by_weight(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``total`` fen by the largest-remainder rule of distribution.md
    (`money.largest_remainder_split`), keeping only the keys with a positive weight.

    Raises:
        ValueError: ``total`` < 0, a weight < 0, or all weights are 0.
    """
    if not any(w > 0 for w in weights.values()):
        raise ValueError("cannot split by weight: the total weight is 0")
    return largest_remainder_split(total, {key: w for key, w in weights.items() if w})


def _year_bounds(year: int) -> tuple[int, int]:
    """Proleptic ordinals of 1 January and 31 December of ``year`` (the hot loop counts
    active days on ordinals rather than dates)."""
    return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()


def _check_rates(plan: PlanRates) -> None:
    w, r = plan.welfare_rate_e4, plan.reserve_rate_e4
    if not 0 <= w <= RATE_SCALE:
        raise ValueError(f"welfare rate must be in [0, 1] (got {w}/{RATE_SCALE})")
    if not 0 <= r <= RATE_SCALE:
        raise ValueError(f"reserve rate must be in [0, 1] (got {r}/{RATE_SCALE})")
    if w + r > RATE_SCALE:
        raise ValueError(
            f"welfare rate + reserve rate must not exceed 1 (got {w + r}/{RATE_SCALE})"
        )


def _reject_lot(lot: ShareLotInput) -> NoReturn:
    """Raise the ValueError that ``lot`` deserves (called only for a lot known to be bad)."""
    _check_lot(lot)
    raise ValueError(f"share lot {lot.code}: invalid")


def compute_distribution(
    year: int,
    distributable_fen: int,
    contracts: Sequence[ContractInput],
    lots: Sequence[ShareLotInput],
    plan: PlanRates,
    loss_carried_in_fen: int = 0,
) -> DistributionResult:
    """Compute the distribution of ``year``.

    Args:
        year: the distribution year Y.
        distributable_fen: A, the year's distributable income (may be negative).
        contracts: all land contracts (any years; only those active in Y pay a fee).
        lots: the explicit share lots only; the land share lots are added here from
            ``contracts``.
        plan: the welfare and reserve rates.
        loss_carried_in_fen: L_prev ≥ 0, the loss left by the latest committed distribution.
    Returns:
        The :class:`DistributionResult`.
    Raises:
        ValueError: an input breaks a rule (rates out of range, negative loss carried in,
            area ≤ 0, negative money, end before start, unknown share class, duplicate
            contract code). The service validates user data earlier; this is a guard.
    """
    _check_rates(plan)
    if loss_carried_in_fen < 0:
        raise ValueError(f"loss carried in must not be negative (got {loss_carried_in_fen})")
    first, last = _year_bounds(year)
    fee_den = AREA_SCALE * days_in_year(year)
    fee_den2 = 2 * fee_den

    fees: dict[str, int] = {}
    weights: dict[str, int] = {}
    rows: list[ContractFee] = []
    seen: set[str] = set()
    land_fees = 0

    for c in contracts:
        code, member, area = c.code, c.member, c.area_e4
        rent, value = c.rent_per_mu_fen, c.share_value_per_mu_fen
        s, e = c.start.toordinal(), c.end.toordinal()
        if area <= 0 or rent < 0 or value < 0 or e < s or code in seen:
            _check_contract(c)  # raises the precise message for the first four rules
            raise ValueError(f"contract {code}: duplicate contract code")
        seen.add(code)
        lo = s if s > first else first
        hi = e if e < last else last
        if hi < lo:
            continue  # not active in Y: no fee, land lot weighs 0
        active = hi - lo + 1
        fee = (2 * area * rent * active + fee_den) // fee_den2
        rows.append(ContractFee(code, member, fee, active))
        if fee:
            land_fees += fee
            fees[member] = fees.get(member, 0) + fee
        if value > 0:
            amount = land_share_amount(c)
            if amount:
                weights[member] = weights.get(member, 0) + amount * active

    for lot in lots:
        amount = lot.amount_fen
        s = lot.start.toordinal()
        end = lot.end
        if end is None:
            hi = last
        else:
            e = end.toordinal()
            if e < s:
                _reject_lot(lot)
            hi = e if e < last else last
        if amount < 0 or lot.share_class not in SHARE_CLASSES:
            _reject_lot(lot)
        lo = s if s > first else first
        if hi >= lo and amount:
            holder = lot.holder
            weights[holder] = weights.get(holder, 0) + amount * (hi - lo + 1)

    # The waterfall.
    r1 = distributable_fen - land_fees
    if r1 > 0:
        made_up = min(r1, loss_carried_in_fen)
        r2 = r1 - made_up
        loss_carried = loss_carried_in_fen - made_up
    else:
        made_up = 0
        r2 = 0
        loss_carried = loss_carried_in_fen - r1
    welfare = round_ratio_half_up(plan.welfare_rate_e4 * r2, RATE_SCALE)
    reserve = min(round_ratio_half_up(plan.reserve_rate_e4 * r2, RATE_SCALE), r2 - welfare)
    pool = r2 - welfare - reserve

    total_weight = sum(weights.values())
    dividends: dict[str, int]
    if total_weight == 0:
        dividends = {}
        paid, undistributed = 0, pool
    elif pool == 0:
        dividends = {}
        paid, undistributed = 0, 0
    else:
        dividends = split_by_weight(pool, weights)
        paid, undistributed = pool, 0

    holders = tuple(
        HolderAmount(code, fees.get(code, 0), dividends.get(code, 0), weights.get(code, 0))
        for code in sorted(fees.keys() | {k for k, v in dividends.items() if v})
    )
    rows.sort(key=_contract_code)
    return DistributionResult(
        year=year,
        distributable=distributable_fen,
        land_fees=land_fees,
        loss_made_up=made_up,
        loss_carried=loss_carried,
        loss_carried_in=loss_carried_in_fen,
        welfare=welfare,
        reserve=reserve,
        dividends=paid,
        undistributed=undistributed,
        contracts=tuple(rows),
        holders=holders,
        total_weight=total_weight,
    )


def _contract_code(row: ContractFee) -> str:
    return row.code
