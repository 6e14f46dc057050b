"""Hand-worked cases for the distribution engine (``docs/distribution.md``)."""

from __future__ import annotations

from datetime import date

import pytest

from coopledger.domain.dates import active_days as _active_days
from coopledger.domain.dates import days_in_year as _days_in_year
from coopledger.domain.distribution import (
    LARGEST_REMAINDER,
    ContractFee,
    ContractInput,
    DistributionResult,
    HolderAmount,
    PlanRates,
    ShareLotInput,
    compute_distribution,
    contract_fee,
    land_share_lots,
    share_weights,
    split_by_weight,
)
from coopledger.domain.money import round_ratio_half_up as _round_half_up

NO_RATES = PlanRates(welfare_rate_e4=0)
LR = PlanRates(welfare_rate_e4=0, dividend_method=LARGEST_REMAINDER)


def contract(
    code: str,
    member: str,
    area_e4: int,
    rent: int,
    value: int = 0,
    start: date = date(2014, 1, 1),
    end: date = date(2028, 12, 31),
) -> ContractInput:
    return ContractInput(code, member, area_e4, rent, value, start, end)


def lot(
    code: str,
    holder: str,
    amount: int,
    start: date = date(2014, 1, 1),
    end: date | None = None,
    share_class: str = "self_raised",
) -> ShareLotInput:
    return ShareLotInput(code, holder, share_class, amount, start, end)


def dividends(result: DistributionResult) -> dict[str, int]:
    return {h.code: h.dividend for h in result.holders if h.dividend}


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "den", "want"),
    [
        (0, 7, 0),
        (1, 2, 1),
        (3, 2, 2),
        (5, 2, 3),  # halves away from zero, not to even
        (-1, 2, -1),
        (-5, 2, -3),
        (7, 3, 2),
        (8, 3, 3),
        (-7, 3, -2),
        (-8, 3, -3),
        (10**30 + 1, 2 * 10**30, 1),
        (10**30 - 1, 2 * 10**30, 0),
    ],
)
def test_round_half_up(num: int, den: int, want: int) -> None:
    assert _round_half_up(num, den) == want


def test_round_half_up_rejects_bad_denominator() -> None:
    with pytest.raises(ValueError):
        _round_half_up(1, 0)


def test_days_in_year() -> None:
    assert [_days_in_year(y) for y in (2014, 2016, 1900, 2000, 2100)] == [365, 366, 365, 366, 365]


def test_active_days() -> None:
    assert _active_days(date(2014, 7, 1), date(2014, 9, 30), 2014) == 92
    assert _active_days(date(2013, 12, 1), date(2015, 1, 31), 2014) == 365
    assert _active_days(date(2016, 1, 1), None, 2016) == 366
    assert _active_days(date(2014, 12, 31), date(2014, 12, 31), 2014) == 1
    assert _active_days(date(2015, 1, 1), None, 2014) == 0
    assert _active_days(date(2012, 1, 1), date(2013, 12, 31), 2014) == 0


# --- mini, worked by hand ------------------------------------------------------------------

MINI_CONTRACTS = [
    contract("L0001", "H0001", 20000, 80000, 80000),
    contract("L0002", "H0002", 20000, 80000, 80000),
    contract("L0003", "H0003", 13500, 80000, 80000),
]
MINI_LOTS = [
    lot("S0001", "C001", 500000),
    lot("S0002", "C001", 773000, share_class="project_fund"),
]


