"""The year-end distribution (收益分配): plans, preview, commit, reverse, payments.

The domain computes (``coopledger.domain.distribution``); this module gathers its inputs
from the ledger and posts its result, in one transaction, as ``distribution.md`` and
``domain.md`` ("How the distribution posts") say.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.distribution import DistributionResult, PlanRates, compute_distribution
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.money import fen_to_str
from coopledger.domain.vocabulary import Permission
from coopledger.services.accounts import role_account
from coopledger.services.ledger import Ledger
from coopledger.services.registers import contract_inputs, share_lot_inputs
from coopledger.services.settings import get_setting
from coopledger.services.vouchers import post_system_vouchers
from coopledger.store.ledger import A, L, M, V, closed_months
from coopledger.store.models import (
    Distribution,
    DistributionItem,
    DistributionPlan,
    Member,
    Organisation,
    table_of,
)
from coopledger.store.uow import Tx

ITEM = table_of(DistributionItem)

#: Vouchers that do not count towards a year's distributable income.
NOT_INCOME_SOURCES = ("distribution", "closing")


# -- plans -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanForm:
    """A year's plan (收益分配方案) with its 四议两公开 record."""

    year: int
    welfare_rate_e4: int
    reserve_rate_e4: int = 0
    approved_on: dt.date | None = None
    published_on: dt.date | None = None
    proposed_by: str = ""
    meeting: str = ""
    resolution: str = ""
    vote: str = ""
    notice: str = ""
    notes: str = ""


def check_plan(p: PlanForm) -> None:
    """Rates in [0, 1] with their sum ≤ 1; published on or after the adoption."""
    if not 1900 <= p.year <= 9999:
        raise DomainError("plan.year", N_("not a year: {got}"), got=p.year)
    for name, rate in (("welfare_rate", p.welfare_rate_e4), ("reserve_rate", p.reserve_rate_e4)):
        if not 0 <= rate <= 10_000:
            raise DomainError(f"plan.{name}", N_("must lie between 0 and 1"))
    if p.welfare_rate_e4 + p.reserve_rate_e4 > 10_000:
        raise DomainError("plan.reserve_rate", N_("welfare and reserve rates together exceed 1"))
    if p.approved_on and p.published_on and p.published_on < p.approved_on:
        raise DomainError(
            "plan.published_on",
            N_("the plan is published ({published}) before it was adopted ({approved})"),
            published=p.published_on,
            approved=p.approved_on,
        )


def _committed(s: Session, org_id: int, year: int | None = None) -> list[Distribution]:
    q = select(Distribution).where(
        col(Distribution.org_id) == org_id, col(Distribution.state) == "committed"
    )
    if year is not None:
        q = q.where(col(Distribution.year) == year)
    return list(s.execute(q.order_by(col(Distribution.year))).scalars())


def save_plan(ledger: Ledger, org_id: int, p: PlanForm) -> int:
    """Add or change the plan of a year; refused once that year's distribution is committed."""
    ledger.require(Permission.PREPARE_PLAN)
    check_plan(p)
    with ledger.write(org_id) as tx:
        if _committed(tx.session, org_id, p.year):
            raise DomainError(
                "plan",
                N_("the {year} distribution is committed; reverse it before changing its plan"),
                year=p.year,
            )
        row = tx.session.execute(
            select(DistributionPlan).where(
                col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == p.year
            )
        ).scalar_one_or_none()
        before = tx.state("distribution_plan", row.id) if row and row.id else None
        row = row or DistributionPlan(org_id=org_id, year=p.year)
        row.welfare_rate_e4, row.reserve_rate_e4 = p.welfare_rate_e4, p.reserve_rate_e4
        row.approved_on, row.published_on = p.approved_on, p.published_on
        row.proposed_by, row.meeting, row.resolution = p.proposed_by, p.meeting, p.resolution
        row.vote, row.notice, row.notes = p.vote, p.notice, p.notes
        row.prepared_by, row.approved_by = tx.user, ""
        tx.session.add(row)
        tx.session.flush()
        assert row.id is not None
        tx.track("save plan", "distribution_plan", row.id, before=before)
        return row.id


