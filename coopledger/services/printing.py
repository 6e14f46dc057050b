"""Printed papers from the ledger: the services gather plain rows, ``coopledger.reports``
draws them. Every function writes one PDF and returns its path; long jobs take a
``progress(done, total) -> bool`` callback (return False to cancel)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from coopledger.domain.dates import active_days, days_in_year
from coopledger.domain.distribution import (
    COOPERATIVE_CHART,
    class_weights,
    dividends_by_class,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.forms import EvaluatedForm, FormWarning
from coopledger.domain.ids import mask_bank_account
from coopledger.domain.land import contract_fee
from coopledger.domain.shares import land_share_amount
from coopledger.domain.vocabulary import Permission, VoucherSource
from coopledger.reports.data import (
    MemberStatement,
    MemberStatementRow,
    Notice,
    NoticeRow,
    Slip,
    SlipContract,
    Statement,
    StatementLine,
    VoucherLinePrint,
    VoucherPrint,
)
from coopledger.reports.member_statement import render_member_statement
from coopledger.reports.notice import render_notice
from coopledger.reports.slip import render_slips
from coopledger.reports.statement import render_statement
from coopledger.reports.voucher import render_voucher
from coopledger.services import books
from coopledger.services.distribution import (
    distribution_json,
    get_plan,
    slips,
    wages_by_member,
)
from coopledger.services.ledger import Ledger
from coopledger.services.orgkey import key_fingerprint
from coopledger.services.registers import contract_inputs, share_lot_inputs
from coopledger.services.settings import get_setting
from coopledger.services.signatures import people, printed_by
from coopledger.services.statements import year_statements
from coopledger.services.views import voucher_detail
from coopledger.store.ledger import accounts_by_code
from coopledger.store.models import Distribution, DistributionPlan, LandContract, Organisation

Progress = Callable[[int, int], bool]


def _org(ledger: Ledger, org_id: int) -> Organisation:
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
    if org is None:
        raise DomainError("org", N_("no organisation #{id}"), id=org_id)
    return org


def _distribution_people(ledger: Ledger, org_id: int, year: int) -> tuple[str, str]:
    """Who committed the year's distribution and who approved its plan (login names)."""
    with ledger.read() as s:
        row = s.execute(
            select(col(Distribution.committed_by), col(DistributionPlan.approved_by))
            .join(DistributionPlan, col(DistributionPlan.id) == col(Distribution.plan_id))
            .where(
                col(Distribution.org_id) == org_id,
                col(Distribution.year) == year,
                col(Distribution.state) == "committed",
            )
        ).first()
    return (str(row[0]), str(row[1])) if row else ("", "")


def _full_names(ledger: Ledger) -> dict[str, str]:
    """Each user's full name (or user name) by user name: what a paper prints for who
    prepared, reviewed or posted a voucher."""
    from coopledger.store.users import all_users

    with ledger.read() as s:
        return {u.username: u.display_name or u.username for u in all_users(s)}


def _fingerprint(ledger: Ledger) -> str:
    """The ledger's fingerprint (账套指纹) a paper printed now carries."""
    from coopledger.services.integrity import ledger_fingerprint

    return ledger_fingerprint(ledger)


# -- slips and notice --------------------------------------------------------------


