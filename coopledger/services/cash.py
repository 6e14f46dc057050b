"""Cash discipline (现金管理): the book's cash limit (库存现金限额) and the warnings a village
office expects: cash on hand above the limit, and cash or bank that would go negative.

These are warnings, not refusals: the voucher is the record of what happened, and a
negative bank balance usually means a voucher is missing. Each warning is a `DomainError`
value (never raised) so that it is translated and shown like any other message: the window
in its status bar and beside the voucher, the command line on stderr, the month's papers
in their notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from coopledger.domain.assets import add_months, month_end
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import VoucherInput, is_sub_code
from coopledger.domain.money import fen_to_str, parse_money
from coopledger.domain.vocabulary import VoucherState
from coopledger.services.accounts import role_account
from coopledger.services.ledger import Ledger
from coopledger.store import tables
from coopledger.store.ledger import L, V, accounts_by_code

__all__ = [
    "CashPosition",
    "cash_limit_of",
    "cash_position",
    "parse_cash_limit",
    "period_cash_warnings",
    "position_warnings",
    "voucher_cash_warnings",
]

#: The setting that holds a book's cash limit, in yuan ("" for none).
CASH_LIMIT = "cash_limit"


def parse_cash_limit(text: str) -> int | None:
    """A cash limit as typed (``"5000"``, ``"5,000.00"``); None for an empty one."""
    if not text.strip():
        return None
    return parse_money(text.strip(), CASH_LIMIT, allow_zero=False)


def cash_limit_of(ledger: Ledger, org_id: int) -> int | None:
    """The book's cash limit in fen (None when none is set)."""
    from coopledger.services.settings import get_setting

    try:
        return parse_cash_limit(get_setting(ledger, CASH_LIMIT, org_id))
    except DomainError:
        return None


def _chart(s: Session | Connection, org_id: int) -> str:
    return str(
        s.execute(
            select(tables.organisation.c.chart).where(tables.organisation.c.id == org_id)
        ).scalar_one()
    )


def cash_account_ids(s: Session | Connection, org_id: int) -> tuple[set[int], set[int]]:
    """The ids of the book's cash accounts (库存现金 and its sub-accounts) and bank accounts
    (银行存款 and its sub-accounts)."""
    chart = _chart(s, org_id)
    accounts = accounts_by_code(s, org_id)
    out: list[set[int]] = []
    for role in ("cash", "bank"):
        root = role_account(chart, role)
        out.append({a.id for c, a in accounts.items() if c == root or is_sub_code(c, root)})
    return out[0], out[1]


def _balance(s: Session | Connection, org_id: int, ids: Iterable[int], on: dt.date) -> int:
    from coopledger.services.books import _sums

    sums = _sums(s, org_id, None, on)
    return sum(sums.get(i, (0, 0))[0] - sums.get(i, (0, 0))[1] for i in ids)


@dataclass(frozen=True, slots=True)
class CashPosition:
    """Cash on hand and in the bank at the end of a day, and the limit."""

    on: dt.date
    cash_fen: int
    bank_fen: int
    limit_fen: int | None

    @property
    def over_limit(self) -> bool:
        return self.limit_fen is not None and self.cash_fen > self.limit_fen


def cash_position(ledger: Ledger, org_id: int, on: dt.date | None = None) -> CashPosition:
    """The book's cash and bank balances at the end of ``on`` (default: the latest posted
    voucher's date, else today), with its limit."""
    limit = cash_limit_of(ledger, org_id)
    with ledger.connect() as c:
        if on is None:
            latest = c.execute(
                select(V.c.date)
                .where(V.c.org_id == org_id, V.c.state == VoucherState.POSTED)
                .order_by(V.c.date.desc())
                .limit(1)
            ).scalar()
            on = latest if isinstance(latest, dt.date) else dt.date.today()
        cash_ids, bank_ids = cash_account_ids(c, org_id)
        return CashPosition(
            on, _balance(c, org_id, cash_ids, on), _balance(c, org_id, bank_ids, on), limit
        )


def position_warnings(p: CashPosition) -> list[DomainError]:
    """What a position calls for: cash above the limit, cash or bank below zero."""
    out: list[DomainError] = []
    if p.over_limit:
        assert p.limit_fen is not None
        out.append(
            DomainError(
                "cash",
                N_("Cash on hand {cash} on {date} is above the cash limit {limit}: bank the rest"),
                cash=fen_to_str(p.cash_fen),
                date=p.on.isoformat(),
                limit=fen_to_str(p.limit_fen),
            )
        )
    if p.cash_fen < 0:
        out.append(
            DomainError(
                "cash",
                N_("Cash on hand is negative ({amount}) on {date}: a receipt is missing"),
                amount=fen_to_str(p.cash_fen),
                date=p.on.isoformat(),
            )
        )
    if p.bank_fen < 0:
        out.append(
            DomainError(
                "bank",
                N_("The bank balance is negative ({amount}) on {date}: a deposit is missing"),
                amount=fen_to_str(p.bank_fen),
                date=p.on.isoformat(),
            )
        )
    return out


