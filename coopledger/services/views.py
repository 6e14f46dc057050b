"""Read-only lists for the window's tables: counts and pages (offset/limit, sorted in SQL),
so that a view over 100,000 members never holds every row in memory.

Every function opens its own read session and returns plain frozen dataclasses. Sorting
takes a column key from a fixed list (anything else falls back to the default order) and
always ends with the row id, so that pages never overlap or skip a row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from coopledger.domain.ledger import voucher_label
from coopledger.domain.vocabulary import DistributionState, ShareClass, VoucherSource, VoucherState
from coopledger.services.distribution import SlipRow
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import A, L, M, V
from coopledger.store.models import (
    AuditLog,
    Distribution,
    DistributionItem,
    DistributionPlan,
    FiscalYear,
    LandContract,
    Member,
    Period,
    ShareLot,
)

__all__ = [
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
    "SlipTotals",
    "VoucherFilter",
    "VoucherListRow",
    "YearState",
    "count_account_lines",
    "count_audit",
    "count_contracts",
    "count_journal",
    "count_members",
    "count_share_lots",
    "count_slips",
    "count_vouchers",
    "current_period",
    "distribution_years",
    "find_members",
    "next_code",
    "page_audit",
    "page_contracts",
    "page_members",
    "page_share_lots",
    "page_slips",
    "page_vouchers",
    "slip_totals",
]

C = LandContract.__table__  # type: ignore[attr-defined]
S = ShareLot.__table__  # type: ignore[attr-defined]
AU = AuditLog.__table__  # type: ignore[attr-defined]
DI = DistributionItem.__table__  # type: ignore[attr-defined]
D = Distribution.__table__  # type: ignore[attr-defined]
DP = DistributionPlan.__table__  # type: ignore[attr-defined]
P = Period.__table__  # type: ignore[attr-defined]
FY = FiscalYear.__table__  # type: ignore[attr-defined]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _order(
    q: Select[Any],
    keys: Mapping[str, Sequence[Any]],
    sort: str | None,
    default: str,
    descending: bool,
    tie: Any,
) -> Select[Any]:
    cols = keys.get(sort or default) or keys[default]
    ordered = [c.desc() if descending else c.asc() for c in cols]
    return q.order_by(*ordered, tie.desc() if descending else tie.asc())


def _count(ledger: Ledger, q: Select[Any]) -> int:
    with ledger.read() as s:
        return int(s.execute(select(func.count()).select_from(q.subquery())).scalar_one())


# -- members --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberFilter:
    """Which members a list shows: a search text (code, name, ID number, phone), a 村民小组,
    a kind, and active (True), inactive (False) or both (None)."""

    search: str = ""
    group: str | None = None
    kind: str | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class MemberListRow:
    """A member in the members table."""

    id: int
    code: str
    name: str
    kind: str
    group: str
    id_number: str
    phone: str
    bank_account: str
    address: str
    active: bool
    inactive_on: dt.date | None
    notes: str

    def to_json(self) -> dict[str, object]:
        """The member as ``member list --json`` prints it."""
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "group": self.group,
            "id_number": self.id_number,
            "phone": self.phone,
            "bank_account": self.bank_account,
            "active": self.active,
        }


MEMBER_SORTS = ("code", "name", "kind", "group", "id_number", "phone", "active")


def _members_query(org_id: int, f: MemberFilter) -> Select[Any]:
    q = select(M).where(M.c.org_id == org_id)
    if f.group is not None:
        q = q.where(M.c.group_name == f.group)
    if f.kind:
        q = q.where(M.c.kind == f.kind)
    if f.active is not None:
        q = q.where(M.c.active == f.active)
    text = f.search.strip()
    if text:
        like = _like(text)
        q = q.where(
            or_(
                M.c.code.like(like, escape="\\"),
                M.c.name.like(like, escape="\\"),
                M.c.id_number.like(like, escape="\\"),
                M.c.phone.like(like, escape="\\"),
            )
        )
    return q


def count_members(ledger: Ledger, org_id: int, f: MemberFilter = MemberFilter()) -> int:
    """How many members match ``f``."""
    return _count(ledger, _members_query(org_id, f))


def page_members(
    ledger: Ledger,
    org_id: int,
    f: MemberFilter = MemberFilter(),
    *,
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[MemberListRow]:
    """One page of the members matching ``f``, sorted by ``sort`` (one of ``MEMBER_SORTS``)."""
    keys = {
        "code": [M.c.code],
        "name": [M.c.name],
        "kind": [M.c.kind, M.c.code],
        "group": [M.c.group_name, M.c.code],
        "id_number": [M.c.id_number],
        "phone": [M.c.phone],
        "active": [M.c.active, M.c.code],
    }
    q = _order(_members_query(org_id, f), keys, sort, "code", descending, M.c.id)
    with ledger.read() as s:
        return [_member_row(r) for r in s.execute(q.offset(offset).limit(limit))]


def _member_row(r: Any) -> MemberListRow:
    return MemberListRow(
        r.id,
        r.code,
        r.name,
        r.kind,
        r.group_name,
        r.id_number,
        r.phone,
        r.bank_account,
        r.address,
        bool(r.active),
        r.inactive_on,
        r.notes,
    )


def get_member(ledger: Ledger, org_id: int, code: str) -> MemberListRow | None:
    """One member by code, or None."""
    with ledger.read() as s:
        row = s.execute(select(M).where(M.c.org_id == org_id, M.c.code == code)).first()
    return _member_row(row) if row is not None else None


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
        like = _like(text)
        q = q.where(or_(M.c.code.like(like, escape="\\"), M.c.name.like(like, escape="\\")))
        starts = M.c.code.like(text.replace("%", "").replace("_", "") + "%")
        q = q.order_by(starts.desc(), M.c.code)
    else:
        q = q.order_by(M.c.code)
    with ledger.read() as s:
        return [MemberPick(*r) for r in s.execute(q.limit(limit))]


# -- contracts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractFilter:
    """Which contracts a list shows."""

    search: str = ""
    group: str | None = None
    status: str | None = None
    #: Only contracts that cover at least one day of this year.
    year: int | None = None


@dataclass(frozen=True, slots=True)
class ContractListRow:
    """A land transfer contract in the contracts table."""

    id: int
    code: str
    member_code: str
    member_name: str
    group: str
    parcel: str
    location: str
    area_e4: int
    rent_per_mu_fen: int
    share_value_per_mu_fen: int
    start: dt.date
    end: dt.date
    status: str
    notes: str


CONTRACT_SORTS = ("code", "member", "group", "parcel", "area", "rent", "start", "end", "status")


def _contracts_query(org_id: int, f: ContractFilter) -> Select[Any]:
    q = (
        select(C, M.c.code.label("member_code"), M.c.name.label("member_name"), M.c.group_name)
        .select_from(C.join(M, M.c.id == C.c.member_id))
        .where(C.c.org_id == org_id)
    )
    if f.group is not None:
        q = q.where(M.c.group_name == f.group)
    if f.status:
        q = q.where(C.c.status == f.status)
    if f.year is not None:
        q = q.where(C.c.start_on <= dt.date(f.year, 12, 31), C.c.end_on >= dt.date(f.year, 1, 1))
    text = f.search.strip()
    if text:
        like = _like(text)
        q = q.where(
            or_(
                C.c.code.like(like, escape="\\"),
                C.c.parcel.like(like, escape="\\"),
                C.c.location.like(like, escape="\\"),
                M.c.code.like(like, escape="\\"),
                M.c.name.like(like, escape="\\"),
            )
        )
    return q


def count_contracts(ledger: Ledger, org_id: int, f: ContractFilter = ContractFilter()) -> int:
    """How many contracts match ``f``."""
    return _count(ledger, _contracts_query(org_id, f))


def page_contracts(
    ledger: Ledger,
    org_id: int,
    f: ContractFilter = ContractFilter(),
    *,
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[ContractListRow]:
    """One page of the contracts matching ``f``."""
    keys = {
        "code": [C.c.code],
        "member": [M.c.code, C.c.code],
        "group": [M.c.group_name, C.c.code],
        "parcel": [C.c.parcel],
        "area": [C.c.area_e4],
        "rent": [C.c.rent_per_mu_fen],
        "start": [C.c.start_on],
        "end": [C.c.end_on],
        "status": [C.c.status, C.c.code],
    }
    q = _order(_contracts_query(org_id, f), keys, sort, "code", descending, C.c.id)
    with ledger.read() as s:
        return [
            ContractListRow(
                r.id,
                r.code,
                r.member_code,
                r.member_name,
                r.group_name,
                r.parcel,
                r.location,
                r.area_e4,
                r.rent_per_mu_fen,
                r.share_value_per_mu_fen,
                r.start_on,
                r.end_on,
                r.status,
                r.notes,
            )
            for r in s.execute(q.offset(offset).limit(limit))
        ]


# -- share lots -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShareLotFilter:
    """Which share lots a list shows. ``share_class`` "land" selects the lots that follow from
    land contracts; ``on`` keeps only lots in force that day."""

    search: str = ""
    share_class: str | None = None
    group: str | None = None
    on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ShareLotListRow:
    """A share lot in the share register (land lots come from their contracts)."""

    code: str
    holder_code: str
    holder_name: str
    group: str
    share_class: str
    amount_fen: int
    start: dt.date
    end: dt.date | None
    lender_code: str
    transfer_kind: str
    from_code: str


SHARE_SORTS = ("code", "holder", "group", "class", "amount", "start", "end")


def _lots_query(org_id: int, f: ShareLotFilter) -> Select[Any]:
    lender = aliased(Member)
    origin = S.alias("origin")
    stored = (
        select(
            S.c.code.label("code"),
            M.c.code.label("holder_code"),
            M.c.name.label("holder_name"),
            M.c.group_name.label("group_name"),
            S.c.share_class.label("share_class"),
            S.c.amount_fen.label("amount_fen"),
            S.c.start_on.label("start_on"),
            S.c.end_on.label("end_on"),
            func.coalesce(lender.code, "").label("lender_code"),
            S.c.transfer_kind.label("transfer_kind"),
            func.coalesce(origin.c.code, "").label("from_code"),
        )
        .select_from(
            S.join(M, M.c.id == S.c.holder_id)
            .outerjoin(lender, lender.id == S.c.lender_id)
            .outerjoin(origin, origin.c.id == S.c.transferred_from_id)
        )
        .where(S.c.org_id == org_id)
    )
    land = (
        select(
            C.c.code.label("code"),
            M.c.code.label("holder_code"),
            M.c.name.label("holder_name"),
            M.c.group_name.label("group_name"),
            literal(ShareClass.LAND.value).label("share_class"),
            C.c.land_share_amount_fen.label("amount_fen"),
            C.c.start_on.label("start_on"),
            C.c.end_on.label("end_on"),
            literal("").label("lender_code"),
            literal("").label("transfer_kind"),
            literal("").label("from_code"),
        )
        .select_from(C.join(M, M.c.id == C.c.member_id))
        .where(C.c.org_id == org_id, C.c.share_value_per_mu_fen > 0)
    )
    u = union_all(stored, land).subquery("lots")
    q = select(u)
    if f.share_class:
        q = q.where(u.c.share_class == f.share_class)
    if f.group is not None:
        q = q.where(u.c.group_name == f.group)
    if f.on is not None:
        q = q.where(u.c.start_on <= f.on, or_(u.c.end_on.is_(None), u.c.end_on >= f.on))
    text = f.search.strip()
    if text:
        like = _like(text)
        q = q.where(
            or_(
                u.c.code.like(like, escape="\\"),
                u.c.holder_code.like(like, escape="\\"),
                u.c.holder_name.like(like, escape="\\"),
            )
        )
    return q


def count_share_lots(ledger: Ledger, org_id: int, f: ShareLotFilter = ShareLotFilter()) -> int:
    """How many share lots (land lots included) match ``f``."""
    return _count(ledger, _lots_query(org_id, f))


def page_share_lots(
    ledger: Ledger,
    org_id: int,
    f: ShareLotFilter = ShareLotFilter(),
    *,
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[ShareLotListRow]:
    """One page of the share register: stored lots and the land lots of the contracts."""
    q = _lots_query(org_id, f)
    u = q.selected_columns
    keys = {
        "code": [u.code],
        "holder": [u.holder_code, u.code],
        "group": [u.group_name, u.code],
        "class": [u.share_class, u.code],
        "amount": [u.amount_fen],
        "start": [u.start_on],
        "end": [u.end_on],
    }
    q = _order(q, keys, sort, "code", descending, u.code)
    with ledger.read() as s:
        return [
            ShareLotListRow(
                r.code,
                r.holder_code,
                r.holder_name,
                r.group_name,
                r.share_class,
                int(r.amount_fen),
                r.start_on
                if isinstance(r.start_on, dt.date)
                else dt.date.fromisoformat(r.start_on),
                _date_or_none(r.end_on),
                r.lender_code,
                r.transfer_kind,
                r.from_code,
            )
            for r in s.execute(q.offset(offset).limit(limit))
        ]


def _date_or_none(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


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


# -- vouchers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoucherFilter:
    """Which vouchers a list shows."""

    search: str = ""
    state: str | None = None
    year: int | None = None
    month: int | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class VoucherListRow:
    """A voucher in the vouchers table."""

    id: int
    date: dt.date
    label: str
    memo: str
    total: int
    state: str
    source: str
    attachments: int
    prepared_by: str
    reviewed_by: str
    posted_by: str
    reverses_id: int | None
    reversed_by_id: int | None


VOUCHER_SORTS = ("date", "number", "memo", "total", "state", "source", "prepared_by")


def _vouchers_query(org_id: int, f: VoucherFilter) -> Select[Any]:
    total = func.coalesce(func.sum(L.c.debit_fen), 0).label("total")
    q = (
        select(V, total)
        .select_from(V.outerjoin(L, L.c.voucher_id == V.c.id))
        .where(V.c.org_id == org_id)
        .group_by(V.c.id)
    )
    if f.state:
        q = q.where(V.c.state == f.state)
    if f.year is not None:
        q = q.where(V.c.year == f.year)
    if f.month is not None:
        q = q.where(V.c.month == f.month)
    if f.source:
        q = q.where(V.c.source == f.source)
    text = f.search.strip()
    if text:
        q = q.where(V.c.memo.like(_like(text), escape="\\"))
    return q


def count_vouchers(ledger: Ledger, org_id: int, f: VoucherFilter = VoucherFilter()) -> int:
    """How many vouchers match ``f``."""
    q = select(V.c.id).where(V.c.org_id == org_id)
    if f.state:
        q = q.where(V.c.state == f.state)
    if f.year is not None:
        q = q.where(V.c.year == f.year)
    if f.month is not None:
        q = q.where(V.c.month == f.month)
    if f.source:
        q = q.where(V.c.source == f.source)
    if f.search.strip():
        q = q.where(V.c.memo.like(_like(f.search.strip()), escape="\\"))
    return _count(ledger, q)


def page_vouchers(
    ledger: Ledger,
    org_id: int,
    f: VoucherFilter = VoucherFilter(),
    *,
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[VoucherListRow]:
    """One page of the vouchers matching ``f`` (default: date and number order)."""
    keys: dict[str, list[Any]] = {
        "date": [V.c.date, V.c.seq.is_(None), V.c.seq],
        "number": [V.c.year, V.c.month, V.c.seq.is_(None), V.c.seq],
        "memo": [V.c.memo],
        "total": [func.coalesce(func.sum(L.c.debit_fen), 0)],
        "state": [V.c.state, V.c.date],
        "source": [V.c.source, V.c.date],
        "prepared_by": [V.c.prepared_by, V.c.date],
    }
    q = _order(_vouchers_query(org_id, f), keys, sort, "date", descending, V.c.id)
    with ledger.read() as s:
        return [
            VoucherListRow(
                r.id,
                r.date,
                voucher_label(r.vtype, r.seq),
                r.memo,
                int(r.total),
                r.state,
                r.source,
                r.attachments,
                r.prepared_by,
                r.reviewed_by,
                r.posted_by,
                r.reverses_id,
                r.reversed_by_id,
            )
            for r in s.execute(q.offset(offset).limit(limit))
        ]


# -- books ----------------------------------------------------------------------------------


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
    closed, the month of the latest voucher; with no vouchers, this month."""
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
    if latest is not None:
        return int(latest[0]), int(latest[1])
    today = dt.date.today()
    return today.year, today.month


