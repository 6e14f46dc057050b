"""The registers the distribution is computed from: members, land transfer contracts and
the share register (股本), with transfers and the red fund."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.dates import active_days, days_in_year
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ids import parse_resident_id
from coopledger.domain.land import ContractInput, contract_fee
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.shares import ShareLotInput, land_share_amount
from coopledger.domain.vocabulary import (
    ContractStatus,
    MemberKind,
    Permission,
    ShareClass,
    TransferKind,
    VoucherSource,
    codes,
    parse_term,
)
from coopledger.services.accounts import role_account
from coopledger.services.ledger import Ledger
from coopledger.services.vouchers import post_system_vouchers
from coopledger.store.models import LandContract, Member, Organisation, ShareLot, Voucher
from coopledger.store.uow import Tx


@dataclass(frozen=True, slots=True)
class MemberInput:
    """A member as entered in a form or a roster row."""

    code: str
    name: str
    kind: str = MemberKind.HOUSEHOLD
    group: str = ""
    id_number: str = ""
    phone: str = ""
    bank_account: str = ""
    address: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ContractForm:
    """A land transfer contract as entered (areas in ten-thousandths of a mu, money in fen)."""

    code: str
    member: str
    parcel: str
    area_e4: int
    rent_per_mu_fen: int
    share_value_per_mu_fen: int
    start: dt.date
    end: dt.date
    location: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ShareLotForm:
    """A share lot as entered."""

    code: str
    holder: str
    share_class: str
    amount_fen: int
    start: dt.date
    end: dt.date | None = None
    lender: str | None = None
    notes: str = ""


# -- members -------------------------------------------------------------------------


def check_member(m: MemberInput, path: str = "member") -> MemberInput:
    """Validate a member's fields; returns it with the ID number normalised."""
    if not m.code.strip():
        raise DomainError(f"{path}.code", N_("must not be empty"))
    if not m.name.strip():
        raise DomainError(f"{path}.name", N_("must not be empty"))
    parse_term(MemberKind, m.kind, f"{path}.kind")
    id_number = parse_resident_id(m.id_number, f"{path}.id_number") if m.id_number.strip() else ""
    bank = m.bank_account.replace(" ", "")
    if bank and not bank.isdigit():
        raise DomainError(f"{path}.bank_account", N_("a bank card number is digits only"))
    return replace(
        m, code=m.code.strip(), name=m.name.strip(), id_number=id_number, bank_account=bank
    )


def _member(tx: Tx, org_id: int, code: str, path: str = "member") -> Member:
    m = tx.session.execute(
        select(Member).where(col(Member.org_id) == org_id, col(Member.code) == code)
    ).scalar_one_or_none()
    if m is None:
        raise DomainError(path, N_("no member {code}"), code=code)
    return m


