"""Low-level ledger writes shared by vouchers, imports and the distribution: numbering,
posting, period balances, bulk inserts through SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    Update,
    bindparam,
    func,
    insert,
    select,
    update,
)

from coopledger.domain.vocabulary import VoucherSource, VoucherState
from coopledger.store import tables
from coopledger.store.bulk import insert_rows
from coopledger.store.engine import core_connection, is_postgres, lock_organisation, reserve_ids

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# Core tables (store/tables.py), not the models: a read path such as the trial balance then
# never imports SQLModel or the ORM.
V = tables.voucher
L = tables.voucher_line
PB = tables.period_balance
A = tables.account
M = tables.member
P = tables.period
FY = tables.fiscal_year


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """What posting needs to know about an account."""

    id: int
    code: str
    name: str
    kind: str
    normal_side: str
    member_aux: str
    is_leaf: bool
    active: bool = True


#: The account columns ``AccountInfo`` is made of, in its order (one list for every read).
_ACCOUNT_COLUMNS = (
    A.c.id,
    A.c.code,
    A.c.name,
    A.c.kind,
    A.c.normal_side,
    A.c.member_aux,
    A.c.is_leaf,
    A.c.active,
)


def _account_infos(rows: Iterable[Any]) -> dict[str, AccountInfo]:
    """Rows of ``_ACCOUNT_COLUMNS`` as accounts by code."""
    return {r.code: AccountInfo(*r) for r in rows}


class ResolvedLine(NamedTuple):
    """A line with ids instead of codes (a named tuple: bulk posting makes millions)."""

    account_id: int
    debit_fen: int
    credit_fen: int
    member_id: int | None = None
    memo: str = ""


@dataclass(frozen=True, slots=True)
class ResolvedVoucher:
    """A voucher ready for the database."""

    date: dt.date
    memo: str
    lines: tuple[ResolvedLine, ...]
    attachments: int = 0
    vtype: str = "记"


def accounts_by_code(session: Session | Connection, org_id: int) -> dict[str, AccountInfo]:
    """Every account of a book, by code."""
    return _account_infos(session.execute(select(*_ACCOUNT_COLUMNS).where(A.c.org_id == org_id)))


def members_by_code(
    session: Session | Connection, org_id: int, codes: Iterable[str] | None = None
) -> dict[str, int]:
    """Member ids of a book, by code (only those of ``codes`` when given: a township book
    has a hundred thousand members, and a voucher names a few)."""
    q = select(M.c.id, M.c.code).where(M.c.org_id == org_id)
    if codes is None:
        return {r.code: r.id for r in session.execute(q)}
    wanted = sorted(set(codes))
    out: dict[str, int] = {}
    for i in range(0, len(wanted), 500):
        for r in session.execute(q.where(M.c.code.in_(wanted[i : i + 500]))):
            out[r.code] = r.id
    return out


def member_codes(session: Session | Connection, ids: Iterable[int]) -> dict[int, str]:
    """Member codes by id, for the ids given."""
    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    for i in range(0, len(wanted), 500):
        for r in session.execute(select(M.c.id, M.c.code).where(M.c.id.in_(wanted[i : i + 500]))):
            out[r.id] = r.code
    return out


def closed_months(session: Session | Connection, org_id: int) -> set[tuple[int, int]]:
    """(year, month) of every closed month, and every month of a closed year."""
    out = {
        (r.year, r.month)
        for r in session.execute(
            select(P.c.year, P.c.month).where(P.c.org_id == org_id, P.c.closed)
        )
    }
    for (year,) in session.execute(select(FY.c.year).where(FY.c.org_id == org_id, FY.c.closed)):
        out.update((year, m) for m in range(1, 13))
    return out


def next_seqs(
    session: Session | Connection,
    org_id: int,
    months: Iterable[tuple[str, int, int]] | None = None,
) -> dict[tuple[str, int, int], int]:
    """The highest number used so far per (type, year, month), for ``months`` when given
    (each a look-up on the unique index (org, type, year, month, seq))."""
    if months is not None:
        out: dict[tuple[str, int, int], int] = {}
        for vtype, year, month in set(months):
            top = session.execute(
                select(func.max(V.c.seq)).where(
                    V.c.org_id == org_id, V.c.vtype == vtype, V.c.year == year, V.c.month == month
                )
            ).scalar()
            out[(vtype, year, month)] = int(top or 0)
        return out
    return {
        (r[0], r[1], r[2]): int(r[3] or 0)
        for r in session.execute(
            select(V.c.vtype, V.c.year, V.c.month, func.max(V.c.seq))
            .where(V.c.org_id == org_id, V.c.seq.is_not(None))
            .group_by(V.c.vtype, V.c.year, V.c.month)
        )
    }


_UPSERTS: dict[str, Any] = {}


def _period_balance_upsert(dialect: str) -> Any:
    """The period balances' upsert for a dialect, built once (building it, with its
    ``excluded`` columns and cache key, cost more than running it)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(PB)
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(PB)
        stmt = stmt.on_conflict_do_update(
            index_elements=[PB.c.org_id, PB.c.account_id, PB.c.year, PB.c.month],
            set_={
                "debit_fen": PB.c.debit_fen + stmt.excluded.debit_fen,
                "credit_fen": PB.c.credit_fen + stmt.excluded.credit_fen,
            },
        )
        _UPSERTS[dialect] = stmt
    return stmt


