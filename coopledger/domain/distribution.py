"""The year-end distribution (收益分配) waterfall, exact to the fen.

Implements ``docs/distribution.md`` (version 2):

1. land transfer fees first (先付土地流转金), guaranteed even when income falls short;
2. a year without a surplus eats what was carried in undistributed, then adds to the loss;
3. make up losses carried in (弥补亏损);
4. the welfare fund (公益金) and the reserve (公积金 / 盈余公积) on this year's surplus;
5. the pool: what is left plus the undistributed balance carried in (年初未分配收益);
6. on a ``cooperative-2021`` book, returns by transactions first (按交易量返还, ≥ 60 %);
7. dividends last (最后分红), by share-days.

Each pool is split ``per-share`` (one announced rate per 100 yuan, floored per holder; the
left-over stays undistributed) or by the ``largest-remainder`` rule (the whole pool paid).

Everything is integer arithmetic on fen (money), ten-thousandths of a mu (areas) and
ten-thousandths (rates). The hot loops work on date ordinals and plain ints so that tens
of thousands of contracts and lots compute in a few tens of milliseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import repeat
from typing import NamedTuple, NoReturn

from coopledger.domain.dates import days_in_year
from coopledger.domain.errors import N_
from coopledger.domain.land import ContractInput, _check_contract, contract_fee
from coopledger.domain.money import (
    AREA_SCALE,
    largest_remainder_split,
    per_share_rate_to_str,
    per_share_split,
    rate_to_str,
    round_ratio_half_up,
)
from coopledger.domain.shares import (
    LAND_SHARE_CLASS,
    SHARE_CLASSES,
    ShareLotInput,
    _check_lot,
    land_share_lots,
    land_share_of,
    share_weights,
)
from coopledger.domain.vocabulary import DividendMethod, TransactionBasis, codes

__all__ = [
    "COOPERATIVE_MIN_TRANSACTION_RATE_E4",
    "DIVIDEND_METHODS",
    "LARGEST_REMAINDER",
    "PER_SHARE",
    "RATE_SCALE",
    "RESULT_LABELS",
    "TRANSACTION_BASES",
    "ContractFee",
    "ContractInput",
    "DistributionResult",
    "HolderAmount",
    "PlanProblem",
    "PlanRates",
    "ShareLotInput",
    "class_weights",
    "compute_distribution",
    "contract_fee",
    "dividends_by_class",
    "is_member_kind",
    "land_share_lots",
    "plan_problems",
    "result_json_v2",
    "share_weights",
    "split_by_weight",
]

RATE_SCALE = 10_000
"""Rates are held in ten-thousandths: "0.10" is 1000."""

PER_SHARE = DividendMethod.PER_SHARE
LARGEST_REMAINDER = DividendMethod.LARGEST_REMAINDER
DIVIDEND_METHODS = codes(DividendMethod)
"""How a pool is split; ``per-share`` is the default since version 2."""

LAND_FEES_BASIS = TransactionBasis.LAND_FEES
TABLE_BASIS = TransactionBasis.TABLE
TRANSACTION_BASES = codes(TransactionBasis)
"""What a cooperative member's transactions are: its land fees, or a table in the plan."""

COOPERATIVE_MIN_TRANSACTION_RATE_E4 = 6_000
"""农民专业合作社法 art. 44: at least 60 % of the pool is returned by transactions."""

_SHARE_UNIT_PER_DAY = 10_000
"""100 yuan (10,000 fen) held one day: the per-share unit is this × days(Y)."""
_TRANSACTION_UNIT = 10_000
"""100 yuan of transactions, in fen."""


