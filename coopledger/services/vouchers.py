"""Vouchers (记账凭证): drafts, review, posting, red reversal; month and year close;
balance checks (对账)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import read_value as _read
from coopledger.domain.ledger import (
    LineInput,
    VoucherInput,
    check_voucher,
    reversal_memo,
    voucher_label,
)
from coopledger.domain.records import NOTE, REASON
from coopledger.domain.vocabulary import (
    AccountKind,
    MemberAux,
    Permission,
    VoucherSource,
    VoucherState,
)
from coopledger.services.accounts import role_account
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import (
    PB,
    AccountInfo,
    L,
    ResolvedLine,
    ResolvedVoucher,
    V,
    VoucherRead,
    accounts_by_code,
    accounts_named,
    closed_months,
    insert_draft,
    insert_posted_vouchers,
    members_by_code,
    month_closed,
    post_reviewed,
    read_voucher,
    set_review,
)
from coopledger.store.models import (
    BalanceCheck,
    Distribution,
    DistributionPlan,
    FiscalYear,
    Organisation,
    Period,
    Voucher,
    VoucherLine,
)
from coopledger.store.tracked import voucher_state
from coopledger.store.uow import Tx


def resolve_voucher(
    v: VoucherInput,
    accounts: Mapping[str, AccountInfo],
    members: Mapping[str, int],
    *,
    path: str = "voucher",
    allow_red: bool = False,
) -> ResolvedVoucher:
    """Check a voucher against the book (leaf accounts, members where required) and turn
    codes into ids. Raises ``DomainError`` naming the line and field."""
    check_voucher(v, path=path, allow_red=allow_red)
    lines = []
    for i, ln in enumerate(v.lines):
        lp = f"{path}.lines[{i}]"
        acc = accounts.get(ln.account)
        if acc is None:
            raise DomainError(
                f"{lp}.account", N_("no account {code} in this book"), code=ln.account
            )
        if not acc.is_leaf:
            raise DomainError(
                f"{lp}.account",
                N_("{code} {name} has sub-accounts; post to one of them"),
                code=acc.code,
                name=acc.name,
            )
        if not acc.active:
            raise DomainError(
                f"{lp}.account",
                N_("{code} {name} is retired; no more postings to it"),
                code=acc.code,
                name=acc.name,
            )
        member_id = None
        if ln.member:
            member_id = members.get(ln.member)
            if member_id is None:
                raise DomainError(f"{lp}.member", N_("no member {code}"), code=ln.member)
        elif acc.member_aux == MemberAux.REQUIRED:
            raise DomainError(
                f"{lp}.member",
                N_("{code} {name} keeps a ledger per member: say which member"),
                code=acc.code,
                name=acc.name,
            )
        lines.append(ResolvedLine(acc.id, ln.debit_fen, ln.credit_fen, member_id, ln.memo))
    return ResolvedVoucher(v.date, v.memo, tuple(lines), v.attachments, v.vtype)


def _members_of(tx: Tx, org_id: int, data: VoucherInput) -> dict[str, int]:
    return members_by_code(tx.session, org_id, {ln.member for ln in data.lines if ln.member})


def check_open(closed: set[tuple[int, int]], d: dt.date, path: str = "date") -> None:
    """Refuse a date in a closed month."""
    if (d.year, d.month) in closed:
        raise DomainError(
            path,
            N_("{year}-{month:02d} is closed; no more postings there"),
            year=d.year,
            month=d.month,
        )


def _no_voucher(voucher_id: int) -> DomainError:
    return DomainError("voucher", N_("no voucher #{id} in this book"), id=voucher_id)


def _get_voucher(tx: Tx, org_id: int, voucher_id: int) -> Voucher:
    v = tx.session.get(Voucher, voucher_id)
    if v is None or v.org_id != org_id:
        raise _no_voucher(voucher_id)
    return v


def _read_to_check(
    tx: Tx, org_id: int, voucher_id: int, state: VoucherState, refused: str, what: str
) -> VoucherRead:
    """The voucher a reviewer or poster acts on, in one read (`read_voucher`): it must be in
    ``state`` (else ``refused``, with the state it is in) and not be the actor's own work."""
    found = read_voucher(tx.session, org_id, voucher_id)
    if found is None:
        raise _no_voucher(voucher_id)
    if found.header["state"] != state:
        raise DomainError("voucher", refused, state=found.header["state"])
    # Maker–checker: nobody checks their own work once the ledger has two or more users.
    if found.header["prepared_by"] == tx.user and found.users >= 2:
        raise DomainError(
            "user",
            N_("{user} prepared this voucher and cannot also {what} it (制单 ≠ 审核)"),
            user=tx.user,
            what=what,
        )
    return found


