"""Properties of the distribution engine, checked with hypothesis.

Includes a slow, literal reference implementation of ``docs/distribution.md`` (Fractions
and date arithmetic, no shortcuts) that the fast integer engine must match exactly.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from coopledger.domain.distribution import (
    ContractInput,
    DistributionResult,
    PlanRates,
    ShareLotInput,
    compute_distribution,
    contract_fee,
    land_share_lots,
    split_by_weight,
)

SETTINGS = settings(max_examples=150, deadline=None)

MEMBERS = ["C001", "H0001", "H0002", "H0010", "H9", "O001", "a1"]
CLASSES = ["self_raised", "project_fund", "red_fund", "cash", "other"]


# --- reference implementation (literal, slow) ----------------------------------------------


def ref_round_half_up(x: Fraction) -> int:
    if x >= 0:
        return math.floor(x + Fraction(1, 2))
    return -math.floor(-x + Fraction(1, 2))


def ref_active(start: date, end: date | None, year: int) -> int:
    lo = max(start, date(year, 1, 1))
    hi = min(end or date(year, 12, 31), date(year, 12, 31))
    return max(0, (hi - lo).days + 1)


def ref_split(
    pool: int, weights: dict[str, int], unit: int, method: str
) -> tuple[int | None, dict[str, int]]:
    """distribution.md "Splitting a pool to the fen", literally."""
    total = sum(weights.values())
    if method == "per-share":
        if pool == 0 or total == 0:
            return 0, {}
        rate = math.floor(Fraction(pool * 100 * unit, total))
        return rate, {h: math.floor(Fraction(x * rate, 100 * unit)) for h, x in weights.items()}
    if total == 0:
        return None, {}
    raw = {h: Fraction(pool * x, total) for h, x in weights.items() if x > 0}
    parts = {h: math.floor(x) for h, x in raw.items()}
    left = pool - sum(parts.values())
    for h in sorted(raw, key=lambda h: (-(raw[h] - parts[h]), h))[:left]:
        parts[h] += 1
    return None, parts


def reference(
    year: int,
    a: int,
    contracts: list[ContractInput],
    lots: list[ShareLotInput],
    plan: PlanRates,
    l_prev: int,
    u_prev: int = 0,
) -> dict[str, object]:
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    fees = {
        c.code: ref_round_half_up(
            Fraction(c.area_e4, 10_000)
            * c.rent_per_mu_fen
            * ref_active(c.start, c.end, year)
            / days
        )
        for c in contracts
    }
    f = sum(fees.values())
    land_fee: dict[str, int] = {}
    for c in contracts:
        land_fee[c.member] = land_fee.get(c.member, 0) + fees[c.code]
    all_lots = list(lots) + [
        ShareLotInput(
            c.code,
            c.member,
            "land",
            ref_round_half_up(Fraction(c.area_e4, 10_000) * c.share_value_per_mu_fen),
            c.start,
            c.end,
        )
        for c in contracts
        if c.share_value_per_mu_fen > 0
    ]
    weight: dict[str, int] = {}
    for lot in all_lots:
        weight[lot.holder] = weight.get(lot.holder, 0) + lot.amount_fen * ref_active(
            lot.start, lot.end, year
        )
    total = sum(weight.values())
    t_weight: dict[str, int] = {}
    if plan.cooperative:
        if plan.transaction_basis == "land-fees":
            t_weight = dict(land_fee)
        else:
            for h, x in plan.transactions:
                t_weight[h] = t_weight.get(h, 0) + x
    per_share = plan.dividend_method == "per-share"
    r1 = a - f
    ret: dict[str, int] = {}
    div: dict[str, int] = {}
    if r1 <= 0:
        m = w = rs = 0
        u = max(u_prev + r1, 0)
        loss = l_prev + max(-(u_prev + r1), 0)
        d_rate = 0 if per_share else None
        r_rate = 0 if per_share and plan.cooperative else None
    else:
        m = min(r1, l_prev)
        r2, loss = r1 - m, l_prev - m
        w = ref_round_half_up(Fraction(plan.welfare_rate_e4, 10_000) * r2)
        rs = min(ref_round_half_up(Fraction(plan.reserve_rate_e4, 10_000) * r2), r2 - w)
        p = r2 - w - rs + u_prev
        pt = 0
        if plan.cooperative and sum(t_weight.values()) > 0:
            pt = ref_round_half_up(Fraction(plan.transaction_rate_e4, 10_000) * p)
        pd = p - pt
        r_rate = None
        if plan.cooperative:
            r_rate, ret = ref_split(pt, t_weight, 10_000, plan.dividend_method)
        d_rate, div = ref_split(pd, weight, 10_000 * days, plan.dividend_method)
        u = (pt - sum(ret.values())) + (pd - sum(div.values()))

    def money(x: int) -> str:
        return ("-" if x < 0 else "") + f"{abs(x) // 100}.{abs(x) % 100:02d}"

    def rate(x: int | None) -> str | None:
        return None if x is None else f"{x // 10_000}.{x % 10_000:04d}"

    codes = sorted(
        {h for h, x in land_fee.items() if x}
        | {h for h, x in ret.items() if x}
        | {h for h, x in div.items() if x}
    )
    return {
        "year": year,
        "distributable": money(a),
        "land_fees": money(f),
        "net_income": money(r1),
        "undistributed_in": money(u_prev),
        "loss_in": money(l_prev),
        "available": money(r1 + u_prev - l_prev),
        "loss_made_up": money(m),
        "loss_carried": money(loss),
        "welfare": money(w),
        "reserve": money(rs),
        "transaction_returns": money(sum(ret.values())),
        "return_rate": rate(r_rate),
        "dividends": money(sum(div.values())),
        "dividend_rate": rate(d_rate),
        "undistributed": money(u),
        "contracts": [
            {"code": c.code, "fee": money(fees[c.code])}
            for c in sorted(contracts, key=lambda c: c.code)
            if ref_active(c.start, c.end, year) > 0
        ],
        "holders": [
            {
                "code": h,
                "land_fee": money(land_fee.get(h, 0)),
                "transaction_return": money(ret.get(h, 0)),
                "dividend": money(div.get(h, 0)),
            }
            for h in codes
        ],
        "_weights": {h: wh for h, wh in weight.items() if wh},
        "_total": total,
    }


# --- strategies -------------------------------------------------------------------------------

YEARS = st.integers(min_value=2012, max_value=2017)


@st.composite
def spans(draw: st.DrawFn, year: int, open_end: bool) -> tuple[date, date | None]:
    base = date(year, 1, 1).toordinal()
    start = draw(st.integers(min_value=base - 500, max_value=base + 400))
    if open_end and draw(st.booleans()):
        return date.fromordinal(start), None
    length = draw(st.integers(min_value=0, max_value=900))
    return date.fromordinal(start), date.fromordinal(start) + timedelta(days=length)


@st.composite
def contract_lists(
    draw: st.DrawFn, year: int, area_step: int = 1, value_step: int = 1
) -> list[ContractInput]:
    n = draw(st.integers(min_value=0, max_value=8))
    out = []
    for i in range(n):
        start, end = draw(spans(year, open_end=False))
        assert end is not None
        out.append(
            ContractInput(
                code=f"L{draw(st.integers(0, 99)):02d}{i}",
                member=draw(st.sampled_from(MEMBERS)),
                area_e4=area_step * draw(st.integers(min_value=1, max_value=100_000 // area_step)),
                rent_per_mu_fen=draw(st.integers(min_value=0, max_value=200_000)),
                share_value_per_mu_fen=value_step
                * draw(st.one_of(st.just(0), st.integers(1, 200_000 // value_step))),
                start=start,
                end=end,
            )
        )
    return out


@st.composite
def lot_lists(draw: st.DrawFn, year: int) -> list[ShareLotInput]:
    n = draw(st.integers(min_value=0, max_value=8))
    out = []
    for i in range(n):
        start, end = draw(spans(year, open_end=True))
        out.append(
            ShareLotInput(
                code=f"S{i:04d}",
                holder=draw(st.sampled_from(MEMBERS)),
                share_class=draw(st.sampled_from(CLASSES)),
                amount_fen=draw(st.one_of(st.integers(0, 1000), st.integers(0, 100_000_000))),
                start=start,
                end=end,
            )
        )
    return out


@st.composite
def plans(draw: st.DrawFn) -> PlanRates:
    method = draw(st.sampled_from(["per-share", "largest-remainder"]))
    reserve_max = 10_000
    if draw(st.booleans()):
        # a cooperative-2021 book: no welfare fund, returns by transactions first
        reserve = draw(st.one_of(st.just(0), st.integers(0, 10_000)))
        basis = draw(st.sampled_from(["land-fees", "table"]))
        table: tuple[tuple[str, int], ...] = ()
        if basis == "table":
            table = tuple(
                draw(
                    st.dictionaries(
                        st.sampled_from(MEMBERS),
                        st.one_of(st.integers(0, 1000), st.integers(0, 10**9)),
                        max_size=5,
                    )
                ).items()
            )
        return PlanRates(
            0,
            reserve,
            method,
            cooperative=True,
            transaction_rate_e4=draw(st.integers(6_000, 10_000)),
            transaction_basis=basis,
            transactions=table,
        )
    welfare = draw(
        st.one_of(st.sampled_from([0, 1000, 3000, 5000, 10_000]), st.integers(0, 10_000))
    )
    reserve = draw(st.one_of(st.just(0), st.integers(0, reserve_max - welfare)))
    return PlanRates(welfare, reserve, method)


AMOUNTS = st.one_of(
    st.integers(min_value=-2_000_000, max_value=2_000_000),
    st.integers(min_value=-(10**11), max_value=10**11),
    st.integers(min_value=-3, max_value=3),
)
LOSSES = st.one_of(st.just(0), st.integers(min_value=0, max_value=5_000_000))


@st.composite
def carries(draw: st.DrawFn) -> tuple[int, int]:
    """(L_prev, U_prev): at most one of them > 0."""
    amount = draw(LOSSES)
    return (amount, 0) if draw(st.booleans()) else (0, amount)


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[int, int, list[ContractInput], list[ShareLotInput], PlanRates, int, int]:
    year = draw(YEARS)
    l_prev, u_prev = draw(carries())
    return (
        year,
        draw(AMOUNTS),
        draw(contract_lists(year)),
        draw(lot_lists(year)),
        draw(plans()),
        l_prev,
        u_prev,
    )


Scenario = tuple[int, int, list[ContractInput], list[ShareLotInput], PlanRates, int, int]


def run(s: Scenario) -> DistributionResult:
    return compute_distribution(*s)


# --- properties -------------------------------------------------------------------------------


@SETTINGS
@given(scenarios())
def test_matches_the_literal_reference(s: Scenario) -> None:
    got = run(s)
    want = reference(*s)
    assert got.to_json() == {k: v for k, v in want.items() if not k.startswith("_")}
    assert got.total_weight == want["_total"]
    weights = want["_weights"]
    assert isinstance(weights, dict)
    for h in got.holders:
        assert h.weight == weights.get(h.code, 0)


@SETTINGS
@given(scenarios())
def test_splits_stay_within_a_fen_of_the_exact_share(s: Scenario) -> None:
    r = run(s)
    assert sum(h.dividend for h in r.holders) == r.dividends
    assert sum(h.transaction_return for h in r.holders) == r.transaction_returns
    assert r.dividends <= r.dividend_pool and r.transaction_returns <= r.return_pool
    for pool, paid, total, part_of in (
        (r.dividend_pool, r.dividends, r.total_weight, lambda h: (h.dividend, h.weight)),
        (
            r.return_pool,
            r.transaction_returns,
            r.transaction_weight,
            lambda h: (h.transaction_return, h.transactions),
        ),
    ):
        if total == 0:
            assert paid == 0
            continue
        if r.dividend_method == "largest-remainder":
            assert paid == pool  # the whole pool is paid
        for h in r.holders:
            got, weight = part_of(h)
            exact = Fraction(pool * weight, total)
            assert got >= 0
            if r.dividend_method == "largest-remainder":
                assert abs(got - exact) < 1
            else:
                assert got <= exact  # floored at one announced rate: never more than exact


@SETTINGS
@given(scenarios())
def test_per_share_pays_equal_holdings_equally(s: Scenario) -> None:
    r = run(s)
    if r.dividend_method != "per-share" or r.dividend_rate_e4 is None:
        return
    unit = 100 * 10_000 * ((date(r.year + 1, 1, 1) - date(r.year, 1, 1)).days)
    for h in r.holders:
        assert h.dividend == h.weight * r.dividend_rate_e4 // unit
    # The left-over is at most one fen per holder (the floors) plus what the floored rate
    # leaves: under 1/100 fen for each 100 yuan of shares held all year.
    # Every holder with a weight counts, also one whose floored dividend is 0 (the result
    # lists only those with something to receive).
    holders = len({lot.holder for lot in s[3]} | {c.member for c in s[2]})
    if r.net_income > 0 and r.total_weight:
        left = r.dividend_pool - r.dividends
        assert 0 <= left * unit <= r.total_weight + holders * unit


@SETTINGS
@given(scenarios())
def test_fees_and_parts_are_never_negative(s: Scenario) -> None:
    r = run(s)
    assert all(c.fee >= 0 for c in r.contracts)
    assert all(c.active_days >= 1 for c in r.contracts)
    assert all(
        h.land_fee >= 0 and (h.land_fee or h.dividend or h.transaction_return) for h in r.holders
    )
    for x in (r.land_fees, r.loss_made_up, r.loss_carried, r.welfare, r.reserve):
        assert x >= 0
    assert r.dividends >= 0 and r.undistributed >= 0 and r.transaction_returns >= 0
    assert r.land_fees == sum(c.fee for c in r.contracts) == sum(h.land_fee for h in r.holders)
    year, _a, contracts, _lots, _plan, _l, _u = s
    assert r.land_fees == sum(contract_fee(c, year) for c in contracts)
    codes = [c.code for c in r.contracts]
    assert codes == sorted(codes)
    holders = [h.code for h in r.holders]
    assert holders == sorted(set(holders))


@SETTINGS
@given(scenarios())
def test_identities(s: Scenario) -> None:
    r = run(s)
    a, f, l_prev, u_prev = r.distributable, r.land_fees, r.loss_carried_in, r.undistributed_in
    r1 = a - f
    assert r.net_income == r1 and r.available == r1 + u_prev - l_prev
    assert r.loss_carried == 0 or r.undistributed == 0  # never both carried out
    if r1 > 0:
        assert a + u_prev == (
            f
            + r.loss_made_up
            + r.welfare
            + r.reserve
            + r.transaction_returns
            + r.dividends
            + r.undistributed
        )
        assert r.loss_made_up == min(r1, l_prev)
        assert r.loss_carried == l_prev - r.loss_made_up
        if r.cooperative and r.transaction_weight:
            pool = r.return_pool + r.dividend_pool
            # at least the plan's share (≥ 60 %) of the pool goes to the returns split
            assert r.return_pool * 10_000 >= 6_000 * pool - 5_000
        else:
            assert r.return_pool == 0 and r.transaction_returns == 0
    else:
        assert r.welfare == r.reserve == r.dividends == r.transaction_returns == 0
        assert r.loss_made_up == 0
        assert (r.loss_carried - l_prev) - (r.undistributed - u_prev) == f - a
        assert all(h.dividend == 0 and h.transaction_return == 0 for h in r.holders)
    if r.dividend_method == "largest-remainder":
        assert r.dividend_rate_e4 is None and r.return_rate_e4 is None
    elif not r.cooperative:
        assert r.return_rate_e4 is None


@SETTINGS
@given(scenarios(), st.integers(min_value=2, max_value=1000))
def test_scaling_explicit_lots_changes_nothing(s: Scenario, k: int) -> None:
    # With no land shares, every weight scales by k and Pd × w / T is unchanged (the
    # largest-remainder split; a per-share rate is per 100 yuan and scales by design).
    year, a, contracts, lots, plan, l_prev, u_prev = s
    plan = replace(plan, dividend_method="largest-remainder")
    contracts = [replace(c, share_value_per_mu_fen=0) for c in contracts]
    scaled = [replace(lot, amount_fen=lot.amount_fen * k) for lot in lots]
    before = compute_distribution(year, a, contracts, lots, plan, l_prev, u_prev)
    after = compute_distribution(year, a, contracts, scaled, plan, l_prev, u_prev)
    assert after.to_json() == before.to_json()
    assert after.total_weight == k * before.total_weight
    assert [h.weight for h in after.holders] == [k * h.weight for h in before.holders]


@SETTINGS
@given(
    YEARS.flatmap(
        lambda y: st.tuples(
            st.just(y),
            AMOUNTS,
            contract_lists(y, area_step=100, value_step=100),
            lot_lists(y),
            plans(),
            LOSSES,
            st.just(0),
        )
    ),
    st.integers(min_value=2, max_value=1000),
)
def test_scaling_all_capital_changes_nothing(s: Scenario, k: int) -> None:
    # Areas with two decimals and share values in whole yuan: area × value is a whole number
    # of fen, so land lots need no rounding and scale exactly with share_value_per_mu.
    year, a, contracts, lots, plan, l_prev, u_prev = s
    plan = replace(plan, dividend_method="largest-remainder")
    for lot in land_share_lots(contracts):
        assert lot.amount_fen * 10_000 == next(
            c.area_e4 * c.share_value_per_mu_fen for c in contracts if c.code == lot.code
        )
    big_contracts = [
        replace(c, share_value_per_mu_fen=c.share_value_per_mu_fen * k) for c in contracts
    ]
    big_lots = [replace(lot, amount_fen=lot.amount_fen * k) for lot in lots]
    before = compute_distribution(year, a, contracts, lots, plan, l_prev, u_prev)
    after = compute_distribution(year, a, big_contracts, big_lots, plan, l_prev, u_prev)
    assert after.to_json() == before.to_json()
    assert after.total_weight == k * before.total_weight


@SETTINGS
@given(scenarios())
def test_per_share_is_one_rate_for_everyone(s: Scenario) -> None:
    # Equal share-days get equal fen (the complaint that started version 2: 563.88 and
    # 563.87 for the same 1,000.00 of shares).
    r = run(s)
    if r.dividend_method != "per-share":
        return
    by_weight: dict[int, set[int]] = {}
    for h in r.holders:
        if h.weight:
            by_weight.setdefault(h.weight, set()).add(h.dividend)
    assert all(len(v) == 1 for v in by_weight.values())


@SETTINGS
@given(
    st.integers(min_value=0, max_value=10**12),
    st.dictionaries(
        st.text(alphabet="ABCH019a", min_size=1, max_size=4),
        st.one_of(st.integers(0, 10), st.integers(0, 10**15)),
        min_size=1,
        max_size=30,
    ),
)
def test_split_by_weight(total: int, weights: dict[str, int]) -> None:
    grand = sum(weights.values())
    if grand == 0:
        return
    shares = split_by_weight(total, weights)
    assert sum(shares.values()) == total
    assert set(shares) == {k for k, w in weights.items() if w > 0}
    raw = {k: Fraction(total * weights[k], grand) for k in shares}
    for k, x in shares.items():
        assert math.floor(raw[k]) <= x <= math.floor(raw[k]) + 1
    # Whoever got the extra fen has a fraction at least as large as anyone who did not,
    # and wins ties only with a smaller code.
    up = [k for k in shares if shares[k] > math.floor(raw[k])]
    down = [k for k in shares if shares[k] == math.floor(raw[k])]
    for u in up:
        fu = raw[u] - math.floor(raw[u])
        for d in down:
            fd = raw[d] - math.floor(raw[d])
            assert fu > fd or (fu == fd and u < d)