RESULT_LABELS: dict[str, tuple[str, str]] = {
    "distributable": ("本年经营收益（付土地流转费前）", N_("Operating result before land fees")),
    "land_fees": ("土地流转费", N_("Land transfer fees")),
    "net_income": ("本年收益（盈余）", N_("Net income of the year")),
    "undistributed_in": ("年初未分配收益", N_("Undistributed at the start of the year")),
    "loss_in": ("年初未弥补亏损", N_("Loss not made up at the start of the year")),
    "available": ("可分配收益（盈余）", N_("Available for distribution")),
    "loss_made_up": ("弥补以前年度亏损", N_("Losses of earlier years made up")),
    "loss_carried": ("年末未弥补亏损", N_("Loss not made up at the end of the year")),
    "welfare": ("提取公益金", N_("Welfare fund set aside")),
    "reserve": ("提取公积金（盈余公积）", N_("Reserve set aside")),
    "transaction_returns": ("按交易量返还", N_("Returns by transactions")),
    "return_rate": ("每百元交易额返还", N_("Return per 100 yuan of transactions")),
    "dividends": ("按股分红", N_("Dividends by shares")),
    "dividend_rate": ("每百元股金分红", N_("Dividend per 100 yuan of shares")),
    "undistributed": ("年末未分配收益", N_("Undistributed at the end of the year")),
}
"""Each result field's label on paper (distribution.md, "Result of one year") and the
English msgid the window and the command line show it under; the zh_CN catalog gives each
msgid exactly the paper's label (a test checks), so a number never carries two names."""


@dataclass(frozen=True, slots=True)
class PlanRates:
    """One year's distribution plan as the engine sees it; rates in ten-thousandths.

    Attributes:
        welfare_rate_e4: 公益金 rate, in [0, 10000]; 0 on a cooperative book.
        reserve_rate_e4: 公积金 / 盈余公积 rate, in [0, 10000]; welfare + reserve ≤ 10000.
        dividend_method: ``per-share`` (the default) or ``largest-remainder``; it splits
            both the returns and the dividends.
        cooperative: the book follows ``cooperative-2021``: returns by transactions first.
        transaction_rate_e4: share of the pool returned by transactions, in [6000, 10000]
            (cooperative books only).
        transaction_basis: ``land-fees`` (a member's transactions are its land fees of the
            year) or ``table`` (``transactions``).
        transactions: member code → transactions of the year in fen (basis ``table``).
    """

    welfare_rate_e4: int
    reserve_rate_e4: int = 0
    dividend_method: str = PER_SHARE
    cooperative: bool = False
    transaction_rate_e4: int = COOPERATIVE_MIN_TRANSACTION_RATE_E4
    transaction_basis: str = LAND_FEES_BASIS
    transactions: tuple[tuple[str, int], ...] = ()


COOPERATIVE_CHART = "cooperative-2021"
"""The chart whose books return surplus by transactions and keep no welfare fund."""

PlanProblem = tuple[str, str, dict[str, object]]
"""(field, msgid, params) of one plan error: the book parser prefixes its path
(``plans[1].welfare_rate``), the plan form names the field (``plan.welfare_rate``)."""