def _write_lines(tx: Tx, org_id: int, voucher_id: int, rv: ResolvedVoucher) -> None:
    for n, ln in enumerate(rv.lines, start=1):
        tx.session.add(
            VoucherLine(
                org_id=org_id,
                voucher_id=voucher_id,
                line_no=n,
                account_id=ln.account_id,
                member_id=ln.member_id,
                debit_fen=ln.debit_fen,
                credit_fen=ln.credit_fen,
                memo=ln.memo,
                date=rv.date,
            )
        )


def add_voucher(ledger: Ledger, org_id: int, data: VoucherInput) -> int:
    """Save a draft voucher (checked as far as it can be before posting)."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        # Only the accounts and members the lines name, the one month's period, and Core
        # inserts whose rows come back as stored (the audit entry's state): on a server
        # every statement is a round trip.
        accounts = accounts_named(tx.session, org_id, [ln.account for ln in data.lines])
        rv = resolve_voucher(data, accounts, _members_of(tx, org_id, data))
        day = data.date
        check_open(_closed(tx, org_id, day), day)
        header, lines = insert_draft(tx.session, org_id, rv, tx.user, dt.datetime.now(dt.UTC))
        voucher_id = int(header["id"])
        tx.log(
            "add voucher",
            entity="voucher",
            entity_id=voucher_id,
            after=voucher_state(header, lines),
        )
        return voucher_id


def _closed(tx: Tx, org_id: int, day: dt.date) -> set[tuple[int, int]]:
    """The closed months among ``day``'s (for `check_open`)."""
    return (
        {(day.year, day.month)} if month_closed(tx.session, org_id, day.year, day.month) else set()
    )


def update_draft(ledger: Ledger, org_id: int, voucher_id: int, data: VoucherInput) -> None:
    """Replace a draft's contents. Reviewed and posted vouchers cannot be edited."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        v = _get_voucher(tx, org_id, voucher_id)
        if v.state != VoucherState.DRAFT:
            raise DomainError(
                "voucher", N_("only drafts can be edited; this one is {state}"), state=v.state
            )
        rv = resolve_voucher(
            data, accounts_by_code(tx.session, org_id), _members_of(tx, org_id, data)
        )
        check_open(closed_months(tx.session, org_id), data.date)
        before = tx.state("voucher", voucher_id)
        tx.session.execute(delete(L).where(L.c.voucher_id == voucher_id))
        v.date, v.year, v.month = data.date, data.date.year, data.date.month
        v.memo, v.attachments, v.vtype = data.memo, data.attachments, data.vtype
        tx.session.add(v)
        _write_lines(tx, org_id, voucher_id, rv)
        tx.track("edit voucher", "voucher", voucher_id, before=before)


def delete_draft(ledger: Ledger, org_id: int, voucher_id: int) -> None:
    """Delete a draft. Posted vouchers are never deleted (reverse them)."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        v = _get_voucher(tx, org_id, voucher_id)
        if v.state != VoucherState.DRAFT:
            raise DomainError(
                "voucher", N_("only drafts can be deleted; this one is {state}"), state=v.state
            )
        before = tx.state("voucher", voucher_id)
        tx.session.execute(delete(L).where(L.c.voucher_id == voucher_id))
        tx.session.execute(delete(V).where(V.c.id == voucher_id))
        tx.track("delete voucher", "voucher", voucher_id, before=before)


def review_voucher(ledger: Ledger, org_id: int, voucher_id: int) -> None:
    """审核: a second person checks a draft."""
    ledger.require(Permission.REVIEW_VOUCHER)
    with ledger.write(org_id) as tx:
        found = _read_to_check(
            tx,
            org_id,
            voucher_id,
            VoucherState.DRAFT,
            N_("only drafts can be reviewed; this one is {state}"),
            "review",
        )
        v = found.header
        reviewed = set_review(tx.session, voucher_id, VoucherState.REVIEWED.value, tx.user)
        tx.log(
            "review voucher",
            entity="voucher",
            entity_id=voucher_id,
            before=voucher_state(v, found.lines),
            after=voucher_state(reviewed, found.lines),
        )