def slip_data(
    ledger: Ledger, org_id: int, year: int, *, member: str | None = None, group: str | None = None
) -> list[Slip]:
    """The slips of a committed year (one per holder with a fee, a return or a dividend),
    with the announced rates of the committed result."""
    org = _org(ledger, org_id)
    plan = get_plan(ledger, org_id, year)
    assert plan is not None and plan.approved_on and plan.published_on
    result = distribution_json(ledger, org_id, year)
    cooperative = org.chart == COOPERATIVE_CHART
    table = dict(plan.transactions or ())
    rows = slips(ledger, org_id, year, group=group)
    if member:
        rows = [r for r in rows if r.member_code == member]
        if not rows:
            raise DomainError(
                "--member", N_("{code} has no slip for {year}"), code=member, year=year
            )
    wages = wages_by_member(ledger, org_id, year)
    with ledger.read() as s:
        contracts = contract_inputs(s, org_id)
        lots = share_lot_inputs(s, org_id)
        parcels = dict(
            s.execute(
                select(col(LandContract.code), col(LandContract.parcel)).where(
                    col(LandContract.org_id) == org_id
                )
            ).all()
        )
    by_member: dict[str, list[SlipContract]] = defaultdict(list)
    capital: dict[str, int] = defaultdict(int)
    diy = days_in_year(year)
    for c in contracts:
        days = active_days(c.start, c.end, year)
        if days <= 0:
            continue
        by_member[c.member].append(
            SlipContract(
                c.code,
                parcels.get(c.code, ""),
                c.area_e4,
                c.rent_per_mu_fen,
                days,
                diy,
                contract_fee(c, year),
            )
        )
        if c.share_value_per_mu_fen:
            capital[c.member] += land_share_amount(c)
    for lot in lots:
        if active_days(lot.start, lot.end, year) > 0:
            capital[lot.holder] += lot.amount_fen
    who = people(ledger)
    committed_by, approved_by = _distribution_people(ledger, org_id, year)
    fingerprint = _fingerprint(ledger)
    out = []
    for r in rows:
        names = who.sign(preparer=committed_by, reviewer=approved_by, cashier=r.paid_by)
        out.append(
            Slip(
                org_name=org.name,
                year=year,
                slip_no=f"{year}-{r.slip_no:04d}",
                member_code=r.member_code,
                member_name=r.member_name,
                group=r.group,
                contracts=tuple(by_member.get(r.member_code, ())),
                share_capital_fen=capital.get(r.member_code, 0),
                dividend_fen=r.dividend,
                land_fee_fen=r.land_fee,
                wages_fen=wages.get(r.member_code, 0),
                approved_on=plan.approved_on,
                published_on=plan.published_on,
                check_code=r.check_code,
                payment_method_hint=f"银行卡 {mask_bank_account(r.bank_account)}"
                if r.bank_account
                else "现金",
                preparer=names.preparer,
                reviewer=names.reviewer,
                cashier=names.cashier,
                cooperative=cooperative,
                transaction_return_fen=r.transaction_return,
                transactions_fen=(
                    (
                        table.get(r.member_code, 0)
                        if plan.transaction_basis == "table"
                        else r.land_fee
                    )
                    if cooperative
                    else 0
                ),
                dividend_rate=_opt_str(result.get("dividend_rate")),
                return_rate=_opt_str(result.get("return_rate")),
                fingerprint=fingerprint,
            )
        )
    return out


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def print_slips(
    ledger: Ledger,
    org_id: int,
    year: int,
    out: Path,
    *,
    member: str | None = None,
    group: str | None = None,
    layout: str = "a4x3",
    progress: Progress | None = None,
) -> Path:
    """Dividend slips (收益分配通知单) of a committed year: A4 three to a page or A5."""
    ledger.require(Permission.PRINT)
    if layout not in ("a4x3", "a5"):
        raise DomainError("--layout", N_('the layout is a4x3 or a5 (got "{got}")'), got=layout)
    data = slip_data(ledger, org_id, year, member=member, group=group)
    if not data:
        raise DomainError("--group", N_("no slips to print"))
    render_slips(data, out, layout=layout, total=len(data), progress=progress)
    return out