def voucher_cash_warnings(
    ledger: Ledger, org_id: int, data: VoucherInput, *, posted: bool = False
) -> list[DomainError]:
    """Whether a voucher would take cash or bank below zero, on its date or at the latest
    date posted (``posted``: the voucher is in the ledger already, so its effect is not
    added again)."""
    from coopledger.services.books import _sums

    with ledger.connect() as c:
        cash_ids, bank_ids = cash_account_ids(c, org_id)
        code_to_id = {code: a.id for code, a in accounts_by_code(c, org_id).items()}
        latest = c.execute(
            select(V.c.date)
            .where(V.c.org_id == org_id, V.c.state == VoucherState.POSTED)
            .order_by(V.c.date.desc())
            .limit(1)
        ).scalar()
        days = sorted({data.date, latest if isinstance(latest, dt.date) else data.date})
        sums = {day: _sums(c, org_id, None, day) for day in days}
    out: list[DomainError] = []
    for ids, key, message in (
        (
            cash_ids,
            "cash",
            N_("After this voucher cash on hand would be negative ({amount}) on {date}"),
        ),
        (
            bank_ids,
            "bank",
            N_("After this voucher the bank balance would be negative ({amount}) on {date}"),
        ),
    ):
        effect = sum(
            ln.debit_fen - ln.credit_fen for ln in data.lines if code_to_id.get(ln.account) in ids
        )
        if not effect or effect > 0:
            continue
        for day in days:
            if day < data.date:
                continue
            balance = sum(sums[day].get(i, (0, 0))[0] - sums[day].get(i, (0, 0))[1] for i in ids)
            if not posted:
                balance += effect
            if balance < 0:
                out.append(
                    DomainError(key, message, amount=fen_to_str(balance), date=day.isoformat())
                )
                break
    return out


def period_cash_warnings(
    s: Session | Connection, org_id: int, start: dt.date, end: dt.date, limit: int | None
) -> list[DomainError]:
    """For the month's (or quarter's) papers: each month end whose cash was above the limit,
    and the first day cash or bank stood below zero."""
    from coopledger.services.books import _sums

    cash_ids, bank_ids = cash_account_ids(s, org_id)
    opening = _sums(s, org_id, None, start - dt.timedelta(days=1))
    out: list[DomainError] = []
    for ids, key in ((cash_ids, "cash"), (bank_ids, "bank")):
        if not ids:
            continue
        balance = sum(opening.get(i, (0, 0))[0] - opening.get(i, (0, 0))[1] for i in ids)
        rows = s.execute(
            select(L.c.date, L.c.debit_fen, L.c.credit_fen)
            .select_from(L.join(V, V.c.id == L.c.voucher_id))
            .where(
                V.c.org_id == org_id,
                V.c.state == VoucherState.POSTED,
                L.c.account_id.in_(sorted(ids)),
                L.c.date >= start,
                L.c.date <= end,
            )
            .order_by(L.c.date)
        ).all()
        by_day: dict[dt.date, int] = {}
        for day, debit, credit in rows:
            by_day[day] = by_day.get(day, 0) + int(debit) - int(credit)
        negative_on = None
        month_ends: list[tuple[dt.date, int]] = []
        y, m = start.year, start.month
        ends = []
        while month_end(y, m) <= end:
            ends.append(month_end(y, m))
            y, m = add_months(y, m, 1)
        days = sorted(set(by_day) | set(ends))
        for day in days:
            balance += by_day.get(day, 0)
            if balance < 0 and negative_on is None:
                negative_on = (day, balance)
            if day in ends:
                month_ends.append((day, balance))
        if key == "cash" and limit is not None:
            for day, bal in month_ends:
                if bal > limit:
                    out.append(
                        DomainError(
                            "cash",
                            N_(
                                "Cash on hand {cash} at the end of {month} was above the cash limit {limit}"
                            ),
                            cash=fen_to_str(bal),
                            month=f"{day.year}-{day.month:02d}",
                            limit=fen_to_str(limit),
                        )
                    )
        if negative_on is not None:
            day, bal = negative_on
            out.append(
                DomainError(
                    key,
                    N_("Cash on hand was negative ({amount}) on {date}")
                    if key == "cash"
                    else N_("The bank balance was negative ({amount}) on {date}"),
                    amount=fen_to_str(bal),
                    date=day.isoformat(),
                )
            )
    return out


def warnings_for_voucher(ledger: Ledger, org_id: int, voucher_id: int) -> list[DomainError]:
    """The cash warnings of a saved voucher: a draft that would take cash or bank below
    zero once posted; a posted one that did, or that left cash above the limit."""
    from coopledger.domain.ledger import LineInput

    with ledger.connect() as c:
        v = c.execute(
            select(V.c.date, V.c.memo, V.c.state).where(V.c.id == voucher_id, V.c.org_id == org_id)
        ).first()
        if v is None:
            return []
        rows = c.execute(
            select(tables.account.c.code, L.c.debit_fen, L.c.credit_fen)
            .select_from(L.join(tables.account, tables.account.c.id == L.c.account_id))
            .where(L.c.voucher_id == voucher_id)
        ).all()
    data = VoucherInput(
        v.date, v.memo, tuple(LineInput(code, int(d), int(cr)) for code, d, cr in rows)
    )
    posted = v.state == VoucherState.POSTED
    out = voucher_cash_warnings(ledger, org_id, data, posted=posted)
    if posted:
        p = cash_position(ledger, org_id, v.date)
        out += [w for w in position_warnings(p) if w.path == "cash" and p.over_limit]
    return out