def unreview_voucher(ledger: Ledger, org_id: int, voucher_id: int) -> None:
    """Send a reviewed voucher back to draft (取消审核)."""
    ledger.require(Permission.REVIEW_VOUCHER)
    with ledger.write(org_id) as tx:
        v = _get_voucher(tx, org_id, voucher_id)
        if v.state != VoucherState.REVIEWED:
            raise DomainError("voucher", N_("the voucher is {state}, not reviewed"), state=v.state)
        before = tx.state("voucher", voucher_id)
        v.state, v.reviewed_by = VoucherState.DRAFT, ""
        tx.session.add(v)
        tx.track("unreview voucher", "voucher", voucher_id, before=before)


def post_voucher(ledger: Ledger, org_id: int, voucher_id: int) -> str:
    """记账: post a reviewed voucher. Checks balance, open period and leaf accounts again,
    gives it the month's next number and returns that number's label."""
    ledger.require(Permission.POST_VOUCHER)
    with ledger.write(org_id) as tx:
        # Two reads give everything (the voucher, its lines with their accounts and
        # members, the users, the period, the month's last number) and two writes and
        # the period balances post it: on a server every statement is a round trip.
        found = _read_to_check(
            tx,
            org_id,
            voucher_id,
            VoucherState.REVIEWED,
            N_("only reviewed vouchers can be posted; this one is {state}"),
            "post",
        )
        v = found.header
        member_code = found.member_codes()
        data = VoucherInput(
            v["date"],
            v["memo"],
            tuple(
                LineInput(
                    ln["a_code"],
                    ln["debit_fen"],
                    ln["credit_fen"],
                    member_code.get(ln["member_id"]) if ln["member_id"] else None,
                    ln["memo"],
                )
                for ln in found.lines
            ),
            v["attachments"],
            v["vtype"],
        )
        resolve_voucher(
            data, found.accounts(org_id), {code: mid for mid, code in member_code.items()}
        )
        check_open({(v["year"], v["month"])} if found.closed else set(), v["date"])
        before = voucher_state(v, found.lines)
        posted = post_reviewed(tx.session, org_id, found, tx.user)
        # The lines' recorded fields do not change on posting (their date and number are
        # copies of the header's): the state after is the row as stored now and the lines.
        tx.log(
            "post voucher",
            entity="voucher",
            entity_id=voucher_id,
            before=before,
            after=voucher_state(posted, found.lines),
        )
        return voucher_label(posted["vtype"], posted["seq"])


def reverse_voucher(
    ledger: Ledger, org_id: int, voucher_id: int, *, on: dt.date | None = None
) -> int:
    """红字冲销: post the mirror (red) voucher of a posted one; returns the new voucher's id.

    The red voucher is dated ``on`` (default: the original's date when that month is open)."""
    ledger.require(Permission.REVERSE_VOUCHER)
    with ledger.write(org_id) as tx:
        v = _get_voucher(tx, org_id, voucher_id)
        if v.state != VoucherState.POSTED:
            raise DomainError(
                "voucher", N_("only posted vouchers are reversed; drafts can simply be edited")
            )
        if v.reverses_id is not None:
            raise DomainError(
                "voucher", N_("this voucher is itself a reversal; a reversal cannot be reversed")
            )
        if v.reversed_by_id is not None:
            raise DomainError("voucher", N_("this voucher has already been reversed"))
        if v.source == VoucherSource.DISTRIBUTION:
            raise DomainError(
                "voucher",
                N_("vouchers of a distribution are reversed with the distribution itself"),
            )
        if v.source == VoucherSource.PAYMENT:
            raise DomainError(
                "voucher",
                N_(
                    "a payment is reversed with its slip (reverse-payment), which a second"
                    " person approves"
                ),
            )
        if v.source == VoucherSource.DEPRECIATION:
            raise DomainError(
                "voucher",
                N_("a month's depreciation is reversed with its run (the cards go with it)"),
            )
        if v.source == VoucherSource.ASSET:
            raise DomainError(
                "voucher",
                N_("this voucher belongs to a change of a fixed asset; the card goes with it"),
            )
        closed = closed_months(tx.session, org_id)
        when = on or v.date
        if on is None and (v.date.year, v.date.month) in closed:
            raise DomainError(
                "date", N_("the original's month is closed; give the date of the reversal")
            )
        check_open(closed, when)
        lines = (
            tx.session.execute(
                select(VoucherLine)
                .where(col(VoucherLine.voucher_id) == voucher_id)
                .order_by(col(VoucherLine.line_no))
            )
            .scalars()
            .all()
        )
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
        before = tx.state("voucher", voucher_id)
        (rid,) = insert_posted_vouchers(
            tx.session,
            org_id,
            [red],
            user=tx.user,
            source=VoucherSource.REVERSAL,
            reverses={0: voucher_id},
        )
        tx.session.execute(update(V).where(V.c.id == voucher_id).values(reversed_by_id=rid))
        tx.track("reverse voucher", "voucher", rid)
        tx.track("reversed by #" + str(rid), "voucher", voucher_id, before=before)
        return rid