def add_to_period_balances(
    session: Session | Connection,
    org_id: int,
    deltas: Mapping[tuple[int, int, int], tuple[int, int]],
) -> None:
    """Add posted (debit, credit) per (account, year, month): one statement for them all,
    an insert that adds to the row already there (``ON CONFLICT DO UPDATE``, on SQLite and
    PostgreSQL alike; the caller holds the organisation)."""
    rows = [
        {
            "org_id": org_id,
            "account_id": account_id,
            "year": year,
            "month": month,
            "debit_fen": debit,
            "credit_fen": credit,
        }
        for (account_id, year, month), (debit, credit) in deltas.items()
        if debit or credit
    ]
    if not rows:
        return
    stmt = _period_balance_upsert("postgresql" if is_postgres(session) else "sqlite")
    session.execute(stmt, rows)


_HEADER_COLUMNS: tuple[str, ...] = (
    "id",
    "org_id",
    "vtype",
    "date",
    "year",
    "month",
    "seq",
    "memo",
    "attachments",
    "state",
    "source",
    "distribution_id",
    "reverses_id",
    "reversed_by_id",
    "prepared_by",
    "reviewed_by",
    "posted_by",
    "created_at",
    "posted_at",
    "import_batch_id",
)
_LINE_COLUMNS: tuple[str, ...] = (
    "id",
    "org_id",
    "voucher_id",
    "line_no",
    "account_id",
    "member_id",
    "debit_fen",
    "credit_fen",
    "memo",
    "date",
    "seq",
)


