"""Book import and export (``book-format.md``): a whole book in one transaction, or nothing.

Export writes the records a book is made of: members, accounts beyond the chart, contracts,
share lots, plans and the posted vouchers the accountant entered or imported. Vouchers the
program makes from those records (distribution, payments, year-end closing, red fund
maturity) and reversed pairs (an original and its red voucher cancel out) are left out, so
that importing the file and committing the plans gives back the same distribution results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import SQLModel, col

from coopledger.domain.book import (
    Book,
    BookAccount,
    BookContract,
    BookLine,
    BookMember,
    BookOrganisation,
    BookPlan,
    BookShareLot,
    BookStream,
    BookVoucher,
    book_to_json,
    parse_book,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import LineInput, VoucherInput
from coopledger.domain.vocabulary import (
    Chart,
    ContractStatus,
    Permission,
    VoucherSource,
    VoucherState,
)
from coopledger.services.accounts import add_account_in, chart_kinds, create_organisation_in
from coopledger.services.ledger import Ledger
from coopledger.services.vouchers import post_system_vouchers
from coopledger.store.ledger import accounts_by_code
from coopledger.store.models import (
    DistributionPlan,
    LandContract,
    Member,
    Organisation,
    ShareLot,
    table_of,
)
from coopledger.store.uow import Tx

Progress = Callable[[str], None]


def charts_for_books() -> dict[str, dict[str, str]]:
    """chart id → {code: kind}, for validating book files."""
    return {c: chart_kinds(c) for c in Chart}


def validate_book(data: object) -> Book:
    """Parse and check a decoded book file; raises ``DomainErrors`` naming every problem."""
    return parse_book(data, charts=charts_for_books())


def _next_id(tx: Tx, model: type[SQLModel]) -> int:
    table = table_of(model)
    return int(tx.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def import_book(ledger: Ledger, data: object, progress: Progress | None = None) -> int:
    """Add the book as a new organisation (refused if one of that name exists). The file is
    checked whole first; then everything is written in one transaction."""
    ledger.require(Permission.MANAGE_REGISTERS)
    book = validate_book(data)
    note = progress or (lambda _msg: None)
    with ledger.write() as tx:
        org_id = import_book_in(tx, book, note)
    return org_id


def _post_imported(tx: Tx, org_id: int, records: Sequence[BookVoucher]) -> None:
    """Post a book's vouchers in bulk (checked already by the book validator)."""
    vouchers = [
        VoucherInput(
            v.date,
            v.memo,
            tuple(
                LineInput(ln.account, ln.debit_fen, ln.credit_fen, ln.member, ln.memo)
                for ln in v.lines
            ),
            v.attachments,
        )
        for v in records
    ]
    post_system_vouchers(
        tx, org_id, vouchers, source=VoucherSource.IMPORT, action="import vouchers"
    )