def post_system_vouchers(
    tx: Tx,
    org_id: int,
    vouchers: Sequence[VoucherInput],
    *,
    source: str,
    action: str,
    distribution_id: int | None = None,
    reviewed_by: str = "",
) -> list[int]:
    """Inside a transaction: check and post vouchers the program makes itself (imports,
    distribution, payments, closing) in bulk, with one audit entry. ``reviewed_by``: who
    approved what they carry out (a distribution's plan)."""
    accounts = accounts_by_code(tx.session, org_id)
    members = members_by_code(
        tx.session, org_id, {ln.member for v in vouchers for ln in v.lines if ln.member}
    )
    closed = closed_months(tx.session, org_id)
    resolved = []
    for i, v in enumerate(vouchers):
        path = f"vouchers[{i}]"
        resolved.append(resolve_voucher(v, accounts, members, path=path))
        check_open(closed, v.date, f"{path}.date")
    digests: dict[int, str] = {}
    ids = insert_posted_vouchers(
        tx.session,
        org_id,
        resolved,
        user=tx.user,
        source=source,
        distribution_id=distribution_id,
        reviewed_by=reviewed_by,
        digests=digests,
    )
    if ids:
        tx.track_bulk(action, "voucher", digests, {"vouchers": len(ids), "source": source})
    return ids


# -- periods ---------------------------------------------------------------------------


def _open_vouchers_in(tx: Tx, org_id: int, year: int, month: int | None) -> int:
    q = (
        select(func.count())
        .select_from(V)
        .where(V.c.org_id == org_id, V.c.year == year, V.c.state != VoucherState.POSTED)
    )
    if month is not None:
        q = q.where(V.c.month == month)
    return int(tx.session.execute(q).scalar_one())


def close_period(ledger: Ledger, org_id: int, year: int, month: int) -> None:
    """结账: close a month. Refused while it holds unposted vouchers or an earlier month
    with postings is still open."""
    ledger.require(Permission.CLOSE_PERIOD)
    if not 1 <= month <= 12:
        raise DomainError("period", N_("month must be 1–12 (got {got})"), got=month)
    with ledger.write(org_id) as tx:
        closed = closed_months(tx.session, org_id)
        if (year, month) in closed:
            raise DomainError(
                "period", N_("{year}-{month:02d} is already closed"), year=year, month=month
            )
        pending = _open_vouchers_in(tx, org_id, year, month)
        if pending:
            raise DomainError(
                "period",
                N_("{n} vouchers of {year}-{month:02d} are not posted yet"),
                n=pending,
                year=year,
                month=month,
            )
        earlier = tx.session.execute(
            select(V.c.year, V.c.month)
            .where(
                V.c.org_id == org_id,
                (V.c.year * 12 + V.c.month) < (year * 12 + month),
            )
            .distinct()
        ).all()
        still_open = sorted((y, m) for y, m in earlier if (y, m) not in closed)
        if still_open:
            y, m = still_open[0]
            raise DomainError("period", N_("close {year}-{month:02d} first"), year=y, month=m)
        from coopledger.services.assets import refuse_closing_without_depreciation

        refuse_closing_without_depreciation(tx.session, org_id, [(year, month)])
        row = tx.session.get(Period, (org_id, year, month)) or Period(
            org_id=org_id, year=year, month=month
        )
        row.closed, row.closed_at, row.closed_by = True, dt.datetime.now(dt.UTC), tx.user
        tx.session.add(row)
        tx.log("close period", entity="period", entity_id=f"{year}-{month:02d}")


