"""Members, contracts and the share register through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from coopledger.domain.errors import DomainError
from coopledger.services import registers as reg
from coopledger.services.accounts import create_organisation
from coopledger.services.ledger import Ledger, verify

D = dt.date


@pytest.fixture
def book(ledger: Ledger) -> tuple[Ledger, int]:
    org = create_organisation(ledger, "测试合作社")
    reg.add_member(ledger, org, reg.MemberInput("C001", "村集体", "collective"))
    reg.add_member(ledger, org, reg.MemberInput("O001", "村党总支", "organisation"))
    reg.add_member(
        ledger,
        org,
        reg.MemberInput("H0001", "苏子柏", group="岩子脚小组", id_number="530521196503120013"),
    )
    reg.add_member(ledger, org, reg.MemberInput("H0002", "杨绍文", group="岩子脚小组"))
    return ledger, org


def contract(
    code: str, member: str, parcel: str, start: D, end: D, area: int = 2_0000
) -> reg.ContractForm:
    return reg.ContractForm(code, member, parcel, area, 800_00, 800_00, start, end)


def test_member_rules(book: tuple[Ledger, int]) -> None:
    led, org = book
    with pytest.raises(DomainError, match="already used"):
        reg.add_member(led, org, reg.MemberInput("H0001", "重复"))
    with pytest.raises(DomainError) as bad_id:
        reg.add_member(led, org, reg.MemberInput("H0003", "王五", id_number="530521196503120014"))
    assert bad_id.value.path == "member.id_number"
    assert reg.next_member_code(led, org) == "H0003"
    with pytest.raises(DomainError, match="why"):
        reg.deactivate_member(led, org, "H0002", D(2015, 1, 1), "")
    reg.deactivate_member(led, org, "H0002", D(2015, 1, 1), "迁出")
    from coopledger.services.views import get_member

    h2 = get_member(led, org, "H0002")
    assert h2 is not None
    assert not h2.active  # kept, never deleted
    assert verify(led).ok


def test_contracts_overlap_terminate_renew(book: tuple[Ledger, int]) -> None:
    led, org = book
    reg.add_contract(
        led, org, contract("L0001", "H0001", "岩子脚-03", D(2014, 1, 1), D(2016, 12, 31))
    )
    with pytest.raises(DomainError, match="already under contract L0001"):
        reg.add_contract(
            led, org, contract("L0002", "H0002", "岩子脚-03", D(2016, 6, 1), D(2018, 12, 31))
        )
    with pytest.raises(DomainError, match="household"):
        reg.add_contract(
            led, org, contract("L0003", "C001", "岩子脚-09", D(2014, 1, 1), D(2016, 12, 31))
        )
    # Terminated on 2015-06-30: 181 of 365 days of 2015, pro-rated.
    reg.terminate_contract(led, org, "L0001", D(2015, 6, 30), "改种")
    fees = {f.year: f for f in reg.fee_schedule(led, org, "L0001")}
    assert fees[2014].fee_fen == 1600_00
    assert fees[2015].active_days == 181
    assert fees[2015].fee_fen == (2 * 800_00 * 181 * 2 + 365) // (2 * 365)  # half up
    assert 2016 not in fees
    # The parcel is free again after the termination.
    reg.add_contract(
        led, org, contract("L0004", "H0002", "岩子脚-03", D(2015, 7, 1), D(2016, 12, 31))
    )
    new = reg.renew_contract(led, org, "L0004", "L0005", D(2020, 12, 31), rent_per_mu_fen=900_00)
    assert new
    assert [f.year for f in reg.fee_schedule(led, org, "L0005")] == [2017, 2018, 2019, 2020]
    assert verify(led).ok


def test_share_transfer_keeps_the_total(book: tuple[Ledger, int]) -> None:
    led, org = book
    reg.add_share_lot(led, org, reg.ShareLotForm("S0001", "H0001", "cash", 1000_00, D(2014, 1, 1)))
    before = sum(r.amount_fen for r in reg.register_as_of(led, org, D(2015, 3, 1)))
    with pytest.raises(DomainError, match="add up"):
        reg.transfer_shares(led, org, "S0001", D(2015, 3, 1), "split", [("S0002", "H0002", 500_00)])
    reg.transfer_shares(
        led,
        org,
        "S0001",
        D(2015, 3, 1),
        "split",
        [("S0002", "H0001", 600_00), ("S0003", "H0002", 400_00)],
    )
    on_day = reg.register_as_of(led, org, D(2015, 3, 1))
    assert sum(r.amount_fen for r in on_day) == before
    day_before = {r.lot_code for r in reg.register_as_of(led, org, D(2015, 2, 28))}
    assert day_before == {"S0001"}
    history = reg.holder_history(led, org, "H0002")
    assert [(h.lot_code, h.transfer_kind, h.transferred_from) for h in history] == [
        ("S0003", "split", "S0001")
    ]
    assert verify(led).ok


def test_red_fund_needs_a_term_and_matures_into_a_payable(book: tuple[Ledger, int]) -> None:
    led, org = book
    reg.add_member(led, org, reg.MemberInput("O002", "县红色基金", "organisation"))
    with pytest.raises(DomainError, match="fixed term"):
        reg.add_share_lot(
            led, org, reg.ShareLotForm("R0001", "O001", "red_fund", 100000_00, D(2014, 1, 1))
        )
    reg.add_share_lot(
        led,
        org,
        reg.ShareLotForm(
            "R0001", "O001", "red_fund", 100000_00, D(2014, 1, 1), D(2016, 12, 31), lender="O002"
        ),
    )
    assert reg.red_fund_maturities(led, org, D(2016, 12, 30)) == []
    ids = reg.red_fund_maturities(led, org, D(2017, 1, 5))
    assert len(ids) == 1
    assert reg.red_fund_maturities(led, org, D(2017, 1, 5)) == []  # once only
    from coopledger.services.books import member_statement

    statement = member_statement(led, org, "O002")
    rows = statement.rows
    assert rows[-1].credit == 100000_00 and rows[-1].date == D(2016, 12, 31)
    assert not rows[-1].information and statement.closing == -100000_00  # owed to the lender
    assert verify(led).ok
