"""The registers the distribution is computed from: members, land transfer contracts and
the share register (股本), with transfers and the red fund."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Final, cast

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.dates import active_days, days_in_year
from coopledger.domain.distribution import ContractRow, LotRow
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import checked, fields_of, record_columns, to_column
from coopledger.domain.land import ContractInput, contract_fee
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.records import ContractRecord, MemberRecord, ShareLotRecord
from coopledger.domain.shares import ShareLotInput, land_share_amount, land_share_of
from coopledger.domain.vocabulary import (
    ContractStatus,
    MemberKind,
    Permission,
    ShareClass,
    TransferKind,
    VoucherSource,
    codes,
)
from coopledger.services.accounts import role_account
from coopledger.services.ledger import Ledger
from coopledger.services.vouchers import post_system_vouchers
from coopledger.store.models import LandContract, Member, Organisation, ShareLot, Voucher
from coopledger.store.uow import Tx

MemberInput = MemberRecord
"""A member as a form, a roster or a script gives it (the one member record)."""
ContractForm = ContractRecord
"""A land transfer contract as a form gives it (the one contract record)."""
ShareLotForm = ShareLotRecord
"""A share lot as a form gives it (the one share lot record)."""


# -- members -------------------------------------------------------------------------


def check_member(m: MemberRecord, path: str = "member") -> MemberRecord:
    """A member's fields by their rules (``domain.records``: the same as a book file's);
    returns it with every value normalised (text stripped, the ID number upper-cased, the
    bank card without spaces)."""
    return checked(m, lambda key: f"{path}.{key}")


def _id_number_free(tx: Tx, org_id: int, id_number: str | None, exclude: int | None = None) -> None:
    """Refuse an ID number another member of the book already has."""
    if not id_number:
        return
    q = select(col(Member.code)).where(
        col(Member.org_id) == org_id, col(Member.id_number) == id_number
    )
    if exclude is not None:
        q = q.where(col(Member.id) != exclude)
    other = tx.session.execute(q.limit(1)).scalar_one_or_none()
    if other is not None:
        raise DomainError(
            "member.id_number",
            N_("the ID number {got} is already used by member {code}"),
            got=id_number,
            code=other,
        )


def _member(tx: Tx, org_id: int, code: str, path: str = "member") -> Member:
    m = tx.session.execute(
        select(Member).where(col(Member.org_id) == org_id, col(Member.code) == code)
    ).scalar_one_or_none()
    if m is None:
        raise DomainError(path, N_("no member {code}"), code=code)
    return m


def add_member_in(tx: Tx, org_id: int, m: MemberRecord) -> int:
    """Inside a transaction: add a member (codes and ID numbers are unique per book)."""
    m = check_member(m)
    dup = tx.session.execute(
        select(col(Member.id)).where(col(Member.org_id) == org_id, col(Member.code) == m.code)
    ).first()
    if dup:
        raise DomainError("member.code", N_("member code {code} is already used"), code=m.code)
    _id_number_free(tx, org_id, m.id_number)
    # A new member is active; leaving is its own act (deactivate_member).
    columns = record_columns(replace(m, active=True, inactive_on=None, inactive_reason=""))
    row = Member(org_id=org_id, **columns)
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track("add member", "member", row.id)
    return row.id


def add_member(ledger: Ledger, org_id: int, m: MemberRecord) -> int:
    """Add a household, the collective or an organisation."""
    ledger.require(Permission.MANAGE_REGISTERS)
    with ledger.write(org_id) as tx:
        return add_member_in(tx, org_id, m)


#: What editing a member may change: not its code or kind, nor whether it left (an act of
#: its own, `deactivate_member`).
_EDITABLE_MEMBER_FIELDS: Final = frozenset(f.attr for f in fields_of(MemberRecord)) - {
    "code",
    "kind",
    "active",
    "inactive_on",
    "inactive_reason",
}


def update_member(ledger: Ledger, org_id: int, m: MemberRecord) -> None:
    """Change a member's details (the code and kind stay)."""
    ledger.require(Permission.MANAGE_REGISTERS)
    m = check_member(m)
    with ledger.write(org_id) as tx:
        row = _member(tx, org_id, m.code)
        _id_number_free(tx, org_id, m.id_number, exclude=row.id)
        before = tx.state("member", row.id or 0)
        for spec in fields_of(MemberRecord):
            if spec.attr in _EDITABLE_MEMBER_FIELDS:
                setattr(row, spec.db_column, to_column(spec, getattr(m, spec.attr)))
        tx.session.add(row)
        tx.track("edit member", "member", row.id or 0, before=before)