def reopen_period(ledger: Ledger, org_id: int, year: int, month: int, reason: str) -> None:
    """反结账: reopen the latest closed month; an audited act that needs a reason."""
    ledger.require(Permission.REOPEN_PERIOD)
    if not reason.strip():
        raise DomainError("reason", N_("say why the month is reopened"))
    reason = _read(REASON, reason, "reason")
    with ledger.write(org_id) as tx:
        fy = tx.session.get(FiscalYear, (org_id, year))
        if fy is not None and fy.closed:
            raise DomainError("period", N_("the year {year} is closed"), year=year)
        row = tx.session.get(Period, (org_id, year, month))
        if row is None or not row.closed:
            raise DomainError(
                "period", N_("{year}-{month:02d} is not closed"), year=year, month=month
            )
        later = tx.session.execute(
            select(col(Period.year), col(Period.month)).where(
                col(Period.org_id) == org_id,
                col(Period.closed),
                (col(Period.year) * 12 + col(Period.month)) > (year * 12 + month),
            )
        ).first()
        if later is not None:
            raise DomainError(
                "period", N_("reopen {year}-{month:02d} first"), year=later[0], month=later[1]
            )
        row.closed, row.closed_at = False, None
        tx.session.add(row)
        tx.log(
            "reopen period",
            entity="period",
            entity_id=f"{year}-{month:02d}",
            after={"reason": reason.strip()},
        )


def year_balances(tx: Tx, org_id: int, year: int) -> dict[int, int]:
    """Posted debit − credit per account for the year (from the kept period balances)."""
    return {
        int(r[0]): int(r[1] or 0) - int(r[2] or 0)
        for r in tx.session.execute(
            select(PB.c.account_id, func.sum(PB.c.debit_fen), func.sum(PB.c.credit_fen))
            .where(PB.c.org_id == org_id, PB.c.year == year)
            .group_by(PB.c.account_id)
        )
    }


def _refuse_uncommitted_plan(tx: Tx, org_id: int, year: int) -> None:
    """A year whose distribution plan exists is closed only once that plan is committed:
    closing first would carry the whole result into 未分配收益 and leave the members' shares
    unposted."""
    plan = tx.session.execute(
        select(col(DistributionPlan.id)).where(
            col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == year
        )
    ).first()
    if plan is None:
        return
    committed = tx.session.execute(
        select(col(Distribution.id)).where(
            col(Distribution.org_id) == org_id,
            col(Distribution.year) == year,
            col(Distribution.state) == "committed",
        )
    ).first()
    if committed is None:
        raise DomainError(
            "year",
            N_(
                "{year} has a distribution plan that is not committed yet: commit the distribution before closing the year"
            ),
            year=year,
        )