def test_mini_by_hand() -> None:
    # A = 20000.00 − 6000.00; F = 1600 + 1600 + 1.35 × 800 = 4280.00; W = 10 % of 9720.00.
    # The mini example names largest-remainder (per-share is the default since version 2).
    r = compute_distribution(
        2014,
        2_000_000 - 600_000,
        MINI_CONTRACTS,
        MINI_LOTS,
        PlanRates(welfare_rate_e4=1000, dividend_method=LARGEST_REMAINDER),
    )
    assert r.distributable == 1_400_000
    assert [(c.code, c.fee, c.active_days) for c in r.contracts] == [
        ("L0001", 160_000, 365),
        ("L0002", 160_000, 365),
        ("L0003", 108_000, 365),
    ]
    assert r.land_fees == 428_000
    assert (r.loss_made_up, r.loss_carried, r.loss_carried_in) == (0, 0, 0)
    assert r.welfare == 97_200
    assert r.reserve == 0
    assert r.dividends == 874_800
    assert r.undistributed == 0
    # Share capital 12730.00 : 1600.00 : 1600.00 : 1080.00, all for the whole year.
    assert r.total_weight == (1_273_000 + 160_000 + 160_000 + 108_000) * 365
    # Exact shares: C001 654685 5/7, H0001 82285 5/7, H0002 82285 5/7, H0003 55542 6/7.
    # Floors sum to 874798: two fen left; 6/7 first, then the 5/7 tie by code (C001, H0001).
    assert dividends(r) == {"C001": 654_686, "H0001": 82_286, "H0002": 82_285, "H0003": 55_543}
    assert r.holders == (
        HolderAmount("C001", 0, 654_686, 1_273_000 * 365),
        HolderAmount("H0001", 160_000, 82_286, 160_000 * 365),
        HolderAmount("H0002", 160_000, 82_285, 160_000 * 365),
        HolderAmount("H0003", 108_000, 55_543, 108_000 * 365),
    )
    assert r.to_json()["holders"] == [
        {"code": "C001", "land_fee": "0.00", "transaction_return": "0.00", "dividend": "6546.86"},
        {
            "code": "H0001",
            "land_fee": "1600.00",
            "transaction_return": "0.00",
            "dividend": "822.86",
        },
        {
            "code": "H0002",
            "land_fee": "1600.00",
            "transaction_return": "0.00",
            "dividend": "822.85",
        },
        {
            "code": "H0003",
            "land_fee": "1080.00",
            "transaction_return": "0.00",
            "dividend": "555.43",
        },
    ]
    assert (r.to_json()["dividend_rate"], r.to_json()["return_rate"]) == (None, None)


def test_mini_per_share() -> None:
    # The same year split per share: 每百元 floor(874800 × 100 × 10000 × 365 / T) where
    # T = 17010.00 yuan × 365; rate 51.4285 (8748.00 / 17010.00 = 0.514285…).
    r = compute_distribution(
        2014, 2_000_000 - 600_000, MINI_CONTRACTS, MINI_LOTS, PlanRates(welfare_rate_e4=1000)
    )
    assert r.dividend_rate_e4 == 514_285
    assert r.to_json()["dividend_rate"] == "51.4285"
    # floor(capital × 0.514285): H0001 and H0002 hold the same 1,600.00 and get the same.
    assert dividends(r) == {"C001": 654_684, "H0001": 82_285, "H0002": 82_285, "H0003": 55_542}
    assert r.dividends == 874_796 and r.undistributed == 4


def test_holder_lookup() -> None:
    r = compute_distribution(2014, 1_400_000, MINI_CONTRACTS, MINI_LOTS, NO_RATES)
    found = r.holder("H0002")
    assert found is not None and found.land_fee == 160_000
    assert r.holder("H0004") is None
    assert r.holder("") is None
    assert r.holder("ZZZ") is None


def test_to_json_keys_and_money_format() -> None:
    r = compute_distribution(2014, -3_510, MINI_CONTRACTS, [], NO_RATES)
    js = r.to_json()
    assert list(js) == [
        "year",
        "distributable",
        "land_fees",
        "net_income",
        "undistributed_in",
        "loss_in",
        "available",
        "loss_made_up",
        "loss_carried",
        "welfare",
        "reserve",
        "transaction_returns",
        "return_rate",
        "dividends",
        "dividend_rate",
        "undistributed",
        "contracts",
        "holders",
    ]
    assert (js["net_income"], js["available"]) == ("-4315.10", "-4315.10")
    assert (js["dividend_rate"], js["return_rate"]) == ("0.0000", None)
    assert js["year"] == 2014
    assert js["distributable"] == "-35.10"
    assert js["land_fees"] == "4280.00"
    assert js["loss_carried"] == "4315.10"
    assert js["contracts"] == [
        {"code": "L0001", "fee": "1600.00"},
        {"code": "L0002", "fee": "1600.00"},
        {"code": "L0003", "fee": "1080.00"},
    ]
    small = compute_distribution(2014, 5, [], [], NO_RATES).to_json()
    assert small["distributable"] == "0.05"
    assert small["undistributed"] == "0.05"
    assert compute_distribution(2014, -5, [], [], NO_RATES).to_json()["distributable"] == "-0.05"