def notice_data(ledger: Ledger, org_id: int, year: int) -> Notice:
    """The public notice of a committed year: its result under the labels of
    distribution.md, the rates, the dividend by share class and the plan's record."""
    org = _org(ledger, org_id)
    plan = get_plan(ledger, org_id, year)
    assert plan is not None and plan.approved_on and plan.published_on
    with ledger.read() as s:
        dist = s.execute(
            select(Distribution).where(
                col(Distribution.org_id) == org_id,
                col(Distribution.year) == year,
                col(Distribution.state) == "committed",
            )
        ).scalar_one_or_none()
        contracts = contract_inputs(s, org_id)
        lots = share_lot_inputs(s, org_id)
    if dist is None:
        raise DomainError("year", N_("{year} has no committed distribution"), year=year)
    result = distribution_json(ledger, org_id, year)
    cooperative = org.chart == COOPERATIVE_CHART
    table = dict(plan.transactions or ())
    area: dict[str, int] = defaultdict(int)
    capital: dict[str, int] = defaultdict(int)
    for c in contracts:
        if active_days(c.start, c.end, year) > 0:
            area[c.member] += c.area_e4
            if c.share_value_per_mu_fen:
                capital[c.member] += land_share_amount(c)
    for lot in lots:
        if active_days(lot.start, lot.end, year) > 0:
            capital[lot.holder] += lot.amount_fen
    slip_rows = slips(ledger, org_id, year)
    rows = tuple(
        NoticeRow(
            n,
            r.member_code,
            r.member_name,
            r.group,
            r.land_fee,
            r.dividend,
            area.get(r.member_code, 0),
            capital.get(r.member_code, 0),
            r.transaction_return,
            (
                (table.get(r.member_code, 0) if plan.transaction_basis == "table" else 0)
                if cooperative
                else 0
            ),
        )
        for n, r in enumerate(slip_rows, start=1)
    )
    by_class = dividends_by_class(
        {r.member_code: r.dividend for r in slip_rows}, class_weights(year, contracts, lots)
    )
    transaction_weight = (
        sum(table.values())
        if plan.transaction_basis == "table"
        else sum(r.land_fee for r in slip_rows)
    )
    names = people(ledger).sign(
        preparer=dist.committed_by, reviewer=_distribution_people(ledger, org_id, year)[1]
    )
    return Notice(
        org_name=org.name,
        year=year,
        distributable_fen=dist.distributable_fen,
        land_fees_fen=dist.land_fees_fen,
        loss_made_up_fen=dist.loss_made_up_fen,
        loss_carried_fen=dist.loss_carried_fen,
        welfare_fen=dist.welfare_fen,
        reserve_fen=dist.reserve_fen,
        dividends_fen=dist.dividends_fen,
        undistributed_fen=dist.undistributed_fen,
        rows=rows,
        approved_on=plan.approved_on,
        published_on=plan.published_on,
        notice_days=int(get_setting(ledger, "notice_days", org_id)),
        objection_phone=get_setting(ledger, "objection_phone", org_id),
        preparer=names.preparer,
        accountant=names.preparer,
        reviewer=names.reviewer,
        cooperative=cooperative,
        undistributed_in_fen=dist.undistributed_in_fen,
        loss_in_fen=dist.loss_carried_in_fen,
        transaction_returns_fen=dist.transaction_returns_fen,
        dividend_rate=_opt_str(result.get("dividend_rate")),
        return_rate=_opt_str(result.get("return_rate")),
        no_transactions=cooperative
        and transaction_weight == 0
        and dist.distributable_fen > dist.land_fees_fen
        and dist.dividends_fen + dist.undistributed_fen > 0,
        dividends_by_class=tuple(by_class.items()),
        proposed_by=plan.proposed_by,
        meeting=plan.meeting,
        vote=plan.vote,
        resolution=plan.resolution,
        publication=plan.notice,
        key_fingerprint=key_fingerprint(ledger, org_id),
        fingerprint=_fingerprint(ledger),
    )


def print_notice(
    ledger: Ledger,
    org_id: int,
    year: int,
    out: Path,
    *,
    paper: str = "A4L",
    progress: Progress | None = None,
) -> Path:
    """The public notice (村务公开 收益分配公示), A4 landscape or A3."""
    ledger.require(Permission.PRINT)
    render_notice(notice_data(ledger, org_id, year), out, paper=paper, progress=progress)
    return out


# -- statements --------------------------------------------------------------------


def _paper_text(message: str) -> str:
    """Papers are Chinese documents whatever the window's language."""
    from coopledger.i18n import translations

    return translations("zh_CN").gettext(message)