def plan_problems(
    chart: str,
    *,
    welfare_rate_e4: int,
    reserve_rate_e4: int,
    dividend_method: str,
    transaction_fields: Sequence[str],
    transaction_rate_e4: int | None,
    transaction_basis: str | None,
    transactions: Mapping[str, int] | None,
    members: Mapping[str, object] | None = None,
) -> list[PlanProblem]:
    """The rules of a plan that depend on the book's chart (distribution.md, "Plan"), as
    field-named problems; empty when the plan is acceptable.

    Args:
        chart: the book's chart id.
        transaction_fields: the ``transaction_*`` fields the user actually gave (refused
            on a village book, whatever their value).
        transaction_rate_e4, transaction_basis, transactions: their values (None: absent).
        members: the book's member codes, to check the transactions table against.
    """
    out: list[PlanProblem] = []
    if welfare_rate_e4 + reserve_rate_e4 > RATE_SCALE:
        out.append(
            (
                "reserve_rate",
                N_(
                    "welfare_rate + reserve_rate must not be more than 1 (got {welfare} + {reserve})"
                ),
                {"welfare": rate_to_str(welfare_rate_e4), "reserve": rate_to_str(reserve_rate_e4)},
            )
        )
    if dividend_method not in DIVIDEND_METHODS:
        out.append(
            (
                "dividend_method",
                N_("must be one of {allowed} (got {got})"),
                {"allowed": ", ".join(DIVIDEND_METHODS), "got": dividend_method},
            )
        )
    if chart != COOPERATIVE_CHART:
        for field in transaction_fields:
            out.append(
                (
                    field,
                    N_("applies only to cooperative-2021 books (this book follows {chart})"),
                    {"chart": chart},
                )
            )
        return out
    if welfare_rate_e4:
        out.append(
            (
                "welfare_rate",
                N_("a cooperative-2021 book keeps no welfare fund: must be 0 (got {got})"),
                {"got": rate_to_str(welfare_rate_e4)},
            )
        )
    if transaction_rate_e4 is not None and not (
        COOPERATIVE_MIN_TRANSACTION_RATE_E4 <= transaction_rate_e4 <= RATE_SCALE
    ):
        out.append(
            (
                "transaction_rate",
                N_(
                    "must be between 0.6 and 1: the law returns at least 60 % of the "
                    "surplus by transactions (got {got})"
                ),
                {"got": rate_to_str(transaction_rate_e4)},
            )
        )
    if transaction_basis is not None and transaction_basis not in TRANSACTION_BASES:
        out.append(
            (
                "transaction_basis",
                N_("must be one of {allowed} (got {got})"),
                {"allowed": ", ".join(TRANSACTION_BASES), "got": transaction_basis},
            )
        )
    basis = transaction_basis or LAND_FEES_BASIS
    if basis == TABLE_BASIS and transactions is None:
        out.append(
            (
                "transactions",
                N_("is required with transaction_basis table (member code → amount)"),
                {},
            )
        )
    if basis != TABLE_BASIS and transactions is not None:
        out.append(
            (
                "transactions",
                N_("is only read with transaction_basis table (the basis is {basis})"),
                {"basis": basis},
            )
        )
    for code, amount in (transactions or {}).items():
        if members is not None and code not in members:
            out.append((f"transactions.{code}", N_("no member has the code {got}"), {"got": code}))
        if amount < 0:
            out.append(
                (
                    f"transactions.{code}",
                    N_("must not be negative (got {got})"),
                    {"got": _fen_str(amount)},
                )
            )
    return out


class ContractFee(NamedTuple):
    """The land fee of one contract for the year (only contracts active ≥ 1 day).

    A named tuple rather than a dataclass: a township book has 125,000 of them."""

    code: str
    member: str
    fee: int
    active_days: int


class HolderAmount(NamedTuple):
    """What one member receives: Σ land fees of its contracts, its return by transactions
    and its dividend.

    ``weight`` is the member's share-days (Σ amount_fen × active days over its lots) and
    ``transactions`` its transaction weight t_h in fen (cooperative books; on basis
    ``land-fees`` it equals ``land_fee``). A named tuple: one per holder, 100,000 in a
    township book.
    """

    code: str
    land_fee: int
    dividend: int
    weight: int
    transaction_return: int = 0
    transactions: int = 0

    @property
    def total(self) -> int:
        """Land fee + return + dividend: what the member's slip pays."""
        return self.land_fee + self.transaction_return + self.dividend