# --- the largest-remainder split ---------------------------------------------------------


def test_tie_goes_to_smaller_code() -> None:
    assert split_by_weight(1, {"B": 1, "A": 1}) == {"A": 1, "B": 0}
    assert split_by_weight(2, {"C": 1, "B": 1, "A": 1}) == {"A": 1, "B": 1, "C": 0}
    # Plain code-point order: "H10" < "H9", upper case before lower case.
    assert split_by_weight(1, {"H9": 1, "H10": 1}) == {"H10": 1, "H9": 0}
    assert split_by_weight(1, {"a": 1, "B": 1}) == {"B": 1, "a": 0}


def test_largest_fraction_beats_smaller_code() -> None:
    # 10 × 1/3 = 3 1/3, 10 × 2/3 = 6 2/3: the extra fen goes to Z (2/3 > 1/3).
    assert split_by_weight(10, {"A": 1, "Z": 2}) == {"A": 3, "Z": 7}


def test_split_skips_zero_weights_and_checks_inputs() -> None:
    assert split_by_weight(5, {"A": 0, "B": 3}) == {"B": 5}
    assert split_by_weight(0, {"A": 1, "B": 1}) == {"A": 0, "B": 0}
    with pytest.raises(ValueError):
        split_by_weight(5, {"A": 0})
    with pytest.raises(ValueError):
        split_by_weight(-1, {"A": 1})
    with pytest.raises(ValueError):
        split_by_weight(1, {"A": -1, "B": 2})


def test_tie_rule_through_the_engine() -> None:
    # Three equal holders, D = 100 fen: 33 each and one left over, to the smallest code.
    lots = [lot("S1", "H3", 1000), lot("S2", "H1", 1000), lot("S3", "H2", 1000)]
    r = compute_distribution(2014, 100, [], lots, LR)
    assert dividends(r) == {"H1": 34, "H2": 33, "H3": 33}
    # Per share (the default) the three equal holders get the same and 1 fen stays.
    r = compute_distribution(2014, 100, [], lots, NO_RATES)
    assert dividends(r) == {"H1": 33, "H2": 33, "H3": 33}
    assert r.undistributed == 1
    assert [h.code for h in r.holders] == ["H1", "H2", "H3"]


# --- T = 0 ---------------------------------------------------------------------------------


def test_no_shares_leaves_the_pool_undistributed() -> None:
    contracts = [
        contract("L0001", "H0001", 20000, 80000),
        contract("L0002", "H0002", 20000, 80000),
        contract("L0003", "H0003", 13500, 80000, start=date(2014, 7, 1), end=date(2014, 9, 30)),
    ]
    r = compute_distribution(2014, 1_400_000, contracts, [], PlanRates(welfare_rate_e4=1000))
    assert r.land_fees == 160_000 + 160_000 + 27_222  # 1.35 × 800 × 92 / 365 = 272.219…
    assert r.welfare == 105_278  # 10 % of 10527.78 = 1052.778
    assert r.total_weight == 0
    assert r.dividends == 0
    assert r.undistributed == 1_400_000 - 347_222 - 105_278
    assert [h.dividend for h in r.holders] == [0, 0, 0]
    # Identity with the undistributed pool in place of D.
    assert r.distributable == r.land_fees + r.loss_made_up + r.welfare + r.reserve + 947_500


def test_lots_outside_the_year_weigh_nothing() -> None:
    lots = [
        lot("S1", "C001", 100_000, start=date(2015, 1, 1)),
        lot("S2", "O001", 100_000, start=date(2013, 1, 1), end=date(2013, 12, 31)),
        lot("S3", "C001", 0),
    ]
    r = compute_distribution(2014, 10_000, [], lots, NO_RATES)
    assert r.total_weight == 0
    assert r.undistributed == 10_000
    assert r.holders == ()


