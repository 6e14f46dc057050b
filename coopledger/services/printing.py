"""Printed papers from the ledger: the services gather plain rows, ``coopledger.reports``
draws them. Every function writes one PDF and returns its path; long jobs take a
``progress(done, total) -> bool`` callback (return False to cancel)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from coopledger.domain.dates import active_days, days_in_year
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ids import mask_bank_account
from coopledger.domain.land import contract_fee
from coopledger.domain.shares import land_share_amount
from coopledger.domain.vocabulary import Permission
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
from coopledger.services.distribution import get_plan, slips, wages_by_member
from coopledger.services.ledger import Ledger
from coopledger.services.registers import contract_inputs, share_lot_inputs
from coopledger.services.settings import get_setting
from coopledger.services.views import voucher_detail
from coopledger.store.ledger import A, L, V, accounts_by_code
from coopledger.store.models import Distribution, LandContract, Organisation

Progress = Callable[[int, int], bool]


def _org(ledger: Ledger, org_id: int) -> Organisation:
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
    if org is None:
        raise DomainError("org", N_("no organisation #{id}"), id=org_id)
    return org


def _signers(ledger: Ledger, org_id: int) -> tuple[str, str]:
    return get_setting(ledger, "preparer", org_id) or ledger.user, get_setting(
        ledger, "reviewer", org_id
    )


# -- slips and notice --------------------------------------------------------------


def slip_data(
    ledger: Ledger, org_id: int, year: int, *, member: str | None = None, group: str | None = None
) -> list[Slip]:
    """The slips of a committed year (one per household with a fee or a dividend)."""
    org = _org(ledger, org_id)
    plan = get_plan(ledger, org_id, year)
    assert plan is not None and plan.approved_on and plan.published_on
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
    preparer, reviewer = _signers(ledger, org_id)
    out = []
    for r in rows:
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
                preparer=preparer,
                reviewer=reviewer,
            )
        )
    return out


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
    """The public notice of a committed year."""
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
        )
        for n, r in enumerate(slips(ledger, org_id, year), start=1)
    )
    preparer, reviewer = _signers(ledger, org_id)
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
        preparer=preparer,
        accountant=preparer,
        reviewer=reviewer,
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


@dataclass(frozen=True, slots=True)
class _Item:
    code: str  # 行次
    name: str
    accounts: tuple[str, ...] = ()  # first-level codes summed (sign per kind)
    total_of: tuple[str, ...] = ()
    heading: bool = False


def _activity(ledger: Ledger, org_id: int, year: int) -> dict[str, int]:
    """Credit − debit per first-level account for the year's vouchers, closing excluded."""
    with ledger.read() as s:
        rows = s.execute(
            select(func.substr(A.c.code, 1, 3), func.sum(L.c.credit_fen - L.c.debit_fen))
            .select_from(L.join(V, V.c.id == L.c.voucher_id).join(A, A.c.id == L.c.account_id))
            .where(
                V.c.org_id == org_id,
                V.c.year == year,
                V.c.state == "posted",
                V.c.source != "closing",
            )
            .group_by(func.substr(A.c.code, 1, 3))
        ).all()
    return {str(c): int(n) for c, n in rows}


_INCOME = {
    "village-2023": (
        ("1", "一、经营收入", ("501",), 1),
        ("2", "加：投资收益", ("502",), 1),
        ("3", "减：经营支出", ("511",), -1),
        ("4", "减：税金及附加", ("512",), -1),
        ("5", "减：管理费用", ("513",), -1),
        ("6", "二、经营收益", ("=1", "=2", "-3", "-4", "-5"), 0),
        ("7", "加：补助收入", ("503",), 1),
        ("8", "加：其他收入", ("504",), 1),
        ("9", "减：公益支出", ("514",), -1),
        ("10", "减：其他支出", ("515",), -1),
        ("11", "三、收益总额", ("=6", "=7", "=8", "-9", "-10"), 0),
        ("12", "减：所得税费用", ("521",), -1),
        ("13", "四、本年收益", ("=11", "-12"), 0),
    ),
    "cooperative-2021": (
        ("1", "一、经营收入", ("501",), 1),
        ("2", "加：投资收益", ("511",), 1),
        ("3", "减：经营支出", ("521",), -1),
        ("4", "减：税金及附加", ("522",), -1),
        ("5", "减：管理费用", ("523",), -1),
        ("6", "减：财务费用", ("524",), -1),
        ("7", "二、经营收益", ("=1", "=2", "-3", "-4", "-5", "-6"), 0),
        ("8", "加：其他收入", ("502",), 1),
        ("9", "减：其他支出", ("529",), -1),
        ("10", "三、盈余总额", ("=7", "=8", "-9"), 0),
        ("11", "减：所得税费用", ("531",), -1),
        ("12", "四、本年盈余", ("=10", "-11"), 0),
    ),
}


