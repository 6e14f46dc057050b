"""Read-only lists and details for the window and the command line.

The lists (members, contracts, the share register, vouchers, slips, the audit trail) are
the store's list specifications (``store.lists``): one `count_rows` and one `page_rows` for
all of them, the filter's type naming the list; pages are sorted in SQL, so that a view over
100,000 members never holds every row in memory. The rest are small reads the views need
(a member by code, the next free code, the current period …). Every function opens its own
read session and returns plain frozen values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import voucher_label
from coopledger.domain.money import fen_to_str
from coopledger.domain.vocabulary import (
    DistributionState,
    VoucherSource,
    VoucherState,
)
from coopledger.services.ledger import Ledger
from coopledger.store import lists, tables
from coopledger.store.ledger import A, L, M, V
from coopledger.store.lists import (
    AssetFilter,
    AssetListRow,
    AuditFilter,
    AuditListRow,
    ContractFilter,
    ContractListRow,
    MemberFilter,
    MemberListRow,
    ShareLotFilter,
    ShareLotListRow,
    SlipFilter,
    SlipRow,
    SlipTotals,
    VoucherFilter,
    VoucherListRow,
)
from coopledger.store.models import (
    Distribution,
    DistributionPlan,
    FiscalYear,
    LandContract,
    Period,
    ShareLot,
    table_of,
)

__all__ = [
    "AssetFilter",
    "AssetListRow",
    "AuditFilter",
    "AuditListRow",
    "ContractFilter",
    "ContractListRow",
    "MemberFilter",
    "MemberListRow",
    "MemberPick",
    "ShareLotFilter",
    "ShareLotListRow",
    "SlipFilter",
    "SlipRow",
    "SlipTotals",
    "VoucherDetail",
    "VoucherFilter",
    "VoucherLineRow",
    "VoucherListRow",
    "YearState",
    "all_rows",
    "count_account_lines",
    "count_journal",
    "count_rows",
    "current_period",
    "distribution_years",
    "find_members",
    "get_member",
    "next_code",
    "page_rows",
    "slip_totals",
    "voucher_detail",
]

C = table_of(LandContract)
S = table_of(ShareLot)
D = table_of(Distribution)
DP = table_of(DistributionPlan)
P = table_of(Period)
FY = table_of(FiscalYear)


def _count(ledger: Ledger, q: Any) -> int:
    with ledger.read() as s:
        return int(s.execute(select(func.count()).select_from(q.subquery())).scalar_one())


# -- the lists ------------------------------------------------------------------------------


def count_rows(ledger: Ledger, org_id: int | None, f: object) -> int:
    """How many rows the filter ``f`` selects in its list (see ``store.lists``)."""
    with ledger.read() as s:
        return lists.count_rows(s, org_id, f)


def page_rows(
    ledger: Ledger,
    org_id: int | None,
    f: object,
    *,
    sort: str | None = None,
    descending: bool | None = None,
    offset: int = 0,
    limit: int | None = 200,
) -> list[Any]:
    """One page of the rows ``f`` selects, sorted by ``sort`` (a key of its list; else the
    list's own order)."""
    with ledger.read() as s:
        return lists.page_rows(
            s, org_id, f, sort=sort, descending=descending, offset=offset, limit=limit
        )


def all_rows(ledger: Ledger, org_id: int | None, f: object, *, page: int = 2000) -> Iterator[Any]:
    """Every row ``f`` selects, in the list's own order, a page at a time."""
    offset = 0
    while True:
        rows = page_rows(ledger, org_id, f, offset=offset, limit=page)
        yield from rows
        if len(rows) < page:
            return
        offset += page


def slip_totals(ledger: Ledger, org_id: int, f: SlipFilter) -> SlipTotals:
    """Count and totals of the slips ``f`` selects, and how many of them are unpaid."""
    with ledger.read() as s:
        return lists.slip_totals(s, org_id, f)


# -- members --------------------------------------------------------------------------------


def get_member(ledger: Ledger, org_id: int, code: str) -> MemberListRow | None:
    """One member by code, or None."""
    with ledger.read() as s:
        row = s.execute(select(M).where(M.c.org_id == org_id, M.c.code == code)).first()
    return lists.member_row(row) if row is not None else None


@dataclass(frozen=True, slots=True)
class MemberPick:
    """A member as offered by a picker."""

    code: str
    name: str
    group: str
    kind: str


def find_members(
    ledger: Ledger, org_id: int, text: str, *, limit: int = 30, kind: str | None = None
) -> list[MemberPick]:
    """Members whose code or name contains ``text`` (codes that start with it first)."""
    q = select(M.c.code, M.c.name, M.c.group_name, M.c.kind).where(M.c.org_id == org_id)
    if kind:
        q = q.where(M.c.kind == kind)
    text = text.strip()
    if text:
        pattern = lists.like(text)
        q = q.where(or_(M.c.code.like(pattern, escape="\\"), M.c.name.like(pattern, escape="\\")))
        starts = M.c.code.like(text.replace("%", "").replace("_", "") + "%")
        q = q.order_by(starts.desc(), M.c.code)
    else:
        q = q.order_by(M.c.code)
    with ledger.read() as s:
        return [MemberPick(*r) for r in s.execute(q.limit(limit))]


# -- codes, periods, years ------------------------------------------------------------------


def next_code(ledger: Ledger, org_id: int, what: str, prefix: str) -> str:
    """The next free code like ``L0177`` for ``what`` ("contract" or "share_lot"); contract and
    share-lot codes share one name space."""
    with ledger.read() as s:
        codes = list(
            s.execute(
                select(C.c.code).where(C.c.org_id == org_id, C.c.code.startswith(prefix))
            ).scalars()
        ) + list(
            s.execute(
                select(S.c.code).where(S.c.org_id == org_id, S.c.code.startswith(prefix))
            ).scalars()
        )
    n = max((int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{n + 1:04d}"


def count_journal(ledger: Ledger, org_id: int, start: dt.date, end: dt.date) -> int:
    """How many posted lines the journal (序时账) shows between two dates."""
    q = (
        select(L.c.id)
        .select_from(L.join(V, L.c.voucher_id == V.c.id))
        .where(
            V.c.org_id == org_id,
            V.c.state == VoucherState.POSTED,
            V.c.date >= start,
            V.c.date <= end,
        )
    )
    return _count(ledger, q)


def count_account_lines(
    ledger: Ledger,
    org_id: int,
    code: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> int:
    """How many posted lines the subsidiary ledger of ``code`` (with its sub-accounts) has."""
    with ledger.read() as s:
        ids = [
            i
            for i, c in s.execute(select(A.c.id, A.c.code).where(A.c.org_id == org_id))
            if c == code or c.startswith(code)
        ]
    if not ids:
        return 0
    conds: list[ColumnElement[bool]] = [
        V.c.org_id == org_id,
        V.c.state == VoucherState.POSTED,
        V.c.source != "opening",  # the opening entry is the balance brought forward
        L.c.account_id.in_(ids),
    ]
    if start:
        conds.append(V.c.date >= start)
    if end:
        conds.append(V.c.date <= end)
    q = select(L.c.id).select_from(L.join(V, L.c.voucher_id == V.c.id)).where(and_(*conds))
    return _count(ledger, q)


def current_period(ledger: Ledger, org_id: int) -> tuple[int, int]:
    """The month being worked on: the one after the latest closed month; with nothing
    closed, the month of the latest voucher or the book's first period (set up by the
    wizard), whichever is later; with neither, this month."""
    with ledger.read() as s:
        closed = s.execute(
            select(P.c.year, P.c.month)
            .where(P.c.org_id == org_id, P.c.closed.is_(True))
            .order_by(P.c.year.desc(), P.c.month.desc())
            .limit(1)
        ).first()
        year_closed = s.execute(
            select(func.max(FY.c.year)).where(FY.c.org_id == org_id, FY.c.closed.is_(True))
        ).scalar_one_or_none()
        latest = s.execute(
            select(V.c.year, V.c.month)
            .where(V.c.org_id == org_id)
            .order_by(V.c.year.desc(), V.c.month.desc())
            .limit(1)
        ).first()
    marks = []
    if closed is not None:
        marks.append((int(closed[0]), int(closed[1])))
    if year_closed is not None:
        marks.append((int(year_closed), 12))
    if marks:
        y, m = max(marks)
        return (y + 1, 1) if m == 12 else (y, m + 1)
    from coopledger.services.setup import first_period

    found = [p for p in (first_period(ledger, org_id),) if p is not None]
    if latest is not None:
        found.append((int(latest[0]), int(latest[1])))
    if found:
        return max(found)
    today = dt.date.today()
    return today.year, today.month


@dataclass(frozen=True, slots=True)
class YearState:
    """A year as the distribution view lists it."""

    year: int
    has_plan: bool
    committed: bool
    vouchers: int
    #: Who last prepared the plan and who approved it ("" while not approved): login names.
    prepared_by: str = ""
    approved_by: str = ""


def distribution_years(ledger: Ledger, org_id: int) -> list[YearState]:
    """Every year with vouchers or a plan: whether it has a plan and a committed distribution."""
    with ledger.read() as s:
        counts: dict[int, int] = dict(
            s.execute(
                select(V.c.year, func.count())
                .where(
                    V.c.org_id == org_id,
                    V.c.source.not_in((VoucherSource.DISTRIBUTION, VoucherSource.CLOSING)),
                )
                .group_by(V.c.year)
            ).all()
        )
        signed = {
            int(y): (str(p), str(a))
            for y, p, a in s.execute(
                select(DP.c.year, DP.c.prepared_by, DP.c.approved_by).where(DP.c.org_id == org_id)
            )
        }
        plans = set(signed)
        committed = set(
            s.execute(
                select(D.c.year).where(
                    D.c.org_id == org_id, D.c.state == DistributionState.COMMITTED
                )
            ).scalars()
        )
    years = sorted(set(counts) | plans | committed)
    return [
        YearState(y, y in plans, y in committed, int(counts.get(y, 0)), *signed.get(y, ("", "")))
        for y in years
    ]


# -- one voucher ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoucherLineRow:
    """A line of a voucher as shown and printed."""

    line_no: int
    account_code: str
    account_name: str
    member_code: str
    member_name: str
    debit: int
    credit: int
    memo: str


@dataclass(frozen=True, slots=True)
class VoucherDetail:
    """One voucher with its lines."""

    id: int
    date: dt.date
    vtype: str
    seq: int | None
    label: str
    memo: str
    attachments: int
    state: str
    source: str
    prepared_by: str
    reviewed_by: str
    posted_by: str
    reverses_id: int | None
    reversed_by_id: int | None
    lines: tuple[VoucherLineRow, ...]
    #: A voucher that came in from a file: its import batch, the file and the batch's
    #: reviewer ("" until a reviewer reviews the batch).
    import_batch_id: int | None = None
    import_file: str = ""
    import_reviewed_by: str = ""

    @property
    def total(self) -> int:
        return sum(ln.debit for ln in self.lines)

    @property
    def reviewer(self) -> str:
        """Who reviewed it: its own reviewer, or for an imported voucher its batch's."""
        return self.reviewed_by or self.import_reviewed_by

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "number": self.label,
            "memo": self.memo,
            "attachments": self.attachments,
            "state": self.state,
            "source": self.source,
            "prepared_by": self.prepared_by,
            "reviewed_by": self.reviewed_by,
            "posted_by": self.posted_by,
            "reverses": self.reverses_id,
            "reversed_by": self.reversed_by_id,
            "import_batch": (
                {
                    "id": self.import_batch_id,
                    "file": self.import_file,
                    "reviewed_by": self.import_reviewed_by,
                }
                if self.import_batch_id is not None
                else None
            ),
            "lines": [
                {
                    "account": ln.account_code,
                    "account_name": ln.account_name,
                    "member": ln.member_code or None,
                    **(
                        {"debit": fen_to_str(ln.debit)}
                        if ln.debit
                        else {"credit": fen_to_str(ln.credit)}
                    ),
                    "memo": ln.memo,
                }
                for ln in self.lines
            ],
        }


def voucher_detail(ledger: Ledger, org_id: int, voucher_id: int) -> VoucherDetail:
    """One voucher with its lines."""
    with ledger.read() as s:
        h = s.execute(select(V).where(V.c.id == voucher_id, V.c.org_id == org_id)).first()
        if h is None:
            raise DomainError("voucher", N_("no voucher #{id} in this book"), id=voucher_id)
        lines = s.execute(
            select(
                L.c.line_no,
                A.c.code,
                A.c.name,
                M.c.code,
                M.c.name,
                L.c.debit_fen,
                L.c.credit_fen,
                L.c.memo,
            )
            .select_from(L.join(A, L.c.account_id == A.c.id).outerjoin(M, L.c.member_id == M.c.id))
            .where(L.c.voucher_id == voucher_id)
            .order_by(L.c.line_no)
        ).all()
        batch = None
        if h.import_batch_id is not None:
            IB = tables.import_batch
            batch = s.execute(
                select(IB.c.file_name, IB.c.reviewed_by).where(IB.c.id == h.import_batch_id)
            ).first()
    return VoucherDetail(
        h.id,
        h.date,
        h.vtype,
        h.seq,
        voucher_label(h.vtype, h.seq),
        h.memo,
        h.attachments,
        h.state,
        h.source,
        h.prepared_by,
        h.reviewed_by,
        h.posted_by,
        h.reverses_id,
        h.reversed_by_id,
        tuple(
            VoucherLineRow(n, ac, an, mc or "", mn or "", d, c, memo)
            for n, ac, an, mc, mn, d, c, memo in lines
        ),
        h.import_batch_id,
        str(batch[0]) if batch else "",
        str(batch[1]) if batch else "",
    )