def approve_plan(ledger: Ledger, org_id: int, year: int) -> None:
    """The reviewer approves a plan; nobody approves a plan they prepared (once there are users)."""
    ledger.require(Permission.APPROVE_PLAN)
    with ledger.write(org_id) as tx:
        row = _plan(tx, org_id, year)
        ledger.require_other_person(row.prepared_by, "approve")
        before = tx.state("distribution_plan", row.id or 0)
        row.approved_by = tx.user
        tx.session.add(row)
        tx.track("approve plan", "distribution_plan", row.id or 0, before=before)


def _plan(tx: Tx, org_id: int, year: int) -> DistributionPlan:
    row = tx.session.execute(
        select(DistributionPlan).where(
            col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == year
        )
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("plan", N_("there is no distribution plan for {year}"), year=year)
    return row


def get_plan(ledger: Ledger, org_id: int, year: int) -> PlanForm | None:
    """The plan of a year, if any."""
    with ledger.read() as s:
        row = s.execute(
            select(DistributionPlan).where(
                col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == year
            )
        ).scalar_one_or_none()
    if row is None:
        return None
    return _plan_form(row)


def _plan_form(row: DistributionPlan) -> PlanForm:
    return PlanForm(
        row.year,
        row.welfare_rate_e4,
        row.reserve_rate_e4,
        row.approved_on,
        row.published_on,
        row.proposed_by,
        row.meeting,
        row.resolution,
        row.vote,
        row.notice,
        row.notes,
    )


def plan_years(ledger: Ledger, org_id: int) -> list[int]:
    """Years that have a plan."""
    with ledger.read() as s:
        return list(
            s.execute(
                select(col(DistributionPlan.year))
                .where(col(DistributionPlan.org_id) == org_id)
                .order_by(col(DistributionPlan.year))
            ).scalars()
        )


# -- computing -----------------------------------------------------------------------


def distributable_income(session: Session, org_id: int, year: int) -> int:
    """A: over the year's posted vouchers (except the distribution's and the closing's own),
    revenue Σ(credit − debit) − expense Σ(debit − credit)."""
    signed = case(
        (A.c.kind == "revenue", L.c.credit_fen - L.c.debit_fen),
        (A.c.kind == "expense", L.c.credit_fen - L.c.debit_fen),
        else_=0,
    )
    q = (
        select(func.coalesce(func.sum(signed), 0))
        .select_from(L.join(V, V.c.id == L.c.voucher_id).join(A, A.c.id == L.c.account_id))
        .where(
            V.c.org_id == org_id,
            V.c.year == year,
            V.c.state == "posted",
            V.c.source.not_in(NOT_INCOME_SOURCES),
            A.c.kind.in_(("revenue", "expense")),
        )
    )
    return int(session.execute(q).scalar_one())


def loss_carried_in(session: Session, org_id: int, year: int) -> int:
    """The loss left by the latest committed distribution before ``year`` (0 if none)."""
    prior = [d for d in _committed(session, org_id) if d.year < year]
    return prior[-1].loss_carried_fen if prior else 0


@dataclass(frozen=True, slots=True)
class Preview:
    """A computed distribution and what it was computed from; nothing written."""

    org_id: int
    year: int
    plan: PlanForm
    result: DistributionResult
    names: dict[str, str]
    groups: dict[str, str]
    committed: bool


def _compute(session: Session, org_id: int, year: int) -> tuple[PlanForm, DistributionResult]:
    row = session.execute(
        select(DistributionPlan).where(
            col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == year
        )
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("plan", N_("there is no distribution plan for {year}"), year=year)
    plan = _plan_form(row)
    result = compute_distribution(
        year,
        distributable_income(session, org_id, year),
        contract_inputs(session, org_id),
        share_lot_inputs(session, org_id),
        PlanRates(plan.welfare_rate_e4, plan.reserve_rate_e4),
        loss_carried_in(session, org_id, year),
    )
    return plan, result


def preview_distribution(ledger: Ledger, org_id: int, year: int) -> Preview:
    """Compute the year's distribution; writes nothing."""
    ledger.require(Permission.READ)
    with ledger.read() as s:
        plan, result = _compute(s, org_id, year)
        committed = bool(_committed(s, org_id, year))
        names, groups = {}, {}
        for code, name, group in s.execute(
            select(col(Member.code), col(Member.name), col(Member.group_name)).where(
                col(Member.org_id) == org_id
            )
        ):
            names[code], groups[code] = name, group
    return Preview(org_id, year, plan, result, names, groups, committed)


# -- commit and reverse -------------------------------------------------------------------


def check_code(
    org_name: str, year: int, member_code: str, land_fee: int, dividend: int, dist_id: int
) -> str:
    """The short code printed on a slip: ties the slip to the committed figures."""
    raw = f"{org_name}|{year}|{member_code}|{land_fee}|{dividend}|{dist_id}".encode()
    digest = hashlib.sha256(raw).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}"


def _by_group(amounts: dict[str, int], groups: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, amount in sorted(amounts.items()):
        if amount:
            out[groups.get(code, "")].append((code, amount))
    return dict(sorted(out.items()))


def commit_distribution(ledger: Ledger, org_id: int, year: int) -> int:
    """Post the year's distribution in one transaction, all or nothing; returns its id.

    Land fees: Dr 经营支出—土地流转费, Cr the member current account of each household.
    Welfare and reserve: Dr 收益分配—各项分配, Cr 公积公益金. Dividends: Dr 收益分配—各项分配,
    Cr the payable of each holder. Vouchers are dated 31 December of the year."""
    ledger.require(Permission.RUN_DISTRIBUTION)
    with ledger.write(org_id) as tx:
        return commit_distribution_in(tx, org_id, year)


def commit_distribution_in(tx: Tx, org_id: int, year: int, *, fail_after: int | None = None) -> int:
    """Inside a transaction: commit a distribution (``fail_after`` is for crash tests)."""
    s = tx.session
    org = s.get(Organisation, org_id)
    assert org is not None
    plan, result = _compute(s, org_id, year)
    missing = [
        n
        for n, v in (("approved_on", plan.approved_on), ("published_on", plan.published_on))
        if v is None
    ]
    if missing:
        raise DomainError(
            "plan." + missing[0],
            N_("the {year} plan has no {what}: record when it was adopted and published first"),
            year=year,
            what=" / ".join(missing),
        )
    for d in _committed(s, org_id):
        if d.year == year:
            raise DomainError(
                "year", N_("{year} is already committed; reverse it first"), year=year
            )
        if d.year > year:
            raise DomainError(
                "year",
                N_("{later} is already committed; years are distributed in order"),
                later=d.year,
            )
    end = dt.date(year, 12, 31)
    if (year, 12) in closed_months(s, org_id):
        raise DomainError(
            "year",
            N_("December {year} is closed; the distribution posts on 31 December"),
            year=year,
        )

    groups = dict(
        s.execute(
            select(col(Member.code), col(Member.group_name)).where(col(Member.org_id) == org_id)
        ).all()
    )
    dist = Distribution(
        org_id=org_id,
        year=year,
        plan_id=_plan(tx, org_id, year).id or 0,
        distributable_fen=result.distributable,
        land_fees_fen=result.land_fees,
        loss_carried_in_fen=result.loss_carried_in,
        loss_made_up_fen=result.loss_made_up,
        loss_carried_fen=result.loss_carried,
        welfare_fen=result.welfare,
        reserve_fen=result.reserve,
        dividends_fen=result.dividends,
        undistributed_fen=result.undistributed,
        result_json=json.dumps(result.to_json(), ensure_ascii=False),
        committed_at=dt.datetime.now(dt.UTC),
        committed_by=tx.user,
    )
    s.add(dist)
    s.flush()
    assert dist.id is not None

    fee_acc = role_account(org.chart, "land_fee_expense")
    member_acc = role_account(org.chart, "member_current")
    items_acc = role_account(org.chart, "distribution_items")
    welfare_acc = role_account(org.chart, "welfare_fund")
    reserve_acc = role_account(org.chart, "reserve_fund")
    payable_acc = role_account(org.chart, "dividend_payable")
    vouchers: list[VoucherInput] = []
    fees = {h.code: h.land_fee for h in result.holders}
    for group, rows in _by_group(fees, groups).items():
        total = sum(a for _, a in rows)
        memo = f"{year}年土地流转费" + (f"（{group}）" if group else "")
        lines = [LineInput(fee_acc, debit_fen=total, memo=memo)]
        lines += [LineInput(member_acc, credit_fen=a, member=c, memo=memo) for c, a in rows]
        vouchers.append(VoucherInput(end, memo, tuple(lines)))
    if result.welfare or result.reserve:
        memo = f"{year}年提取公益金、公积金"
        fund_lines: dict[str, int] = defaultdict(int)
        fund_lines[welfare_acc] += result.welfare
        fund_lines[reserve_acc] += result.reserve
        lines = [LineInput(items_acc, debit_fen=result.welfare + result.reserve, memo=memo)]
        lines += [
            LineInput(acc, credit_fen=amt, memo=memo) for acc, amt in fund_lines.items() if amt
        ]
        vouchers.append(VoucherInput(end, memo, tuple(lines)))
    dividends = {h.code: h.dividend for h in result.holders}
    for group, rows in _by_group(dividends, groups).items():
        total = sum(a for _, a in rows)
        memo = f"{year}年股份分红" + (f"（{group}）" if group else "")
        lines = [LineInput(items_acc, debit_fen=total, memo=memo)]
        lines += [LineInput(payable_acc, credit_fen=a, member=c, memo=memo) for c, a in rows]
        vouchers.append(VoucherInput(end, memo, tuple(lines)))
    post_system_vouchers(
        tx,
        org_id,
        vouchers,
        source="distribution",
        action=f"commit distribution {year}",
        distribution_id=dist.id,
    )
    if fail_after == 1:
        raise RuntimeError("simulated crash after posting the vouchers")

    member_ids: dict[str, int] = {
        code: mid  # a primary key, never None: the test only narrows the type
        for code, mid in s.execute(
            select(col(Member.code), col(Member.id)).where(col(Member.org_id) == org_id)
        )
        if mid is not None
    }
    # One Core insert for the slips: twenty thousand ORM objects would cost seconds.
    first_id = int(s.execute(select(func.coalesce(func.max(ITEM.c.id), 0))).scalar_one()) + 1
    items: list[dict[str, Any]] = [
        {
            "id": first_id + n - 1,
            "org_id": org_id,
            "distribution_id": dist.id,
            "member_id": member_ids[h.code],
            "land_fee_fen": h.land_fee,
            "dividend_fen": h.dividend,
            "slip_no": n,
            "check_code": check_code(org.name, year, h.code, h.land_fee, h.dividend, dist.id),
            "paid_on": None,
            "paid_method": "",
            "paid_by": "",
            "payment_voucher_id": None,
        }
        for n, h in enumerate(result.holders, start=1)
    ]
    if items:
        s.execute(insert(ITEM), items)
    if fail_after == 2:
        raise RuntimeError("simulated crash after writing the slips")
    tx.track(f"commit distribution {year}", "distribution", dist.id)
    tx.track_many(
        "distribution slips", "distribution_item", [int(i["id"]) for i in items], {"year": year}
    )
    return dist.id


def reverse_distribution(ledger: Ledger, org_id: int, year: int) -> list[int]:
    """红字冲销 of a committed distribution: red mirrors of its vouchers, and the year is
    open for a new commit. Only the latest committed year; refused once anything was paid."""
    ledger.require(Permission.RUN_DISTRIBUTION)
    with ledger.write(org_id) as tx:
        s = tx.session
        dists = _committed(s, org_id)
        mine = [d for d in dists if d.year == year]
        if not mine:
            raise DomainError("year", N_("{year} has no committed distribution"), year=year)
        dist = mine[0]
        later = [d.year for d in dists if d.year > year]
        if later:
            raise DomainError("year", N_("reverse {later} first"), later=later[-1])
        paid = s.execute(
            select(func.count())
            .select_from(DistributionItem)
            .where(
                col(DistributionItem.distribution_id) == dist.id,
                col(DistributionItem.paid_on).is_not(None),
            )
        ).scalar_one()
        if paid:
            raise DomainError(
                "year",
                N_("{n} slips of {year} are already paid; record the refunds first"),
                n=paid,
                year=year,
            )
        from coopledger.domain.ledger import reversal_memo
        from coopledger.store.ledger import ResolvedLine, ResolvedVoucher, insert_posted_vouchers

        originals = s.execute(
            select(V)
            .where(V.c.distribution_id == dist.id, V.c.reverses_id.is_(None))
            .order_by(V.c.id)
        ).all()
        closed = closed_months(s, org_id)
        red: list[ResolvedVoucher] = []
        reverses: dict[int, int] = {}
        for i, v in enumerate(originals):
            if (v.date.year, v.date.month) in closed:
                raise DomainError(
                    "year", N_("{year}-{month:02d} is closed"), year=v.date.year, month=v.date.month
                )
            lines = s.execute(select(L).where(L.c.voucher_id == v.id).order_by(L.c.line_no)).all()
            red.append(
                ResolvedVoucher(
                    v.date,
                    reversal_memo(v.date, v.vtype, v.seq),
                    tuple(
                        ResolvedLine(
                            ln.account_id, -ln.debit_fen, -ln.credit_fen, ln.member_id, ln.memo
                        )
                        for ln in lines
                    ),
                    0,
                    v.vtype,
                )
            )
            reverses[i] = v.id
        ids = insert_posted_vouchers(
            s,
            org_id,
            red,
            user=tx.user,
            source="distribution",
            distribution_id=dist.id,
            reverses=reverses,
        )
        for i, vid in enumerate(ids):
            s.execute(update(V).where(V.c.id == reverses[i]).values(reversed_by_id=vid))
        tx.track_many(
            f"reverse distribution {year}", "voucher", ids + list(reverses.values()), {"year": year}
        )
        before = tx.state("distribution", dist.id or 0)
        dist.state, dist.reversed_at, dist.reversed_by = (
            "reversed",
            dt.datetime.now(dt.UTC),
            tx.user,
        )
        s.add(dist)
        tx.track(f"reverse distribution {year}", "distribution", dist.id or 0, before=before)
        return ids


def distribution_json(ledger: Ledger, org_id: int, year: int) -> dict[str, object]:
    """The spec's result object of the committed distribution (or the preview)."""
    with ledger.read() as s:
        mine = _committed(s, org_id, year)
        if mine:
            data: dict[str, object] = json.loads(mine[0].result_json)
            return data
    return preview_distribution(ledger, org_id, year).result.to_json()


# -- payments ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlipRow:
    """One household's slip of a committed year."""

    slip_no: int
    member_code: str
    member_name: str
    group: str
    land_fee: int
    dividend: int
    check_code: str
    paid_on: dt.date | None
    paid_method: str
    paid_by: str
    bank_account: str

    @property
    def total(self) -> int:
        return self.land_fee + self.dividend


def _current(s: Session, org_id: int, year: int) -> Distribution:
    mine = _committed(s, org_id, year)
    if not mine:
        raise DomainError("year", N_("{year} has no committed distribution"), year=year)
    return mine[0]


def slips(
    ledger: Ledger, org_id: int, year: int, *, unpaid_only: bool = False, group: str | None = None
) -> list[SlipRow]:
    """The slips of a committed year in household order."""
    with ledger.read() as s:
        dist = _current(s, org_id, year)
        q = (
            select(
                DistributionItem,
                col(Member.code),
                col(Member.name),
                col(Member.group_name),
                col(Member.bank_account),
            )
            .join(Member, col(Member.id) == col(DistributionItem.member_id))
            .where(col(DistributionItem.distribution_id) == dist.id)
            .order_by(col(Member.code))
        )
        if unpaid_only:
            q = q.where(col(DistributionItem.paid_on).is_(None))
        if group is not None:
            q = q.where(col(Member.group_name) == group)
        return [
            SlipRow(
                i.slip_no,
                c,
                n,
                g,
                i.land_fee_fen,
                i.dividend_fen,
                i.check_code,
                i.paid_on,
                i.paid_method,
                i.paid_by,
                b,
            )
            for i, c, n, g, b in s.execute(q)
        ]


def notice_ends(ledger: Ledger, org_id: int, year: int) -> dt.date:
    """The first day payments may be made: the plan's publication plus the notice period."""
    plan = get_plan(ledger, org_id, year)
    if plan is None or plan.published_on is None:
        raise DomainError(
            "plan.published_on", N_("the {year} plan has not been published"), year=year
        )
    return plan.published_on + dt.timedelta(days=int(get_setting(ledger, "notice_days", org_id)))


def pay_slip(
    ledger: Ledger,
    org_id: int,
    year: int,
    member_code: str,
    *,
    method: str = "cash",
    on: dt.date | None = None,
) -> int:
    """Record that a household was paid its slip (cash or bank); posts the payment voucher
    Dr the member's payables / Cr 库存现金 or 银行存款. Refused before the public-notice
    period has ended. Returns the voucher id."""
    ledger.require(Permission.RECORD_PAYMENT)
    if method not in ("cash", "bank"):
        raise DomainError("method", N_('the method is cash or bank (got "{got}")'), got=method)
    when = on or dt.date.today()
    first_day = notice_ends(ledger, org_id, year)
    if when < first_day:
        raise DomainError(
            "date",
            N_("the public notice runs until {last}; payments start on {first}"),
            last=first_day - dt.timedelta(days=1),
            first=first_day,
        )
    with ledger.write(org_id) as tx:
        s = tx.session
        org = s.get(Organisation, org_id)
        assert org is not None
        dist = _current(s, org_id, year)
        row = s.execute(
            select(DistributionItem, Member)
            .join(Member, col(Member.id) == col(DistributionItem.member_id))
            .where(
                col(DistributionItem.distribution_id) == dist.id, col(Member.code) == member_code
            )
        ).first()
        if row is None:
            raise DomainError(
                "member", N_("{code} has no slip for {year}"), code=member_code, year=year
            )
        item, member = row
        if item.paid_on is not None:
            raise DomainError(
                "member",
                N_("{code} was already paid on {date}"),
                code=member_code,
                date=item.paid_on,
            )
        if method == "bank" and not member.bank_account:
            raise DomainError("method", N_("{code} has no bank card on record"), code=member_code)
        total = item.land_fee_fen + item.dividend_fen
        memo = f"支付{year}年收益分配款（{member.name}）"
        lines: list[LineInput] = []
        member_acc = role_account(org.chart, "member_current")
        payable_acc = role_account(org.chart, "dividend_payable")
        if member_acc == payable_acc:
            lines.append(LineInput(member_acc, debit_fen=total, member=member_code, memo=memo))
        else:
            if item.land_fee_fen:
                lines.append(
                    LineInput(
                        member_acc, debit_fen=item.land_fee_fen, member=member_code, memo=memo
                    )
                )
            if item.dividend_fen:
                lines.append(
                    LineInput(
                        payable_acc, debit_fen=item.dividend_fen, member=member_code, memo=memo
                    )
                )
        cash = role_account(org.chart, "cash" if method == "cash" else "bank")
        lines.append(LineInput(cash, credit_fen=total, memo=memo))
        (vid,) = post_system_vouchers(
            tx,
            org_id,
            [VoucherInput(when, memo, tuple(lines))],
            source="payment",
            action=f"pay {member_code} {year}",
        )
        before = tx.state("distribution_item", item.id or 0)
        item.paid_on, item.paid_method, item.paid_by, item.payment_voucher_id = (
            when,
            method,
            tx.user,
            vid,
        )
        s.add(item)
        tx.track("pay slip", "distribution_item", item.id or 0, before=before)
        return vid


@dataclass(frozen=True, slots=True)
class Unpaid:
    """Who is still unpaid, with totals."""

    rows: list[SlipRow]
    land_fee: int
    dividend: int

    @property
    def total(self) -> int:
        return self.land_fee + self.dividend


def unpaid(ledger: Ledger, org_id: int, year: int) -> Unpaid:
    """The slips not yet paid and their totals."""
    rows = slips(ledger, org_id, year, unpaid_only=True)
    return Unpaid(rows, sum(r.land_fee for r in rows), sum(r.dividend for r in rows))


def bank_batch_csv(ledger: Ledger, org_id: int, year: int, out: Path) -> tuple[int, int]:
    """Write the bank batch file (CSV, UTF-8 with BOM for Excel) of unpaid households that
    have a bank card: 序号, 户号, 户主姓名, 银行卡号, 金额, 摘要. Returns (rows, total fen)."""
    rows = [r for r in unpaid(ledger, org_id, year).rows if r.bank_account and r.total > 0]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["序号", "户号", "户主姓名", "银行卡号", "金额", "摘要"])
    for n, r in enumerate(rows, start=1):
        w.writerow(
            [
                n,
                _safe(r.member_code),
                _safe(r.member_name),
                r.bank_account,
                fen_to_str(r.total),
                f"{year}年收益分配",
            ]
        )
    out.write_text(buf.getvalue(), encoding="utf-8-sig")
    return len(rows), sum(r.total for r in rows)


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas in exported cells."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@dataclass(frozen=True, slots=True)
class SlipCheck:
    """What ``verify-slip`` found for a printed check code."""

    ok: bool
    org_name: str
    year: int
    member_code: str
    member_name: str
    land_fee: int
    dividend: int
    reason: str = ""


def verify_slip(ledger: Ledger, code: str) -> SlipCheck:
    """Confirm a slip's check code against the ledger: the slip exists, its distribution is
    still committed, and the posted vouchers hold the same amounts for the household."""
    code = code.strip().upper()
    if len(code) == 8 and "-" not in code:
        code = code[:4] + "-" + code[4:]
    with ledger.read() as s:
        row = s.execute(
            select(DistributionItem, Distribution, Member, Organisation)
            .join(Distribution, col(Distribution.id) == col(DistributionItem.distribution_id))
            .join(Member, col(Member.id) == col(DistributionItem.member_id))
            .join(Organisation, col(Organisation.id) == col(Distribution.org_id))
            .where(col(DistributionItem.check_code) == code)
        ).first()
        if row is None:
            raise DomainError("code", N_("no slip has the check code {code}"), code=code)
        item, dist, member, org = row
        base = SlipCheck(
            True,
            org.name,
            dist.year,
            member.code,
            member.name,
            item.land_fee_fen,
            item.dividend_fen,
        )
        if dist.state != "committed":
            return replace(base, ok=False, reason=N_("the distribution of this slip was reversed"))
        expected = check_code(
            org.name, dist.year, member.code, item.land_fee_fen, item.dividend_fen, dist.id or 0
        )
        if expected != code:
            return replace(base, ok=False, reason=N_("the slip's figures were changed"))
        posted = s.execute(
            select(func.coalesce(func.sum(L.c.credit_fen - L.c.debit_fen), 0))
            .select_from(L.join(V, V.c.id == L.c.voucher_id))
            .where(
                V.c.distribution_id == dist.id,
                L.c.member_id == member.id,
                V.c.reverses_id.is_(None),
            )
        ).scalar_one()
        if int(posted) != item.land_fee_fen + item.dividend_fen:
            return replace(
                base, ok=False, reason=N_("the ledger does not hold this slip's amounts")
            )
    return base


def committed_years(ledger: Ledger, org_id: int) -> list[int]:
    """Years with a committed distribution."""
    with ledger.read() as s:
        return [d.year for d in _committed(s, org_id)]


def wages_by_member(ledger: Ledger, org_id: int, year: int) -> dict[str, int]:
    """Each member's wages in the ledger that year: debits to the wage accounts (a setting)
    on lines that carry the member."""
    codes = [
        c.strip() for c in get_setting(ledger, "wage_accounts", org_id).split(",") if c.strip()
    ]
    if not codes:
        return {}
    with ledger.read() as s:
        acc_ids = [
            a.id
            for a in s.execute(select(A.c.id, A.c.code).where(A.c.org_id == org_id))
            if any(a.code == c or a.code.startswith(c) for c in codes)
        ]
        rows = s.execute(
            select(M.c.code, func.sum(L.c.debit_fen - L.c.credit_fen))
            .select_from(L.join(V, V.c.id == L.c.voucher_id).join(M, M.c.id == L.c.member_id))
            .where(
                V.c.org_id == org_id,
                V.c.year == year,
                V.c.state == "posted",
                L.c.account_id.in_(acc_ids),
            )
            .group_by(M.c.code)
        ).all()
    return {c: int(t) for c, t in rows}