@dataclass(frozen=True, slots=True)
class YearState:
    """A year as the distribution view lists it."""

    year: int
    has_plan: bool
    committed: bool
    vouchers: int


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
        plans = set(s.execute(select(DP.c.year).where(DP.c.org_id == org_id)).scalars())
        committed = set(
            s.execute(
                select(D.c.year).where(
                    D.c.org_id == org_id, D.c.state == DistributionState.COMMITTED
                )
            ).scalars()
        )
    years = sorted(set(counts) | plans | committed)
    return [YearState(y, y in plans, y in committed, int(counts.get(y, 0))) for y in years]


# -- slips and payments ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlipFilter:
    """Which slips of a committed year a list shows: paid (True), unpaid (False) or both."""

    year: int
    paid: bool | None = None
    group: str | None = None
    search: str = ""


@dataclass(frozen=True, slots=True)
class SlipTotals:
    """Totals over the slips a filter selects."""

    count: int
    land_fee: int
    dividend: int
    unpaid_count: int
    unpaid_total: int

    @property
    def total(self) -> int:
        return self.land_fee + self.dividend


SLIP_SORTS = ("slip_no", "code", "name", "group", "land_fee", "dividend", "total", "paid_on")


def _slips_query(org_id: int, f: SlipFilter) -> Select[Any]:
    dist_id = (
        select(D.c.id)
        .where(D.c.org_id == org_id, D.c.year == f.year, D.c.state == DistributionState.COMMITTED)
        .scalar_subquery()
    )
    q = (
        select(
            DI,
            M.c.code.label("member_code"),
            M.c.name.label("member_name"),
            M.c.group_name,
            M.c.bank_account,
        )
        .select_from(DI.join(M, M.c.id == DI.c.member_id))
        .where(DI.c.distribution_id == dist_id)
    )
    if f.paid is True:
        q = q.where(DI.c.paid_on.is_not(None))
    elif f.paid is False:
        q = q.where(DI.c.paid_on.is_(None))
    if f.group is not None:
        q = q.where(M.c.group_name == f.group)
    text = f.search.strip()
    if text:
        like = _like(text)
        q = q.where(or_(M.c.code.like(like, escape="\\"), M.c.name.like(like, escape="\\")))
    return q


