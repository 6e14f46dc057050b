"""The books an auditor reads, as plain rows: trial balance (科目余额表), general ledger (总账),
subsidiary ledger (明细账), journal (序时账), member statement, reconciliation (余额调节表).

Balances come from the kept monthly totals plus, for part-months, the lines themselves, so a
year's trial balance never sums every line since the beginning of time.

The opening entry (建账, ``source = "opening"``) is never turnover: its amounts belong to the
opening balance (上年结转) of any period that contains it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, Select, and_, func, or_, select

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import is_sub_code, voucher_label
from coopledger.domain.vocabulary import VoucherState
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import PB, A, AccountInfo, L, M, V, accounts_by_code
from coopledger.store.tables import organisation as O

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The models (SQLModel, the ORM) are imported only by the functions that read ORM objects:
# the trial balance and the ledgers run on Core tables alone.


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    """One account's line in the trial balance; balances are debit − credit."""

    code: str
    name: str
    kind: str
    level: int
    is_leaf: bool
    opening: int
    debit: int
    credit: int
    closing: int

    @property
    def opening_debit(self) -> int:
        return max(self.opening, 0)

    @property
    def opening_credit(self) -> int:
        return max(-self.opening, 0)

    @property
    def closing_debit(self) -> int:
        return max(self.closing, 0)

    @property
    def closing_credit(self) -> int:
        return max(-self.closing, 0)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """A line of a subsidiary ledger, journal or member statement."""

    date: dt.date
    voucher_id: int
    voucher_no: str
    memo: str
    account_code: str
    account_name: str
    member_code: str
    member_name: str
    debit: int
    credit: int
    balance: int  # running debit − credit (0 in the journal)
    # A member statement's information line (wages, other income): shown, never in the
    # balance (``balance`` then repeats the running balance before it).
    information: bool = False

    @property
    def side(self) -> str:
        """借 (the member owes), 贷 (owed to the member) or 平 for the running balance."""
        return balance_side(self.balance)


def balance_side(balance: int) -> str:
    """借 / 贷 / 平 for a debit-positive balance."""
    return "借" if balance > 0 else "贷" if balance < 0 else "平"