def test_no_pool_and_no_shares_is_zero_everywhere() -> None:
    r = compute_distribution(2014, 0, [], [], PlanRates(5000, 5000))
    assert (r.welfare, r.reserve, r.dividends, r.undistributed) == (0, 0, 0, 0)
    assert r.contracts == () and r.holders == ()


# --- losses --------------------------------------------------------------------------------


def test_loss_year() -> None:
    lots = [lot("S1", "C001", 1_000_000)]
    r = compute_distribution(2014, -50_000, MINI_CONTRACTS, lots, PlanRates(3000, 333), 12_345)
    assert r.land_fees == 428_000
    assert (r.welfare, r.reserve, r.dividends, r.undistributed) == (0, 0, 0, 0)
    assert r.loss_made_up == 0
    assert r.loss_carried - r.loss_carried_in == r.land_fees - r.distributable
    assert r.loss_carried == 12_345 + 478_000
    # Fees are guaranteed: paid in full even in a loss year; nobody gets a dividend.
    assert [(h.code, h.land_fee, h.dividend) for h in r.holders] == [
        ("H0001", 160_000, 0),
        ("H0002", 160_000, 0),
        ("H0003", 108_000, 0),
    ]


def test_income_exactly_covering_fees_is_not_a_profit() -> None:
    r = compute_distribution(2014, 428_000, MINI_CONTRACTS, MINI_LOTS, PlanRates(1000), 500)
    assert (r.loss_made_up, r.loss_carried) == (0, 500)
    assert (r.welfare, r.dividends, r.undistributed) == (0, 0, 0)


def test_loss_made_up_partly() -> None:
    r = compute_distribution(
        2014, 428_000 + 30_000, MINI_CONTRACTS, MINI_LOTS, PlanRates(1000), 50_000
    )
    assert r.loss_made_up == 30_000
    assert r.loss_carried == 20_000
    assert (r.welfare, r.reserve, r.dividends, r.undistributed) == (0, 0, 0, 0)
    assert [h.dividend for h in r.holders] == [0, 0, 0]
    assert [h.code for h in r.holders] == ["H0001", "H0002", "H0003"]


def test_loss_made_up_fully_then_welfare_and_dividends() -> None:
    r = compute_distribution(
        2014, 428_000 + 80_000, MINI_CONTRACTS, MINI_LOTS, PlanRates(1000, 500), 50_000
    )
    assert r.loss_made_up == 50_000
    assert r.loss_carried == 0
    assert r.welfare == 3_000  # 10 % of R2 = 300.00
    assert r.reserve == 1_500
    assert r.dividends + r.undistributed == 25_500  # per share: a few fen may stay
    assert sum(dividends(r).values()) == r.dividends
    assert r.distributable == (
        r.land_fees + r.loss_made_up + r.welfare + r.reserve + r.dividends + r.undistributed
    )


# --- welfare and reserve -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("r2", "welfare", "reserve"),
    [
        (1, 1, 0),  # 0.5 + 0.5 would both round up to 1 fen: the cap leaves 0 for the reserve
        (3, 2, 1),  # 1.5 + 1.5 → 2 + 2 > 3: capped at 1
        (4, 2, 2),  # 2 + 2: no cap
    ],
)
def test_reserve_cap(r2: int, welfare: int, reserve: int) -> None:
    r = compute_distribution(2014, r2, [], [lot("S1", "C001", 1)], PlanRates(5000, 5000))
    assert (r.welfare, r.reserve, r.dividends) == (welfare, reserve, 0)
    assert r.welfare + r.reserve == r2


def test_welfare_rounds_half_up() -> None:
    # 12.34 % of 0.25 yuan = 3.085 fen → 3; 0.3 × 0.05 yuan = 1.5 fen → 2.
    assert compute_distribution(2014, 25, [], [], PlanRates(1234)).welfare == 3
    assert compute_distribution(2014, 5, [], [], PlanRates(3000)).welfare == 2
    r = compute_distribution(2014, 5, [], [], PlanRates(3000, 3000))
    assert (r.welfare, r.reserve, r.undistributed) == (2, 2, 1)