def count_slips(ledger: Ledger, org_id: int, f: SlipFilter) -> int:
    """How many slips of the committed year match ``f`` (0 when nothing is committed)."""
    return _count(ledger, _slips_query(org_id, f))


def page_slips(
    ledger: Ledger,
    org_id: int,
    f: SlipFilter,
    *,
    sort: str | None = None,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[SlipRow]:
    """One page of the slips of the committed year matching ``f``."""
    keys = {
        "slip_no": [DI.c.slip_no],
        "code": [M.c.code],
        "name": [M.c.name],
        "group": [M.c.group_name, M.c.code],
        "land_fee": [DI.c.land_fee_fen],
        "dividend": [DI.c.dividend_fen],
        "total": [DI.c.land_fee_fen + DI.c.dividend_fen],
        "paid_on": [DI.c.paid_on.is_(None), DI.c.paid_on],
    }
    q = _order(_slips_query(org_id, f), keys, sort, "code", descending, DI.c.id)
    with ledger.read() as s:
        return [
            SlipRow(
                r.slip_no,
                r.member_code,
                r.member_name,
                r.group_name,
                r.land_fee_fen,
                r.dividend_fen,
                r.check_code,
                r.paid_on,
                r.paid_method,
                r.paid_by,
                r.bank_account,
            )
            for r in s.execute(q.offset(offset).limit(limit))
        ]


def slip_totals(ledger: Ledger, org_id: int, f: SlipFilter) -> SlipTotals:
    """Count and totals of the slips ``f`` selects, and how many of them are unpaid."""
    sub = _slips_query(org_id, f).subquery()
    unpaid = case((sub.c.paid_on.is_(None), 1), else_=0)
    q = select(
        func.count(),
        func.coalesce(func.sum(sub.c.land_fee_fen), 0),
        func.coalesce(func.sum(sub.c.dividend_fen), 0),
        func.coalesce(func.sum(unpaid), 0),
        func.coalesce(func.sum((sub.c.land_fee_fen + sub.c.dividend_fen) * unpaid), 0),
    )
    with ledger.read() as s:
        n, fee, div, n_unpaid, unpaid_total = s.execute(q).one()
    return SlipTotals(int(n), int(fee), int(div), int(n_unpaid), int(unpaid_total))


# -- audit ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which audit entries a list shows: a search over action and entity, a user, a book (the
    database-wide entries are always included), a span of days (UTC dates of ``at``)."""

    search: str = ""
    user: str | None = None
    org_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class AuditListRow:
    """An audit entry in the audit table."""

    id: int
    at: str
    user: str
    action: str
    entity: str
    entity_id: str
    org_id: int | None
    hash: str


AUDIT_SORTS = ("id", "at", "user", "action", "entity")


def _audit_query(f: AuditFilter) -> Select[Any]:
    q = select(
        AU.c.id,
        AU.c.at,
        AU.c.user,
        AU.c.action,
        AU.c.entity,
        AU.c.entity_id,
        AU.c.org_id,
        AU.c.hash,
    )
    if f.org_id is not None:
        q = q.where(or_(AU.c.org_id == f.org_id, AU.c.org_id.is_(None)))
    if f.user:
        q = q.where(AU.c.user == f.user)
    if f.since is not None:
        q = q.where(AU.c.at >= f.since.isoformat())
    if f.until is not None:
        q = q.where(AU.c.at < (f.until + dt.timedelta(days=1)).isoformat())
    text = f.search.strip()
    if text:
        like = _like(text)
        q = q.where(
            or_(
                AU.c.action.like(like, escape="\\"),
                AU.c.entity.like(like, escape="\\"),
                AU.c.entity_id.like(like, escape="\\"),
                AU.c.user.like(like, escape="\\"),
            )
        )
    return q


def count_audit(ledger: Ledger, f: AuditFilter = AuditFilter()) -> int:
    """How many audit entries match ``f``."""
    return _count(ledger, _audit_query(f))


def page_audit(
    ledger: Ledger,
    f: AuditFilter = AuditFilter(),
    *,
    sort: str | None = None,
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[AuditListRow]:
    """One page of the audit trail (default: newest first)."""
    keys = {
        "id": [AU.c.id],
        "at": [AU.c.at],
        "user": [AU.c.user],
        "action": [AU.c.action],
        "entity": [AU.c.entity, AU.c.entity_id],
    }
    q = _order(_audit_query(f), keys, sort, "id", descending, AU.c.id)
    with ledger.read() as s:
        return [AuditListRow(*r) for r in s.execute(q.offset(offset).limit(limit))]