def _month_index(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _sums(
    s: Session | Connection, org_id: int, start: dt.date | None, end: dt.date
) -> dict[int, tuple[int, int]]:
    """Posted (debit, credit) per account for dates in [start, end] (start None: all before)."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    first_full = _month_index(start) if start else -1
    if start and start.day != 1:
        first_full += 1
    nxt = end + dt.timedelta(days=1)
    last_full = _month_index(end) if nxt.day == 1 else _month_index(end) - 1
    if first_full <= last_full:
        q = (
            select(PB.c.account_id, func.sum(PB.c.debit_fen), func.sum(PB.c.credit_fen))
            .where(PB.c.org_id == org_id, (PB.c.year * 12 + PB.c.month - 1) <= last_full)
            .group_by(PB.c.account_id)
        )
        if first_full >= 0:
            q = q.where((PB.c.year * 12 + PB.c.month - 1) >= first_full)
        for acc, d, c in s.execute(q):
            out[acc][0] += int(d or 0)
            out[acc][1] += int(c or 0)
    # Part-months at either end come from the lines.
    ranges: list[tuple[dt.date, dt.date]] = []
    if start and start.day != 1:
        month_end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
            days=1
        )
        ranges.append((start, min(end, month_end)))
    if nxt.day != 1:
        lo = end.replace(day=1)
        if not ranges or lo > ranges[0][1]:
            ranges.append((max(lo, start) if start else lo, end))
        else:
            ranges[0] = (ranges[0][0], end)
    if first_full > last_full and not ranges and start is not None and start <= end:
        ranges.append((start, end))
    for lo, hi in ranges:
        if lo > hi:
            continue
        q = (
            select(L.c.account_id, func.sum(L.c.debit_fen), func.sum(L.c.credit_fen))
            .select_from(L.join(V, L.c.voucher_id == V.c.id))
            .where(
                V.c.org_id == org_id,
                V.c.state == VoucherState.POSTED,
                V.c.date >= lo,
                V.c.date <= hi,
            )
            .group_by(L.c.account_id)
        )
        for acc, d, c in s.execute(q):
            out[acc][0] += int(d or 0)
            out[acc][1] += int(c or 0)
    return {k: (v[0], v[1]) for k, v in out.items()}


#: The source of the opening entry (建账期初余额), posted by ``services.opening``.
OPENING_SOURCE = "opening"


def opening_voucher_ids(s: Session | Connection, org_id: int) -> list[int]:
    """The posted opening entries of a book (one, or a few after corrections)."""
    return [
        int(i)
        for i in s.execute(
            select(V.c.id).where(
                V.c.org_id == org_id, V.c.source == OPENING_SOURCE, V.c.state == "posted"
            )
        ).scalars()
    ]


def opening_sums(
    s: Session | Connection, org_id: int, start: dt.date | None, end: dt.date
) -> dict[int, tuple[int, int]]:
    """(debit, credit) per account of the opening entries dated in [start, end]."""
    ids = opening_voucher_ids(s, org_id)
    if not ids:
        return {}
    q = (
        select(L.c.account_id, func.sum(L.c.debit_fen), func.sum(L.c.credit_fen))
        .where(L.c.voucher_id.in_(ids), L.c.date <= end)
        .group_by(L.c.account_id)
    )
    if start is not None:
        q = q.where(L.c.date >= start)
    return {int(a): (int(d or 0), int(c or 0)) for a, d, c in s.execute(q)}


def _rollup(
    accounts: Iterable[AccountInfo], leaf_values: dict[int, tuple[int, int, int]]
) -> dict[str, tuple[int, int, int]]:
    """Add each account's (opening, debit, credit) into every ancestor's."""
    accs = sorted(accounts, key=lambda a: a.code)
    codes = [a.code for a in accs]
    totals: dict[str, list[int]] = {a.code: [0, 0, 0] for a in accs}
    for a in accs:
        vals = leaf_values.get(a.id)
        if not vals:
            continue
        for c in codes:
            if c == a.code or is_sub_code(a.code, c):
                t = totals[c]
                t[0] += vals[0]
                t[1] += vals[1]
                t[2] += vals[2]
    return {c: (t[0], t[1], t[2]) for c, t in totals.items()}


def trial_balance(
    ledger: Ledger, org_id: int, start: dt.date, end: dt.date, *, include_empty: bool = False
) -> list[TrialBalanceRow]:
    """科目余额表 for [start, end]: every account (parents summed over their sub-accounts)
    with its opening balance, the period's debits and credits and the closing balance."""
    if end < start:
        raise DomainError("to", N_("the end date is before the start date"))
    with ledger.connect() as s:
        accounts = accounts_by_code(s, org_id)
        opening = _sums(s, org_id, None, start - dt.timedelta(days=1))
        period = _sums(s, org_id, start, end)
        taken_over = opening_sums(s, org_id, start, end)
    values: dict[int, tuple[int, int, int]] = {}
    for acc_id in set(opening) | set(period):
        od, oc = opening.get(acc_id, (0, 0))
        pd, pc = period.get(acc_id, (0, 0))
        # The opening entry is the period's opening balance, not its turnover.
        td, tc = taken_over.get(acc_id, (0, 0))
        values[acc_id] = (od - oc + td - tc, pd - td, pc - tc)
    rolled = _rollup(accounts.values(), values)
    rows = []
    for a in sorted(accounts.values(), key=lambda a: a.code):
        op, d, c = rolled[a.code]
        if not include_empty and not (op or d or c):
            continue
        level = sum(1 for other in accounts if is_sub_code(a.code, other))
        rows.append(TrialBalanceRow(a.code, a.name, a.kind, level, a.is_leaf, op, d, c, op + d - c))
    return rows


def trial_balance_totals(rows: Iterable[TrialBalanceRow]) -> dict[str, int]:
    """Totals over first-level rows; debit columns equal credit columns in a sound ledger."""
    top = [r for r in rows if r.level == 0]
    return {
        "opening_debit": sum(r.opening_debit for r in top),
        "opening_credit": sum(r.opening_credit for r in top),
        "debit": sum(r.debit for r in top),
        "credit": sum(r.credit for r in top),
        "closing_debit": sum(r.closing_debit for r in top),
        "closing_credit": sum(r.closing_credit for r in top),
    }


def _account_ids(accounts: dict[str, AccountInfo], code: str) -> list[int]:
    if code not in accounts:
        raise DomainError("account", N_("no account {code} in this book"), code=code)
    return [a.id for c, a in accounts.items() if c == code or is_sub_code(c, code)]


@dataclass(frozen=True, slots=True)
class GeneralLedgerRow:
    """总账: one month of one account."""

    year: int
    month: int
    opening: int
    debit: int
    credit: int
    closing: int


def general_ledger(ledger: Ledger, org_id: int, code: str, year: int) -> list[GeneralLedgerRow]:
    """总账 of an account (with its sub-accounts) month by month for a year."""
    with ledger.read() as s:
        accounts = accounts_by_code(s, org_id)
        ids = _account_ids(accounts, code)
        before = s.execute(
            select(func.coalesce(func.sum(PB.c.debit_fen - PB.c.credit_fen), 0)).where(
                PB.c.org_id == org_id, PB.c.account_id.in_(ids), PB.c.year < year
            )
        ).scalar_one()
        months = {
            int(m): (int(d), int(c))
            for m, d, c in s.execute(
                select(PB.c.month, func.sum(PB.c.debit_fen), func.sum(PB.c.credit_fen))
                .where(PB.c.org_id == org_id, PB.c.account_id.in_(ids), PB.c.year == year)
                .group_by(PB.c.month)
            )
        }
        taken_over = opening_sums(s, org_id, dt.date(year, 1, 1), dt.date(year, 12, 31))
        opening_lines = (
            s.execute(
                select(L.c.date, L.c.debit_fen, L.c.credit_fen).where(
                    L.c.voucher_id.in_(opening_voucher_ids(s, org_id)),
                    L.c.account_id.in_(ids),
                    L.c.date >= dt.date(year, 1, 1),
                    L.c.date <= dt.date(year, 12, 31),
                )
            ).all()
            if taken_over
            else []
        )
    rows = []
    bal = int(before)
    # An opening entry within the year counts as the year's opening balance (上年结转).
    for d, debit, credit in opening_lines:
        bal += debit - credit
        md, mc = months.get(d.month, (0, 0))
        months[d.month] = (md - debit, mc - credit)
    for m in range(1, 13):
        d, c = months.get(m, (0, 0))
        rows.append(GeneralLedgerRow(year, m, bal, d, c, bal + d - c))
        bal += d - c
    return rows


def _line_query(org_id: int) -> Select[*tuple[Any, ...]]:
    return (
        select(
            V.c.date,
            V.c.id,
            V.c.vtype,
            V.c.seq,
            V.c.memo,
            L.c.memo.label("line_memo"),
            A.c.code,
            A.c.name,
            M.c.code.label("member_code"),
            M.c.name.label("member_name"),
            L.c.debit_fen,
            L.c.credit_fen,
        )
        .select_from(
            L.join(V, L.c.voucher_id == V.c.id)
            .join(A, L.c.account_id == A.c.id)
            .outerjoin(M, L.c.member_id == M.c.id)
        )
        .where(V.c.org_id == org_id, V.c.state == VoucherState.POSTED)
    )


def _rows(result: Iterable[Row[*tuple[Any, ...]]], opening: int, running: bool) -> list[LedgerRow]:
    out = []
    bal = opening
    for r in result:
        bal += r.debit_fen - r.credit_fen
        out.append(
            LedgerRow(
                r.date,
                r.id,
                voucher_label(r.vtype, r.seq),
                r.line_memo or r.memo,
                r.code,
                r.name,
                r.member_code or "",
                r.member_name or "",
                r.debit_fen,
                r.credit_fen,
                bal if running else 0,
            )
        )
    return out


def subsidiary_ledger(
    ledger: Ledger,
    org_id: int,
    code: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    offset: int = 0,
    limit: int | None = 200,
) -> tuple[int, list[LedgerRow]]:
    """明细账 of an account (with its sub-accounts), paged in SQL in date and number order:
    (the balance before the page, the page's rows with the running balance)."""
    with ledger.read() as s:
        accounts = accounts_by_code(s, org_id)
        ids = _account_ids(accounts, code)
        taken_over = opening_voucher_ids(s, org_id)
        # org_id on the line lets SQLite use the (org, account, voucher) index.
        q = _line_query(org_id).where(L.c.org_id == org_id, L.c.account_id.in_(ids))
        if taken_over:
            # The opening entry is the balance brought forward, not a row.
            q = q.where(L.c.voucher_id.not_in(taken_over))
        if start:
            q = q.where(L.c.date >= start)
        if end:
            q = q.where(L.c.date <= end)
        q = q.order_by(L.c.date, L.c.seq, L.c.voucher_id, L.c.line_no)
        page = s.execute(q.add_columns(L.c.line_no).offset(offset).limit(limit)).all()
        if not page:
            return 0, []
        first = page[0]
        # Balance before the first row: whole months from the kept totals, then the lines of
        # the first row's month that come before it.
        month_start = first.date.replace(day=1)
        kept = _sums(s, org_id, None, month_start - dt.timedelta(days=1))
        opening = sum(kept.get(i, (0, 0))[0] - kept.get(i, (0, 0))[1] for i in ids)
        before_first = [
            L.c.date < first.date,
            and_(L.c.date == first.date, L.c.seq < first.seq),
            and_(L.c.date == first.date, L.c.seq == first.seq, L.c.voucher_id < first.id),
            and_(L.c.voucher_id == first.id, L.c.line_no < first.line_no),
        ]
        if taken_over:
            # The opening entry of the first row's day comes before everything of that day.
            before_first.append(and_(L.c.date == first.date, L.c.voucher_id.in_(taken_over)))
        earlier = or_(*before_first)
        opening += int(
            s.execute(
                select(func.coalesce(func.sum(L.c.debit_fen - L.c.credit_fen), 0))
                .select_from(L.join(V, L.c.voucher_id == V.c.id))
                .where(
                    V.c.org_id == org_id,
                    V.c.state == VoucherState.POSTED,
                    L.c.account_id.in_(ids),
                    L.c.date >= month_start,
                    L.c.date <= first.date,
                    L.c.org_id == org_id,
                    earlier,
                )
            ).scalar_one()
        )
        return opening, _rows(page, opening, True)


def journal(
    ledger: Ledger,
    org_id: int,
    start: dt.date,
    end: dt.date,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[LedgerRow]:
    """序时账: every posted line between two dates, in date and number order."""
    with ledger.read() as s:
        q = (
            _line_query(org_id)
            .where(V.c.date >= start, V.c.date <= end)
            .order_by(V.c.date, V.c.seq, V.c.id, L.c.line_no)
            .offset(offset)
            .limit(limit)
        )
        return _rows(s.execute(q).all(), 0, False)


@dataclass(frozen=True, slots=True)
class MemberStatementData:
    """A member's own statement (成员往来对账单): the lines on the member's current and
    payable accounts (``accounts``: 内部往来 / 成员往来, 应付款, 应付盈余返还, 应付剩余盈余) with
    the opening and running balance (debit-positive: negative is owed to the member, 贷),
    and the member's other lines (wages, other income) as information that never enters
    the balance."""

    member_code: str
    member_name: str
    group: str
    accounts: tuple[str, ...]
    opening: int
    rows: list[LedgerRow]
    closing: int

    @property
    def balance_rows(self) -> list[LedgerRow]:
        """The lines that make the balance (information lines left out)."""
        return [r for r in self.rows if not r.information]


def member_statement(
    ledger: Ledger,
    org_id: int,
    member_code: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> MemberStatementData:
    """A member's statement for a period (all time when no dates are given): see
    `MemberStatementData`. Its ``closing`` is what the member owes (> 0) or is owed (< 0)
    on those accounts at the end of the period."""
    from coopledger.services.distribution import posting_accounts

    with ledger.read() as s:
        row = s.execute(
            select(M.c.id, M.c.name, M.c.group_name).where(
                M.c.org_id == org_id, M.c.code == member_code
            )
        ).first()
        if row is None:
            raise DomainError("member", N_("no member {code}"), code=member_code)
        mid, name, group = row
        chart = s.execute(select(O.c.chart).where(O.c.id == org_id))
        codes = posting_accounts(str(chart.scalar_one())).member_accounts()
        accounts = accounts_by_code(s, org_id)
        ids = {i for c in codes if c in accounts for i in _account_ids(accounts, c)}
        q = _line_query(org_id).where(L.c.member_id == mid)
        opening = 0
        if start:
            opening = int(
                s.execute(
                    select(func.coalesce(func.sum(L.c.debit_fen - L.c.credit_fen), 0))
                    .select_from(L.join(V, L.c.voucher_id == V.c.id))
                    .where(
                        L.c.member_id == mid,
                        L.c.account_id.in_(ids),
                        V.c.state == VoucherState.POSTED,
                        V.c.date < start,
                    )
                ).scalar_one()
            )
            q = q.where(V.c.date >= start)
        if end:
            q = q.where(V.c.date <= end)
        q = q.add_columns(L.c.account_id).order_by(V.c.date, V.c.seq, V.c.id, L.c.line_no)
        rows: list[LedgerRow] = []
        bal = opening
        for r in s.execute(q).all():
            info = r.account_id not in ids
            if not info:
                bal += r.debit_fen - r.credit_fen
            rows.append(
                LedgerRow(
                    r.date,
                    r.id,
                    voucher_label(r.vtype, r.seq),
                    r.line_memo or r.memo,
                    r.code,
                    r.name,
                    r.member_code or "",
                    r.member_name or "",
                    r.debit_fen,
                    r.credit_fen,
                    bal,
                    info,
                )
            )
    return MemberStatementData(member_code, str(name), str(group or ""), codes, opening, rows, bal)


def account_balance(ledger: Ledger, org_id: int, code: str, on: dt.date) -> int:
    """Debit − credit of an account (with sub-accounts) at the end of ``on``."""
    with ledger.read() as s:
        accounts = accounts_by_code(s, org_id)
        ids = _account_ids(accounts, code)
        sums = _sums(s, org_id, None, on)
    return sum(sums.get(i, (0, 0))[0] - sums.get(i, (0, 0))[1] for i in ids)


@dataclass(frozen=True, slots=True)
class BalanceCheckRow:
    """A recorded statement balance against the ledger."""

    id: int
    account_code: str
    account_name: str
    on: dt.date
    statement: int
    ledger_balance: int
    note: str

    @property
    def difference(self) -> int:
        return self.ledger_balance - self.statement


def balance_checks(ledger: Ledger, org_id: int) -> list[BalanceCheckRow]:
    """Every recorded balance check with the ledger's balance that day and the difference."""
    from sqlmodel import col

    from coopledger.store.models import BalanceCheck

    with ledger.read() as s:
        rows = s.execute(
            select(BalanceCheck, A.c.code, A.c.name)
            .join(A, A.c.id == col(BalanceCheck.account_id))
            .where(col(BalanceCheck.org_id) == org_id)
            .order_by(col(BalanceCheck.on_date))
        ).all()
    out = []
    for bc, code, name in rows:
        bal = account_balance(ledger, org_id, code, bc.on_date)
        note = json.loads(bc.note).get("note", "") if bc.note.startswith("{") else bc.note
        out.append(BalanceCheckRow(bc.id, code, name, bc.on_date, bc.statement_fen, bal, note))
    return out


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """银行存款余额调节表 for one account and month end."""

    account_code: str
    account_name: str
    on: dt.date
    ledger_balance: int
    statement_balance: int
    bank_in_not_booked: int
    bank_out_not_booked: int
    booked_in_not_bank: int
    booked_out_not_bank: int
    items: tuple[tuple[str, int, str], ...]

    @property
    def adjusted_ledger(self) -> int:
        return self.ledger_balance + self.bank_in_not_booked - self.bank_out_not_booked

    @property
    def adjusted_statement(self) -> int:
        return self.statement_balance + self.booked_in_not_bank - self.booked_out_not_bank

    @property
    def agrees(self) -> bool:
        return self.adjusted_ledger == self.adjusted_statement


def reconciliation(ledger: Ledger, org_id: int, code: str, year: int, month: int) -> Reconciliation:
    """The reconciliation statement for the month end, from the balance check recorded for
    that day (with its outstanding items)."""
    from sqlmodel import col

    from coopledger.store.models import BalanceCheck

    end = (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    with ledger.read() as s:
        accounts = accounts_by_code(s, org_id)
        if code not in accounts:
            raise DomainError("account", N_("no account {code} in this book"), code=code)
        bc = (
            s.execute(
                select(BalanceCheck)
                .where(
                    col(BalanceCheck.org_id) == org_id,
                    col(BalanceCheck.account_id) == accounts[code].id,
                    col(BalanceCheck.on_date) == end,
                )
                .order_by(col(BalanceCheck.id).desc())
            )
            .scalars()
            .first()
        )
    if bc is None:
        raise DomainError(
            "date",
            N_("no bank statement balance recorded for {code} on {date}"),
            code=code,
            date=end,
        )
    payload = json.loads(bc.note) if bc.note.startswith("{") else {"items": []}
    items = tuple((k, int(a), m) for k, a, m in payload.get("items", []))
    tot: defaultdict[str, int] = defaultdict(int)
    for k, a, _ in items:
        tot[k] += a
    return Reconciliation(
        code,
        accounts[code].name,
        end,
        account_balance(ledger, org_id, code, end),
        bc.statement_fen,
        tot["bank_in_not_booked"],
        tot["bank_out_not_booked"],
        tot["booked_in_not_bank"],
        tot["booked_out_not_bank"],
        items,
    )