def statement_paper(
    ev: EvaluatedForm,
    org_name: str,
    warnings: Sequence[FormWarning] = (),
    *,
    preparer: str = "",
    reviewer: str = "",
    key_fingerprint: str = "",
    fingerprint: str = "",
) -> Statement:
    """One evaluated form as a printable statement: fixed 行次, the form's own columns, the
    totals the renderer re-adds before printing, the warnings under the signatures and the
    organisation's key fingerprint at the foot of each page."""
    form = ev.form
    rows = {ln.id: ln.row for ln in form.lines}
    halves: list[list[StatementLine]] = [[] for _ in form.halves]
    for el in ev.lines:
        ln = el.line
        total_of: tuple[str, ...] = ()
        if ln.total and ln.lines_only:
            total_of = tuple(("-" if t.sign < 0 else "") + rows[t.args[0]] for t in ln.formula)
        halves[ln.half - 1].append(
            StatementLine(
                ln.row,
                ln.label,
                () if ln.heading else el.values,
                level=ln.level,
                is_total=bool(total_of),
                total_of=total_of,
            )
        )
    if form.period == "year_end":
        period = f"{ev.year}年12月31日"
    else:
        period = f"{ev.year}年度"
    note = "\n".join(
        ("注：" if i == 0 else "　　") + w.text(_paper_text) for i, w in enumerate(warnings)
    )
    return Statement(
        kind=form.kind,
        org_name=org_name,
        title=form.title,
        period_label=period,
        columns=tuple(c.label for c in form.columns),
        lines=tuple(halves[0]),
        right_lines=tuple(halves[1]) if len(halves) > 1 else (),
        item_header=form.halves[0],
        right_item_header=form.halves[1] if len(form.halves) > 1 else "",
        code_header="行次",
        form_no=form.form_no,
        preparer=preparer,
        reviewer=reviewer,
        note=note,
        key_fingerprint=key_fingerprint,
        fingerprint=fingerprint,
    )


def statement_papers(ledger: Ledger, org_id: int, year: int) -> list[Statement]:
    """Every official form of the book for ``year`` as printable statements; each form
    carries its own warnings and the failed cross-checks that start on it."""
    st = year_statements(ledger, org_id, year)
    preparer = printed_by(ledger)
    key = key_fingerprint(ledger, org_id)
    fingerprint = _fingerprint(ledger)
    return [
        statement_paper(
            ev,
            st.org_name,
            [w for w in st.warnings if w.form == ev.form.kind],
            preparer=preparer,
            key_fingerprint=key,
            fingerprint=fingerprint,
        )
        for ev in st.forms
    ]


def _paper(ledger: Ledger, org_id: int, year: int, kind: str) -> Statement:
    for paper in statement_papers(ledger, org_id, year):
        if paper.kind == kind:
            return paper
    raise DomainError("kind", N_("this book has no {kind} form"), kind=kind)


def balance_sheet(ledger: Ledger, org_id: int, year: int) -> Statement:
    """资产负债表 at the end of the year, with the start of the year beside it."""
    return _paper(ledger, org_id, year, "balance_sheet")


def income_statement(ledger: Ledger, org_id: int, year: int) -> Statement:
    """收益及收益分配表 (village) / 盈余及盈余分配表 (cooperative) for a year."""
    return _paper(ledger, org_id, year, "income_statement")


def trial_balance_statement(ledger: Ledger, org_id: int, start: dt.date, end: dt.date) -> Statement:
    """科目余额表 for a date range as a printable statement."""
    org = _org(ledger, org_id)
    rows = books.trial_balance(ledger, org_id, start, end)
    lines = [
        StatementLine(
            r.code,
            r.name,
            (
                r.opening_debit,
                r.opening_credit,
                r.debit,
                r.credit,
                r.closing_debit,
                r.closing_credit,
            ),
            level=r.level,
        )
        for r in rows
    ]
    t = books.trial_balance_totals(rows)
    top = tuple(r.code for r in rows if r.level == 0)
    lines.append(
        StatementLine(
            "",
            "合计",
            (
                t["opening_debit"],
                t["opening_credit"],
                t["debit"],
                t["credit"],
                t["closing_debit"],
                t["closing_credit"],
            ),
            is_total=True,
            total_of=top,
        )
    )
    return Statement(
        kind="trial_balance",
        org_name=org.name,
        title="科目余额表",
        period_label=f"{start.isoformat()} 至 {end.isoformat()}",
        columns=("借方", "贷方", "借方", "贷方", "借方", "贷方"),
        column_groups=(("期初余额", 2), ("本期发生额", 2), ("期末余额", 2)),
        lines=tuple(lines),
        item_header="科目名称",
        code_header="科目编码",
        code_first=True,
        preparer=printed_by(ledger),
        key_fingerprint=key_fingerprint(ledger, org_id),
        fingerprint=_fingerprint(ledger),
    )