def income_statement(ledger: Ledger, org_id: int, year: int) -> Statement:
    """收益及收益分配表 (village) / 盈余及盈余分配表 (cooperative) for a year."""
    org = _org(ledger, org_id)
    act = _activity(ledger, org_id, year)
    last = _activity(ledger, org_id, year - 1)
    spec = _INCOME[org.chart]
    values: dict[str, tuple[int, int]] = {}
    lines: list[StatementLine] = []
    for code, name, parts, sign in spec:
        if sign:
            cur = sum(act.get(a, 0) for a in parts) * sign
            prev = sum(last.get(a, 0) for a in parts) * sign
            # shown as positive amounts; the total lines add or subtract them
            values[code] = (cur, prev)
            lines.append(StatementLine(code, name, (cur, prev)))
        else:
            cur = prev = 0
            for p in parts:
                ref = p[1:]
                k = 1 if p[0] == "=" else -1
                cur += k * values[ref][0]
                prev += k * values[ref][1]
            values[code] = (cur, prev)
            total_of = tuple(("-" if p[0] == "-" else "") + p[1:] for p in parts)
            lines.append(StatementLine(code, name, (cur, prev), is_total=True, total_of=total_of))
    # The distribution part, from the committed distributions.
    with ledger.read() as s:
        dists = {
            d.year: d
            for d in s.execute(
                select(Distribution).where(
                    col(Distribution.org_id) == org_id, col(Distribution.state) == "committed"
                )
            ).scalars()
        }
        accounts = accounts_by_code(s, org_id)
    from coopledger.services.accounts import role_account

    und = role_account(org.chart, "undistributed")
    first_year_line = spec[-1][0]
    n = int(first_year_line)

    def opening_undistributed(y: int) -> int:
        if und not in accounts:
            return 0
        tb = books.trial_balance(ledger, org_id, dt.date(y, 1, 1), dt.date(y, 1, 1))
        row = next((r for r in tb if r.code == und), None)
        return -row.opening if row else 0

    op_cur, op_prev = opening_undistributed(year), opening_undistributed(year - 1)
    d_cur, d_prev = dists.get(year), dists.get(year - 1)
    funds = (
        (d_cur.welfare_fen + d_cur.reserve_fen) if d_cur else 0,
        (d_prev.welfare_fen + d_prev.reserve_fen) if d_prev else 0,
    )
    divs = (d_cur.dividends_fen if d_cur else 0, d_prev.dividends_fen if d_prev else 0)
    c_open, c_avail, c_funds, c_divs, c_end = (str(n + i) for i in range(1, 6))
    lines += [
        StatementLine(c_open, "加：年初未分配收益", (op_cur, op_prev)),
        StatementLine(
            c_avail,
            "五、可分配收益",
            (values[first_year_line][0] + op_cur, values[first_year_line][1] + op_prev),
            is_total=True,
            total_of=(first_year_line, c_open),
        ),
        StatementLine(c_funds, "减：提取公积公益金", funds),
        StatementLine(c_divs, "减：应付分红", divs),
        StatementLine(
            c_end,
            "六、年末未分配收益",
            (
                values[first_year_line][0] + op_cur - funds[0] - divs[0],
                values[first_year_line][1] + op_prev - funds[1] - divs[1],
            ),
            is_total=True,
            total_of=(c_avail, "-" + c_funds, "-" + c_divs),
        ),
    ]
    preparer, reviewer = _signers(ledger, org_id)
    title = "收益及收益分配表" if org.chart == "village-2023" else "盈余及盈余分配表"
    return Statement(
        kind="income",
        org_name=org.name,
        title=title,
        period_label=f"{year}年度",
        columns=("本年数", "上年数"),
        lines=tuple(lines),
        form_no="会农02表" if org.chart == "village-2023" else "",
        preparer=preparer,
        reviewer=reviewer,
    )