def test_full_welfare_rate_takes_everything() -> None:
    r = compute_distribution(2014, 1_000_000, [], [lot("S1", "C001", 1)], PlanRates(10_000))
    assert (r.welfare, r.reserve, r.dividends) == (1_000_000, 0, 0)


# --- days and dates -----------------------------------------------------------------------


def test_leap_year_day_count() -> None:
    one_day_2016 = contract(
        "L1", "H1", 10_000, 36_600, start=date(2016, 2, 29), end=date(2016, 2, 29)
    )
    one_day_2015 = contract(
        "L1", "H1", 10_000, 36_500, start=date(2015, 3, 1), end=date(2015, 3, 1)
    )
    assert contract_fee(one_day_2016, 2016) == 100  # 366.00 / 366 days
    assert contract_fee(one_day_2015, 2015) == 100  # 365.00 / 365 days
    whole = contract("L2", "H2", 13_500, 73_333)
    assert contract_fee(whole, 2016) == contract_fee(whole, 2015) == 99_000  # 989.9955 yuan
    # Jan–Feb: 60 of 366 days in 2016, 59 of 365 in 2015 (1 mu at 366.00 and 365.00).
    jan_feb = contract("L3", "H3", 10_000, 36_600, start=date(2014, 1, 1), end=date(2016, 2, 29))
    assert contract_fee(jan_feb, 2016) == 6_000
    assert contract_fee(jan_feb, 2015) == 36_600  # whole 2015
    short = contract("L4", "H4", 10_000, 36_500, start=date(2015, 1, 1), end=date(2015, 2, 28))
    assert contract_fee(short, 2015) == 5_900
    r = compute_distribution(2016, 0, [one_day_2016], [], NO_RATES)
    assert r.contracts == (ContractFee("L1", "H1", 100, 1),)


def test_contract_starting_and_ending_mid_year() -> None:
    starts = contract("L1", "H1", 20_000, 80_000, start=date(2014, 7, 1))  # 184 days of 2014
    ends = contract("L2", "H2", 20_000, 80_000, end=date(2014, 3, 31))  # 90 days of 2014
    assert contract_fee(starts, 2014) == _round_half_up(2 * 80_000 * 184, 365)
    assert contract_fee(starts, 2014) == 80_658  # 806.575… → 806.58
    assert contract_fee(ends, 2014) == 39_452  # 394.520… → 394.52
    assert contract_fee(ends, 2015) == 0
    assert contract_fee(starts, 2013) == 0
    r = compute_distribution(2015, 0, [starts, ends], [], NO_RATES)
    assert [c.code for c in r.contracts] == ["L1"]  # L2 is over: not listed


def test_contract_spanning_new_year() -> None:
    c = contract("L1", "H1", 10_000, 36_500, start=date(2014, 12, 30), end=date(2015, 1, 2))
    assert contract_fee(c, 2014) == 200
    assert contract_fee(c, 2015) == 200


def test_red_fund_lot_ending_mid_year() -> None:
    lots = [
        lot("S0001", "C001", 100_000_00),
        lot("S0003", "O001", 100_000_00, end=date(2014, 6, 30), share_class="red_fund"),
    ]
    weights = share_weights(lots, 2014)
    assert weights == {"C001": 100_000_00 * 365, "O001": 100_000_00 * 181}
    r = compute_distribution(2014, 546_00, [], lots, NO_RATES)
    # 546.00 × 181 / 546 = 181.00 for the Party branch, 365.00 for the collective.
    assert dividends(r) == {"C001": 365_00, "O001": 181_00}
    later = compute_distribution(2015, 546_00, [], lots, NO_RATES)
    assert dividends(later) == {"C001": 546_00}