def print_statements(ledger: Ledger, org_id: int, year: int, out: Path) -> Path:
    """The year-end statements: every official form of the book's chart (with its warnings),
    the 补充资料 of assets with losses not yet written off, and the trial balance (科目余额表)."""
    ledger.require(Permission.PRINT)
    from coopledger.services.assets import losses_paper

    statements = [
        *statement_papers(ledger, org_id, year),
        losses_paper(ledger, org_id, year),
        trial_balance_statement(ledger, org_id, dt.date(year, 1, 1), dt.date(year, 12, 31)),
    ]
    render_statement(statements, out)
    return out


# -- vouchers and member statements ----------------------------------------------------


def print_voucher(ledger: Ledger, org_id: int, voucher_ids: Sequence[int], out: Path) -> Path:
    """记账凭证 prints, one voucher per page."""
    ledger.require(Permission.PRINT)
    org = _org(ledger, org_id)
    who = people(ledger)
    prints = []
    for vid in voucher_ids:
        d = voucher_detail(ledger, org_id, vid)
        reverses = voucher_detail(ledger, org_id, d.reverses_id).label if d.reverses_id else ""
        names = who.sign(
            preparer=d.prepared_by,
            reviewer=d.reviewer,
            poster=d.posted_by,
            cashier=d.prepared_by if d.source == VoucherSource.PAYMENT else "",
        )
        prints.append(
            VoucherPrint(
                org_name=org.name,
                number_label=d.label,
                date=d.date,
                attachments=d.attachments,
                lines=tuple(
                    VoucherLinePrint(
                        ln.memo or d.memo,
                        ln.account_code,
                        ln.account_name,
                        ln.member_name,
                        ln.debit,
                        ln.credit,
                    )
                    for ln in d.lines
                ),
                preparer=names.preparer,
                reviewer=names.reviewer,
                poster=names.poster,
                cashier=names.cashier,
                is_reversal=d.reverses_id is not None,
                reverses_label=reverses,
            )
        )
    render_voucher(prints, out)
    return out


def member_statement_data(
    ledger: Ledger,
    org_id: int,
    code: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> MemberStatement:
    """A member's statement as printed: the current and payable accounts with the running
    balance, other lines (wages) as information."""
    org = _org(ledger, org_id)
    ms = books.member_statement(ledger, org_id, code, start=start, end=end)
    label = f"{start or '—'} 至 {end or '—'}" if start or end else "全部"
    names = {c: a.name for c, a in _accounts(ledger, org_id).items() if c in ms.accounts}
    return MemberStatement(
        org_name=org.name,
        member_code=code,
        member_name=ms.member_name,
        group=ms.group,
        period_label=label,
        opening_fen=ms.opening,
        rows=tuple(
            MemberStatementRow(
                r.date,
                r.voucher_no,
                r.memo,
                r.account_name,
                r.debit,
                r.credit,
                r.balance,
                information=r.information,
            )
            for r in ms.rows
        ),
        closing_fen=ms.closing,
        accounts_label="、".join(names[c] for c in ms.accounts if c in names),
    )


def _accounts(ledger: Ledger, org_id: int) -> dict[str, Any]:
    with ledger.read() as s:
        return dict(accounts_by_code(s, org_id))


def print_member_statement(
    ledger: Ledger,
    org_id: int,
    code: str,
    out: Path,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Path:
    """A member's statement (成员往来对账单) with the running balance."""
    ledger.require(Permission.PRINT)
    render_member_statement(member_statement_data(ledger, org_id, code, start=start, end=end), out)
    return out
