"""The lists the window's tables and the command line show, each one list specification:
which rows a filter selects, the keys it sorts by, and the type of its rows.

One pair of functions serves every list: `count_rows` and `page_rows` take a filter, and
the filter's type names its list (`ListSpec`, registered in `SPECS`). Pages are sorted in
SQL by a key from the list's fixed set (anything else falls back to the default order) and
always end with a unique column, so that pages never overlap or skip a row; a view over a
hundred thousand members never holds every row.

The rows of the registers are their records (``domain.records``) with the list's extras
(the row id, the member's name beside a code), so a new field of a record appears here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from coopledger.domain.assets import AssetRecord
from coopledger.domain.fields import record_from_columns
from coopledger.domain.ledger import voucher_label
from coopledger.domain.money import fen_to_str
from coopledger.domain.records import ContractRecord, MemberRecord
from coopledger.domain.vocabulary import (
    AssetStatus,
    DepreciationMethod,
    DistributionState,
    ShareClass,
)
from coopledger.store import tables
from coopledger.store.ledger import L, M, V
from coopledger.store.models import (
    AuditLog,
    Distribution,
    DistributionItem,
    LandContract,
    ShareLot,
    table_of,
)

__all__ = [
    "SPECS",
    "AssetFilter",
    "AssetListRow",
    "AuditFilter",
    "AuditListRow",
    "ContractFilter",
    "ContractListRow",
    "ListSpec",
    "MemberFilter",
    "MemberListRow",
    "ShareLotFilter",
    "ShareLotListRow",
    "SlipFilter",
    "SlipRow",
    "SlipTotals",
    "VoucherFilter",
    "VoucherListRow",
    "count_rows",
    "like",
    "member_row",
    "page_rows",
    "slip_totals",
]

C = table_of(LandContract)
S = table_of(ShareLot)
AU = table_of(AuditLog)
DI = table_of(DistributionItem)
D = table_of(Distribution)

F = TypeVar("F")
R = TypeVar("R")
Sorts = Mapping[str, Sequence[Any]]


@dataclass(frozen=True, slots=True)
class ListSpec(Generic[F, R]):
    """One list.

    Attributes:
        query: the rows a filter selects, of a book (``org_id``; None for lists that are not
            a book's, such as the audit trail across books), unsorted.
        sorts: the sort keys, each to its columns, given the query (whose columns a key may
            name).
        default: the sort key when none (or an unknown one) is asked for.
        tie: the unique column that ends every order, given the query.
        row: a result row as the list's row type.
        count: a cheaper query with the same number of rows, when there is one.
        descending: whether the list is newest-first by default.
    """

    query: Callable[[int | None, F], Select[Any]]
    sorts: Callable[[Select[Any]], Sorts]
    default: str
    tie: Callable[[Select[Any]], Any]
    row: Callable[[Any], R]
    count: Callable[[int | None, F], Select[Any]] | None = None
    descending: bool = False


#: Every list, by the type of its filter.
SPECS: dict[type[Any], ListSpec[Any, Any]] = {}


def _register(filter_type: type[F], spec: ListSpec[F, R]) -> ListSpec[F, R]:
    SPECS[filter_type] = spec
    return spec


def spec_of(f: object) -> ListSpec[Any, Any]:
    """The list a filter belongs to."""
    try:
        return SPECS[type(f)]
    except KeyError:
        raise TypeError(f"no list has filters of type {type(f).__name__}") from None


def count_rows(session: Session | Connection, org_id: int | None, f: object) -> int:
    """How many rows of the list ``f`` belongs to it selects."""
    spec = spec_of(f)
    q = (spec.count or spec.query)(org_id, f)
    return int(session.execute(select(func.count()).select_from(q.subquery())).scalar_one())


def page_rows(
    session: Session | Connection,
    org_id: int | None,
    f: object,
    *,
    sort: str | None = None,
    descending: bool | None = None,
    offset: int = 0,
    limit: int | None = 200,
) -> list[Any]:
    """One page of the rows ``f`` selects, sorted by ``sort`` (a key of the list; anything
    else is the list's default order) and then by a unique column."""
    spec = spec_of(f)
    q = spec.query(org_id, f)
    keys = spec.sorts(q)
    down = spec.descending if descending is None else descending
    columns = keys.get(sort or spec.default) or keys[spec.default]
    tie = spec.tie(q)
    ordered = [c.desc() if down else c.asc() for c in columns]
    q = q.order_by(*ordered, tie.desc() if down else tie.asc()).offset(offset).limit(limit)
    return [spec.row(r) for r in session.execute(q)]


def like(text: str) -> str:
    """A LIKE pattern finding ``text`` anywhere (its own % and _ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(text: str, *columns: Any) -> Any:
    pattern = like(text)
    return or_(*(c.like(pattern, escape="\\") for c in columns))


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# -- members ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberFilter:
    """Which members a list shows: a search text (code, name, ID number, phone), a 村民小组,
    a kind, and active (True), inactive (False) or both (None)."""

    search: str = ""
    group: str | None = None
    kind: str | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class MemberListRow(MemberRecord):
    """A member in the members table: the member's record and its row id."""

    id: int = 0

    def to_json(self) -> dict[str, object]:
        """The member as ``member list --json`` prints it."""
        return {
            "code": self.code,
            "name": self.name,
            "kind": str(self.kind),
            "group": self.group,
            "id_number": self.id_number or "",
            "phone": self.phone,
            "bank_account": self.bank_account,
            "active": self.active,
        }


def member_row(r: Any) -> MemberListRow:
    """A member table row (all its columns) as a list row."""
    return record_from_columns(MemberListRow, r._mapping, id=r.id)


def _members(org_id: int | None, f: MemberFilter) -> Select[Any]:
    q = select(M).where(M.c.org_id == org_id)
    if f.group is not None:
        q = q.where(M.c.group_name == f.group)
    if f.kind:
        q = q.where(M.c.kind == f.kind)
    if f.active is not None:
        q = q.where(M.c.active == f.active)
    if f.search.strip():
        q = q.where(_search(f.search.strip(), M.c.code, M.c.name, M.c.id_number, M.c.phone))
    return q


_register(
    MemberFilter,
    ListSpec(
        query=_members,
        sorts=lambda _q: {
            "code": [M.c.code],
            "name": [M.c.name],
            "kind": [M.c.kind, M.c.code],
            "group": [M.c.group_name, M.c.code],
            "id_number": [M.c.id_number],
            "phone": [M.c.phone],
            "active": [M.c.active, M.c.code],
        },
        default="code",
        tie=lambda _q: M.c.id,
        row=member_row,
    ),
)


# -- contracts ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractFilter:
    """Which contracts a list shows."""

    search: str = ""
    group: str | None = None
    status: str | None = None
    #: Only contracts that cover at least one day of this year.
    year: int | None = None


@dataclass(frozen=True, slots=True)
class ContractListRow(ContractRecord):
    """A land transfer contract in the contracts table: its record, with its row id, the
    household's name and 村民小组, and the land share amount it stores."""

    id: int = 0
    member_name: str = ""
    group: str = ""
    land_share_amount_fen: int = 0


def _contract_row(r: Any) -> ContractListRow:
    return record_from_columns(
        ContractListRow,
        r._mapping,
        id=r.id,
        member=r.member_code,
        status=r.status,
        renews=None,
        terminated_on=r.end_on if r.end_on != r.agreed_end_on else None,
        member_name=r.member_name,
        group=r.group_name,
        land_share_amount_fen=r.land_share_amount_fen,
    )


def _contracts(org_id: int | None, f: ContractFilter) -> Select[Any]:
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
    if f.search.strip():
        q = q.where(
            _search(f.search.strip(), C.c.code, C.c.parcel, C.c.location, M.c.code, M.c.name)
        )
    return q


_register(
    ContractFilter,
    ListSpec(
        query=_contracts,
        sorts=lambda _q: {
            "code": [C.c.code],
            "member": [M.c.code, C.c.code],
            "group": [M.c.group_name, C.c.code],
            "parcel": [C.c.parcel],
            "area": [C.c.area_e4],
            "rent": [C.c.rent_per_mu_fen],
            "start": [C.c.start_on],
            "end": [C.c.end_on],
            "status": [C.c.status, C.c.code],
        },
        default="code",
        tie=lambda _q: C.c.id,
        row=_contract_row,
    ),
)


# -- share lots ---------------------------------------------------------------------------


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
    """A share lot in the share register (land lots come from their contracts, with the
    amount each contract stores)."""

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


def _lots(org_id: int | None, f: ShareLotFilter) -> Select[Any]:
    lender = M.alias("lender")
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
            func.coalesce(lender.c.code, "").label("lender_code"),
            S.c.transfer_kind.label("transfer_kind"),
            func.coalesce(origin.c.code, "").label("from_code"),
        )
        .select_from(
            S.join(M, M.c.id == S.c.holder_id)
            .outerjoin(lender, lender.c.id == S.c.lender_id)
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
    if f.search.strip():
        q = q.where(_search(f.search.strip(), u.c.code, u.c.holder_code, u.c.holder_name))
    return q


def _lot_row(r: Any) -> ShareLotListRow:
    start = _date(r.start_on)
    assert start is not None
    return ShareLotListRow(
        r.code,
        r.holder_code,
        r.holder_name,
        r.group_name,
        r.share_class,
        int(r.amount_fen),
        start,
        _date(r.end_on),
        r.lender_code,
        r.transfer_kind,
        r.from_code,
    )


def _lot_sorts(q: Select[Any]) -> Sorts:
    u = q.selected_columns
    return {
        "code": [u.code],
        "holder": [u.holder_code, u.code],
        "group": [u.group_name, u.code],
        "class": [u.share_class, u.code],
        "amount": [u.amount_fen],
        "start": [u.start_on],
        "end": [u.end_on],
    }


_register(
    ShareLotFilter,
    ListSpec(
        query=_lots,
        sorts=_lot_sorts,
        default="code",
        tie=lambda q: q.selected_columns.code,
        row=_lot_row,
    ),
)


# -- vouchers -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VoucherFilter:
    """Which vouchers a list shows: a search in the memo, a state, a year and month, a
    source, and a span of dates."""

    search: str = ""
    state: str | None = None
    year: int | None = None
    month: int | None = None
    source: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class VoucherListRow:
    """A voucher in a list (the window's table and ``voucher list``)."""

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

    def to_json(self) -> dict[str, object]:
        """The voucher as ``voucher list --json`` prints it."""
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "number": self.label,
            "memo": self.memo,
            "total": fen_to_str(self.total),
            "state": self.state,
            "source": self.source,
            "prepared_by": self.prepared_by,
            "reviewed_by": self.reviewed_by,
            "reverses": self.reverses_id,
            "reversed_by": self.reversed_by_id,
        }


def _voucher_conditions(org_id: int | None, f: VoucherFilter) -> list[Any]:
    conds: list[Any] = [V.c.org_id == org_id]
    if f.state:
        conds.append(V.c.state == f.state)
    if f.year is not None:
        conds.append(V.c.year == f.year)
    if f.month is not None:
        conds.append(V.c.month == f.month)
    if f.source:
        conds.append(V.c.source == f.source)
    if f.start is not None:
        conds.append(V.c.date >= f.start)
    if f.end is not None:
        conds.append(V.c.date <= f.end)
    if f.search.strip():
        conds.append(V.c.memo.like(like(f.search.strip()), escape="\\"))
    return conds


def _vouchers(org_id: int | None, f: VoucherFilter) -> Select[Any]:
    total = func.coalesce(func.sum(L.c.debit_fen), 0).label("total")
    return (
        select(V, total)
        .select_from(V.outerjoin(L, L.c.voucher_id == V.c.id))
        .where(and_(*_voucher_conditions(org_id, f)))
        .group_by(V.c.id)
    )


def _voucher_row(r: Any) -> VoucherListRow:
    return VoucherListRow(
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


_register(
    VoucherFilter,
    ListSpec(
        query=_vouchers,
        sorts=lambda _q: {
            # date and number order: the book's own
            "date": [V.c.date, V.c.seq.is_(None), V.c.seq],
            "number": [V.c.year, V.c.month, V.c.seq.is_(None), V.c.seq],
            "memo": [V.c.memo],
            "total": [func.coalesce(func.sum(L.c.debit_fen), 0)],
            "state": [V.c.state, V.c.date],
            "source": [V.c.source, V.c.date],
            "prepared_by": [V.c.prepared_by, V.c.date],
        },
        default="date",
        tie=lambda _q: V.c.id,
        row=_voucher_row,
        # the lines are only needed for the totals, not for the count
        count=lambda org_id, f: select(V.c.id).where(and_(*_voucher_conditions(org_id, f))),
    ),
)


# -- slips --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlipFilter:
    """Which slips of a committed year a list shows: paid (True), unpaid (False) or both."""

    year: int
    paid: bool | None = None
    group: str | None = None
    search: str = ""


@dataclass(frozen=True, slots=True)
class SlipRow:
    """One holder's slip of a committed year: the payments table, the printed slips, the
    bank batch and the unpaid list all read it (``services.distribution.slips``)."""

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
    transaction_return: int = 0
    kind: str = "household"

    @property
    def total(self) -> int:
        """Land fee + return by transactions + dividend."""
        return self.land_fee + self.transaction_return + self.dividend


def _slips(org_id: int | None, f: SlipFilter) -> Select[Any]:
    dist_id = (
        select(D.c.id)
        .where(
            D.c.org_id == org_id,
            D.c.year == f.year,
            D.c.state == DistributionState.COMMITTED,
        )
        .scalar_subquery()
    )
    q = (
        select(
            DI,
            M.c.code.label("member_code"),
            M.c.name.label("member_name"),
            M.c.group_name,
            M.c.bank_account,
            M.c.kind.label("member_kind"),
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
    if f.search.strip():
        q = q.where(_search(f.search.strip(), M.c.code, M.c.name))
    return q


def _slip_row(r: Any) -> SlipRow:
    return SlipRow(
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
        r.transaction_return_fen,
        r.member_kind,
    )


_register(
    SlipFilter,
    ListSpec(
        query=_slips,
        sorts=lambda _q: {
            "slip_no": [DI.c.slip_no],
            "code": [M.c.code],
            "name": [M.c.name],
            "group": [M.c.group_name, M.c.code],
            "land_fee": [DI.c.land_fee_fen],
            "transaction_return": [DI.c.transaction_return_fen],
            "dividend": [DI.c.dividend_fen],
            "total": [DI.c.land_fee_fen + DI.c.transaction_return_fen + DI.c.dividend_fen],
            "paid_on": [DI.c.paid_on.is_(None), DI.c.paid_on],
        },
        default="code",
        tie=lambda _q: DI.c.id,
        row=_slip_row,
    ),
)


@dataclass(frozen=True, slots=True)
class SlipTotals:
    """Totals over the slips a filter selects."""

    count: int
    land_fee: int
    dividend: int
    unpaid_count: int
    unpaid_total: int
    transaction_return: int = 0

    @property
    def total(self) -> int:
        return self.land_fee + self.transaction_return + self.dividend


def slip_totals(session: Session | Connection, org_id: int, f: SlipFilter) -> SlipTotals:
    """Count and totals of the slips ``f`` selects, and how many of them are unpaid."""
    sub = _slips(org_id, f).subquery()
    unpaid = case((sub.c.paid_on.is_(None), 1), else_=0)
    q = select(
        func.count(),
        func.coalesce(func.sum(sub.c.land_fee_fen), 0),
        func.coalesce(func.sum(sub.c.dividend_fen), 0),
        func.coalesce(func.sum(unpaid), 0),
        func.coalesce(
            func.sum(
                (sub.c.land_fee_fen + sub.c.transaction_return_fen + sub.c.dividend_fen) * unpaid
            ),
            0,
        ),
        func.coalesce(func.sum(sub.c.transaction_return_fen), 0),
    )
    n, fee, div, n_unpaid, unpaid_total, ret = session.execute(q).one()
    return SlipTotals(int(n), int(fee), int(div), int(n_unpaid), int(unpaid_total), int(ret))


# -- the audit trail ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which audit entries a list shows: a search over action, entity and user, a user, a
    span of days (UTC dates of ``at``). The list's book (``org_id``) keeps that book's
    entries and the database-wide ones; None keeps every entry."""

    search: str = ""
    user: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    #: Acts the search also finds (those whose name in the user's language matches it):
    #: whole codes, and beginnings of codes that carry a value (``close year ``).
    acts: tuple[str, ...] = ()
    act_prefixes: tuple[str, ...] = ()


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


def _audit(org_id: int | None, f: AuditFilter) -> Select[Any]:
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
    if org_id is not None:
        q = q.where(or_(AU.c.org_id == org_id, AU.c.org_id.is_(None)))
    if f.user:
        q = q.where(AU.c.user == f.user)
    if f.since is not None:
        q = q.where(AU.c.at >= f.since.isoformat())
    if f.until is not None:
        q = q.where(AU.c.at < (f.until + dt.timedelta(days=1)).isoformat())
    if f.search.strip():
        found = _search(f.search.strip(), AU.c.action, AU.c.entity, AU.c.entity_id, AU.c.user)
        named: list[ColumnElement[bool]] = [AU.c.action.in_(f.acts)] if f.acts else []
        named += [AU.c.action.startswith(head, autoescape=True) for head in f.act_prefixes]
        q = q.where(or_(found, *named) if named else found)
    return q


_register(
    AuditFilter,
    ListSpec(
        query=_audit,
        sorts=lambda _q: {
            "id": [AU.c.id],
            "at": [AU.c.at],
            "user": [AU.c.user],
            "action": [AU.c.action],
            "entity": [AU.c.entity, AU.c.entity_id],
        },
        default="id",
        tie=lambda _q: AU.c.id,
        row=lambda r: AuditListRow(*r),
        descending=True,  # newest first
    ),
)


# -- the fixed-asset register -------------------------------------------------------------

FA = tables.fixed_asset
AD = tables.asset_depreciation


@dataclass(frozen=True, slots=True)
class AssetFilter:
    """Which cards a list shows: a search (code, name, location, keeper), a category, and a
    status (None: every card)."""

    search: str = ""
    category: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class AssetListRow(AssetRecord):
    """A card in the register's table: its record (without its accounts), its row id, where
    it stands and the depreciation it has had."""

    id: int = 0
    status: AssetStatus = AssetStatus.IN_USE
    ended_on: dt.date | None = None
    accumulated_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.value_fen - self.accumulated_fen


def _assets(org_id: int | None, f: AssetFilter) -> Select[Any]:
    made = (
        select(AD.c.asset_id, func.sum(AD.c.amount_fen).label("made"))
        .where(AD.c.org_id == org_id)
        .group_by(AD.c.asset_id)
        .subquery("made")
    )
    accumulated = (FA.c.opening_depreciation_fen + func.coalesce(made.c.made, 0)).label(
        "accumulated"
    )
    q = (
        select(FA, accumulated)
        .select_from(FA.outerjoin(made, made.c.asset_id == FA.c.id))
        .where(FA.c.org_id == org_id)
    )
    if f.category:
        q = q.where(FA.c.category == f.category)
    if f.status:
        q = q.where(FA.c.status == f.status)
    if f.search.strip():
        q = q.where(_search(f.search.strip(), FA.c.code, FA.c.name, FA.c.location, FA.c.custodian))
    return q


def _asset_row(r: Any) -> AssetListRow:
    try:
        status = AssetStatus(r.status)
    except ValueError:
        status = AssetStatus.IN_USE
    return record_from_columns(
        AssetListRow,
        r._mapping,
        id=r.id,
        method=DepreciationMethod(r.method),
        expense_account=None,
        asset_account=None,
        depreciation_account=None,
        status=status,
        ended_on=r.ended_on,
        accumulated_fen=int(r.accumulated or 0),
    )


_register(
    AssetFilter,
    ListSpec(
        query=_assets,
        sorts=lambda q: {
            "code": [FA.c.code],
            "name": [FA.c.name, FA.c.code],
            "category": [FA.c.category, FA.c.code],
            "location": [FA.c.location, FA.c.code],
            "in_service": [FA.c.in_service_on, FA.c.code],
            "value": [FA.c.value_fen],
            "accumulated": [q.selected_columns.accumulated],
            "status": [FA.c.status, FA.c.code],
        },
        default="code",
        tie=lambda _q: FA.c.id,
        row=_asset_row,
    ),
)
