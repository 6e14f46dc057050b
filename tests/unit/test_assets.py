"""The rules of depreciation and of the vouchers of asset changes, as pure functions."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from coopledger.domain.assets import (
    CardState,
    DisposalFigures,
    add_months,
    disposal_lines,
    month_end,
    monthly_charge,
    residual_value,
    write_off_lines,
)
from coopledger.domain.ledger import VoucherInput, check_voucher
from coopledger.domain.vocabulary import DepreciationMethod


def _card(value: int, rate: int, life: int, start: dt.date = dt.date(2013, 12, 20)) -> CardState:
    return CardState(
        "T",
        DepreciationMethod.STRAIGHT_LINE,
        start,
        value,
        residual_value(value, rate),
        life,
        0,
    )


def _run(card: CardState, months: int) -> list[int]:
    out = []
    y, m = card.in_service.year, card.in_service.month
    for _ in range(months):
        y, m = add_months(y, m, 1)
        amount = monthly_charge(card, y, m)
        out.append(amount)
        card = CardState(
            card.code,
            card.method,
            card.in_service,
            card.value_fen,
            card.residual_fen,
            card.life_months,
            card.accumulated_fen + amount,
        )
    return out


def test_the_ovens_charge_the_same_every_month() -> None:
    assert _run(_card(12_000_00, 400, 240), 3) == [48_00, 48_00, 48_00]
    assert residual_value(240_000_00, 500) == 12_000_00
    assert month_end(2014, 2) == dt.date(2014, 2, 28) and month_end(2016, 2) == dt.date(2016, 2, 29)


def test_nothing_in_the_month_it_came_into_service() -> None:
    card = _card(1_200_00, 0, 12, dt.date(2014, 3, 31))
    assert monthly_charge(card, 2014, 3) == 0
    assert monthly_charge(card, 2014, 4) == 100_00


@given(
    value=st.integers(min_value=1, max_value=10**11),
    rate=st.integers(min_value=0, max_value=9_999),
    life=st.integers(min_value=1, max_value=240),
)
def test_over_its_life_a_card_reaches_its_residual_value_exactly(
    value: int, rate: int, life: int
) -> None:
    card = _card(value, rate, life)
    charges = _run(card, life + 3)
    assert all(c >= 0 for c in charges)
    assert sum(charges) == value - residual_value(value, rate)
    assert charges[life:] == [0, 0, 0]  # and never below it afterwards
    if charges[: life - 1]:
        # as even as the fen allow: every month but the last within a fen of each other
        assert max(charges[: life - 1]) - min(charges[: life - 1]) <= 1


@given(
    value=st.integers(min_value=1, max_value=10**10),
    accumulated=st.integers(min_value=0, max_value=10**10),
    proceeds=st.integers(min_value=0, max_value=10**10),
    costs=st.integers(min_value=0, max_value=10**9),
)
def test_a_disposal_voucher_balances_and_clears_the_clearing_account(
    value: int, accumulated: int, proceeds: int, costs: int
) -> None:
    accumulated = min(accumulated, value)
    f = DisposalFigures(value, accumulated, proceeds, costs)
    lines = disposal_lines(
        f,
        asset="151",
        depreciation="152",
        clearing="154",
        counter="102",
        gain="504",
        loss="515",
        memo="处置",
    )
    check_voucher(VoucherInput(dt.date(2014, 12, 31), "处置", tuple(lines)))
    clearing = sum(ln.debit_fen - ln.credit_fen for ln in lines if ln.account == "154")
    assert clearing == 0
    result = sum(ln.credit_fen - ln.debit_fen for ln in lines if ln.account in ("504", "515"))
    assert result == f.result_fen == proceeds - costs - (value - accumulated)


@given(
    net=st.integers(min_value=1, max_value=10**10),
    compensation=st.integers(min_value=0, max_value=10**10),
)
def test_a_write_off_balances(net: int, compensation: int) -> None:
    lines = write_off_lines(
        net_fen=net,
        compensation_fen=compensation,
        pending="181",
        counter="102",
        gain="504",
        loss="515",
        memo="核销",
    )
    check_voucher(VoucherInput(dt.date(2014, 12, 31), "核销", tuple(lines)))
    assert sum(ln.credit_fen for ln in lines if ln.account == "181") == net