def add_member_in(tx: Tx, org_id: int, m: MemberInput) -> int:
    """Inside a transaction: add a member (codes are unique per book)."""
    m = check_member(m)
    dup = tx.session.execute(
        select(col(Member.id)).where(col(Member.org_id) == org_id, col(Member.code) == m.code)
    ).first()
    if dup:
        raise DomainError("member.code", N_("member code {code} is already used"), code=m.code)
    row = Member(
        org_id=org_id,
        code=m.code,
        name=m.name,
        kind=m.kind,
        group_name=m.group.strip(),
        id_number=m.id_number,
        phone=m.phone.strip(),
        bank_account=m.bank_account,
        address=m.address.strip(),
        notes=m.notes,
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track("add member", "member", row.id)
    return row.id


def add_member(ledger: Ledger, org_id: int, m: MemberInput) -> int:
    """Add a household, the collective or an organisation."""
    ledger.require(Permission.MANAGE_REGISTERS)
    with ledger.write(org_id) as tx:
        return add_member_in(tx, org_id, m)


def update_member(ledger: Ledger, org_id: int, m: MemberInput) -> None:
    """Change a member's details (the code and kind stay)."""
    ledger.require(Permission.MANAGE_REGISTERS)
    m = check_member(m)
    with ledger.write(org_id) as tx:
        row = _member(tx, org_id, m.code)
        before = tx.state("member", row.id or 0)
        row.name, row.group_name, row.id_number = m.name, m.group.strip(), m.id_number
        row.phone, row.bank_account = m.phone.strip(), m.bank_account
        row.address, row.notes = m.address.strip(), m.notes
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


def check_contract(c: ContractForm, path: str = "contract") -> None:
    """Validate a contract's own fields."""
    if not c.code.strip():
        raise DomainError(f"{path}.code", N_("must not be empty"))
    if not c.parcel.strip():
        raise DomainError(f"{path}.parcel", N_("must not be empty"))
    if c.area_e4 <= 0:
        raise DomainError(f"{path}.area_mu", N_("must be greater than 0"))
    if c.rent_per_mu_fen < 0:
        raise DomainError(f"{path}.rent_per_mu", N_("must not be negative"))
    if c.share_value_per_mu_fen < 0:
        raise DomainError(f"{path}.share_value_per_mu", N_("must not be negative"))
    if c.end < c.start:
        raise DomainError(f"{path}.end", N_("ends before it starts ({start})"), start=c.start)


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


def add_contract_in(tx: Tx, org_id: int, c: ContractForm, *, renews_id: int | None = None) -> int:
    """Inside a transaction: add a contract; refused when it overlaps another on the parcel."""
    check_contract(c)
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
    clash = _overlapping(tx, org_id, c.parcel.strip(), c.start, c.end)
    if clash:
        raise DomainError(
            "contract.parcel",
            N_("parcel {parcel} is already under contract {other} in that period"),
            parcel=c.parcel,
            other=clash,
        )
    row = LandContract(
        org_id=org_id,
        code=c.code.strip(),
        member_id=member.id or 0,
        parcel=c.parcel.strip(),
        location=c.location.strip(),
        area_e4=c.area_e4,
        rent_per_mu_fen=c.rent_per_mu_fen,
        share_value_per_mu_fen=c.share_value_per_mu_fen,
        start_on=c.start,
        end_on=c.end,
        agreed_end_on=c.end,
        status=ContractStatus.ACTIVE,
        renews_id=renews_id,
        notes=c.notes,
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track("add contract", "land_contract", row.id)
    return row.id


def add_contract(ledger: Ledger, org_id: int, c: ContractForm) -> int:
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
        form = ContractForm(
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


def contract_inputs(tx_or_session: Tx | Session, org_id: int) -> list[ContractInput]:
    """Every contract of a book as the domain's input (member codes, not ids)."""
    s = tx_or_session.session if isinstance(tx_or_session, Tx) else tx_or_session
    rows = s.execute(
        select(
            col(LandContract.code),
            col(Member.code),
            col(LandContract.area_e4),
            col(LandContract.rent_per_mu_fen),
            col(LandContract.share_value_per_mu_fen),
            col(LandContract.start_on),
            col(LandContract.end_on),
        )
        .join(Member, col(Member.id) == col(LandContract.member_id))
        .where(col(LandContract.org_id) == org_id)
        .order_by(col(LandContract.code))
    ).all()
    return [ContractInput(*r) for r in rows]


def share_lot_inputs(tx_or_session: Tx | Session, org_id: int) -> list[ShareLotInput]:
    """Every stored share lot (land lots excluded: they follow from the contracts)."""
    s = tx_or_session.session if isinstance(tx_or_session, Tx) else tx_or_session
    rows = s.execute(
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
    ).all()
    return [ShareLotInput(*r) for r in rows]


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


def check_share_lot(f: ShareLotForm, path: str = "share_lot") -> None:
    """Validate a share lot's own fields."""
    if not f.code.strip():
        raise DomainError(f"{path}.code", N_("must not be empty"))
    if f.share_class not in ShareClass.stored():
        raise DomainError(
            f"{path}.class",
            N_('unknown share class "{got}" (known: {known})'),
            got=f.share_class,
            known=", ".join(ShareClass.stored()),
        )
    if f.amount_fen <= 0:
        raise DomainError(f"{path}.amount", N_("must be greater than 0"))
    if f.end is not None and f.end < f.start:
        raise DomainError(f"{path}.end", N_("ends before it starts ({start})"), start=f.start)
    if f.share_class == ShareClass.RED_FUND and f.end is None:
        raise DomainError(f"{path}.end", N_("a red fund stake has a fixed term: give its end date"))


def add_share_lot_in(
    tx: Tx,
    org_id: int,
    f: ShareLotForm,
    *,
    transferred_from: int | None = None,
    transfer_kind: str = "",
) -> int:
    """Inside a transaction: add a share lot."""
    check_share_lot(f)
    holder = _member(tx, org_id, f.holder, "share_lot.holder")
    lender = _member(tx, org_id, f.lender, "share_lot.lender") if f.lender else None
    for model in (ShareLot, LandContract):
        if tx.session.execute(
            select(col(model.id)).where(col(model.org_id) == org_id, col(model.code) == f.code)
        ).first():
            raise DomainError("share_lot.code", N_("code {code} is already used"), code=f.code)
    row = ShareLot(
        org_id=org_id,
        code=f.code.strip(),
        holder_id=holder.id or 0,
        share_class=f.share_class,
        amount_fen=f.amount_fen,
        start_on=f.start,
        end_on=f.end,
        lender_id=lender.id if lender else None,
        transferred_from_id=transferred_from,
        transfer_kind=transfer_kind,
        notes=f.notes,
    )
    tx.session.add(row)
    tx.session.flush()
    assert row.id is not None
    tx.track("add share lot", "share_lot", row.id)
    return row.id


def add_share_lot(ledger: Ledger, org_id: int, f: ShareLotForm) -> int:
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
            f = ShareLotForm(
                code, holder, lot.share_class, amount, on, old_end, lender.code if lender else None
            )
            try:
                ids.append(
                    add_share_lot_in(tx, org_id, f, transferred_from=lot.id, transfer_kind=kind)
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