def test_first_and_last_day_of_year() -> None:
    first = lot("S1", "A", 1000, start=date(2014, 1, 1), end=date(2014, 1, 1))
    last = lot("S2", "B", 1000, start=date(2014, 12, 31))
    assert share_weights([first, last], 2014) == {"A": 1000, "B": 1000}


# --- land share lots ------------------------------------------------------------------------


def test_land_share_lots() -> None:
    cs = [
        contract("L0001", "H1", 13_500, 80_000, 80_000),
        contract("L0002", "H2", 20_000, 80_000, 0),  # share value 0: no lot
        contract("L0003", "H3", 12_345, 1, 73_333, end=date(2020, 5, 5)),
    ]
    got = land_share_lots(cs)
    assert got == [
        ShareLotInput("L0001", "H1", "land", 108_000, date(2014, 1, 1), date(2028, 12, 31)),
        # 1.2345 × 733.33 = 905.295885 → 905.30
        ShareLotInput("L0003", "H3", "land", 90_530, date(2014, 1, 1), date(2020, 5, 5)),
    ]


def test_share_value_zero_gives_no_weight() -> None:
    r = compute_distribution(2014, 100_000, [contract("L1", "H1", 10_000, 100, 0)], [], NO_RATES)
    assert r.total_weight == 0
    assert r.undistributed == 100_000 - 100
    assert r.holders == (HolderAmount("H1", 100, 0, 0),)


def test_engine_adds_land_lots_itself() -> None:
    cs = [contract("L1", "H1", 12_345, 80_000, 73_333, start=date(2014, 3, 1))]
    lots = [lot("S1", "H1", 5_000), lot("S2", "C001", 7_000)]
    r = compute_distribution(2014, 10_000_000, cs, lots, NO_RATES)
    want = share_weights([*lots, *land_share_lots(cs)], 2014)
    assert r.total_weight == sum(want.values())
    assert {h.code: h.weight for h in r.holders} == want


def test_zero_fee_member_is_not_a_holder_but_contract_is_listed() -> None:
    # 0.0001 mu × 0.10 yuan: 0.001 fen, rounds to 0.
    r = compute_distribution(2014, 0, [contract("L1", "H1", 1, 10)], [], NO_RATES)
    assert r.contracts == (ContractFee("L1", "H1", 0, 365),)
    assert r.holders == ()


def test_half_fen_fee_rounds_up() -> None:
    assert contract_fee(contract("L1", "H1", 1, 5_000), 2014) == 1  # 0.0001 × 50.00 = 0.5 fen


def test_members_with_several_contracts_and_lots() -> None:
    cs = [
        contract("L2", "H1", 10_000, 36_500, 10_000),
        contract("L1", "H1", 10_000, 36_500, 10_000, start=date(2014, 7, 2)),
    ]
    r = compute_distribution(2014, 1_000_000, cs, [lot("S1", "H1", 5_000)], LR)
    assert [c.code for c in r.contracts] == ["L1", "L2"]
    holder = r.holder("H1")
    assert holder is not None
    assert holder.land_fee == 36_500 + 18_300
    assert holder.dividend == 1_000_000 - 54_800
    assert holder.weight == 10_000 * 365 + 10_000 * 183 + 5_000 * 365


# --- input guards ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plan", "loss_in", "message"),
    [
        (PlanRates(-1), 0, "welfare rate"),
        (PlanRates(10_001), 0, "welfare rate"),
        (PlanRates(0, -1), 0, "reserve rate"),
        (PlanRates(0, 10_001), 0, "reserve rate"),
        (PlanRates(6000, 4001), 0, "must not exceed 1"),
        (PlanRates(0), -1, "loss carried in"),
    ],
)
def test_bad_plan_is_refused(plan: PlanRates, loss_in: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_distribution(2014, 0, [], [], plan, loss_in)


def test_rates_at_the_limits_are_accepted() -> None:
    compute_distribution(2014, 100, [], [], PlanRates(10_000, 0))
    compute_distribution(2014, 100, [], [], PlanRates(0, 10_000))
    compute_distribution(2014, 100, [], [], PlanRates(4000, 6000))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (contract("L9", "H1", 0, 100), "L9: area must be greater than 0"),
        (contract("L9", "H1", -5, 100), "area"),
        (contract("L9", "H1", 100, -1), "rent per mu must not be negative"),
        (contract("L9", "H1", 100, 1, -1), "share value per mu must not be negative"),
        (
            contract("L9", "H1", 100, 1, 0, start=date(2014, 2, 1), end=date(2014, 1, 31)),
            "end 2014-01-31 is before start 2014-02-01",
        ),
        (contract("L1", "H2", 100, 1), "L1: duplicate contract code"),
    ],
)
def test_bad_contract_is_refused(bad: ContractInput, message: str) -> None:
    good = contract("L1", "H1", 100, 1)
    with pytest.raises(ValueError, match=message):
        compute_distribution(2014, 0, [good, bad], [], NO_RATES)