def _fen_str(fen: int) -> str:
    """Fen as a decimal string with exactly two places: 160000 → "1600.00", -3510 → "-35.10"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def _rate_str(rate_e4: int | None) -> str | None:
    return None if rate_e4 is None else per_share_rate_to_str(rate_e4)


def _holder_code(holder: HolderAmount) -> str:
    return holder.code


@dataclass(frozen=True, slots=True)
class DistributionResult:
    """The result of one year's distribution (see the table in ``distribution.md``).

    All money in fen. ``contracts`` holds every contract active on at least one day of the
    year, sorted by code; ``holders`` every member with a non-zero land fee, return or
    dividend, sorted by code (plain code-point order). ``total_weight`` is the sum of all
    share-days and ``transaction_weight`` Σ t_h; a pool whose weight is 0 stays
    ``undistributed``. ``return_pool`` (Pt) and ``dividend_pool`` (Pd) are what the two
    splits were given; ``return_rate_e4`` / ``dividend_rate_e4`` the announced per-share
    rates (None with ``largest-remainder``, and ``return_rate_e4`` on village books).
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
    undistributed_in: int = 0
    transaction_returns: int = 0
    return_rate_e4: int | None = None
    dividend_rate_e4: int | None = None
    return_pool: int = 0
    dividend_pool: int = 0
    transaction_weight: int = 0
    cooperative: bool = False
    dividend_method: str = PER_SHARE

    @property
    def net_income(self) -> int:
        """R1 = A − F, 本年收益（盈余）."""
        return self.distributable - self.land_fees

    @property
    def loss_in(self) -> int:
        """L_prev, 年初未弥补亏损."""
        return self.loss_carried_in

    @property
    def available(self) -> int:
        """R1 + U_prev − L_prev, 可分配收益（盈余）; may be negative."""
        return self.net_income + self.undistributed_in - self.loss_carried_in

    @property
    def pool(self) -> int:
        """P, 可分配给成员的收益 (0 in a year without a surplus)."""
        return self.return_pool + self.dividend_pool

    @property
    def no_transactions(self) -> bool:
        """A cooperative year with a pool but no member transactions: the whole pool went
        to dividends (the notice says why)."""
        return self.cooperative and self.pool > 0 and self.transaction_weight == 0

    def to_json(self) -> dict[str, object]:
        """The result as printed by ``coopledger distribute --json`` (money as "1600.00")."""
        return {
            "year": self.year,
            "distributable": _fen_str(self.distributable),
            "land_fees": _fen_str(self.land_fees),
            "net_income": _fen_str(self.net_income),
            "undistributed_in": _fen_str(self.undistributed_in),
            "loss_in": _fen_str(self.loss_carried_in),
            "available": _fen_str(self.available),
            "loss_made_up": _fen_str(self.loss_made_up),
            "loss_carried": _fen_str(self.loss_carried),
            "welfare": _fen_str(self.welfare),
            "reserve": _fen_str(self.reserve),
            "transaction_returns": _fen_str(self.transaction_returns),
            "return_rate": _rate_str(self.return_rate_e4),
            "dividends": _fen_str(self.dividends),
            "dividend_rate": _rate_str(self.dividend_rate_e4),
            "undistributed": _fen_str(self.undistributed),
            "contracts": [{"code": c.code, "fee": _fen_str(c.fee)} for c in self.contracts],
            "holders": [
                {
                    "code": h.code,
                    "land_fee": _fen_str(h.land_fee),
                    "transaction_return": _fen_str(h.transaction_return),
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


def _split(
    pool: int, weights: Mapping[str, int], unit: int, method: str
) -> tuple[int | None, dict[str, int], int]:
    """Split a pool with the plan's method: (per-share rate or None, parts, left-over)."""
    if method == PER_SHARE:
        rate, parts = per_share_split(pool, weights, unit)
        return rate, parts, pool - sum(parts.values())
    if pool == 0 or not any(weights.values()):
        return None, {}, pool
    parts = split_by_weight(pool, weights)
    return None, parts, 0


def _year_bounds(year: int) -> tuple[int, int]:
    """Proleptic ordinals of 1 January and 31 December of ``year`` (the hot loop counts
    active days on ordinals rather than dates)."""
    return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()


def _check_plan(plan: PlanRates) -> None:
    w, r = plan.welfare_rate_e4, plan.reserve_rate_e4
    if not 0 <= w <= RATE_SCALE:
        raise ValueError(f"welfare rate must be in [0, 1] (got {w}/{RATE_SCALE})")
    if not 0 <= r <= RATE_SCALE:
        raise ValueError(f"reserve rate must be in [0, 1] (got {r}/{RATE_SCALE})")
    if w + r > RATE_SCALE:
        raise ValueError(
            f"welfare rate + reserve rate must not exceed 1 (got {w + r}/{RATE_SCALE})"
        )
    if plan.dividend_method not in DIVIDEND_METHODS:
        raise ValueError(f"unknown dividend method {plan.dividend_method!r}")
    if not plan.cooperative:
        return
    if w:
        raise ValueError("a cooperative book keeps no welfare fund: the welfare rate must be 0")
    t = plan.transaction_rate_e4
    if not COOPERATIVE_MIN_TRANSACTION_RATE_E4 <= t <= RATE_SCALE:
        raise ValueError(f"transaction rate must be in [0.6, 1] (got {t}/{RATE_SCALE})")
    if plan.transaction_basis not in TRANSACTION_BASES:
        raise ValueError(f"unknown transaction basis {plan.transaction_basis!r}")
    if any(amount < 0 for _, amount in plan.transactions):
        raise ValueError("transactions must not be negative")


ContractRow = tuple[str, str, int, int, int, date, date, "int | None"]
"""A contract as the engine reads it: the fields of :class:`ContractInput` in their order
(code, member, area_e4, rent_per_mu_fen, share_value_per_mu_fen, start, end,
land_share_amount_fen). The service passes the rows it reads as they come; a township book
has 125,000 contracts, and an object each costs more than the whole computation of its fee."""

LotRow = tuple[str, str, str, int, date, "date | None"]
"""A share lot as the engine reads it: the fields of :class:`ShareLotInput` in their order
(code, holder, share_class, amount_fen, start, end)."""


def contract_rows(contracts: Iterable[ContractInput]) -> list[ContractRow]:
    """``contracts`` as the engine's rows."""
    return [
        (
            c.code,
            c.member,
            c.area_e4,
            c.rent_per_mu_fen,
            c.share_value_per_mu_fen,
            c.start,
            c.end,
            c.land_share_amount_fen,
        )
        for c in contracts
    ]


def lot_rows(lots: Iterable[ShareLotInput]) -> list[LotRow]:
    """``lots`` as the engine's rows."""
    return [
        (lot.code, lot.holder, lot.share_class, lot.amount_fen, lot.start, lot.end) for lot in lots
    ]


def _reject_contracts(contracts: Sequence[ContractRow]) -> NoReturn:
    """Raise the ValueError of the first bad contract, in input order (called only once a
    problem is known): a broken input rule, or a code seen before."""
    seen: set[str] = set()
    for row in contracts:
        _check_contract(ContractInput(*row))
        if row[0] in seen:
            raise ValueError(f"contract {row[0]}: duplicate contract code")
        seen.add(row[0])
    raise AssertionError("no bad contract")  # pragma: no cover - callers know there is one


def _reject_lot(row: LotRow) -> NoReturn:
    """Raise the ValueError that the lot ``row`` deserves (called only for a bad lot)."""
    lot = ShareLotInput(*row)
    _check_lot(lot)
    raise ValueError(f"share lot {lot.code}: invalid")


def compute_distribution(
    year: int,
    distributable_fen: int,
    contracts: Sequence[ContractInput],
    lots: Sequence[ShareLotInput],
    plan: PlanRates,
    loss_carried_in_fen: int = 0,
    undistributed_in_fen: int = 0,
) -> DistributionResult:
    """Compute the distribution of ``year``.

    Args:
        year: the distribution year Y.
        distributable_fen: A, the year's operating result before land fees (may be negative).
        contracts: all land contracts (any years; only those active in Y pay a fee).
        lots: the explicit share lots only; the land share lots are added here from
            ``contracts``.
        plan: the rates, the split method and (cooperative books) the transaction rules.
        loss_carried_in_fen: L_prev ≥ 0, the loss not yet made up.
        undistributed_in_fen: U_prev ≥ 0, the undistributed balance carried in; at most one
            of the two carried amounts is > 0.
    Returns:
        The :class:`DistributionResult`.
    Raises:
        ValueError: an input breaks a rule (rates out of range, a welfare rate or a
            transaction rate below 0.6 on a cooperative book, an unknown method, negative
            or double carry-in, area ≤ 0, negative money, end before start, unknown share
            class, duplicate contract code). The service validates user data earlier;
            this is a guard.
    """
    return compute_distribution_rows(
        year,
        distributable_fen,
        contract_rows(contracts),
        lot_rows(lots),
        plan,
        loss_carried_in_fen,
        undistributed_in_fen,
    )


def compute_distribution_rows(
    year: int,
    distributable_fen: int,
    contracts: Sequence[ContractRow],
    lots: Sequence[LotRow],
    plan: PlanRates,
    loss_carried_in_fen: int = 0,
    undistributed_in_fen: int = 0,
) -> DistributionResult:
    """:func:`compute_distribution` on rows (:data:`ContractRow`, :data:`LotRow`) rather
    than objects: the same engine, what the service calls with the rows it reads."""
    _check_plan(plan)
    if loss_carried_in_fen < 0:
        raise ValueError(f"loss carried in must not be negative (got {loss_carried_in_fen})")
    if undistributed_in_fen < 0:
        raise ValueError(
            f"undistributed balance carried in must not be negative (got {undistributed_in_fen})"
        )
    if loss_carried_in_fen and undistributed_in_fen:
        raise ValueError("a loss and an undistributed balance cannot both be carried in")
    first, last = _year_bounds(year)
    diy = days_in_year(year)
    fee_den = AREA_SCALE * diy
    fee_den2 = 2 * fee_den

    fees: dict[str, int] = {}
    weights: dict[str, int] = {}
    rows: list[ContractFee] = []
    add_row = rows.append
    fee_of, weight_of = fees.get, weights.get
    new_fee = _new_fee

    # The hot loops: one pass over each input, on date ordinals and plain ints.
    for row in contracts:
        code, member, area, rent, value, start, end, stored = row
        s, e = start.toordinal(), end.toordinal()
        if area <= 0 or rent < 0 or value < 0 or e < s:
            _reject_contracts(contracts)
        lo = s if s > first else first
        hi = e if e < last else last
        if hi < lo:
            continue  # not active in Y: no fee, land lot weighs 0
        active = hi - lo + 1
        fee = (2 * area * rent * active + fee_den) // fee_den2
        add_row(new_fee((code, member, fee, active)))
        if fee:
            fees[member] = fee_of(member, 0) + fee
        if value > 0:
            amount = land_share_of(area, value) if stored is None else stored
            if amount:
                weights[member] = weight_of(member, 0) + amount * active
    if len({row[0] for row in contracts}) != len(contracts):
        _reject_contracts(contracts)
    land_fees = sum(fees.values())

    classes = SHARE_CLASSES
    for lot in lots:
        _, holder, share_class, amount, held_from, held_to = lot
        s = held_from.toordinal()
        if held_to is None:
            hi = last
        else:
            e = held_to.toordinal()
            if e < s:
                _reject_lot(lot)
            hi = e if e < last else last
        if amount < 0 or share_class not in classes:
            _reject_lot(lot)
        lo = s if s > first else first
        if hi >= lo and amount:
            weights[holder] = weight_of(holder, 0) + amount * (hi - lo + 1)

    # Transaction weights (cooperative books).
    t_weights: dict[str, int] = {}
    if plan.cooperative:
        if plan.transaction_basis == LAND_FEES_BASIS:
            t_weights = fees
        else:
            for code, amount in plan.transactions:
                if amount:
                    t_weights[code] = t_weights.get(code, 0) + amount
    transaction_weight = sum(t_weights.values())
    total_weight = sum(weights.values())

    # The waterfall.
    method = plan.dividend_method
    u_prev, l_prev = undistributed_in_fen, loss_carried_in_fen
    r1 = distributable_fen - land_fees
    returns: dict[str, int] = {}
    dividends: dict[str, int] = {}
    return_rate: int | None = None
    dividend_rate: int | None = None
    if r1 <= 0:
        # A year without a surplus: nothing is set aside or paid; the shortfall first eats
        # what was carried in undistributed.
        made_up = welfare = reserve = 0
        r_pool = d_pool = 0
        undistributed = max(u_prev + r1, 0)
        loss_carried = l_prev + max(-(u_prev + r1), 0)
        if method == PER_SHARE:
            dividend_rate = 0
            return_rate = 0 if plan.cooperative else None
    else:
        made_up = min(r1, l_prev)
        loss_carried = l_prev - made_up
        r2 = r1 - made_up
        welfare = round_ratio_half_up(plan.welfare_rate_e4 * r2, RATE_SCALE)
        reserve = min(round_ratio_half_up(plan.reserve_rate_e4 * r2, RATE_SCALE), r2 - welfare)
        pool = r2 - welfare - reserve + u_prev
        r_pool = 0
        if plan.cooperative and transaction_weight:
            r_pool = round_ratio_half_up(plan.transaction_rate_e4 * pool, RATE_SCALE)
        d_pool = pool - r_pool
        left_r = 0
        if plan.cooperative:
            return_rate, returns, left_r = _split(r_pool, t_weights, _TRANSACTION_UNIT, method)
        dividend_rate, dividends, left_d = _split(
            d_pool, weights, _SHARE_UNIT_PER_DAY * diy, method
        )
        undistributed = left_r + left_d
    paid_returns = sum(returns.values())
    paid_dividends = sum(dividends.values())

    codes = set(fees)
    codes.update([k for k, v in dividends.items() if v])
    codes.update([k for k, v in returns.items() if v])
    # One holder per member paid (100,000 in a township book): the amounts are looked up
    # and the tuples made in C (map, zip), no Python frame per holder; the tiers a village
    # book has not are not looked up.
    order = sorted(codes)
    zero = repeat(0)
    columns = [
        order,
        map(fees.get, order, zero),
        map(dividends.get, order, zero),
        map(weights.get, order, zero),
    ]
    if plan.cooperative:
        columns += [map(returns.get, order, zero), map(t_weights.get, order, zero)]
    else:
        columns += [zero, zero]  # every field given: tuple.__new__ knows no defaults
    holders = tuple(map(_new_holder, zip(*columns, strict=False)))  # zero is endless
    rows.sort(key=_contract_code)
    return DistributionResult(
        year=year,
        distributable=distributable_fen,
        land_fees=land_fees,
        loss_made_up=made_up,
        loss_carried=loss_carried,
        loss_carried_in=l_prev,
        welfare=welfare,
        reserve=reserve,
        dividends=paid_dividends,
        undistributed=undistributed,
        contracts=tuple(rows),
        holders=holders,
        total_weight=total_weight,
        undistributed_in=u_prev,
        transaction_returns=paid_returns,
        return_rate_e4=return_rate,
        dividend_rate_e4=dividend_rate,
        return_pool=r_pool,
        dividend_pool=d_pool,
        transaction_weight=transaction_weight,
        cooperative=plan.cooperative,
        dividend_method=method,
    )


def _contract_code(row: ContractFee) -> str:
    return row.code


# The named tuples made straight from a tuple of their fields (tuple.__new__, in C): the
# engine makes one per contract and per holder.
_new_fee = partial(tuple.__new__, ContractFee)
_new_holder = partial(tuple.__new__, HolderAmount)


def class_weights(
    year: int, contracts: Sequence[ContractInput], lots: Sequence[ShareLotInput]
) -> dict[str, dict[str, int]]:
    """Share-days of ``year`` per holder and share class (land lots follow the contracts,
    class ``land``): holder → class → Σ amount_fen × active days."""
    out: dict[str, dict[str, int]] = {}
    for lot in [*land_share_lots(contracts), *lots]:
        w = share_weights([lot], year).get(lot.holder, 0)
        if w:
            by_class = out.setdefault(lot.holder, {})
            by_class[lot.share_class] = by_class.get(lot.share_class, 0) + w
    return out


def dividends_by_class(
    dividends: Mapping[str, int], weights: Mapping[str, Mapping[str, int]]
) -> dict[str, int]:
    """A year's dividends (holder code → fen) broken down by share class: each holder's
    dividend is split over its classes by share-days (largest remainder), so the classes
    add up to the dividends exactly. ``weights`` is :func:`class_weights` of the year."""
    out: dict[str, int] = {}
    for code, dividend in dividends.items():
        if not dividend:
            continue
        mine = weights.get(code, {})
        if not any(mine.values()):
            raise ValueError(f"holder {code} has a dividend but no share-days")
        for cls, part in largest_remainder_split(dividend, mine).items():
            if part:
                out[cls] = out.get(cls, 0) + part
    return dict(sorted(out.items(), key=lambda kv: _class_order(kv[0])))


_CLASS_ORDER = (LAND_SHARE_CLASS, "self_raised", "project_fund", "red_fund", "cash", "other")


def _class_order(cls: str) -> int:
    return _CLASS_ORDER.index(cls) if cls in _CLASS_ORDER else len(_CLASS_ORDER)


NON_MEMBER_KINDS = frozenset({"organisation"})
"""Holders that are not members of the organisation (the Party branch receiving a red
fund's dividends): their dividends are payable through 应付款, not the member accounts."""


def is_member_kind(kind: str) -> bool:
    """Whether a holder of this kind (household, collective, organisation) is a member."""
    return kind not in NON_MEMBER_KINDS


def result_json_v2(data: Mapping[str, object]) -> dict[str, object]:
    """A stored result object in version 2's shape. A result committed under version 1
    lacks the fields version 2 added; they are filled with what they were then: nothing
    carried in undistributed, no returns, the largest-remainder split (so no rate). The
    stored text itself is never rewritten (the audit chain recorded it)."""
    if "net_income" in data:
        return dict(data)

    def fen(key: str) -> int:
        text = str(data[key])
        sign = -1 if text.startswith("-") else 1
        whole, _, cents = text.lstrip("-").partition(".")
        return sign * (int(whole) * 100 + int(cents or 0))

    r1 = fen("distributable") - fen("land_fees")
    # Version 1: L = L_prev − m in a surplus year, L = L_prev − R1 otherwise.
    loss_in = fen("loss_carried") + (fen("loss_made_up") if r1 > 0 else r1)
    holders = data.get("holders", [])
    assert isinstance(holders, list)
    return {
        "year": data["year"],
        "distributable": data["distributable"],
        "land_fees": data["land_fees"],
        "net_income": _fen_str(r1),
        "undistributed_in": _fen_str(0),
        "loss_in": _fen_str(loss_in),
        "available": _fen_str(r1 - loss_in),
        "loss_made_up": data["loss_made_up"],
        "loss_carried": data["loss_carried"],
        "welfare": data["welfare"],
        "reserve": data["reserve"],
        "transaction_returns": _fen_str(0),
        "return_rate": None,
        "dividends": data["dividends"],
        "dividend_rate": None,
        "undistributed": data["undistributed"],
        "contracts": data.get("contracts", []),
        "holders": [
            {
                "code": h["code"],
                "land_fee": h["land_fee"],
                "transaction_return": _fen_str(0),
                "dividend": h["dividend"],
            }
            for h in holders
        ],
    }