def close_year(ledger: Ledger, org_id: int, year: int) -> list[int]:
    """年终结账: carry revenue and expense into 本年收益, 本年收益 and 各项分配 into
    未分配收益, in posted closing vouchers dated 31 December; then close the year."""
    ledger.require(Permission.CLOSE_PERIOD)
    with ledger.write(org_id) as tx:
        org = tx.session.get(Organisation, org_id)
        assert org is not None
        fy = tx.session.get(FiscalYear, (org_id, year))
        if fy is not None and fy.closed:
            raise DomainError("year", N_("{year} is already closed"), year=year)
        pending = _open_vouchers_in(tx, org_id, year, None)
        if pending:
            raise DomainError(
                "year", N_("{n} vouchers of {year} are not posted yet"), n=pending, year=year
            )
        _refuse_uncommitted_plan(tx, org_id, year)
        from coopledger.services.assets import refuse_closing_without_depreciation

        closed = closed_months(tx.session, org_id)
        refuse_closing_without_depreciation(
            tx.session, org_id, [(year, m) for m in range(1, 13) if (year, m) not in closed]
        )
        accounts = accounts_by_code(tx.session, org_id)
        by_id = {a.id: a for a in accounts.values()}
        income_code = role_account(org.chart, "current_year_income")
        items_code = role_account(org.chart, "distribution_items")
        undistributed_code = role_account(org.chart, "undistributed")
        end = dt.date(year, 12, 31)
        vouchers: list[VoucherInput] = []
        bal = year_balances(tx, org_id, year)

        def carry(memo: str, codes: list[tuple[str, int]], target: str) -> None:
            lines: list[LineInput] = []
            total = 0
            for code, net in codes:  # net = debit − credit of the account to clear
                if net > 0:
                    lines.append(LineInput(code, credit_fen=net, memo=memo))
                elif net < 0:
                    lines.append(LineInput(code, debit_fen=-net, memo=memo))
                total += net
            if not lines:
                return
            if total > 0:
                lines.append(LineInput(target, debit_fen=total, memo=memo))
            elif total < 0:
                lines.append(LineInput(target, credit_fen=-total, memo=memo))
            if len(lines) >= 2:
                vouchers.append(VoucherInput(end, memo, tuple(lines)))

        rev = sorted(
            (by_id[a].code, n) for a, n in bal.items() if by_id[a].kind == AccountKind.REVENUE and n
        )
        exp = sorted(
            (by_id[a].code, n) for a, n in bal.items() if by_id[a].kind == AccountKind.EXPENSE and n
        )
        carry(f"{year}年结转收入", rev, income_code)
        carry(f"{year}年结转费用", exp, income_code)
        income_net = sum(n for _, n in rev) + sum(n for _, n in exp)
        # After those two carries 本年收益 holds (debit − credit) its own balance plus the
        # revenue and expense nets it received.
        income_bal = bal.get(accounts[income_code].id, 0) + income_net
        if income_bal:
            carry(f"{year}年结转本年收益", [(income_code, income_bal)], undistributed_code)
        items_bal = bal.get(accounts[items_code].id, 0)
        if items_bal:
            carry(f"{year}年结转收益分配", [(items_code, items_bal)], undistributed_code)
        ids = post_system_vouchers(
            tx, org_id, vouchers, source=VoucherSource.CLOSING, action=f"close year {year}"
        )
        for m in range(1, 13):
            row = tx.session.get(Period, (org_id, year, m)) or Period(
                org_id=org_id, year=year, month=m
            )
            if not row.closed:
                row.closed, row.closed_at, row.closed_by = True, dt.datetime.now(dt.UTC), tx.user
                tx.session.add(row)
        fy = fy or FiscalYear(org_id=org_id, year=year)
        fy.closed, fy.closed_at, fy.closed_by = True, dt.datetime.now(dt.UTC), tx.user
        tx.session.add(fy)
        tx.log("close year", entity="fiscal_year", entity_id=str(year), after={"vouchers": ids})
        return ids


# -- balance checks (对账) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReconItem:
    """An item on the bank reconciliation statement (未达账项)."""

    kind: str  # bank_in_not_booked | bank_out_not_booked | booked_in_not_bank | booked_out_not_bank
    amount_fen: int
    memo: str = ""


RECON_KINDS = (
    "bank_in_not_booked",
    "bank_out_not_booked",
    "booked_in_not_bank",
    "booked_out_not_bank",
)


def record_balance_check(
    ledger: Ledger,
    org_id: int,
    account_code: str,
    on: dt.date,
    statement_fen: int,
    *,
    note: str = "",
    items: Sequence[ReconItem] = (),
) -> int:
    """Record what a bank statement or a cash count shows for an account on a date."""
    ledger.require(Permission.PREPARE_VOUCHER)
    note = _read(NOTE, note, "note")
    for i, it in enumerate(items):
        if it.kind not in RECON_KINDS:
            raise DomainError(f"items[{i}].kind", N_('unknown item kind "{got}"'), got=it.kind)
        if it.amount_fen <= 0:
            raise DomainError(f"items[{i}].amount", N_("must be greater than 0"))
    with ledger.write(org_id) as tx:
        acc = accounts_by_code(tx.session, org_id).get(account_code)
        if acc is None:
            raise DomainError("account", N_("no account {code} in this book"), code=account_code)
        payload = {"note": note, "items": [[it.kind, it.amount_fen, it.memo] for it in items]}
        row = BalanceCheck(
            org_id=org_id,
            account_id=acc.id,
            on_date=on,
            statement_fen=statement_fen,
            note=json.dumps(payload, ensure_ascii=False),
            recorded_by=tx.user,
        )
        tx.session.add(row)
        tx.session.flush()
        assert row.id is not None
        tx.track("record balance check", "balance_check", row.id)
        return row.id
