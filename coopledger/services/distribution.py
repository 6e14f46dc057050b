"""The year-end distribution (收益分配): plans, preview, commit, reverse, payments.

The domain computes (``coopledger.domain.distribution``); this module gathers its inputs
from the ledger and posts its result, in one transaction, as ``distribution.md`` and
``domain.md`` ("How the distribution posts") say.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.book import BookPlan
from coopledger.domain.distribution import (
    COOPERATIVE_CHART,
    COOPERATIVE_MIN_TRANSACTION_RATE_E4,
    LAND_FEES_BASIS,
    DistributionResult,
    PlanRates,
    compute_distribution_rows,
    is_member_kind,
    plan_problems,
    result_json_v2,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import checked, record_from_columns
from coopledger.domain.gcpause import gc_paused
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.money import fen_to_str
from coopledger.domain.records import PlanRecord
from coopledger.domain.vocabulary import ApprovalAct, Permission
from coopledger.services.accounts import load_chart, role_account
from coopledger.services.ledger import Ledger
from coopledger.services.registers import contract_rows, share_lot_rows
from coopledger.services.settings import get_setting
from coopledger.services.vouchers import check_open, post_system_vouchers
from coopledger.store.engine import reserve_ids
from coopledger.store.ledger import A, L, M, V, closed_months
from coopledger.store.lists import SlipFilter, SlipRow, page_rows
from coopledger.store.models import (
    Distribution,
    DistributionItem,
    DistributionPlan,
    Member,
    Organisation,
    table_of,
)
from coopledger.store.uow import Tx

if TYPE_CHECKING:
    from coopledger.services.approvals import RequestInfo

ITEM = table_of(DistributionItem)

#: Vouchers that do not count towards a year's distributable income.
NOT_INCOME_SOURCES = ("distribution", "closing")


# -- plans -----------------------------------------------------------------------------


PlanForm = PlanRecord
"""A year's plan as the services hold it: the one plan record (`domain.records.PlanRecord`),
read by its field table wherever it comes from (the book file, the window's form,
``plan set``)."""


def check_plan(
    p: PlanForm, chart: str | None = None, members: Mapping[str, object] | None = None
) -> PlanForm:
    """Every field by its rule (`fields.checked`: a year, rates in [0, 1], texts without
    control characters and within their length, amounts within the bound, published on or
    after the adoption), then the chart's rules (`distribution.plan_problems`: rates summing
    to at most 1, a known method; with ``chart`` also no welfare fund and a transaction rate
    in [0.6, 1] on a cooperative book, no transaction fields on a village book, a
    transactions table of ``members``). The first problem is raised as a DomainError naming
    the field (``plan.welfare_rate``); returns the plan as its rules read it."""
    p = checked(p, lambda key: f"plan.{key}")
    problems = plan_problems(
        chart or COOPERATIVE_CHART,
        welfare_rate_e4=p.welfare_rate_e4,
        reserve_rate_e4=p.reserve_rate_e4,
        dividend_method=p.dividend_method,
        transaction_fields=p.transaction_fields,
        transaction_rate_e4=p.transaction_rate_e4,
        transaction_basis=p.transaction_basis,
        transactions=None if p.transactions is None else dict(p.transactions),
        members=members,
    )
    if chart is None:  # the rules that hold on every chart
        problems = [x for x in problems if x[0] in ("reserve_rate", "dividend_method")]
    if problems:
        name, message, params = problems[0]
        raise DomainError(f"plan.{name}", message, **params)
    return p


def plan_values(p: PlanForm | BookPlan, chart: str) -> dict[str, Any]:
    """The stored columns of a plan (everything but its org, id and signatures), with the
    chart's defaults filled in: on a cooperative book a transaction rate of 0.6 and the
    basis ``land-fees``; on a village book no transaction fields."""
    cooperative = chart == COOPERATIVE_CHART
    table = p.transactions
    return {
        "year": p.year,
        "welfare_rate_e4": p.welfare_rate_e4,
        "reserve_rate_e4": p.reserve_rate_e4,
        "approved_on": p.approved_on,
        "published_on": p.published_on,
        "proposed_by": p.proposed_by,
        "meeting": p.meeting,
        "resolution": p.resolution,
        "vote": p.vote,
        "notice": p.notice,
        "notes": p.notes,
        "dividend_method": p.dividend_method,
        "transaction_rate_e4": (
            (
                COOPERATIVE_MIN_TRANSACTION_RATE_E4
                if p.transaction_rate_e4 is None
                else p.transaction_rate_e4
            )
            if cooperative
            else None
        ),
        "transaction_basis": (p.transaction_basis or LAND_FEES_BASIS) if cooperative else "",
        "transactions_json": (
            json.dumps(dict(table), ensure_ascii=False, separators=(",", ":"))
            if cooperative and table is not None
            else ""
        ),
    }


def _transactions(row: DistributionPlan) -> tuple[tuple[str, int], ...] | None:
    if not row.transactions_json:
        return None
    table: dict[str, int] = json.loads(row.transactions_json)
    return tuple((code, int(fen)) for code, fen in table.items())


def book_plan(row: DistributionPlan) -> BookPlan:
    """A stored plan as the book file's record (export-book)."""
    return plan_as_book(_plan_form(row))