def _balances(ledger: Ledger, org_id: int, year: int) -> tuple[dict[str, int], dict[str, int]]:
    """Debit − credit per account code at the start and the end of the year."""
    tb = books.trial_balance(ledger, org_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return {r.code: r.opening for r in tb}, {r.code: r.closing for r in tb}


def balance_sheet(ledger: Ledger, org_id: int, year: int) -> Statement:
    """资产负债表 at the end of the year (with the start of the year beside it): assets on the
    left, liabilities and equity on the right; revenue and expense not yet closed are shown
    in 本年收益."""
    org = _org(ledger, org_id)
    start, end = _balances(ledger, org_id, year)
    with ledger.read() as s:
        accounts = sorted(
            (a for a in accounts_by_code(s, org_id).values() if len(a.code) == 3),
            key=lambda a: a.code,
        )
    left: list[StatementLine] = []
    right: list[StatementLine] = []
    row = 0

    def add(
        side: list[StatementLine], name: str, code: str, sign: int, amounts: tuple[int, int]
    ) -> str:
        nonlocal row
        row += 1
        side.append(StatementLine(str(row), f"{name}", (amounts[0] * sign, amounts[1] * sign)))
        return str(row)

    def section(side: list[StatementLine], kinds: tuple[str, ...], sign: int) -> list[str]:
        codes = []
        for a in accounts:
            if a.kind in kinds:
                amounts = (start.get(a.code, 0), end.get(a.code, 0))
                if amounts == (0, 0) and a.kind not in ("equity",):
                    continue
                codes.append(add(side, a.name, a.code, sign, amounts))
        return codes

    def total(side: list[StatementLine], name: str, parts: list[str]) -> str:
        nonlocal row
        row += 1
        vals = {ln.code: ln.amounts for ln in side}
        amounts = tuple(
            sum((vals[p.lstrip("-")][i] or 0) * (-1 if p.startswith("-") else 1) for p in parts)
            for i in range(2)
        )
        side.append(StatementLine(str(row), name, amounts, is_total=True, total_of=tuple(parts)))
        return str(row)

    # A two-way account (内部往来) whose balance lies on the credit side at the year end is
    # money owed to members: it is shown among the liabilities.
    credit_side = {
        a.code
        for a in accounts
        if a.kind in ("asset", "cost") and a.normal_side == "debit" and end.get(a.code, 0) < 0
    }
    left.append(StatementLine("", "资产：", ()))
    assets = [
        add(left, a.name, a.code, 1, (start.get(a.code, 0), end.get(a.code, 0)))
        for a in accounts
        if a.kind in ("asset", "cost")
        and a.code not in credit_side
        and (start.get(a.code, 0), end.get(a.code, 0)) != (0, 0)
    ]
    assets_total = total(left, "资产总计", assets)
    right.append(StatementLine("", "负债：", ()))
    liabilities = section(right, ("liability",), -1)
    liabilities += [
        add(right, a.name, a.code, -1, (start.get(a.code, 0), end.get(a.code, 0)))
        for a in accounts
        if a.code in credit_side
    ]
    liab_total = total(right, "负债合计", liabilities)
    right.append(StatementLine("", "所有者权益：", ()))
    equity_codes = []
    from coopledger.services.accounts import role_account

    income_code = role_account(org.chart, "current_year_income")
    pl_start = sum(
        v for c, v in start.items() if len(c) == 3 and _kind(accounts, c) in ("revenue", "expense")
    )
    pl_end = sum(
        v for c, v in end.items() if len(c) == 3 and _kind(accounts, c) in ("revenue", "expense")
    )
    for a in accounts:
        if a.kind != "equity":
            continue
        amounts = (start.get(a.code, 0), end.get(a.code, 0))
        if a.code == income_code:
            amounts = (amounts[0] + pl_start, amounts[1] + pl_end)
        if amounts == (0, 0) and a.code != income_code:
            continue
        equity_codes.append(add(right, a.name, a.code, -1, amounts))
    eq_total = total(right, "所有者权益合计", equity_codes)
    both = total(right, "负债和所有者权益总计", [liab_total, eq_total])
    l_tot = next(ln for ln in left if ln.code == assets_total).amounts
    r_tot = next(ln for ln in right if ln.code == both).amounts
    if l_tot != r_tot:
        raise DomainError(
            "ledger",
            N_("the balance sheet does not balance ({left} ≠ {right}); run verify"),
            left=l_tot,
            right=r_tot,
        )
    preparer, reviewer = _signers(ledger, org_id)
    return Statement(
        kind="balance_sheet",
        org_name=org.name,
        title="资产负债表",
        period_label=f"{year}年12月31日",
        columns=("年初数", "年末数"),
        lines=tuple(left),
        right_lines=tuple(right),
        item_header="资产",
        right_item_header="负债和所有者权益",
        form_no="会农01表" if org.chart == "village-2023" else "",
        preparer=preparer,
        reviewer=reviewer,
    )


def _kind(accounts: Sequence[object], code: str) -> str:
    for a in accounts:
        if getattr(a, "code", None) == code:
            return str(getattr(a, "kind", ""))
    return ""


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
    preparer, reviewer = _signers(ledger, org_id)
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
        preparer=preparer,
        reviewer=reviewer,
    )


