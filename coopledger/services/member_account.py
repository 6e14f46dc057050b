"""A cooperative member's account (成员账户): contributions, quantified shares of the reserve
and of subsidy-formed property, transactions by year, returns and remaining surplus.

Everything is derived from the ledger, never typed twice: contributions are the member's
share lots (a land share lot is land management rights contributed at the agreed value per
mu); each committed year adds the member's transactions (its land fees or the plan's
table), its return and its remaining surplus as committed, its share of the year's
盈余公积 (quantified by the year's share-days, largest remainder, so the members' shares add
up to the reserve) and its equal share of what 专项基金 (state subsidies and donations turned
into property) grew by that year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from coopledger.domain.dates import active_days
from coopledger.domain.distribution import (
    COOPERATIVE_CHART,
    class_weights,
    is_member_kind,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.money import largest_remainder_split
from coopledger.domain.shares import land_share_lots
from coopledger.domain.vocabulary import Permission
from coopledger.reports.data import MemberAccount, MemberAccountEntry
from coopledger.reports.member_account import render_member_account
from coopledger.services.distribution import get_plan, slips
from coopledger.services.ledger import Ledger
from coopledger.services.registers import contract_inputs, share_lot_inputs
from coopledger.services.settings import get_setting
from coopledger.store.ledger import A, L, V
from coopledger.store.models import Distribution, Member, Organisation

#: 专项基金: property formed from state subsidies and donations, quantified to members.
SUBSIDY_FUND = "311"

_CLASS_MEMO = {
    "land": "土地经营权作价出资",
    "self_raised": "自筹资金出资",
    "project_fund": "项目资金出资",
    "red_fund": "红色基金出资",
    "cash": "现金出资",
    "other": "出资",
}


@dataclass(frozen=True, slots=True)
class MemberAccountData:
    """The account of one member: ``entries`` in date order, ``opening`` the balances at
    the start of the period, ``closing`` the balances and totals at its end."""

    member_code: str
    member_name: str
    address: str
    period_label: str
    opening: MemberAccountEntry
    entries: tuple[MemberAccountEntry, ...]
    closing: MemberAccountEntry


def _add(a: MemberAccountEntry, b: MemberAccountEntry) -> MemberAccountEntry:
    return replace(
        a,
        contribution_fen=a.contribution_fen + b.contribution_fen,
        reserve_share_fen=a.reserve_share_fen + b.reserve_share_fen,
        subsidy_share_fen=a.subsidy_share_fen + b.subsidy_share_fen,
        donation_share_fen=a.donation_share_fen + b.donation_share_fen,
        quantity_e4=(a.quantity_e4 or 0) + (b.quantity_e4 or 0) or None,
        transactions_fen=a.transactions_fen + b.transactions_fen,
        returns_fen=a.returns_fen + b.returns_fen,
        surplus_fen=a.surplus_fen + b.surplus_fen,
    )


def member_account(
    ledger: Ledger, org_id: int, code: str, *, year: int | None = None
) -> MemberAccountData:
    """The member account of ``code`` on a cooperative book, for one year (opening balances
    from the years before) or for all years. Refused on a village book (its members' own
    statement is ``member-statement``)."""
    ledger.require(Permission.READ)
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        if org is None:
            raise DomainError("org", N_("no organisation #{id}"), id=org_id)
        if org.chart != COOPERATIVE_CHART:
            raise DomainError(
                "member",
                N_(
                    "a member account (成员账户) is kept on cooperative-2021 books; use member-statement"
                ),
            )
        members = {
            m.code: m
            for m in s.execute(select(Member).where(col(Member.org_id) == org_id)).scalars()
        }
        if code not in members:
            raise DomainError("member", N_("no member {code}"), code=code)
        contracts = contract_inputs(s, org_id)
        lots = share_lot_inputs(s, org_id)
        years = [
            int(y)
            for y in s.execute(
                select(col(Distribution.year))
                .where(col(Distribution.org_id) == org_id, col(Distribution.state) == "committed")
                .order_by(col(Distribution.year))
            ).scalars()
        ]
        subsidy_growth = dict(
            s.execute(
                select(V.c.year, func.sum(L.c.credit_fen - L.c.debit_fen))
                .select_from(L.join(V, V.c.id == L.c.voucher_id).join(A, A.c.id == L.c.account_id))
                .where(
                    V.c.org_id == org_id,
                    V.c.state == "posted",
                    A.c.code.startswith(SUBSIDY_FUND),
                )
                .group_by(V.c.year)
            ).all()
        )
    member = members[code]
    # Contributions that ended are taken out up to the period's end (or the last committed
    # year's): the account never shows what has not happened yet.
    last_year = year if year is not None else (years[-1] if years else dt.date.today().year)
    horizon = dt.date(last_year, 12, 31)
    entries: list[MemberAccountEntry] = []
    for lot in [*land_share_lots(contracts), *lots]:
        if lot.holder != code or not lot.amount_fen:
            continue
        entries.append(
            MemberAccountEntry(
                lot.start,
                f"{_CLASS_MEMO.get(lot.share_class, '出资')}（{lot.code}）",
                lot.amount_fen,
            )
        )
        if lot.end is not None and lot.end < horizon:
            entries.append(
                MemberAccountEntry(lot.end, f"出资期满、退出（{lot.code}）", -lot.amount_fen)
            )
    eligible = sorted(c for c, m in members.items() if is_member_kind(m.kind) and m.active)
    for y in years:
        end = dt.date(y, 12, 31)
        slip = next((r for r in slips(ledger, org_id, y) if r.member_code == code), None)
        plan = get_plan(ledger, org_id, y)
        by_table = plan is not None and plan.transaction_basis == "table"
        if plan is not None and by_table:
            transactions = dict(plan.transactions or ()).get(code, 0)
        else:
            transactions = slip.land_fee if slip else 0
        quantity = None
        if not by_table:
            quantity = (
                sum(
                    c.area_e4
                    for c in contracts
                    if c.member == code and active_days(c.start, c.end, y)
                )
                or None
            )
        if transactions or quantity:
            basis = "交易额（按分配方案）" if by_table else "交易量（土地流转）"
            entries.append(
                MemberAccountEntry(
                    end, f"{y}年{basis}", quantity_e4=quantity, transactions_fen=transactions
                )
            )
        if slip is not None and (slip.transaction_return or slip.dividend):
            entries.append(
                MemberAccountEntry(
                    end,
                    f"{y}年盈余返还及剩余盈余分配",
                    returns_fen=slip.transaction_return,
                    surplus_fen=slip.dividend,
                )
            )
        reserve = _reserve_of(ledger, org_id, y)
        if reserve:
            weights = {
                h: sum(w.values())
                for h, w in class_weights(y, contracts, lots).items()
                if h in members and is_member_kind(members[h].kind)
            }
            share = largest_remainder_split(reserve, weights).get(code, 0) if weights else 0
            if share:
                entries.append(
                    MemberAccountEntry(end, f"{y}年公积金份额量化", reserve_share_fen=share)
                )
        growth = int(subsidy_growth.get(y, 0) or 0)
        if growth and code in eligible:
            # 平均量化: the same share for every member (the fen left over by code order).
            sign = 1 if growth > 0 else -1
            share = sign * largest_remainder_split(abs(growth), dict.fromkeys(eligible, 1))[code]
            entries.append(
                MemberAccountEntry(end, f"{y}年财政补助形成财产量化", subsidy_share_fen=share)
            )
    entries.sort(key=lambda e: e.date)
    zero = MemberAccountEntry(dt.date.min, "")
    opening = zero
    if year is not None:
        before = [e for e in entries if e.date.year < year]
        entries = [e for e in entries if e.date.year == year]
        for e in before:
            opening = _add(opening, e)
        # The flow columns restart each year: only the balances carry.
        opening = replace(
            opening,
            quantity_e4=None,
            transactions_fen=0,
            returns_fen=0,
            surplus_fen=0,
            donation_share_fen=0,
            memo="年初余额",
        )
    closing = opening
    for e in entries:
        closing = _add(closing, e)
    label = f"{year}年度" if year is not None else "全部年度"
    return MemberAccountData(
        code,
        member.name,
        member.address,
        label,
        replace(opening, memo="年初余额"),
        tuple(entries),
        replace(closing, memo="年末余额/总额"),
    )


def _reserve_of(ledger: Ledger, org_id: int, year: int) -> int:
    with ledger.read() as s:
        value = s.execute(
            select(col(Distribution.reserve_fen)).where(
                col(Distribution.org_id) == org_id,
                col(Distribution.year) == year,
                col(Distribution.state) == "committed",
            )
        ).scalar()
    return int(value or 0)


def print_member_account(
    ledger: Ledger, org_id: int, code: str, out: Path, *, year: int | None = None
) -> Path:
    """The member's account (成员账户) as a PDF page."""
    ledger.require(Permission.PRINT)
    data = member_account(ledger, org_id, code, year=year)
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
    assert org is not None
    render_member_account(
        MemberAccount(
            org_name=org.name,
            member_code=data.member_code,
            member_name=data.member_name,
            address=data.address,
            period_label=data.period_label,
            opening=data.opening,
            entries=data.entries,
            closing=data.closing,
            preparer=get_setting(ledger, "preparer", org_id) or ledger.person,
        ),
        out,
    )
    return out