def deactivate_member(ledger: Ledger, org_id: int, code: str, on: dt.date, reason: str) -> None:
    """Mark a member inactive (moved away, household merged). Members are never deleted."""
    ledger.require(Permission.MANAGE_REGISTERS)
    if not reason.strip():
        raise DomainError("reason", N_("say why the member leaves (moved away, merged …)"))
    with ledger.write(org_id) as tx:
        row = _member(tx, org_id, code)
        if not row.active:
            raise DomainError("member", N_("member {code} is already inactive"), code=code)
        open_lots = tx.session.execute(
            select(func.count())
            .select_from(ShareLot)
            .where(
                col(ShareLot.holder_id) == row.id,
                or_(col(ShareLot.end_on).is_(None), col(ShareLot.end_on) >= on),
            )
        ).scalar_one()
        if open_lots:
            raise DomainError(
                "member",
                N_("member {code} still holds share lots after {date}; transfer them first"),
                code=code,
                date=on,
            )
        before = tx.state("member", row.id or 0)
        row.active, row.inactive_on, row.inactive_reason = False, on, reason.strip()
        tx.session.add(row)
        tx.track("deactivate member", "member", row.id or 0, before=before)


def next_member_code(ledger: Ledger, org_id: int, prefix: str = "H") -> str:
    """The next free code like H0001."""
    with ledger.read() as s:
        codes = s.execute(
            select(col(Member.code)).where(
                col(Member.org_id) == org_id, col(Member.code).startswith(prefix)
            )
        ).scalars()
        n = max((int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{n + 1:04d}"


# -- contracts -----------------------------------------------------------------------


def check_contract(c: ContractRecord, path: str = "contract") -> ContractRecord:
    """A contract's own fields by their rules (the same as a book file's); returns it with
    every value normalised."""
    return checked(c, lambda key: f"{path}.{key}")


def _overlapping(
    tx: Tx, org_id: int, parcel: str, start: dt.date, end: dt.date, exclude: int | None = None
) -> str | None:
    q = select(col(LandContract.code)).where(
        col(LandContract.org_id) == org_id,
        col(LandContract.parcel) == parcel,
        col(LandContract.start_on) <= end,
        col(LandContract.end_on) >= start,
    )
    if exclude is not None:
        q = q.where(col(LandContract.id) != exclude)
    return tx.session.execute(q.limit(1)).scalar_one_or_none()


def add_contract_in(tx: Tx, org_id: int, c: ContractRecord, *, renews_id: int | None = None) -> int:
    """Inside a transaction: add a contract; refused when it overlaps another on the parcel."""
    c = check_contract(c)
    member = _member(tx, org_id, c.member, "contract.member")
    if member.kind != MemberKind.HOUSEHOLD:
        raise DomainError(
            "contract.member",
            N_("land is transferred by a household; {code} is not one"),
            code=c.member,
        )
    if tx.session.execute(
        select(col(LandContract.id)).where(
            col(LandContract.org_id) == org_id, col(LandContract.code) == c.code
        )
    ).first():
        raise DomainError("contract.code", N_("contract code {code} is already used"), code=c.code)
    if tx.session.execute(
        select(col(ShareLot.id)).where(col(ShareLot.org_id) == org_id, col(ShareLot.code) == c.code)
    ).first():
        raise DomainError("contract.code", N_("{code} is already a share lot's code"), code=c.code)
    clash = _overlapping(tx, org_id, c.parcel, c.start, c.effective_end)
    if clash:
        raise DomainError(
            "contract.parcel",
            N_("parcel {parcel} is already under contract {other} in that period"),
            parcel=c.parcel,
            other=clash,
        )
    row = LandContract(
        org_id=org_id,
        **record_columns(c),
        member_id=member.id or 0,
        end_on=c.effective_end,
        status=c.effective_status.value,
        renews_id=renews_id,
        land_share_amount_fen=land_share_of(c.area_e4, c.share_value_per_mu_fen),
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track("add contract", "land_contract", row.id)
    return row.id


def add_contract(ledger: Ledger, org_id: int, c: ContractRecord) -> int:
    """Add a land transfer contract (its land share lot follows it automatically)."""
    ledger.require(Permission.MANAGE_REGISTERS)
    with ledger.write(org_id) as tx:
        return add_contract_in(tx, org_id, c)


def _contract(tx: Tx, org_id: int, code: str) -> LandContract:
    row = tx.session.execute(
        select(LandContract).where(
            col(LandContract.org_id) == org_id, col(LandContract.code) == code
        )
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("contract", N_("no contract {code}"), code=code)
    return row


def terminate_contract(
    ledger: Ledger, org_id: int, code: str, on: dt.date, reason: str = ""
) -> None:
    """End a contract early: its last day is ``on``; that year's fee is pro-rated by days."""
    ledger.require(Permission.MANAGE_REGISTERS)
    with ledger.write(org_id) as tx:
        row = _contract(tx, org_id, code)
        if row.status != ContractStatus.ACTIVE:
            raise DomainError(
                "contract", N_("contract {code} is {status}"), code=code, status=row.status
            )
        if not row.start_on <= on <= row.end_on:
            raise DomainError(
                "date",
                N_("the last day must lie within the contract ({start} – {end})"),
                start=row.start_on,
                end=row.end_on,
            )
        before = tx.state("land_contract", row.id or 0)
        row.end_on, row.status = on, ContractStatus.TERMINATED
        if reason:
            row.notes = (row.notes + "\n" if row.notes else "") + f"{on} 提前终止：{reason}"
        tx.session.add(row)
        tx.track("terminate contract", "land_contract", row.id or 0, before=before)


def renew_contract(
    ledger: Ledger,
    org_id: int,
    code: str,
    new_code: str,
    end: dt.date,
    *,
    rent_per_mu_fen: int | None = None,
    share_value_per_mu_fen: int | None = None,
) -> int:
    """Renew: a new contract on the same parcel starting the day after the old one ends,
    linked to it."""
    ledger.require(Permission.MANAGE_REGISTERS)
    with ledger.write(org_id) as tx:
        old = _contract(tx, org_id, code)
        member = tx.session.get(Member, old.member_id)
        assert member is not None
        form = ContractRecord(
            new_code,
            member.code,
            old.parcel,
            old.area_e4,
            old.rent_per_mu_fen if rent_per_mu_fen is None else rent_per_mu_fen,
            old.share_value_per_mu_fen
            if share_value_per_mu_fen is None
            else share_value_per_mu_fen,
            old.end_on + dt.timedelta(days=1),
            end,
            old.location,
        )
        new_id = add_contract_in(tx, org_id, form, renews_id=old.id)
        before = tx.state("land_contract", old.id or 0)
        old.status = ContractStatus.RENEWED
        tx.session.add(old)
        tx.track("renewed", "land_contract", old.id or 0, before=before)
        return new_id


@dataclass(frozen=True, slots=True)
class FeeYear:
    """One year of a contract's fee schedule."""

    year: int
    active_days: int
    days_in_year: int
    fee_fen: int


def _contracts_query(org_id: int) -> Select[str, str, int, int, int, dt.date, dt.date, int]:
    return (
        select(
            col(LandContract.code),
            col(Member.code),
            col(LandContract.area_e4),
            col(LandContract.rent_per_mu_fen),
            col(LandContract.share_value_per_mu_fen),
            col(LandContract.start_on),
            col(LandContract.end_on),
            col(LandContract.land_share_amount_fen),
        )
        .join(Member, col(Member.id) == col(LandContract.member_id))
        .where(col(LandContract.org_id) == org_id)
        .order_by(col(LandContract.code))
    )


def _lots_query(org_id: int) -> Select[str, str, str, int, dt.date, dt.date | None]:
    return (
        select(
            col(ShareLot.code),
            col(Member.code),
            col(ShareLot.share_class),
            col(ShareLot.amount_fen),
            col(ShareLot.start_on),
            col(ShareLot.end_on),
        )
        .join(Member, col(Member.id) == col(ShareLot.holder_id))
        .where(col(ShareLot.org_id) == org_id)
        .order_by(col(ShareLot.code))
    )


def contract_rows(tx_or_session: Tx | Session, org_id: int) -> list[ContractRow]:
    """Every contract of a book as the engine's rows (``distribution.ContractRow``: member
    codes, not ids), by code; read with Core, no object per row (a township book has
    125,000)."""
    s = tx_or_session.session if isinstance(tx_or_session, Tx) else tx_or_session
    rows = s.connection().execute(_contracts_query(org_id)).all()
    return cast("list[ContractRow]", rows)


def share_lot_rows(tx_or_session: Tx | Session, org_id: int) -> list[LotRow]:
    """Every stored share lot as the engine's rows (``distribution.LotRow``), by code."""
    s = tx_or_session.session if isinstance(tx_or_session, Tx) else tx_or_session
    rows = s.connection().execute(_lots_query(org_id)).all()
    return cast("list[LotRow]", rows)


def contract_inputs(tx_or_session: Tx | Session, org_id: int) -> list[ContractInput]:
    """Every contract of a book as the domain's input (member codes, not ids)."""
    return [ContractInput(*r) for r in contract_rows(tx_or_session, org_id)]


def share_lot_inputs(tx_or_session: Tx | Session, org_id: int) -> list[ShareLotInput]:
    """Every stored share lot (land lots excluded: they follow from the contracts)."""
    return [ShareLotInput(*r) for r in share_lot_rows(tx_or_session, org_id)]


def fee_schedule(ledger: Ledger, org_id: int, code: str) -> list[FeeYear]:
    """The contract's fee for each year it runs (pro-rated by days in part years)."""
    with ledger.read() as s:
        c = next((c for c in contract_inputs(s, org_id) if c.code == code), None)
    if c is None:
        raise DomainError("contract", N_("no contract {code}"), code=code)
    return [
        FeeYear(y, active_days(c.start, c.end, y), days_in_year(y), contract_fee(c, y))
        for y in range(c.start.year, c.end.year + 1)
    ]


# -- share register ------------------------------------------------------------------


def check_share_lot(f: ShareLotRecord, path: str = "share_lot") -> ShareLotRecord:
    """A share lot's own fields by their rules (the same as a book file's); returns it with
    every value normalised."""
    return checked(f, lambda key: f"{path}.{key}")


def add_share_lot_in(
    tx: Tx,
    org_id: int,
    f: ShareLotRecord,
    *,
    transferred_from: int | None = None,
    transfer_kind: TransferKind | None = None,
) -> int:
    """Inside a transaction: add a share lot."""
    f = check_share_lot(
        replace(f, transfer_kind=transfer_kind, transferred_from=None)
        if transferred_from is None
        else replace(f, transfer_kind=transfer_kind)
    )
    holder = _member(tx, org_id, f.holder, "share_lot.holder")
    lender = _member(tx, org_id, f.lender, "share_lot.lender") if f.lender else None
    for model in (ShareLot, LandContract):
        if tx.session.execute(
            select(col(model.id)).where(col(model.org_id) == org_id, col(model.code) == f.code)
        ).first():
            raise DomainError("share_lot.code", N_("code {code} is already used"), code=f.code)
    row = ShareLot(
        org_id=org_id,
        **record_columns(f),
        holder_id=holder.id or 0,
        lender_id=lender.id if lender else None,
        transferred_from_id=transferred_from,
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track("add share lot", "share_lot", row.id)
    return row.id


def add_share_lot(ledger: Ledger, org_id: int, f: ShareLotRecord) -> int:
    """Add a share lot (self-raised funds, project funds, red fund, cash, other)."""
    ledger.require(Permission.MANAGE_REGISTERS)
    with ledger.write(org_id) as tx:
        return add_share_lot_in(tx, org_id, f)


def transfer_shares(
    ledger: Ledger,
    org_id: int,
    lot_code: str,
    on: dt.date,
    kind: str,
    parts: list[tuple[str, str, int]],
) -> list[int]:
    """Transfer a lot from ``on`` (inheritance 继承, gift, household split): the old lot ends
    the day before; new lots ``(code, holder, amount_fen)`` start that day. The amounts must
    add up to the old lot's: the total never changes."""
    ledger.require(Permission.MANAGE_REGISTERS)
    if kind not in codes(TransferKind):
        raise DomainError("kind", N_('unknown transfer kind "{got}"'), got=kind)
    if not parts:
        raise DomainError("to", N_("say who receives the shares"))
    with ledger.write(org_id) as tx:
        lot = tx.session.execute(
            select(ShareLot).where(col(ShareLot.org_id) == org_id, col(ShareLot.code) == lot_code)
        ).scalar_one_or_none()
        if lot is None:
            raise DomainError("lot", N_("no share lot {code}"), code=lot_code)
        if not lot.start_on < on or (lot.end_on is not None and on > lot.end_on):
            raise DomainError(
                "date", N_("the transfer date must fall after the lot starts and before it ends")
            )
        total = sum(p[2] for p in parts)
        if total != lot.amount_fen:
            raise DomainError(
                "amount",
                N_("the parts add up to {got} fen, but the lot holds {want} fen"),
                got=total,
                want=lot.amount_fen,
            )
        before = tx.state("share_lot", lot.id or 0)
        old_end = lot.end_on
        lot.end_on = on - dt.timedelta(days=1)
        tx.session.add(lot)
        tx.track(f"transfer ({kind})", "share_lot", lot.id or 0, before=before)
        lender = tx.session.get(Member, lot.lender_id) if lot.lender_id else None
        ids = []
        for i, (code, holder, amount) in enumerate(parts):
            f = ShareLotRecord(
                code,
                holder,
                ShareClass(lot.share_class),
                amount,
                on,
                old_end,
                lender.code if lender else None,
                lot.code,
                TransferKind(kind),
            )
            try:
                ids.append(
                    add_share_lot_in(
                        tx, org_id, f, transferred_from=lot.id, transfer_kind=TransferKind(kind)
                    )
                )
            except DomainError as exc:
                raise DomainError(
                    f"to[{i}].{exc.path.split('.')[-1]}", exc.message, **exc.params
                ) from exc
        return ids


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A holding in the share register on a date."""

    holder_code: str
    holder_name: str
    share_class: str
    lot_code: str
    amount_fen: int
    share: Fraction  # of the total capital that day


def register_as_of(ledger: Ledger, org_id: int, on: dt.date) -> list[RegisterRow]:
    """The share register on a date: every lot in force (land lots from their contracts),
    with its share of the total."""
    with ledger.read() as s:
        names = {
            c: n
            for c, n in s.execute(
                select(col(Member.code), col(Member.name)).where(col(Member.org_id) == org_id)
            )
        }
        lots = [
            (lot.holder, lot.share_class, lot.code, lot.amount_fen)
            for lot in share_lot_inputs(s, org_id)
            if lot.start <= on and (lot.end is None or on <= lot.end)
        ]
        lots += [
            (c.member, ShareClass.LAND, c.code, land_share_amount(c))
            for c in contract_inputs(s, org_id)
            if c.share_value_per_mu_fen > 0 and c.start <= on <= c.end
        ]
    total = sum(x[3] for x in lots)
    return [
        RegisterRow(
            h, names.get(h, ""), cls, code, amt, Fraction(amt, total) if total else Fraction(0)
        )
        for h, cls, code, amt in sorted(lots)
    ]


@dataclass(frozen=True, slots=True)
class HolderHistoryRow:
    """One lot a holder has held, from its start to its end."""

    lot_code: str
    share_class: str
    amount_fen: int
    start: dt.date
    end: dt.date | None
    transfer_kind: str
    transferred_from: str


def holder_history(ledger: Ledger, org_id: int, code: str) -> list[HolderHistoryRow]:
    """Every lot a member has held, land lots included, in date order."""
    with ledger.read() as s:
        member = s.execute(
            select(Member).where(col(Member.org_id) == org_id, col(Member.code) == code)
        ).scalar_one_or_none()
        if member is None:
            raise DomainError("member", N_("no member {code}"), code=code)
        codes = dict(
            s.execute(
                select(col(ShareLot.id), col(ShareLot.code)).where(col(ShareLot.org_id) == org_id)
            ).all()
        )
        lots = (
            s.execute(select(ShareLot).where(col(ShareLot.holder_id) == member.id)).scalars().all()
        )
        rows = [
            HolderHistoryRow(
                lot.code,
                lot.share_class,
                lot.amount_fen,
                lot.start_on,
                lot.end_on,
                lot.transfer_kind,
                codes.get(lot.transferred_from_id, "") if lot.transferred_from_id else "",
            )
            for lot in lots
        ]
        rows += [
            HolderHistoryRow(c.code, ShareClass.LAND, land_share_amount(c), c.start, c.end, "", "")
            for c in contract_inputs(s, org_id)
            if c.member == code and c.share_value_per_mu_fen > 0
        ]
    return sorted(rows, key=lambda r: (r.start, r.lot_code))


def red_fund_maturities(ledger: Ledger, org_id: int, up_to: dt.date) -> list[int]:
    """On each red fund's end date its principal becomes a payable to the lender: post
    Dr 长期借款及应付款—红色基金 / Cr 应付款 (lender) for every matured lot not yet posted."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        org = tx.session.get(Organisation, org_id)
        assert org is not None
        loan = role_account(org.chart, "red_fund_loan")
        payable = role_account(org.chart, "payable")
        done = set(
            tx.session.execute(
                select(col(Voucher.memo)).where(
                    col(Voucher.org_id) == org_id, col(Voucher.source) == VoucherSource.REDFUND
                )
            ).scalars()
        )
        lots = tx.session.execute(
            select(ShareLot, col(Member.code))
            .join(
                Member,
                col(Member.id) == func.coalesce(col(ShareLot.lender_id), col(ShareLot.holder_id)),
            )
            .where(
                col(ShareLot.org_id) == org_id,
                col(ShareLot.share_class) == ShareClass.RED_FUND,
                col(ShareLot.end_on) <= up_to,
                col(ShareLot.transfer_kind) == "",
            )
        ).all()
        vs = []
        for lot, lender_code in lots:
            memo = f"红色基金{lot.code}到期，本金转应付"
            if memo in done or lot.end_on is None:
                continue
            vs.append(
                VoucherInput(
                    lot.end_on,
                    memo,
                    (
                        LineInput(loan, debit_fen=lot.amount_fen),
                        LineInput(payable, credit_fen=lot.amount_fen, member=lender_code),
                    ),
                )
            )
        return post_system_vouchers(
            tx, org_id, vs, source=VoucherSource.REDFUND, action="red fund matured"
        )


def group_names(ledger: Ledger, org_id: int) -> list[str]:
    """The 村民小组 of a book."""
    with ledger.read() as s:
        return sorted(
            g
            for (g,) in s.execute(
                select(col(Member.group_name))
                .where(col(Member.org_id) == org_id, col(Member.group_name) != "")
                .distinct()
            )
        )