def import_book_in(tx: Tx, book: Book, note: Progress) -> int:
    """Inside a transaction: write a validated book as a new organisation."""
    o = book.organisation
    org_id = create_organisation_in(
        tx, o.name, chart=o.chart, village=o.village, township=o.township, county=o.county
    )
    tx.org_id = org_id
    s = tx.session
    chart = accounts_by_code(s, org_id)
    for a in sorted(book.accounts, key=lambda a: (len(a.code), a.code)):
        if a.code in chart:
            if chart[a.code].name != a.name:
                from sqlalchemy import update

                from coopledger.store.ledger import A

                before = tx.state("account", chart[a.code].id)
                s.execute(update(A).where(A.c.id == chart[a.code].id).values(name=a.name))
                tx.track("rename account (book)", "account", chart[a.code].id, before=before)
        else:
            add_account_in(tx, org_id, a.code, a.name, a.kind)
    note("accounts")

    # Members
    first = _next_id(tx, Member)
    member_ids: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for i, m in enumerate(book.members):
        mid = first + i
        member_ids[m.code] = mid
        rows.append(
            {
                "id": mid,
                "org_id": org_id,
                "code": m.code,
                "name": m.name,
                "kind": m.kind,
                "group_name": m.group,
                "id_number": m.id_number or "",
                "phone": m.phone,
                "bank_account": m.bank_account,
                "address": m.address,
                "notes": m.notes,
                "active": m.active,
                "inactive_on": m.inactive_on,
                "inactive_reason": m.inactive_reason,
            }
        )
    if rows:
        s.execute(insert(table_of(Member)), rows)
        tx.track_many("import members", "member", [r["id"] for r in rows], {"count": len(rows)})
    note("members")

    # Contracts (in an order where a renewed contract comes before its renewal)
    first = _next_id(tx, LandContract)
    contract_ids = {c.code: first + i for i, c in enumerate(book.contracts)}
    rows = []
    for c in book.contracts:
        rows.append(
            {
                "id": contract_ids[c.code],
                "org_id": org_id,
                "code": c.code,
                "member_id": member_ids[c.member],
                "parcel": c.parcel,
                "location": c.location,
                "area_e4": c.area_e4,
                "rent_per_mu_fen": c.rent_per_mu_fen,
                "share_value_per_mu_fen": c.share_value_per_mu_fen,
                "start_on": c.start,
                "end_on": c.terminated_on or c.end,
                "agreed_end_on": c.end,
                "status": c.status
                or (ContractStatus.TERMINATED if c.terminated_on else ContractStatus.ACTIVE),
                "renews_id": contract_ids[c.renews] if c.renews else None,
                "notes": "",
            }
        )
    if rows:
        s.execute(insert(table_of(LandContract)), rows)
        tx.track_many(
            "import contracts", "land_contract", [r["id"] for r in rows], {"count": len(rows)}
        )
    note("contracts")

    # Share lots
    first = _next_id(tx, ShareLot)
    lot_ids = {lot.code: first + i for i, lot in enumerate(book.share_lots)}
    rows = []
    for lot in book.share_lots:
        rows.append(
            {
                "id": lot_ids[lot.code],
                "org_id": org_id,
                "code": lot.code,
                "holder_id": member_ids[lot.holder],
                "share_class": lot.share_class,
                "amount_fen": lot.amount_fen,
                "start_on": lot.start,
                "end_on": lot.end,
                "lender_id": member_ids[lot.lender] if lot.lender else None,
                "transferred_from_id": lot_ids.get(lot.transferred_from or ""),
                "transfer_kind": lot.transfer_kind or "",
                "notes": "",
            }
        )
    if rows:
        s.execute(insert(table_of(ShareLot)), rows)
        tx.track_many(
            "import share lots", "share_lot", [r["id"] for r in rows], {"count": len(rows)}
        )
    note("share lots")

    # Vouchers, posted in bulk
    _post_imported(tx, org_id, book.vouchers)
    note("vouchers")

    for p in book.plans:
        plan = DistributionPlan(
            org_id=org_id,
            year=p.year,
            welfare_rate_e4=p.welfare_rate_e4,
            reserve_rate_e4=p.reserve_rate_e4,
            approved_on=p.approved_on,
            published_on=p.published_on,
            proposed_by=p.proposed_by,
            meeting=p.meeting,
            resolution=p.resolution,
            vote=p.vote,
            notice=p.notice,
            notes=p.notes,
            prepared_by=tx.user,
        )
        s.add(plan)
        s.flush()
        assert plan.id is not None
        tx.track("import plan", "distribution_plan", plan.id)
    note("plans")
    tx.log("import book", entity="book", entity_id=org_id, after={"name": o.name})
    return org_id


def import_book_file(ledger: Ledger, path: Path, progress: Progress | None = None) -> int:
    """Import a book file. Files up to ``STREAM_BOOK_BYTES`` are read and checked whole;
    bigger ones (a township's ten years) are streamed: everything but the vouchers is
    checked first, then the vouchers are checked and written chunk by chunk inside one
    transaction that is rolled back, leaving nothing, if any chunk has an error."""
    from coopledger.services import files

    ledger.require(Permission.MANAGE_REGISTERS)
    if not path.is_file():
        raise DomainError("file", N_("no book file at {file}"), file=str(path))
    if path.stat().st_size <= files.STREAM_BOOK_BYTES:
        return import_book(ledger, files.read_book_file(path), progress)
    note = progress or (lambda _msg: None)
    stream = BookStream(charts_for_books())
    header = files.read_book_header(path)
    header.pop("vouchers", None)
    book = stream.header(header)
    with ledger.write() as tx:
        org_id = import_book_in(tx, book, note)
        start = 0
        for chunk in files.iter_book_vouchers(path):
            records = stream.vouchers(chunk, start)
            if stream.ok:
                _post_imported(tx, org_id, records)
            start += len(chunk)
            note(f"vouchers {start}")
        stream.finish()  # raises (and so rolls back) if any voucher was bad
    return org_id