def member_account_json(data: MemberAccountData) -> dict[str, object]:
    """The account as ``member-account --json`` prints it (money as "1600.00")."""
    from coopledger.domain.money import area_to_str, fen_to_str

    def entry(e: MemberAccountEntry, dated: bool) -> dict[str, object]:
        out: dict[str, object] = {"date": e.date.isoformat()} if dated else {}
        out |= {
            "memo": e.memo,
            "contribution": fen_to_str(e.contribution_fen),
            "reserve_share": fen_to_str(e.reserve_share_fen),
            "subsidy_share": fen_to_str(e.subsidy_share_fen),
            "donation_share": fen_to_str(e.donation_share_fen),
            "quantity_mu": None if e.quantity_e4 is None else area_to_str(e.quantity_e4),
            "transactions": fen_to_str(e.transactions_fen),
            "returns": fen_to_str(e.returns_fen),
            "surplus": fen_to_str(e.surplus_fen),
        }
        return out

    return {
        "member": data.member_code,
        "name": data.member_name,
        "period": data.period_label,
        "opening": entry(data.opening, False),
        "entries": [entry(e, True) for e in data.entries],
        "closing": entry(data.closing, False),
    }


__all__ = [
    "MemberAccountData",
    "member_account",
    "member_account_json",
    "print_member_account",
]