def print_statements(ledger: Ledger, org_id: int, year: int, out: Path) -> Path:
    """The year-end statements: balance sheet, income and distribution, trial balance."""
    ledger.require(Permission.PRINT)
    statements = [
        balance_sheet(ledger, org_id, year),
        income_statement(ledger, org_id, year),
        trial_balance_statement(ledger, org_id, dt.date(year, 1, 1), dt.date(year, 12, 31)),
    ]
    render_statement(statements, out)
    return out


# -- vouchers and member statements ----------------------------------------------------


def print_voucher(ledger: Ledger, org_id: int, voucher_ids: Sequence[int], out: Path) -> Path:
    """记账凭证 prints, one voucher per page."""
    ledger.require(Permission.PRINT)
    org = _org(ledger, org_id)
    prints = []
    for vid in voucher_ids:
        d = voucher_detail(ledger, org_id, vid)
        reverses = voucher_detail(ledger, org_id, d.reverses_id).label if d.reverses_id else ""
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
                preparer=d.prepared_by,
                reviewer=d.reviewed_by,
                poster=d.posted_by,
                is_reversal=d.reverses_id is not None,
                reverses_label=reverses,
            )
        )
    render_voucher(prints, out)
    return out


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
    org = _org(ledger, org_id)
    rows = books.member_statement(ledger, org_id, code, start=start, end=end)
    from coopledger.services.views import get_member

    m = get_member(ledger, org_id, code)
    if m is None:
        raise DomainError("member", N_("no member {code}"), code=code)
    opening = rows[0].balance - rows[0].debit + rows[0].credit if rows else 0
    label = f"{start or '—'} 至 {end or '—'}" if start or end else "全部"
    render_member_statement(
        MemberStatement(
            org_name=org.name,
            member_code=code,
            member_name=m.name,
            group=m.group,
            period_label=label,
            opening_fen=opening,
            rows=tuple(
                MemberStatementRow(
                    r.date, r.voucher_no, r.memo, r.account_name, r.debit, r.credit, r.balance
                )
                for r in rows
            ),
            closing_fen=rows[-1].balance if rows else opening,
        ),
        out,
    )
    return out
