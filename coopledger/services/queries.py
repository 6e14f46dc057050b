"""Read-only lists and details for the CLI and the window (plain rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import voucher_label
from coopledger.domain.money import fen_to_str
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import A, L, M, V


@dataclass(frozen=True, slots=True)
class VoucherRow:
    """A voucher in a list."""

    id: int
    date: dt.date
    number: str
    memo: str
    total: int
    state: str
    source: str
    prepared_by: str
    reviewed_by: str
    reverses_id: int | None
    reversed_by_id: int | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "date": self.date.isoformat(),
            "number": self.number,
            "memo": self.memo,
            "total": fen_to_str(self.total),
            "state": self.state,
            "source": self.source,
            "prepared_by": self.prepared_by,
            "reviewed_by": self.reviewed_by,
            "reverses": self.reverses_id,
            "reversed_by": self.reversed_by_id,
        }


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

    @property
    def total(self) -> int:
        return sum(ln.debit for ln in self.lines)

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


def list_vouchers(
    ledger: Ledger,
    org_id: int,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    state: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[VoucherRow]:
    """Vouchers in date and number order with their totals."""
    total = func.coalesce(func.sum(L.c.debit_fen), 0)
    q = (
        select(V, total.label("total"))
        .select_from(V.outerjoin(L, L.c.voucher_id == V.c.id))
        .where(V.c.org_id == org_id)
        .group_by(V.c.id)
        .order_by(V.c.date, V.c.seq.is_(None), V.c.seq, V.c.id)
    )
    if start:
        q = q.where(V.c.date >= start)
    if end:
        q = q.where(V.c.date <= end)
    if state:
        q = q.where(V.c.state == state)
    q = q.offset(offset).limit(limit)
    with ledger.read() as s:
        return [
            VoucherRow(
                r.id,
                r.date,
                voucher_label(r.vtype, r.seq),
                r.memo,
                int(r.total),
                r.state,
                r.source,
                r.prepared_by,
                r.reviewed_by,
                r.reverses_id,
                r.reversed_by_id,
            )
            for r in s.execute(q)
        ]


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
    )