def plan_as_book(p: PlanForm) -> BookPlan:
    """A plan form as the book file's record (for showing it in the file's shape)."""
    return BookPlan(
        year=p.year,
        welfare_rate_e4=p.welfare_rate_e4,
        reserve_rate_e4=p.reserve_rate_e4,
        approved_on=p.approved_on,
        published_on=p.published_on,
        proposed_by=p.proposed_by,
        meeting=p.meeting,
        resolution=p.resolution,
        vote=p.vote,
        notice=p.notice,
        notes=p.notes,
        dividend_method=p.dividend_method,
        transaction_rate_e4=p.transaction_rate_e4,
        transaction_basis=p.transaction_basis or None,
        transactions=p.transactions,
    )


def _committed(s: Session, org_id: int, year: int | None = None) -> list[Distribution]:
    q = select(Distribution).where(
        col(Distribution.org_id) == org_id, col(Distribution.state) == "committed"
    )
    if year is not None:
        q = q.where(col(Distribution.year) == year)
    return list(s.execute(q.order_by(col(Distribution.year))).scalars())


def _org_chart(s: Session, org_id: int) -> str:
    org = s.get(Organisation, org_id)
    if org is None:
        raise DomainError("org", N_("no organisation #{id}"), id=org_id)
    return org.chart


def _member_codes(s: Session, org_id: int) -> dict[str, str]:
    return dict(
        s.execute(
            select(col(Member.code), col(Member.kind)).where(col(Member.org_id) == org_id)
        ).all()
    )


def save_plan(ledger: Ledger, org_id: int, p: PlanForm) -> int:
    """Add or change the plan of a year; refused once that year's distribution is committed,
    and refused (nothing written) when a field breaks a rule of the book's chart. A change
    withdraws the plan's approval (a plan saved unchanged keeps it)."""
    ledger.require(Permission.PREPARE_PLAN)
    p = check_plan(p)  # the chart-free rules before the transaction opens
    with ledger.write(org_id) as tx:
        chart = _org_chart(tx.session, org_id)
        p = check_plan(p, chart, _member_codes(tx.session, org_id))
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
        values = plan_values(p, chart)
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            return row.id or 0  # nothing changed: the plan keeps its preparer and approval
        row = row or DistributionPlan(org_id=org_id, year=p.year)
        for key, value in values.items():
            setattr(row, key, value)
        # Whoever changes the plan prepares it anew, and its approval is withdrawn.
        row.prepared_by, row.approved_by = tx.user, ""
        tx.session.add(row)
        tx.session.flush()
        assert row.id is not None
        tx.track("save plan", "distribution_plan", row.id, before=before)
        return row.id


def approve_plan(ledger: Ledger, org_id: int, year: int) -> None:
    """A reviewer or supervisor approves a year's plan as entered (审核), so that its
    distribution may be committed; nobody approves a plan they prepared (once the ledger has
    users). Changing the plan afterwards withdraws the approval (`save_plan`)."""
    ledger.require(Permission.APPROVE_PLAN)
    with ledger.write(org_id) as tx:
        row = _plan(tx, org_id, year)
        if _committed(tx.session, org_id, year):
            raise DomainError("plan", N_("the {year} distribution is already committed"), year=year)
        if row.approved_by:
            raise DomainError("plan", N_("the {year} plan is already approved"), year=year)
        ledger.require_other_person(row.prepared_by, N_("approve it"))
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
    columns = {c: getattr(row, c) for c in DistributionPlan.model_fields}
    return record_from_columns(PlanRecord, columns, transactions=_transactions(row))


