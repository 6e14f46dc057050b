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


def reference(
    year: int,
    a: int,
    contracts: list[ContractInput],
    lots: list[ShareLotInput],
    plan: PlanRates,
    l_prev: int,
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
    r1 = a - f
    if r1 > 0:
        m = min(r1, l_prev)
        r2, loss = r1 - m, l_prev - m
    else:
        m, r2, loss = 0, 0, l_prev + (-r1)
    w = ref_round_half_up(Fraction(plan.welfare_rate_e4, 10_000) * r2)
    rs = min(ref_round_half_up(Fraction(plan.reserve_rate_e4, 10_000) * r2), r2 - w)
    d = r2 - w - rs
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
    div: dict[str, int] = {}
    if total:
        raw = {h: Fraction(d * wh, total) for h, wh in weight.items() if wh > 0}
        div = {h: math.floor(x) for h, x in raw.items()}
        left = d - sum(div.values())
        for h in sorted(raw, key=lambda h: (-(raw[h] - div[h]), h))[:left]:
            div[h] += 1
    land_fee: dict[str, int] = {}
    for c in contracts:
        land_fee[c.member] = land_fee.get(c.member, 0) + fees[c.code]

    def money(x: int) -> str:
        return ("-" if x < 0 else "") + f"{abs(x) // 100}.{abs(x) % 100:02d}"

    codes = sorted({h for h, x in land_fee.items() if x} | {h for h, x in div.items() if x})
    return {
        "year": year,
        "distributable": money(a),
        "land_fees": money(f),
        "loss_made_up": money(m),
        "loss_carried": money(loss),
        "welfare": money(w),
        "reserve": money(rs),
        "dividends": money(d if total else 0),
        "undistributed": money(0 if total else d),
        "contracts": [
            {"code": c.code, "fee": money(fees[c.code])}
            for c in sorted(contracts, key=lambda c: c.code)
            if ref_active(c.start, c.end, year) > 0
        ],
        "holders": [
            {
                "code": h,
                "land_fee": money(land_fee.get(h, 0)),
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
    welfare = draw(
        st.one_of(st.sampled_from([0, 1000, 3000, 5000, 10_000]), st.integers(0, 10_000))
    )
    reserve = draw(st.one_of(st.just(0), st.integers(0, 10_000 - welfare)))
    return PlanRates(welfare, reserve)


AMOUNTS = st.one_of(
    st.integers(min_value=-2_000_000, max_value=2_000_000),
    st.integers(min_value=-(10**11), max_value=10**11),
    st.integers(min_value=-3, max_value=3),
)
LOSSES = st.one_of(st.just(0), st.integers(min_value=0, max_value=5_000_000))


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[int, int, list[ContractInput], list[ShareLotInput], PlanRates, int]:
    year = draw(YEARS)
    return (
        year,
        draw(AMOUNTS),
        draw(contract_lists(year)),
        draw(lot_lists(year)),
        draw(plans()),
        draw(LOSSES),
    )


Scenario = tuple[int, int, list[ContractInput], list[ShareLotInput], PlanRates, int]


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
def test_dividends_sum_to_the_pool_and_stay_within_a_fen(s: Scenario) -> None:
    r = run(s)
    paid = sum(h.dividend for h in r.holders)
    assert paid == r.dividends
    if r.total_weight == 0:
        assert r.dividends == 0
        return
    assert r.undistributed == 0
    pool = r.dividends
    for h in r.holders:
        exact = Fraction(pool * h.weight, r.total_weight)
        assert abs(h.dividend - exact) < 1
        assert h.dividend >= 0


@SETTINGS
@given(scenarios())
def test_fees_and_parts_are_never_negative(s: Scenario) -> None:
    r = run(s)
    assert all(c.fee >= 0 for c in r.contracts)
    assert all(c.active_days >= 1 for c in r.contracts)
    assert all(h.land_fee >= 0 and (h.land_fee or h.dividend) for h in r.holders)
    for x in (r.land_fees, r.loss_made_up, r.loss_carried, r.welfare, r.reserve):
        assert x >= 0
    assert r.dividends >= 0 and r.undistributed >= 0
    assert r.land_fees == sum(c.fee for c in r.contracts) == sum(h.land_fee for h in r.holders)
    year, _a, contracts, _lots, _plan, _l = s
    assert r.land_fees == sum(contract_fee(c, year) for c in contracts)
    codes = [c.code for c in r.contracts]
    assert codes == sorted(codes)
    holders = [h.code for h in r.holders]
    assert holders == sorted(set(holders))


@SETTINGS
@given(scenarios())
def test_identities(s: Scenario) -> None:
    r = run(s)
    a, f, l_prev = r.distributable, r.land_fees, r.loss_carried_in
    r1 = a - f
    if r1 > 0:
        # The pool D is paid as dividends, or left undistributed when T = 0 (never both).
        assert r.dividends == 0 or r.undistributed == 0
        assert a == f + r.loss_made_up + r.welfare + r.reserve + r.dividends + r.undistributed
        assert r.loss_made_up == min(r1, l_prev)
        assert r.loss_carried == l_prev - r.loss_made_up
        if r.total_weight == 0:
            assert r.dividends == 0
        else:
            assert r.undistributed == 0
    else:
        assert r.welfare == r.reserve == r.dividends == r.undistributed == 0
        assert r.loss_made_up == 0
        assert r.loss_carried - l_prev == f - a
        assert all(h.dividend == 0 for h in r.holders)


@SETTINGS
@given(scenarios(), st.integers(min_value=2, max_value=1000))
def test_scaling_explicit_lots_changes_nothing(s: Scenario, k: int) -> None:
    # With no land shares, every weight scales by k and D × w / T is unchanged.
    year, a, contracts, lots, plan, l_prev = s
    contracts = [replace(c, share_value_per_mu_fen=0) for c in contracts]
    scaled = [replace(lot, amount_fen=lot.amount_fen * k) for lot in lots]
    before = compute_distribution(year, a, contracts, lots, plan, l_prev)
    after = compute_distribution(year, a, contracts, scaled, plan, l_prev)
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
        )
    ),
    st.integers(min_value=2, max_value=1000),
)
def test_scaling_all_capital_changes_nothing(s: Scenario, k: int) -> None:
    # Areas with two decimals and share values in whole yuan: area × value is a whole number
    # of fen, so land lots need no rounding and scale exactly with share_value_per_mu.
    year, a, contracts, lots, plan, l_prev = s
    for lot in land_share_lots(contracts):
        assert lot.amount_fen * 10_000 == next(
            c.area_e4 * c.share_value_per_mu_fen for c in contracts if c.code == lot.code
        )
    big_contracts = [
        replace(c, share_value_per_mu_fen=c.share_value_per_mu_fen * k) for c in contracts
    ]
    big_lots = [replace(lot, amount_fen=lot.amount_fen * k) for lot in lots]
    before = compute_distribution(year, a, contracts, lots, plan, l_prev)
    after = compute_distribution(year, a, big_contracts, big_lots, plan, l_prev)
    assert after.to_json() == before.to_json()
    assert after.total_weight == k * before.total_weight


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