def test_contract_fee_checks_its_contract() -> None:
    with pytest.raises(ValueError, match="area"):
        contract_fee(contract("L9", "H1", 0, 100), 2014)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (lot("S9", "C001", -1), "S9: amount must not be negative"),
        (lot("S9", "C001", 1, start=date(2014, 5, 1), end=date(2014, 4, 30)), "before start"),
        (lot("S9", "C001", 1, share_class="gold"), "unknown share class 'gold'"),
    ],
)
def test_bad_lot_is_refused(bad: ShareLotInput, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_distribution(2014, 0, [], [lot("S1", "C001", 1), bad], NO_RATES)
    with pytest.raises(ValueError, match=message):
        share_weights([bad], 2014)


def test_negative_distributable_is_allowed() -> None:
    r = compute_distribution(2014, -1, [], [], NO_RATES)
    assert r.loss_carried == 1


# --- version 2: carry-forward, per-share, cooperative returns ----------------------------

COOP = PlanRates(0, 1000, cooperative=True)


def test_undistributed_balance_joins_the_next_pool() -> None:
    lots = [lot("S1", "C001", 1_000_000)]
    r = compute_distribution(2014, 1_000, [], lots, NO_RATES, 0, 7)
    assert r.undistributed_in == 7
    assert r.available == 1_007
    assert r.dividend_pool == 1_007  # P = R2 − W − Rs + U_prev
    assert r.dividends + r.undistributed == 1_007
    js = r.to_json()
    assert (js["undistributed_in"], js["loss_in"], js["available"]) == ("0.07", "0.00", "10.07")


def test_a_year_without_surplus_eats_the_undistributed_balance_first() -> None:
    lots = [lot("S1", "C001", 1_000_000)]
    # R1 = −3.00 against 5.00 carried in: 2.00 stays undistributed, no loss.
    r = compute_distribution(2014, -300, [], lots, NO_RATES, 0, 500)
    assert (r.undistributed, r.loss_carried, r.dividends) == (200, 0, 0)
    assert r.available == 200
    # R1 = −8.00 against 5.00: the balance is gone and 3.00 is a loss.
    r = compute_distribution(2014, -800, [], lots, NO_RATES, 0, 500)
    assert (r.undistributed, r.loss_carried) == (0, 300)
    assert r.available == -300
    assert (r.loss_carried - r.loss_in) - (r.undistributed - r.undistributed_in) == 800
    assert r.to_json()["dividend_rate"] == "0.0000"


def test_seven_equal_holdings_get_the_same_at_the_announced_rate() -> None:
    # distribution.md's carry-forward 2015 by hand: 20,573.54 over 10,000.00 of shares.
    lots = [lot("S0", "C001", 300_000)] + [lot(f"S{i}", f"H000{i}", 100_000) for i in range(1, 8)]
    r = compute_distribution(2015, 2_057_354, [], lots, NO_RATES)
    assert r.to_json()["dividend_rate"] == "205.7354"
    assert {h.dividend for h in r.holders if h.code != "C001"} == {205_735}
    assert r.holder("C001") == HolderAmount("C001", 0, 617_206, 300_000 * 365)
    assert r.undistributed == 3


def test_cooperative_returns_by_land_fees_then_dividends() -> None:
    cs = [contract("L1", "H1", 20_000, 80_000), contract("L2", "H2", 10_000, 80_000)]
    lots = [lot("S1", "C001", 1_000_000)]
    # F = 2,400.00; R1 = 10,000.00; Rs = 1,000.00; P = 9,000.00; Pt = 60 % = 5,400.00.
    r = compute_distribution(2014, 1_240_000, cs, lots, COOP)
    assert (r.reserve, r.return_pool, r.dividend_pool) == (100_000, 540_000, 360_000)
    # 每百元交易额返还 floor(5400 / 2400 × 100, 4 places) = 225.0000
    assert r.to_json()["return_rate"] == "225.0000"
    assert {h.code: h.transaction_return for h in r.holders} == {
        "C001": 0,
        "H1": 360_000,
        "H2": 180_000,
    }
    assert r.holder("C001") == HolderAmount("C001", 0, 360_000, 1_000_000 * 365, 0, 0)
    assert r.transaction_returns == 540_000 and r.undistributed == 0


def test_cooperative_returns_by_a_table() -> None:
    plan = PlanRates(
        0,
        0,
        cooperative=True,
        transaction_rate_e4=10_000,
        transaction_basis="table",
        transactions=(("H1", 300), ("H2", 100), ("H3", 0)),
    )
    r = compute_distribution(2014, 1_000, [], [lot("S1", "C001", 1)], plan)
    assert {h.code: h.transaction_return for h in r.holders} == {"H1": 750, "H2": 250}
    assert r.dividend_pool == 0 and r.dividends == 0
    assert r.to_json()["dividend_rate"] == "0.0000"


def test_cooperative_without_transactions_pays_all_by_shares() -> None:
    r = compute_distribution(2014, 1_000, [], [lot("S1", "C001", 1)], COOP)
    assert r.return_pool == 0 and r.no_transactions
    assert r.dividends == 900  # reserve 10 %, then the whole pool by shares
    assert r.to_json()["return_rate"] == "0.0000"


def test_the_rates_are_null_with_largest_remainder() -> None:
    plan = PlanRates(0, 0, LARGEST_REMAINDER, cooperative=True)
    cs = [contract("L1", "H1", 10_000, 100)]
    r = compute_distribution(2014, 10_100, cs, [lot("S1", "C001", 1)], plan)
    assert (r.return_rate_e4, r.dividend_rate_e4) == (None, None)
    assert r.transaction_returns + r.dividends == 10_000 and r.undistributed == 0


@pytest.mark.parametrize(
    ("plan", "carry", "message"),
    [
        (PlanRates(1000, cooperative=True), (0, 0), "no welfare fund"),
        (PlanRates(0, cooperative=True, transaction_rate_e4=5_999), (0, 0), r"\[0.6, 1\]"),
        (PlanRates(0, cooperative=True, transaction_rate_e4=10_001), (0, 0), r"\[0.6, 1\]"),
        (PlanRates(0, dividend_method="per-shares"), (0, 0), "dividend method"),
        (PlanRates(0, cooperative=True, transaction_basis="sales"), (0, 0), "basis"),
        (
            PlanRates(0, cooperative=True, transaction_basis="table", transactions=(("H1", -1),)),
            (0, 0),
            "negative",
        ),
        (NO_RATES, (0, -1), "undistributed"),
        (NO_RATES, (5, 5), "both"),
    ],
)
def test_bad_version_2_plan_is_refused(
    plan: PlanRates, carry: tuple[int, int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        compute_distribution(2014, 0, [], [], plan, *carry)


def test_dividends_by_class_add_up() -> None:
    from coopledger.domain.distribution import class_weights, dividends_by_class

    cs = [contract("L1", "H1", 10_000, 0, 100_000)]
    lots = [lot("S1", "H1", 100_000, share_class="cash"), lot("S2", "C001", 100_001)]
    r = compute_distribution(2014, 1_001, cs, lots, NO_RATES)
    by_class = dividends_by_class(
        {h.code: h.dividend for h in r.holders}, class_weights(2014, cs, lots)
    )
    assert list(by_class) == ["land", "self_raised", "cash"]
    assert sum(by_class.values()) == r.dividends