def export_book(ledger: Ledger, org_id: int) -> dict[str, Any]:
    """The book of one organisation as a ``coopledger-book`` document."""
    from coopledger.services.accounts import load_chart
    from coopledger.store.ledger import A, L, V

    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        chart = {a["code"]: a for a in load_chart(org.chart)["accounts"]}
        members = (
            s.execute(select(Member).where(col(Member.org_id) == org_id).order_by(col(Member.id)))
            .scalars()
            .all()
        )
        code_of_member = {m.id: m.code for m in members}
        accounts = [
            BookAccount(a.code, a.name, a.kind)
            for a in s.execute(select(A).where(A.c.org_id == org_id).order_by(A.c.id))
            if a.code not in chart or chart[a.code]["name"] != a.name
        ]
        contracts_rows = (
            s.execute(
                select(LandContract)
                .where(col(LandContract.org_id) == org_id)
                .order_by(col(LandContract.id))
            )
            .scalars()
            .all()
        )
        code_of_contract = {c.id: c.code for c in contracts_rows}
        contracts = [
            BookContract(
                code=c.code,
                member=code_of_member[c.member_id],
                parcel=c.parcel,
                area_e4=c.area_e4,
                rent_per_mu_fen=c.rent_per_mu_fen,
                share_value_per_mu_fen=c.share_value_per_mu_fen,
                start=c.start_on,
                end=c.agreed_end_on,
                location=c.location,
                status=""
                if c.status in (ContractStatus.ACTIVE, ContractStatus.TERMINATED)
                else c.status,
                renews=code_of_contract.get(c.renews_id) if c.renews_id else None,
                terminated_on=c.end_on if c.end_on != c.agreed_end_on else None,
            )
            for c in contracts_rows
        ]
        lots_rows = (
            s.execute(
                select(ShareLot).where(col(ShareLot.org_id) == org_id).order_by(col(ShareLot.id))
            )
            .scalars()
            .all()
        )
        code_of_lot = {lot.id: lot.code for lot in lots_rows}
        lots = [
            BookShareLot(
                code=lot.code,
                holder=code_of_member[lot.holder_id],
                share_class=lot.share_class,
                amount_fen=lot.amount_fen,
                start=lot.start_on,
                end=lot.end_on,
                lender=code_of_member.get(lot.lender_id) if lot.lender_id else None,
                transferred_from=code_of_lot.get(lot.transferred_from_id)
                if lot.transferred_from_id
                else None,
                transfer_kind=lot.transfer_kind or None,
            )
            for lot in lots_rows
        ]
        code_of_account = {
            a.id: a.code for a in s.execute(select(A.c.id, A.c.code).where(A.c.org_id == org_id))
        }
        vrows = s.execute(
            select(V)
            .where(
                V.c.org_id == org_id,
                V.c.state == VoucherState.POSTED,
                V.c.source.in_(VoucherSource.entered()),
                V.c.reversed_by_id.is_(None),
            )
            .order_by(V.c.id)
        ).all()
        lines_by_v: dict[int, list[Any]] = {}
        for ln in s.execute(
            select(L)
            .join(V, V.c.id == L.c.voucher_id)
            .where(V.c.org_id == org_id)
            .order_by(L.c.voucher_id, L.c.line_no)
        ):
            lines_by_v.setdefault(ln.voucher_id, []).append(ln)
        vouchers = tuple(
            BookVoucher(
                date=v.date,
                memo=v.memo,
                attachments=v.attachments,
                lines=tuple(
                    BookLine(
                        code_of_account[ln.account_id],
                        code_of_member.get(ln.member_id) if ln.member_id else None,
                        ln.debit_fen,
                        ln.credit_fen,
                        ln.memo,
                    )
                    for ln in lines_by_v.get(v.id, [])
                ),
            )
            for v in vrows
        )
        plans = tuple(
            BookPlan(
                year=p.year,
                welfare_rate_e4=p.welfare_rate_e4,
                reserve_rate_e4=p.reserve_rate_e4,
                approved_on=p.approved_on,
                published_on=p.published_on,
                proposed_by=p.proposed_by,
                meeting=p.meeting,
                resolution=p.resolution,
                vote=p.vote,
                notice=p.notice,
                notes=p.notes,
            )
            for p in s.execute(
                select(DistributionPlan)
                .where(col(DistributionPlan.org_id) == org_id)
                .order_by(col(DistributionPlan.year))
            ).scalars()
        )
        book = Book(
            organisation=BookOrganisation(
                org.name, org.village, org.township, org.county, org.chart
            ),
            members=tuple(
                BookMember(
                    code=m.code,
                    name=m.name,
                    kind=m.kind,
                    group=m.group_name,
                    id_number=m.id_number or None,
                    phone=m.phone,
                    bank_account=m.bank_account,
                    address=m.address,
                    notes=m.notes,
                    active=m.active,
                    inactive_on=m.inactive_on,
                    inactive_reason=m.inactive_reason,
                )
                for m in members
            ),
            accounts=tuple(accounts),
            contracts=tuple(contracts),
            share_lots=tuple(lots),
            vouchers=vouchers,
            plans=plans,
        )
    return book_to_json(book)