def plan_rates(plan: PlanForm, chart: str) -> PlanRates:
    """The engine's view of a stored plan on a book of ``chart``."""
    cooperative = chart == COOPERATIVE_CHART
    return PlanRates(
        plan.welfare_rate_e4,
        plan.reserve_rate_e4,
        plan.dividend_method,
        cooperative=cooperative,
        transaction_rate_e4=(
            COOPERATIVE_MIN_TRANSACTION_RATE_E4
            if plan.transaction_rate_e4 is None
            else plan.transaction_rate_e4
        ),
        transaction_basis=plan.transaction_basis or LAND_FEES_BASIS,
        transactions=plan.transactions or (),
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


@dataclass(frozen=True, slots=True)
class CarriedIn:
    """What a year starts from (distribution.md, "Carried in"): the loss not yet made up
    (L_prev, 年初未弥补亏损) and the undistributed balance (U_prev, 年初未分配收益); at most
    one of them is > 0. ``from_year`` is the plan year they come from (None: nothing
    carried)."""

    loss: int = 0
    undistributed: int = 0
    from_year: int | None = None


def carried_in(session: Session, org_id: int, year: int) -> CarriedIn:
    """U_prev and L_prev for ``year``: the result of the latest committed distribution of
    an earlier plan year (a year without a plan carries nothing; a reversed year does not
    count). The one place the carry is decided: everything that shows or posts a year's
    starting balance asks here."""
    row = session.execute(
        select(
            col(Distribution.year),
            col(Distribution.loss_carried_fen),
            col(Distribution.undistributed_fen),
        )
        .where(
            col(Distribution.org_id) == org_id,
            col(Distribution.state) == "committed",
            col(Distribution.year) < year,
        )
        .order_by(col(Distribution.year).desc())
        .limit(1)
    ).first()
    if row is None:
        # Nothing committed before: the opening balances (建账) of 未分配收益 (未分配盈余), if any.
        from coopledger.services.opening import opening_carry

        undistributed, loss = opening_carry(session, org_id, year)
        return CarriedIn(loss, undistributed, None)
    from_year, loss, undistributed = row
    return CarriedIn(int(loss), int(undistributed), int(from_year))


def loss_carried_in(session: Session, org_id: int, year: int) -> int:
    """The loss left by the latest committed distribution before ``year`` (0 if none)."""
    return carried_in(session, org_id, year).loss


@dataclass(frozen=True, slots=True)
class Preview:
    """A computed distribution and what it was computed from; nothing written.

    ``kinds`` gives each member's kind (a holder of kind ``organisation`` is not a member
    and is paid through 应付款); ``chart`` is the book's chart."""

    org_id: int
    year: int
    plan: PlanForm
    result: DistributionResult
    names: dict[str, str]
    groups: dict[str, str]
    committed: bool
    chart: str = "village-2023"
    kinds: dict[str, str] = field(default_factory=dict)


def _compute(session: Session, org_id: int, year: int) -> tuple[PlanForm, DistributionResult]:
    row = session.execute(
        select(DistributionPlan).where(
            col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == year
        )
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("plan", N_("there is no distribution plan for {year}"), year=year)
    plan = _plan_form(row)
    carry = carried_in(session, org_id, year)
    with gc_paused():
        result = compute_distribution_rows(
            year,
            distributable_income(session, org_id, year),
            contract_rows(session, org_id),
            share_lot_rows(session, org_id),
            plan_rates(plan, _org_chart(session, org_id)),
            carry.loss,
            carry.undistributed,
        )
    return plan, result


def preview_distribution(ledger: Ledger, org_id: int, year: int) -> Preview:
    """Compute the year's distribution; writes nothing."""
    ledger.require(Permission.READ)
    with ledger.read() as s:
        plan, result = _compute(s, org_id, year)
        committed = bool(_committed(s, org_id, year))
        chart = _org_chart(s, org_id)
        names: dict[str, str] = {}
        groups: dict[str, str] = {}
        kinds: dict[str, str] = {}
        with gc_paused():
            for code, name, group, kind in (
                s.connection()
                .execute(
                    select(
                        col(Member.code), col(Member.name), col(Member.group_name), col(Member.kind)
                    ).where(col(Member.org_id) == org_id)
                )
                .all()
            ):
                names[code], groups[code], kinds[code] = name, group, kind
    return Preview(org_id, year, plan, result, names, groups, committed, chart, kinds)


# -- commit and reverse -------------------------------------------------------------------


def check_code(
    org_name: str,
    year: int,
    member_code: str,
    land_fee: int,
    dividend: int,
    dist_id: int,
    transaction_return: int = 0,
) -> str:
    """The short code printed on a slip: ties the slip to the committed figures (a return
    by transactions joins the hashed text only when there is one, so slips printed before
    version 2 keep their codes)."""
    raw = f"{org_name}|{year}|{member_code}|{land_fee}|{dividend}|{dist_id}"
    if transaction_return:
        raw += f"|{transaction_return}"
    digest = hashlib.sha256(raw.encode()).hexdigest().upper()
    return f"{digest[:4]}-{digest[4:8]}"


def _by_group(amounts: dict[str, int], groups: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for code, amount in sorted(amounts.items()):
        if amount:
            out[groups.get(code, "")].append((code, amount))
    return dict(sorted(out.items()))


@dataclass(frozen=True, slots=True)
class PostingAccounts:
    """The accounts a book's distribution posts to and pays from (domain.md, "How the
    distribution posts"), from the chart's roles."""

    fee_expense: str
    member_current: str
    items: str
    welfare: str
    reserve: str
    dividend_payable: str
    return_payable: str | None
    payable: str

    def dividend_account(self, member_kind: str) -> str:
        """Members: the member payable; a holder that is not a member: 应付款."""
        return self.dividend_payable if is_member_kind(member_kind) else self.payable

    def member_accounts(self) -> tuple[str, ...]:
        """Every account a holder's slip is credited to or paid from (the member's current
        and payable accounts), without repeats."""
        codes = [self.member_current, self.dividend_payable, self.return_payable, self.payable]
        return tuple(dict.fromkeys(c for c in codes if c))


def posting_accounts(chart: str) -> PostingAccounts:
    """The posting accounts of a chart."""
    roles = load_chart(chart)["roles"]
    return PostingAccounts(
        fee_expense=roles["land_fee_expense"],
        member_current=roles["member_current"],
        items=roles["distribution_items"],
        welfare=roles["welfare_fund"],
        reserve=roles["reserve_fund"],
        dividend_payable=roles["dividend_payable"],
        return_payable=roles.get("return_payable"),
        payable=roles["payable"],
    )


def distribution_vouchers(
    result: DistributionResult,
    chart: str,
    groups: Mapping[str, str],
    kinds: Mapping[str, str],
) -> list[VoucherInput]:
    """The vouchers a committed year posts, dated 31 December, one per 村民小组 for the
    per-member tiers: land fees (Dr 经营支出—土地流转费 / Cr 内部往来 or 成员往来), welfare and
    reserve (Dr 各项分配 / Cr 公积公益金 or 盈余公积), returns by transactions (Dr 各项分配 /
    Cr 应付盈余返还), dividends (Dr 各项分配 / Cr the member's payable, or 应付款 for a holder
    that is not a member). What stays undistributed is not posted."""
    year = result.year
    end = dt.date(year, 12, 31)
    acc = posting_accounts(chart)
    cooperative = chart == COOPERATIVE_CHART
    vouchers: list[VoucherInput] = []
    fees = {h.code: h.land_fee for h in result.holders}
    for group, rows in _by_group(fees, dict(groups)).items():
        total = sum(a for _, a in rows)
        memo = f"{year}年土地流转费" + (f"（{group}）" if group else "")
        lines = [LineInput(acc.fee_expense, debit_fen=total, memo=memo)]
        lines += [LineInput(acc.member_current, credit_fen=a, member=c, memo=memo) for c, a in rows]
        vouchers.append(VoucherInput(end, memo, tuple(lines)))
    if result.welfare or result.reserve:
        memo = f"{year}年提取盈余公积" if cooperative else f"{year}年提取公益金、公积金"
        fund_lines: dict[str, int] = defaultdict(int)
        fund_lines[acc.welfare] += result.welfare
        fund_lines[acc.reserve] += result.reserve
        lines = [LineInput(acc.items, debit_fen=result.welfare + result.reserve, memo=memo)]
        lines += [
            LineInput(code, credit_fen=amt, memo=memo) for code, amt in fund_lines.items() if amt
        ]
        vouchers.append(VoucherInput(end, memo, tuple(lines)))
    returns = {h.code: h.transaction_return for h in result.holders}
    if any(returns.values()):
        assert acc.return_payable is not None, "returns by transactions on a village chart"
        for group, rows in _by_group(returns, dict(groups)).items():
            total = sum(a for _, a in rows)
            memo = f"{year}年按交易量返还" + (f"（{group}）" if group else "")
            lines = [LineInput(acc.items, debit_fen=total, memo=memo)]
            lines += [
                LineInput(acc.return_payable, credit_fen=a, member=c, memo=memo) for c, a in rows
            ]
            vouchers.append(VoucherInput(end, memo, tuple(lines)))
    dividends = {h.code: h.dividend for h in result.holders}
    for group, rows in _by_group(dividends, dict(groups)).items():
        total = sum(a for _, a in rows)
        memo = f"{year}年按股分红" + (f"（{group}）" if group else "")
        lines = [LineInput(acc.items, debit_fen=total, memo=memo)]
        lines += [
            LineInput(
                acc.dividend_account(kinds.get(c, "household")), credit_fen=a, member=c, memo=memo
            )
            for c, a in rows
        ]
        vouchers.append(VoucherInput(end, memo, tuple(lines)))
    return vouchers


def commit_distribution(ledger: Ledger, org_id: int, year: int) -> int:
    """Post the year's distribution in one transaction, all or nothing; returns its id
    (the vouchers are those of `distribution_vouchers`, dated 31 December). Once the ledger
    has users the plan must first be approved by a second person (`approve_plan`); in
    single-user mode there is nobody to approve it."""
    ledger.require(Permission.RUN_DISTRIBUTION)
    with ledger.write(org_id) as tx:
        return commit_distribution_in(tx, org_id, year, need_approval=ledger.role is not None)


def commit_distribution_in(tx: Tx, org_id: int, year: int, *, need_approval: bool = True) -> int:
    """Inside a transaction: commit a distribution (refused, with ``need_approval``, while
    its plan is not approved). Its vouchers carry the plan's approver as their reviewer."""
    s = tx.session
    org = s.get(Organisation, org_id)
    assert org is not None
    plan_row = _plan(tx, org_id, year)
    if need_approval and not plan_row.approved_by:
        raise DomainError(
            "plan",
            N_(
                "the {year} plan is not approved: a reviewer or supervisor approves it first"
                " (coopledger plan approve --year {year})"
            ),
            year=year,
        )
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
    if (year, 12) in closed_months(s, org_id):
        raise DomainError(
            "year",
            N_("December {year} is closed; the distribution posts on 31 December"),
            year=year,
        )

    groups: dict[str, str] = {}
    kinds: dict[str, str] = {}
    member_ids: dict[str, int] = {}
    for code, group, kind, mid in s.execute(
        select(col(Member.code), col(Member.group_name), col(Member.kind), col(Member.id)).where(
            col(Member.org_id) == org_id
        )
    ):
        groups[code], kinds[code], member_ids[code] = group, kind, int(mid or 0)
    dist = Distribution(
        org_id=org_id,
        year=year,
        plan_id=plan_row.id or 0,
        distributable_fen=result.distributable,
        land_fees_fen=result.land_fees,
        loss_carried_in_fen=result.loss_carried_in,
        loss_made_up_fen=result.loss_made_up,
        loss_carried_fen=result.loss_carried,
        welfare_fen=result.welfare,
        reserve_fen=result.reserve,
        dividends_fen=result.dividends,
        undistributed_fen=result.undistributed,
        undistributed_in_fen=result.undistributed_in,
        transaction_returns_fen=result.transaction_returns,
        result_json=json.dumps(result.to_json(), ensure_ascii=False),
        committed_at=dt.datetime.now(dt.UTC),
        committed_by=tx.user,
    )
    s.add(dist)
    s.flush()
    assert dist.id is not None

    post_system_vouchers(
        tx,
        org_id,
        distribution_vouchers(result, org.chart, groups, kinds),
        source="distribution",
        action=f"commit distribution {year}",
        distribution_id=dist.id,
        reviewed_by=plan_row.approved_by,
    )
    # One Core insert for the slips: twenty thousand ORM objects would cost seconds.
    item_ids = reserve_ids(s, ITEM, len(result.holders))
    items: list[dict[str, Any]] = [
        {
            "id": item_ids[n - 1],
            "org_id": org_id,
            "distribution_id": dist.id,
            "member_id": member_ids[h.code],
            "land_fee_fen": h.land_fee,
            "dividend_fen": h.dividend,
            "transaction_return_fen": h.transaction_return,
            "slip_no": n,
            "check_code": check_code(
                org.name, year, h.code, h.land_fee, h.dividend, dist.id, h.transaction_return
            ),
            "paid_on": None,
            "paid_method": "",
            "paid_by": "",
            "payment_voucher_id": None,
        }
        for n, h in enumerate(result.holders, start=1)
    ]
    if items:
        s.execute(insert(ITEM), items)
    tx.track(f"commit distribution {year}", "distribution", dist.id)
    tx.track_many(
        "distribution slips", "distribution_item", [int(i["id"]) for i in items], {"year": year}
    )
    return dist.id


def reverse_distribution(ledger: Ledger, org_id: int, year: int, reason: str) -> RequestInfo:
    """Ask for the 红字冲销 of a committed distribution (the latest committed year, none of
    its slips paid): a second person (reviewer or supervisor) approves the request, and the
    approval posts the red mirrors of its vouchers (`reverse_distribution_in`). In single-user
    mode it is done at once. Returns the request."""
    from coopledger.services.approvals import request_act

    return request_act(ledger, org_id, ApprovalAct.REVERSE_DISTRIBUTION, {"year": year}, reason)


def distribution_to_reverse(s: Session, org_id: int, year: int) -> Distribution:
    """The committed distribution of ``year`` when it may be reversed now: the latest
    committed year, none of its slips paid, its months open. Raises ``DomainError``."""
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
            N_("{n} slips of {year} are already paid; reverse those payments first"),
            n=paid,
            year=year,
        )
    closed = closed_months(s, org_id)
    months = s.execute(
        select(V.c.date).where(V.c.distribution_id == dist.id, V.c.reverses_id.is_(None))
    ).scalars()
    for day in sorted(set(months)):
        if (day.year, day.month) in closed:
            raise DomainError(
                "year", N_("{year}-{month:02d} is closed"), year=day.year, month=day.month
            )
    return dist


def reverse_distribution_in(
    tx: Tx, org_id: int, year: int, *, requested_by: str, approved_by: str
) -> list[int]:
    """Inside a transaction: post the red mirrors of a committed distribution's vouchers
    (prepared by who asked, reviewed and posted by who approved) and mark it reversed, so
    that the year is open for a new commit. Returns the red vouchers' ids."""
    s = tx.session
    dist = distribution_to_reverse(s, org_id, year)
    from coopledger.domain.ledger import reversal_memo
    from coopledger.store.ledger import ResolvedLine, ResolvedVoucher, insert_posted_vouchers

    originals = s.execute(
        select(V).where(V.c.distribution_id == dist.id, V.c.reverses_id.is_(None)).order_by(V.c.id)
    ).all()
    red: list[ResolvedVoucher] = []
    reverses: dict[int, int] = {}
    for i, v in enumerate(originals):
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
        prepared_by=requested_by,
        reviewed_by=approved_by,
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
        requested_by,
    )
    s.add(dist)
    tx.track(f"reverse distribution {year}", "distribution", dist.id or 0, before=before)
    return ids


def distribution_json(ledger: Ledger, org_id: int, year: int) -> dict[str, object]:
    """The spec's result object of the committed distribution (or the preview). A result
    committed under version 1 is shown in version 2's shape (`result_json_v2`)."""
    with ledger.read() as s:
        mine = _committed(s, org_id, year)
        if mine:
            return result_json_v2(json.loads(mine[0].result_json))
    return preview_distribution(ledger, org_id, year).result.to_json()


# -- payments ------------------------------------------------------------------------


def _current(s: Session, org_id: int, year: int) -> Distribution:
    mine = _committed(s, org_id, year)
    if not mine:
        raise DomainError("year", N_("{year} has no committed distribution"), year=year)
    return mine[0]


def slips(
    ledger: Ledger, org_id: int, year: int, *, unpaid_only: bool = False, group: str | None = None
) -> list[SlipRow]:
    """The slips of a committed year in holder order (the payments table's own rows)."""
    with ledger.read() as s:
        _current(s, org_id, year)  # refuses a year without a committed distribution
        paid = False if unpaid_only else None
        rows: list[SlipRow] = page_rows(
            s, org_id, SlipFilter(year, paid=paid, group=group), sort="code", limit=None
        )
        return rows


def notice_ends(ledger: Ledger, org_id: int, year: int) -> dt.date:
    """The first day payments may be made: the plan's publication plus the notice period."""
    plan = get_plan(ledger, org_id, year)
    if plan is None or plan.published_on is None:
        raise DomainError(
            "plan.published_on", N_("the {year} plan has not been published"), year=year
        )
    return plan.published_on + dt.timedelta(days=int(get_setting(ledger, "notice_days", org_id)))


def slip_amounts(
    acc: PostingAccounts, kind: str, land_fee: int, transaction_return: int, dividend: int
) -> dict[str, int]:
    """What a slip pays from each account: the land fee from the member's current account,
    the return from 应付盈余返还, the dividend from the member payable (应付款 for a holder
    that is not a member); accounts that coincide are added together."""
    out: dict[str, int] = defaultdict(int)
    out[acc.member_current] += land_fee
    if transaction_return:
        assert acc.return_payable is not None
        out[acc.return_payable] += transaction_return
    out[acc.dividend_account(kind)] += dividend
    return {code: amount for code, amount in out.items() if amount}


def member_account_balances(
    s: Session,
    org_id: int,
    member_id: int,
    codes: tuple[str, ...],
    *,
    source: str | None = None,
    distribution_id: int | None = None,
) -> dict[str, int]:
    """Credit − debit of the posted lines carrying a member on each of ``codes`` (with
    their sub-accounts): what the organisation owes the member there. With
    ``distribution_id``, only that distribution's own vouchers (originals, not reversals)."""
    ids: dict[int, str] = {}
    for aid, code in s.execute(select(A.c.id, A.c.code).where(A.c.org_id == org_id)):
        for c in codes:
            if code == c or code.startswith(c):
                ids[int(aid)] = c
                break
    if not ids:
        return {}
    q = (
        select(L.c.account_id, func.sum(L.c.credit_fen - L.c.debit_fen))
        .select_from(L.join(V, V.c.id == L.c.voucher_id))
        .where(
            L.c.org_id == org_id,
            L.c.member_id == member_id,
            L.c.account_id.in_(list(ids)),
            V.c.state == "posted",
        )
        .group_by(L.c.account_id)
    )
    if distribution_id is not None:
        q = q.where(V.c.distribution_id == distribution_id, V.c.reverses_id.is_(None))
    if source is not None:
        q = q.where(V.c.source == source)
    out: dict[str, int] = defaultdict(int)
    for aid, amount in s.execute(q):
        out[ids[int(aid)]] += int(amount or 0)
    return dict(out)


def _account_name(s: Session, org_id: int, code: str) -> str:
    name = s.execute(select(A.c.name).where(A.c.org_id == org_id, A.c.code == code)).scalar()
    return str(name or code)


def pay_slip(
    ledger: Ledger,
    org_id: int,
    year: int,
    member_code: str,
    *,
    method: str = "cash",
    on: dt.date | None = None,
) -> int:
    """Record that a holder was paid its slip (cash or bank); posts the payment voucher
    Dr the member's current and payable accounts / Cr 库存现金 or 银行存款. The payment is
    dated ``on`` (default today): never after today, always in an open month. Refused
    before the public-notice period has ended; refused when the slip no longer matches what the
    distribution posted (run ``verify``), or when it would pay more than the member's
    balance on an account (something else was already paid or charged there). Returns the
    voucher id."""
    ledger.require(Permission.RECORD_PAYMENT)
    if method not in ("cash", "bank"):
        raise DomainError("method", N_('the method is cash or bank (got "{got}")'), got=method)
    today = dt.date.today()
    when = on or today
    if when > today:
        raise DomainError(
            "date",
            N_("a payment is recorded when it is made: {date} is after today ({today})"),
            date=when,
            today=today,
        )
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

        check_open(closed_months(s, org_id), when)
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
        acc = posting_accounts(org.chart)
        assert member.id is not None
        due = slip_amounts(
            acc, member.kind, item.land_fee_fen, item.transaction_return_fen, item.dividend_fen
        )
        posted = member_account_balances(
            s, org_id, member.id, acc.member_accounts(), distribution_id=dist.id
        )
        if posted != due:
            raise DomainError(
                "member",
                N_(
                    "the slip of {code} ({slip}) no longer matches what the {year} distribution "
                    "posted ({posted}); nothing was paid: run coopledger verify"
                ),
                code=member_code,
                slip=fen_to_str(sum(due.values())),
                year=year,
                posted=fen_to_str(sum(posted.values())),
            )
        balances = member_account_balances(s, org_id, member.id, tuple(due))
        for code, amount in due.items():
            if balances.get(code, 0) < amount:
                raise DomainError(
                    "member",
                    N_(
                        "{code} is owed {balance} on {account} in the ledger, less than the "
                        "{amount} this slip pays; record what was paid or charged there first"
                    ),
                    code=member_code,
                    balance=fen_to_str(balances.get(code, 0)),
                    account=f"{code} {_account_name(s, org_id, code)}",
                    amount=fen_to_str(amount),
                )
        total = sum(due.values())
        memo = f"支付{year}年收益分配款（{member.name}）"
        lines = [
            LineInput(code, debit_fen=amount, member=member_code, memo=memo)
            for code, amount in due.items()
        ]
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


def reverse_payment(
    ledger: Ledger, org_id: int, year: int, member_code: str, reason: str
) -> RequestInfo:
    """Ask for a recorded payment to be reversed (the money came back, or the wrong person
    was paid): a second person approves, and the approval posts the red mirror of the
    payment voucher and makes the slip unpaid again (`reverse_payment_in`). In single-user
    mode it is done at once. Returns the request."""
    from coopledger.services.approvals import request_act

    return request_act(
        ledger,
        org_id,
        ApprovalAct.REVERSE_PAYMENT,
        {"year": year, "member": member_code.strip()},
        reason,
    )


def payment_to_reverse(s: Session, org_id: int, year: int, member_code: str) -> DistributionItem:
    """The paid slip of ``member_code`` for ``year`` whose payment may be reversed now.
    Raises ``DomainError``."""
    dist = _current(s, org_id, year)
    item = s.execute(
        select(DistributionItem)
        .join(Member, col(Member.id) == col(DistributionItem.member_id))
        .where(col(DistributionItem.distribution_id) == dist.id, col(Member.code) == member_code)
    ).scalar_one_or_none()
    if item is None:
        raise DomainError(
            "member", N_("{code} has no slip for {year}"), code=member_code, year=year
        )
    if item.paid_on is None or item.payment_voucher_id is None:
        raise DomainError(
            "member", N_("{code} has not been paid for {year}"), code=member_code, year=year
        )
    return item


def reverse_payment_in(
    tx: Tx,
    org_id: int,
    year: int,
    member_code: str,
    *,
    requested_by: str,
    approved_by: str,
    today: dt.date | None = None,
) -> int:
    """Inside a transaction: post the red mirror of a slip's payment voucher (dated as the
    payment when that month is still open, else today) and make the slip unpaid. Returns
    the red voucher's id."""
    from coopledger.domain.ledger import reversal_memo
    from coopledger.store.ledger import ResolvedLine, ResolvedVoucher, insert_posted_vouchers

    s = tx.session
    item = payment_to_reverse(s, org_id, year, member_code)
    vid = item.payment_voucher_id
    assert vid is not None
    v = s.execute(select(V).where(V.c.id == vid)).one()
    if v.reversed_by_id is not None:
        raise DomainError("member", N_("this payment has already been reversed"))
    closed = closed_months(s, org_id)
    when = v.date if (v.date.year, v.date.month) not in closed else (today or dt.date.today())
    check_open(closed, when)
    lines = s.execute(select(L).where(L.c.voucher_id == vid).order_by(L.c.line_no)).all()
    red = ResolvedVoucher(
        when,
        reversal_memo(v.date, v.vtype, v.seq),
        tuple(
            ResolvedLine(ln.account_id, -ln.debit_fen, -ln.credit_fen, ln.member_id, ln.memo)
            for ln in lines
        ),
        0,
        v.vtype,
    )
    before = tx.state("voucher", vid)
    (rid,) = insert_posted_vouchers(
        s,
        org_id,
        [red],
        user=tx.user,
        prepared_by=requested_by,
        reviewed_by=approved_by,
        source="reversal",
        reverses={0: vid},
    )
    s.execute(update(V).where(V.c.id == vid).values(reversed_by_id=rid))
    tx.track("reverse payment", "voucher", rid)
    tx.track("reversed by #" + str(rid), "voucher", vid, before=before)
    before = tx.state("distribution_item", item.id or 0)
    item.paid_on, item.paid_method, item.paid_by, item.payment_voucher_id = None, "", "", None
    s.add(item)
    tx.track("unpay slip", "distribution_item", item.id or 0, before=before)
    return rid


@dataclass(frozen=True, slots=True)
class Unpaid:
    """Who is still unpaid, with totals."""

    rows: list[SlipRow]
    land_fee: int
    dividend: int
    transaction_return: int = 0

    @property
    def total(self) -> int:
        return self.land_fee + self.transaction_return + self.dividend


def unpaid(ledger: Ledger, org_id: int, year: int) -> Unpaid:
    """The slips not yet paid and their totals."""
    rows = slips(ledger, org_id, year, unpaid_only=True)
    return Unpaid(
        rows,
        sum(r.land_fee for r in rows),
        sum(r.dividend for r in rows),
        sum(r.transaction_return for r in rows),
    )


def bank_batch_csv(ledger: Ledger, org_id: int, year: int, out: Path) -> tuple[int, int]:
    """Write the bank batch file (CSV, UTF-8 with BOM for Excel) of unpaid households that
    have a bank card: 序号, 户号, 户主姓名, 银行卡号, 金额, 摘要. Returns (rows, total fen).
    The bank pays from it: the cashier's act, like recording a payment."""
    ledger.require(Permission.RECORD_PAYMENT)
    from coopledger.formats.sheets import write_csv_safe

    rows = [r for r in unpaid(ledger, org_id, year).rows if r.bank_account and r.total > 0]
    # Every cell through the one safe writer: a bank card stored before it was checked
    # (or written behind the program's back) is neutralised like every other text.
    write_csv_safe(
        out,
        ["序号", "户号", "户主姓名", "银行卡号", "金额", "摘要"],
        (
            [
                n,
                r.member_code,
                r.member_name,
                r.bank_account,
                fen_to_str(r.total),
                f"{year}年收益分配",
            ]
            for n, r in enumerate(rows, start=1)
        ),
    )
    return len(rows), sum(r.total for r in rows)


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
    transaction_return: int = 0


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
            transaction_return=item.transaction_return_fen,
        )
        if dist.state != "committed":
            return replace(base, ok=False, reason=N_("the distribution of this slip was reversed"))
        expected = check_code(
            org.name,
            dist.year,
            member.code,
            item.land_fee_fen,
            item.dividend_fen,
            dist.id or 0,
            item.transaction_return_fen,
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
        if int(posted) != item.land_fee_fen + item.transaction_return_fen + item.dividend_fen:
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
