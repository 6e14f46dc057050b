"""Importing members and contracts from an Excel or CSV roster: a dry run that lists every
bad row, and an all-or-nothing commit.

Every row is checked against the file and the book in memory first; only when no row is
bad are they all written, with one Core insert and one audit entry (twenty thousand rows
in seconds)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import record_columns
from coopledger.domain.shares import land_share_of
from coopledger.domain.vocabulary import ContractStatus, MemberKind, Permission
from coopledger.formats import roster
from coopledger.formats.sheets import read_table
from coopledger.services.ledger import Ledger
from coopledger.store.engine import reserve_ids
from coopledger.store.models import LandContract, Member, ShareLot, table_of
from coopledger.store.uow import Tx

M = table_of(Member)
C = table_of(LandContract)
S = table_of(ShareLot)


@dataclass
class RosterReport:
    """What an import found (and, with commit, wrote)."""

    count: int = 0
    errors: list[DomainError] = field(default_factory=list)
    committed: bool = False


def _next_code(existing: set[str], prefix: str, start: int) -> tuple[str, int]:
    n = start
    while True:
        n += 1
        code = f"{prefix}{n:04d}"
        if code not in existing:
            return code, n


def _new_ids(tx: Tx, table: Any, n: int) -> list[int]:
    return reserve_ids(tx.session, table, n)


def _member_rows(
    tx: Tx, org_id: int, rows: list[roster.MemberRow], report: RosterReport
) -> list[dict[str, Any]]:
    """The rows to insert; each row's fields were read by their rules already, so what is
    left is the book: codes and ID numbers already used there."""
    codes = set(tx.session.execute(select(M.c.code).where(M.c.org_id == org_id)).scalars())
    ids = set(
        tx.session.execute(
            select(M.c.id_number).where(M.c.org_id == org_id, M.c.id_number != "")
        ).scalars()
    )
    out: list[dict[str, Any]] = []
    n = 0
    new_ids = _new_ids(tx, M, len(rows))
    for r in rows:
        member = r.member
        code = member.code
        if not code:
            code, n = _next_code(codes, "H", n)
        elif code in codes:
            report.errors.append(
                DomainError(f"row {r.row}", N_("member code {code} is already used"), code=code)
            )
            continue
        if member.id_number and member.id_number in ids:
            report.errors.append(
                DomainError(
                    f"row {r.row}",
                    N_("the ID number {got} is already a member's"),
                    got=member.id_number,
                )
            )
            continue
        codes.add(code)
        out.append(
            {"id": new_ids[len(out)], "org_id": org_id, **record_columns(member), "code": code}
        )
    return out


def _contract_rows(
    tx: Tx, org_id: int, rows: list[roster.ContractRow], report: RosterReport
) -> list[dict[str, Any]]:
    s = tx.session
    members = {
        r.code: (r.id, r.name, r.kind)
        for r in s.execute(select(M.c.code, M.c.id, M.c.name, M.c.kind).where(M.c.org_id == org_id))
    }
    by_name: dict[str, list[str]] = defaultdict(list)
    for code, (_id, name, kind) in members.items():
        if kind == MemberKind.HOUSEHOLD:
            by_name[name].append(code)
    used = set(s.execute(select(C.c.code).where(C.c.org_id == org_id)).scalars())
    used |= set(s.execute(select(S.c.code).where(S.c.org_id == org_id)).scalars())
    parcels: dict[str, list[tuple[dt.date, dt.date, str]]] = defaultdict(list)
    for code, parcel, start, end in s.execute(
        select(C.c.code, C.c.parcel, C.c.start_on, C.c.end_on).where(C.c.org_id == org_id)
    ):
        parcels[parcel].append((start, end, code))
    out: list[dict[str, Any]] = []
    new_ids = _new_ids(tx, C, len(rows))
    n = 0
    for r in rows:
        where = f"row {r.row}"
        c = r.contract
        member = c.member
        if not member:
            found = by_name.get(r.member_name, [])
            if len(found) != 1:
                report.errors.append(
                    DomainError(
                        where,
                        N_('"{name}" names {n} households; give the household code'),
                        name=r.member_name,
                        n=len(found),
                    )
                )
                continue
            member = found[0]
        info = members.get(member)
        if info is None:
            report.errors.append(DomainError(where, N_("no member {code}"), code=member))
            continue
        if info[2] != MemberKind.HOUSEHOLD:
            report.errors.append(
                DomainError(
                    where, N_("land is transferred by a household; {code} is not one"), code=member
                )
            )
            continue
        code = c.code
        if not code:
            code, n = _next_code(used, "L", n)
        elif code in used:
            report.errors.append(
                DomainError(where, N_("contract code {code} is already used"), code=code)
            )
            continue
        clash = next((k for a, b, k in parcels[c.parcel] if a <= c.end and b >= c.start), None)
        if clash:
            report.errors.append(
                DomainError(
                    where,
                    N_("parcel {parcel} is already under contract {other} in that period"),
                    parcel=c.parcel,
                    other=clash,
                )
            )
            continue
        used.add(code)
        parcels[c.parcel].append((c.start, c.end, code))
        out.append(
            {
                "id": new_ids[len(out)],
                "org_id": org_id,
                **record_columns(c),
                "code": code,
                "member_id": info[0],
                "end_on": c.end,
                "status": ContractStatus.ACTIVE.value,
                "renews_id": None,
                "land_share_amount_fen": land_share_of(c.area_e4, c.share_value_per_mu_fen),
            }
        )
    return out


def _row_of(err: DomainError) -> int:
    """The row number in a path like ``row 5: 身份证号`` (0 when there is none)."""
    head = err.path.split(":")[0]
    return int(head[4:]) if head.startswith("row ") and head[4:].isdigit() else 0


def import_roster(
    ledger: Ledger, org_id: int, path: Path, what: str, *, commit: bool = False
) -> RosterReport:
    """Read ``path`` (.xlsx or .csv) as a roster of ``members`` or ``contracts``. Without
    ``commit`` nothing is written; with it, all rows are written in one transaction, or none
    when any row is bad (every bad row is reported with its number and reason)."""
    ledger.require(Permission.MANAGE_REGISTERS)
    if what not in ("members", "contracts"):
        raise DomainError("what", N_("import members or contracts"))
    table = read_table(path)
    report = RosterReport()
    if what == "members":
        member_rows, report.errors = roster.parse_member_rows(table)
        report.count = len(member_rows)
    else:
        contract_rows, report.errors = roster.parse_contract_rows(table)
        report.count = len(contract_rows)
    # A row the file check already refused is not checked again against the book.
    refused = {_row_of(e) for e in report.errors}
    if what == "members":
        member_rows = [r for r in member_rows if r.row not in refused]
    else:
        contract_rows = [r for r in contract_rows if r.row not in refused]
    with ledger.write(org_id) as tx:
        if what == "members":
            rows = _member_rows(tx, org_id, member_rows, report)
            entity = "member"
        else:
            rows = _contract_rows(tx, org_id, contract_rows, report)
            entity = "land_contract"
        if report.errors or not commit:
            report.errors.sort(
                key=lambda e: (
                    int(e.path.split()[1].rstrip(":"))
                    if e.path.startswith("row ") and e.path.split()[1].rstrip(":").isdigit()
                    else 0
                )
            )
            return report  # the transaction ends without a write
        tx.track_inserted(f"import {what}", entity, rows, {"file": path.name, "rows": len(rows)})
        report.committed = True
    return report


def write_member_template(path: Path) -> Path:
    """An empty member roster (.xlsx) with the headers the import reads (户号 may be left
    empty: codes are given in order)."""
    from coopledger.formats.sheets import write_xlsx

    headers = [names[0] for names in roster.MEMBER_COLUMNS.values()]
    write_xlsx(path, headers, [], sheet_title="成员名册")
    return path
