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

from sqlalchemy import select
from sqlmodel import SQLModel, col

from coopledger.domain.book import (
    Book,
    BookAccount,
    BookLine,
    BookOrganisation,
    BookStream,
    BookVoucher,
    book_to_json,
    parse_book,
    parse_book_sections,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import record_columns, record_from_columns
from coopledger.domain.records import ContractRecord, MemberRecord, ShareLotRecord
from coopledger.domain.shares import land_share_of
from coopledger.domain.vocabulary import (
    AccountKind,
    Chart,
    ContractStatus,
    MemberAux,
    Permission,
    VoucherSource,
    VoucherState,
)
from coopledger.formats import book_json
from coopledger.services import imports
from coopledger.services.accounts import add_account_in, chart_kinds, create_organisation_in
from coopledger.services.distribution import book_plan, plan_values
from coopledger.services.ledger import Ledger
from coopledger.services.vouchers import check_open
from coopledger.store.engine import reserve_ids
from coopledger.store.ledger import (
    M,
    ResolvedLine,
    ResolvedVoucher,
    accounts_by_code,
    closed_months,
    insert_posted_vouchers,
    members_by_code,
)
from coopledger.store.models import (
    DistributionPlan,
    LandContract,
    Member,
    Organisation,
    ShareLot,
    Voucher,
    table_of,
)
from coopledger.store.uow import Tx

Progress = Callable[[str], None]
_new_line = tuple.__new__

C = table_of(LandContract)
S = table_of(ShareLot)


def charts_for_books() -> dict[str, dict[str, str]]:
    """chart id → {code: kind}, for validating book files."""
    return {c: chart_kinds(c) for c in Chart}


def validate_book(data: object, *, consume: bool = False) -> Book:
    """Parse and check a decoded book file; raises ``DomainErrors`` naming every problem.
    With ``consume`` the vouchers of ``data`` are let go as they are read (`parse_book`)."""
    return parse_book(data, charts=charts_for_books(), consume=consume)


def _new_ids(tx: Tx, model: type[SQLModel], n: int) -> list[int]:
    return reserve_ids(tx.session, table_of(model), n)


def import_book(
    ledger: Ledger, data: object, progress: Progress | None = None, *, file_name: str = ""
) -> int:
    """Add the book as a new organisation (refused if one of that name exists). The file is
    checked whole first; then everything is written in one transaction. Its vouchers form
    one import batch (``file_name``: where they came from), to be reviewed as a whole."""
    _require_import(ledger)
    book = validate_book(data)
    del data  # the decoded file is the biggest thing held: let it go before the writing
    return import_checked_book(ledger, book, progress, file_name=file_name)


def _require_import(ledger: Ledger) -> None:
    """A book import adds an organisation and fills its registers."""
    ledger.require(Permission.MANAGE_ORGANISATIONS)
    ledger.require(Permission.MANAGE_REGISTERS)


def import_checked_book(
    ledger: Ledger,
    book: Book,
    progress: Progress | None = None,
    *,
    file_name: str = "",
    file_sha256: str = "",
) -> int:
    """Write a book already checked (`validate_book`, `read_book`) as a new organisation, in
    one transaction."""
    _require_import(ledger)
    note = progress or (lambda _msg: None)
    with ledger.write() as tx, tx.bulk():
        org_id, batch_id = import_book_in(tx, book, note, file_name, file_sha256)
        imports.close_batch(tx, batch_id)
        return org_id


def _post_imported(
    tx: Tx,
    org_id: int,
    records: Sequence[BookVoucher],
    batch_id: int,
    start: int = 0,
    part: int = 20_000,
) -> None:
    """Post a book's vouchers in bulk. The book validator has checked their figures, their
    accounts (leaves of the chart or the book) and their members; left to check here is what
    only the ledger knows: an account kept per member needs a member on each line, and no
    voucher may fall in a closed month. ``start`` is the index of ``records[0]`` in the book
    (for the paths of errors in a streamed book).

    The vouchers are numbered in date order and keep their order in the file as their ids;
    they are written ``part`` at a time in date order, so that only one part's rows are
    held besides the book's records."""
    s = tx.session
    accounts = accounts_by_code(s, org_id)
    members = members_by_code(
        s, org_id, {ln.member for v in records for ln in v.lines if ln.member}
    )
    closed = closed_months(s, org_id)
    per_member = {code for code, a in accounts.items() if a.member_aux == MemberAux.REQUIRED}
    for i, v in enumerate(records, start):
        if closed:
            check_open(closed, v.date, f"vouchers[{i}].date")
        for j, ln in enumerate(v.lines):
            if ln.member is None and ln.account in per_member:
                acc = accounts[ln.account]
                raise DomainError(
                    f"vouchers[{i}].lines[{j}].member",
                    N_("{code} {name} keeps a ledger per member: say which member"),
                    code=acc.code,
                    name=acc.name,
                )
    account_ids = {code: a.id for code, a in accounts.items()}
    voucher_ids = _new_ids(tx, Voucher, len(records))
    in_date_order = sorted(range(len(records)), key=lambda i: records[i].date)
    digests: dict[int, str] = {}
    for at in range(0, len(in_date_order), part):
        some = in_date_order[at : at + part]
        resolved = [
            ResolvedVoucher(
                records[i].date,
                records[i].memo,
                tuple(
                    _new_line(  # ResolvedLine(...), without its Python-level __new__
                        ResolvedLine,
                        (
                            account_ids[ln.account],
                            ln.debit_fen,
                            ln.credit_fen,
                            members[ln.member] if ln.member else None,
                            ln.memo,
                        ),
                    )
                    for ln in records[i].lines
                ),
                records[i].attachments,
            )
            for i in some
        ]
        insert_posted_vouchers(
            s,
            org_id,
            resolved,
            user=tx.user,
            source=VoucherSource.IMPORT,
            import_batch_id=batch_id,
            digests=digests,
            ids=[voucher_ids[i] for i in some],
        )
    tx.track_bulk(
        "import vouchers",
        "voucher",
        digests,
        {"vouchers": len(records), "source": VoucherSource.IMPORT},
    )


def import_book_in(
    tx: Tx, book: Book, note: Progress, file_name: str = "", file_sha256: str = ""
) -> tuple[int, int]:
    """Inside a transaction: write a validated book as a new organisation; returns its id
    and its vouchers' import batch (which the caller closes once every voucher is in)."""
    o = book.organisation
    org_id = create_organisation_in(
        tx, o.name, chart=o.chart, village=o.village, township=o.township, county=o.county
    )
    tx.org_id = org_id
    batch_id = imports.open_batch(tx, org_id, VoucherSource.IMPORT, file_name, file_sha256)
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

    # Members, contracts and share lots: their columns come from their field tables.
    new_ids = _new_ids(tx, Member, len(book.members))
    member_ids = {m.code: new_ids[i] for i, m in enumerate(book.members)}
    rows = [{"id": member_ids[m.code], "org_id": org_id, **record_columns(m)} for m in book.members]
    tx.track_inserted("import members", "member", rows, {"count": len(rows)})
    note("members")

    new_ids = _new_ids(tx, LandContract, len(book.contracts))
    contract_ids = {c.code: new_ids[i] for i, c in enumerate(book.contracts)}
    rows = [
        {
            "id": contract_ids[c.code],
            "org_id": org_id,
            **record_columns(c),
            "member_id": member_ids[c.member],
            "end_on": c.effective_end,
            "status": c.effective_status.value,
            "renews_id": contract_ids[c.renews] if c.renews else None,
            "land_share_amount_fen": land_share_of(c.area_e4, c.share_value_per_mu_fen),
        }
        for c in book.contracts
    ]
    tx.track_inserted("import contracts", "land_contract", rows, {"count": len(rows)})
    note("contracts")

    new_ids = _new_ids(tx, ShareLot, len(book.share_lots))
    lot_ids = {lot.code: new_ids[i] for i, lot in enumerate(book.share_lots)}
    rows = [
        {
            "id": lot_ids[lot.code],
            "org_id": org_id,
            **record_columns(lot),
            "holder_id": member_ids[lot.holder],
            "lender_id": member_ids[lot.lender] if lot.lender else None,
            "transferred_from_id": lot_ids.get(lot.transferred_from or ""),
        }
        for lot in book.share_lots
    ]
    tx.track_inserted("import share lots", "share_lot", rows, {"count": len(rows)})
    note("share lots")

    # Vouchers, posted in bulk
    _post_imported(tx, org_id, book.vouchers, batch_id)
    note("vouchers")

    for p in book.plans:
        plan = DistributionPlan(
            org_id=org_id, prepared_by=tx.user, **plan_values(p, book.organisation.chart)
        )
        s.add(plan)
        s.flush()
        assert plan.id is not None
        tx.track("import plan", "distribution_plan", plan.id)
    note("plans")
    tx.log(
        "import book",
        entity="book",
        entity_id=org_id,
        after={"name": o.name, "file": file_name, "sha256": file_sha256, "batch": batch_id},
    )
    return org_id, batch_id


def read_book(path: Path) -> Book | None:
    """Read and check a book file whole, before any ledger is touched: the checked book, or
    None for a file big enough to be streamed (checked as it goes in, `import_book_file`).
    Raises ``DomainError`` / ``DomainErrors`` naming every problem."""
    if not path.is_file():
        raise DomainError("file", N_("no book file at {file}"), file=str(path))
    if path.stat().st_size > book_json.STREAM_BOOK_BYTES:
        return None
    # Section by section: the vouchers are decoded and checked a chunk at a time, so the
    # decoded file and the records are never held whole together.
    return parse_book_sections(book_json.iter_book_sections(path), charts=charts_for_books())


def import_book_file(
    ledger: Ledger, path: Path, progress: Progress | None = None, *, book: Book | None = None
) -> int:
    """Import a book file. Files up to ``STREAM_BOOK_BYTES`` are read and checked whole
    (``book``: the file as `read_book` gave it, so it is not read twice); bigger ones (a
    township's ten years) are streamed: everything but the vouchers is checked first, then
    the vouchers are checked and written chunk by chunk inside one transaction that is
    rolled back, leaving nothing, if any chunk has an error."""
    _require_import(ledger)
    if book is None:
        book = read_book(path)
    sha = imports.file_sha256(path)
    if book is not None:
        return import_checked_book(ledger, book, progress, file_name=path.name, file_sha256=sha)
    note = progress or (lambda _msg: None)
    stream = BookStream(charts_for_books())
    header = book_json.read_book_header(path)
    header.pop("vouchers", None)
    book = stream.header(header)
    with ledger.write() as tx, tx.bulk():
        org_id, batch_id = import_book_in(tx, book, note, path.name, sha)
        start = 0
        for chunk in book_json.iter_book_vouchers(path):
            records = stream.vouchers(chunk, start)
            if stream.ok:
                _post_imported(tx, org_id, records, batch_id, start)
            start += len(chunk)
            note(f"vouchers {start}")
        stream.finish()  # raises (and so rolls back) if any voucher was bad
        imports.close_batch(tx, batch_id)
    return org_id


def write_book_file(ledger: Ledger, org_id: int, path: Path) -> Path:
    """Export the book of one organisation to ``path`` (UTF-8 JSON), through the output
    guard: never over a ledger, its files or a backup."""
    import json

    from coopledger.outfiles import check_output, write_atomic

    check_output(path)  # before the export's work
    data = export_book(ledger, org_id)
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def export_book(ledger: Ledger, org_id: int) -> dict[str, Any]:
    """The book of one organisation as a ``coopledger-book`` document (the whole book, ID
    and bank numbers included: the same act as a backup)."""
    ledger.require(Permission.BACKUP)
    from coopledger.services.accounts import load_chart
    from coopledger.store.ledger import A, L, V

    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        chart = {a["code"]: a for a in load_chart(org.chart)["accounts"]}
        members = s.execute(select(M).where(M.c.org_id == org_id).order_by(M.c.id)).mappings()
        code_of_member: dict[int, str] = {}
        member_records = []
        for m in members:
            code_of_member[m["id"]] = m["code"]
            member_records.append(record_from_columns(MemberRecord, m))
        accounts = [
            BookAccount(a.code, a.name, AccountKind(a.kind))
            for a in s.execute(select(A).where(A.c.org_id == org_id).order_by(A.c.id))
            if a.code not in chart or chart[a.code]["name"] != a.name
        ]
        contract_rows = (
            s.execute(select(C).where(C.c.org_id == org_id).order_by(C.c.id)).mappings().all()
        )
        code_of_contract = {c["id"]: c["code"] for c in contract_rows}
        contracts = [
            record_from_columns(
                ContractRecord,
                c,
                member=code_of_member[c["member_id"]],
                # active and terminated follow from terminated_on; only renewed is written
                status=c["status"] if c["status"] == ContractStatus.RENEWED else None,
                renews=code_of_contract.get(c["renews_id"]) if c["renews_id"] else None,
                terminated_on=c["end_on"] if c["end_on"] != c["agreed_end_on"] else None,
            )
            for c in contract_rows
        ]
        lot_rows = (
            s.execute(select(S).where(S.c.org_id == org_id).order_by(S.c.id)).mappings().all()
        )
        code_of_lot = {lot["id"]: lot["code"] for lot in lot_rows}
        lots = [
            record_from_columns(
                ShareLotRecord,
                lot,
                holder=code_of_member[lot["holder_id"]],
                lender=code_of_member.get(lot["lender_id"]) if lot["lender_id"] else None,
                transferred_from=code_of_lot.get(lot["transferred_from_id"])
                if lot["transferred_from_id"]
                else None,
            )
            for lot in lot_rows
        ]
        code_of_account = {
            a.id: a.code for a in s.execute(select(A.c.id, A.c.code).where(A.c.org_id == org_id))
        }
        vrows = s.execute(
            select(V)
            .where(
                V.c.org_id == org_id,
                V.c.state == VoucherState.POSTED,
                V.c.source.in_(VoucherSource.exported()),
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
            book_plan(p)
            for p in s.execute(
                select(DistributionPlan)
                .where(col(DistributionPlan.org_id) == org_id)
                .order_by(col(DistributionPlan.year))
            ).scalars()
        )
        book = Book(
            organisation=BookOrganisation(
                org.name, org.village, org.township, org.county, Chart(org.chart)
            ),
            members=tuple(member_records),
            accounts=tuple(accounts),
            contracts=tuple(contracts),
            share_lots=tuple(lots),
            vouchers=vouchers,
            plans=plans,
        )
    return book_to_json(book)