def insert_posted_vouchers(
    session: Session | Connection,
    org_id: int,
    vouchers: Sequence[ResolvedVoucher],
    *,
    user: str,
    source: str,
    distribution_id: int | None = None,
    reviewed_by: str = "",
    prepared_by: str | None = None,
    import_batch_id: int | None = None,
    reverses: Mapping[int, int] | None = None,
    chunk: int = 20_000,
    digests: dict[int, str] | None = None,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Insert and post many vouchers at once (bulk, not ORM), numbered in date order after
    the month's last number. Returns their ids in the order given. The caller has checked
    each voucher (balance, leaves, open periods).

    With ``digests``, each voucher's recorded state is digested from the rows as they are
    inserted (id → digest), for the caller's bulk audit entry: the same digest ``verify``
    computes from the stored rows, without reading them back. ``ids``: the vouchers' ids,
    when the caller posts a big batch in date-ordered parts (else the next free ones).

    ``user`` posts them (记账) and, unless ``prepared_by`` names someone else (who asked for a
    reversal a second person approved), prepared them; ``reviewed_by`` reviewed them (the
    approver of the plan or the request behind them); ``import_batch_id`` ties vouchers that
    came in from a file to their batch."""
    from coopledger.store.tracked import StateDigester  # the models behind it: writers only

    now = dt.datetime.now(dt.UTC)
    lock_organisation(session, org_id)
    seqs = next_seqs(session, org_id, {(v.vtype, v.date.year, v.date.month) for v in vouchers})
    order = sorted(range(len(vouchers)), key=lambda i: vouchers[i].date)
    ids = list(ids) if ids is not None else reserve_ids(session, V, len(vouchers))
    line_ids = iter(reserve_ids(session, L, sum(len(v.lines) for v in vouchers)))
    headers: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    deltas: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0])
    reverses = reverses or {}
    preparer = user if prepared_by is None else prepared_by
    state = VoucherState.POSTED.value
    digester = (
        StateDigester(
            V,
            _HEADER_COLUMNS,
            {
                "org_id": org_id,
                "state": state,
                "source": source,
                "distribution_id": distribution_id,
                "reversed_by_id": None,
                "prepared_by": preparer,
                "reviewed_by": reviewed_by,
                "posted_by": user,
                "created_at": now,
                "posted_at": now,
                "import_batch_id": import_batch_id,
            },
            line_columns=_LINE_COLUMNS,
        )
        if digests is not None
        else None
    )

    def flush() -> None:
        if headers:
            insert_rows(session, V, _HEADER_COLUMNS, headers)
            headers.clear()
        if lines:
            insert_rows(session, L, _LINE_COLUMNS, lines)
            lines.clear()

    for i in order:
        v = vouchers[i]
        day = v.date
        year, month = day.year, day.month
        key = (v.vtype, year, month)
        seq = seqs.get(key, 0) + 1
        seqs[key] = seq
        vid = ids[i]
        header = (
            vid,
            org_id,
            v.vtype,
            day,
            year,
            month,
            seq,
            v.memo,
            v.attachments,
            state,
            source,
            distribution_id,
            reverses.get(i),
            None,
            preparer,
            reviewed_by,
            user,
            now,
            now,
            import_batch_id,
        )
        headers.append(header)
        first_line = len(lines)
        for n, (account_id, debit, credit, member_id, memo) in enumerate(v.lines, start=1):
            lines.append(
                (
                    next(line_ids),
                    org_id,
                    vid,
                    n,
                    account_id,
                    member_id,
                    debit,
                    credit,
                    memo,
                    day,
                    seq,
                )
            )
            d = deltas[(account_id, year, month)]
            d[0] += debit
            d[1] += credit
        if digester is not None and digests is not None:
            digests[vid] = digester(header, lines[first_line:])
        if len(lines) >= chunk:
            flush()
    flush()
    add_to_period_balances(session, org_id, {k: (d[0], d[1]) for k, d in deltas.items()})
    return ids


@dataclass(frozen=True, slots=True)
class VoucherRead:
    """A voucher read in two statements for an act on it (review, post): what the act
    checks and what the audit entry records as its state before. Its row, its lines (each
    with its account's fields and its member's code), the number of users (maker–checker),
    whether its month or year is closed, and the month's last number so far."""

    header: RowMapping
    lines: Sequence[RowMapping]
    users: int
    closed: bool
    last_seq: int

    def accounts(self, org_id: int) -> dict[str, AccountInfo]:
        """The accounts the lines name, by code (those of the book only)."""
        return {
            ln["a_code"]: AccountInfo(
                ln["account_id"], *(ln[f"a_{c.name}"] for c in _ACCOUNT_COLUMNS[1:])
            )
            for ln in self.lines
            if ln["a_org_id"] == org_id
        }

    def member_codes(self) -> dict[int, str]:
        """The codes of the members the lines name, by id."""
        return {ln["member_id"]: ln["m_code"] for ln in self.lines if ln["member_id"]}


def _month_or_year_closed(org_id: Any, year: Any, month: Any) -> Any:
    """Whether the month is closed, or its year: the one rule, as an SQL expression over the
    given columns or parameters (`read_voucher`, `month_closed`; `closed_months` lists)."""
    return (
        select(P.c.closed)
        .where(P.c.org_id == org_id, P.c.year == year, P.c.month == month, P.c.closed)
        .exists()
        | select(FY.c.closed).where(FY.c.org_id == org_id, FY.c.year == year, FY.c.closed).exists()
    )


def _statements_found() -> tuple[Select[Any], Select[Any], Update]:
    """The two reads and the header's update of `read_voucher` / `post_reviewed`, built
    once: building a statement and its cache key each time cost more than running it."""
    other = V.alias("v2")
    last_seq = (
        select(func.coalesce(func.max(other.c.seq), 0))
        .where(
            other.c.org_id == V.c.org_id,
            other.c.vtype == V.c.vtype,
            other.c.year == V.c.year,
            other.c.month == V.c.month,
        )
        .scalar_subquery()
    )
    closed = _month_or_year_closed(V.c.org_id, V.c.year, V.c.month)
    users = select(func.count()).select_from(tables.app_user).scalar_subquery()
    header = select(
        *V.c,
        users.label("q_users"),
        closed.label("q_closed"),
        last_seq.label("q_last_seq"),
    ).where(V.c.id == bindparam("voucher_id"), V.c.org_id == bindparam("org_id"))
    lines = (
        select(
            *L.c,
            A.c.org_id.label("a_org_id"),
            *(c.label(f"a_{c.name}") for c in _ACCOUNT_COLUMNS[1:]),  # the line has the id
            M.c.code.label("m_code"),
        )
        .join(A, A.c.id == L.c.account_id)
        .outerjoin(M, M.c.id == L.c.member_id)
        .where(L.c.voucher_id == bindparam("voucher_id"))
        .order_by(L.c.line_no)
    )
    post = (
        update(V)
        .where(V.c.id == bindparam("b_voucher_id"))
        .values(
            seq=bindparam("b_seq"),
            state=VoucherState.POSTED.value,
            posted_by=bindparam("b_user"),
            posted_at=bindparam("b_posted_at"),
        )
        .returning(*V.c)
    )
    return header, lines, post


_HEADER_TO_POST, _LINES_TO_POST, _POST_HEADER = _statements_found()
_NUMBER_LINES = (
    update(L)
    .where(L.c.voucher_id == bindparam("b_voucher_id"))
    .values(seq=bindparam("b_seq"), date=bindparam("b_date"))
)


def read_voucher(session: Session | Connection, org_id: int, voucher_id: int) -> VoucherRead | None:
    """Read a voucher of ``org_id`` for reviewing or posting it (None if the book has no
    such voucher). The caller holds the organisation (``ledger.write(org_id)``), so the
    month's last number read here stays the last until it commits."""
    conn = core_connection(session)
    keys = {"org_id": org_id, "voucher_id": voucher_id}
    found = conn.execute(_HEADER_TO_POST, keys).mappings().first()
    if found is None:
        return None
    lines = conn.execute(_LINES_TO_POST, {"voucher_id": voucher_id}).mappings().all()
    return VoucherRead(
        found,
        lines,
        int(found["q_users"]),
        bool(found["q_closed"]),
        int(found["q_last_seq"]),
    )


def post_reviewed(
    session: Session | Connection, org_id: int, found: VoucherRead, user: str
) -> RowMapping:
    """Number and post a voucher read by `read_voucher` (the caller has checked it, and
    still holds the organisation), add it to the period balances, and return its row as
    stored now."""
    header = found.header
    voucher_id, year, month = header["id"], header["year"], header["month"]
    seq = found.last_seq + 1
    conn = core_connection(session)
    posted = (
        conn.execute(
            _POST_HEADER,
            {
                "b_voucher_id": voucher_id,
                "b_seq": seq,
                "b_user": user,
                "b_posted_at": dt.datetime.now(dt.UTC),
            },
        )
        .mappings()
        .one()
    )
    conn.execute(
        _NUMBER_LINES, {"b_voucher_id": voucher_id, "b_seq": seq, "b_date": header["date"]}
    )
    deltas: dict[tuple[int, int, int], tuple[int, int]] = {}
    for ln in found.lines:
        key = (ln["account_id"], year, month)
        d, c = deltas.get(key, (0, 0))
        deltas[key] = (d + ln["debit_fen"], c + ln["credit_fen"])
    add_to_period_balances(conn, org_id, deltas)
    return posted


_REVIEW_HEADER = (
    update(V)
    .where(V.c.id == bindparam("b_voucher_id"))
    .values(state=bindparam("b_state"), reviewed_by=bindparam("b_user"))
    .returning(*V.c)
)


def set_review(
    session: Session | Connection, voucher_id: int, state: str, reviewed_by: str
) -> RowMapping:
    """Set a voucher's review (state and reviewer); its row as stored now."""
    return (
        core_connection(session)
        .execute(
            _REVIEW_HEADER,
            {"b_voucher_id": voucher_id, "b_state": state, "b_user": reviewed_by},
        )
        .mappings()
        .one()
    )


_ACCOUNTS_NAMED = select(*_ACCOUNT_COLUMNS).where(
    A.c.org_id == bindparam("org_id"), A.c.code.in_(bindparam("codes", expanding=True))
)


def accounts_named(
    session: Session | Connection, org_id: int, codes: Iterable[str]
) -> dict[str, AccountInfo]:
    """The accounts of a book with these codes (a voucher names a few of the chart's)."""
    rows = core_connection(session).execute(
        _ACCOUNTS_NAMED, {"org_id": org_id, "codes": sorted(set(codes))}
    )
    return _account_infos(rows)


_MONTH_CLOSED = select(
    _month_or_year_closed(bindparam("org_id"), bindparam("year"), bindparam("month"))
)


def month_closed(session: Session | Connection, org_id: int, year: int, month: int) -> bool:
    """Whether a month is closed, or its year (one statement; `closed_months` lists them)."""
    keys = {"org_id": org_id, "year": year, "month": month}
    return bool(core_connection(session).execute(_MONTH_CLOSED, keys).scalar())


_INSERT_DRAFT = insert(V).returning(*V.c)
_INSERT_LINES = insert(L).returning(*L.c, sort_by_parameter_order=True)


def insert_draft(
    session: Session | Connection,
    org_id: int,
    voucher: ResolvedVoucher,
    user: str,
    created_at: dt.datetime,
) -> tuple[RowMapping, Sequence[RowMapping]]:
    """Insert a draft voucher prepared by ``user`` and its lines (Core, one statement each);
    the rows as stored."""
    conn = core_connection(session)
    day = voucher.date
    header = (
        conn.execute(
            _INSERT_DRAFT,
            {
                "org_id": org_id,
                "vtype": voucher.vtype,
                "date": day,
                "year": day.year,
                "month": day.month,
                "memo": voucher.memo,
                "attachments": voucher.attachments,
                "state": VoucherState.DRAFT.value,
                "source": VoucherSource.MANUAL.value,
                "prepared_by": user,
                "created_at": created_at,
            },
        )
        .mappings()
        .one()
    )
    lines = (
        conn.execute(
            _INSERT_LINES,
            [
                {
                    "org_id": org_id,
                    "voucher_id": header["id"],
                    "line_no": n,
                    "account_id": ln.account_id,
                    "member_id": ln.member_id,
                    "debit_fen": ln.debit_fen,
                    "credit_fen": ln.credit_fen,
                    "memo": ln.memo,
                    "date": day,
                }
                for n, ln in enumerate(voucher.lines, start=1)
            ],
        )
        .mappings()
        .all()
    )
    return header, lines
