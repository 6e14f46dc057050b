"""Importing members and contracts from an Excel or CSV roster: a dry run that lists every
bad row, and an all-or-nothing commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.services import files
from coopledger.services.ledger import Ledger
from coopledger.services.registers import ContractForm, MemberInput, add_contract_in, add_member_in
from coopledger.store.models import LandContract, Member


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


def import_roster(
    ledger: Ledger, org_id: int, path: Path, what: str, *, commit: bool = False
) -> RosterReport:
    """Read ``path`` (.xlsx or .csv) as a roster of ``members`` or ``contracts``. Without
    ``commit`` nothing is written; with it, all rows are written in one transaction, or none
    when any row is bad (every bad row is reported with its number and reason)."""
    ledger.require("manage_registers")
    table = files.read_table(path)
    report = RosterReport()
    if what == "members":
        member_rows, report.errors = files.parse_member_rows(table)
        report.count = len(member_rows)
    elif what == "contracts":
        contract_rows, report.errors = files.parse_contract_rows(table)
        report.count = len(contract_rows)
    else:
        raise DomainError("what", N_("import members or contracts"))
    if report.errors and not commit:
        return report
    try:
        with ledger.write(org_id) as tx:
            s = tx.session
            members = {
                c: (n, k)
                for c, n, k in s.execute(
                    select(col(Member.code), col(Member.name), col(Member.kind)).where(
                        col(Member.org_id) == org_id
                    )
                )
            }
            if what == "members":
                codes = set(members)
                n = 0
                for r in member_rows:
                    code = r.code
                    if not code:
                        code, n = _next_code(codes, "H", n)
                    codes.add(code)
                    try:
                        add_member_in(
                            tx,
                            org_id,
                            MemberInput(
                                code,
                                r.name,
                                "household",
                                r.group,
                                r.id_number or "",
                                r.phone,
                                r.bank_account,
                                r.address,
                                r.notes,
                            ),
                        )
                    except DomainError as exc:
                        report.errors.append(DomainError(f"row {r.row}", exc.message, **exc.params))
            else:
                by_name: dict[str, list[str]] = {}
                for c, (name, kind) in members.items():
                    if kind == "household":
                        by_name.setdefault(name, []).append(c)
                codes = set(
                    s.execute(
                        select(col(LandContract.code)).where(col(LandContract.org_id) == org_id)
                    ).scalars()
                )
                n = 0
                for cr in contract_rows:
                    member = cr.member
                    if not member:
                        found = by_name.get(cr.member_name, [])
                        if len(found) != 1:
                            report.errors.append(
                                DomainError(
                                    f"row {cr.row}",
                                    N_('"{name}" names {n} households; give the household code'),
                                    name=cr.member_name,
                                    n=len(found),
                                )
                            )
                            continue
                        member = found[0]
                    code = cr.code
                    if not code:
                        code, n = _next_code(codes, "L", n)
                    codes.add(code)
                    form = ContractForm(
                        code,
                        member,
                        cr.parcel,
                        cr.area_e4,
                        cr.rent_per_mu_fen,
                        cr.share_value_per_mu_fen,
                        cr.start,
                        cr.end,
                        cr.location,
                    )
                    try:
                        add_contract_in(tx, org_id, form)
                    except DomainError as exc:
                        report.errors.append(
                            DomainError(f"row {cr.row}", exc.message, **exc.params)
                        )
            if report.errors or not commit:
                raise _Abort
            tx.log(
                f"import {what}", entity="roster", entity_id=path.name, after={"rows": report.count}
            )
            report.committed = True
    except _Abort:
        pass
    return report


class _Abort(Exception):
    """Roll the transaction back (a dry run, or bad rows)."""
