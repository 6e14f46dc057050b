"""Books (organisations) and their charts of accounts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import NORMAL_SIDE, is_sub_code
from coopledger.domain.vocabulary import AccountKind, Chart, MemberAux, Permission, codes
from coopledger.paths import resources_dir
from coopledger.services.ledger import Ledger
from coopledger.store.engine import reserve_ids
from coopledger.store.ledger import A, AccountInfo, accounts_by_code
from coopledger.store.tables import organisation as O

if TYPE_CHECKING:
    from coopledger.store.uow import Tx

# The models are imported by the writers only: finding a book (every command does) stays Core.


@dataclass(frozen=True, slots=True)
class OrgInfo:
    """One book in the database."""

    id: int
    name: str
    village: str
    township: str
    county: str
    chart: str


@cache
def load_chart(chart_id: str) -> dict[str, Any]:
    """The shipped chart of accounts ``chart_id`` (accounts and the roles map)."""
    if chart_id not in codes(Chart):
        raise DomainError(
            "chart",
            N_('unknown chart "{got}" (known: {known})'),
            got=chart_id,
            known=", ".join(codes(Chart)),
        )
    path = resources_dir() / "charts" / f"{chart_id}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def chart_kinds(chart_id: str) -> dict[str, str]:
    """Code → kind for a shipped chart."""
    return {a["code"]: a["kind"] for a in load_chart(chart_id)["accounts"]}


def role_account(chart_id: str, role: str) -> str:
    """The code the program posts to for ``role`` (e.g. ``land_fee_expense``)."""
    code: str = load_chart(chart_id)["roles"][role]
    return code


def list_organisations(ledger: Ledger) -> list[OrgInfo]:
    """Every book in the ledger the user may work on, by name (a user given some
    organisations sees only those)."""
    with ledger.connect() as c:
        rows = c.execute(
            select(O.c.id, O.c.name, O.c.village, O.c.township, O.c.county, O.c.chart).order_by(
                O.c.name
            )
        ).all()
        return [
            OrgInfo(o.id, o.name, o.village, o.township, o.county, o.chart)
            for o in rows
            if ledger.may_work_on(o.id)
        ]


def find_organisation(ledger: Ledger, name: str | None) -> OrgInfo:
    """The book named ``name``; with no name, the only book there is."""
    orgs = list_organisations(ledger)
    if name:
        for o in orgs:
            if o.name == name:
                return o
        raise DomainError(
            "--org",
            N_('no organisation named "{name}" (there are: {names})'),
            name=name,
            names="、".join(o.name for o in orgs) or "—",
        )
    if not orgs:
        raise DomainError("--org", N_("the ledger holds no organisation yet; import a book first"))
    if len(orgs) > 1:
        raise DomainError(
            "--org",
            N_("the ledger holds several organisations; choose one with --org ({names})"),
            names="、".join(o.name for o in orgs),
        )
    return orgs[0]


def create_organisation_in(
    tx: Tx,
    name: str,
    *,
    chart: str = Chart.VILLAGE_2023,
    village: str = "",
    township: str = "",
    county: str = "",
) -> int:
    """Inside an open transaction: add a book and its chart's accounts."""
    from sqlmodel import col

    from coopledger.domain.fields import checked
    from coopledger.domain.records import OrganisationRecord
    from coopledger.store.models import Organisation

    org_record = checked(
        OrganisationRecord(name, village, township, county, Chart(chart)),
        lambda key: f"organisation.{key}",
    )
    name, village, township, county = (
        org_record.name,
        org_record.village,
        org_record.township,
        org_record.county,
    )
    accounts = load_chart(chart)["accounts"]
    s = tx.session
    if s.execute(select(col(Organisation.id)).where(col(Organisation.name) == name)).first():
        raise DomainError(
            "organisation.name", N_('an organisation named "{name}" already exists'), name=name
        )
    org = Organisation(
        name=name,
        village=village,
        township=township,
        county=county,
        chart=chart,
        created_at=dt.datetime.now(dt.UTC),
    )
    s.add(org)
    s.flush()
    assert org.id is not None
    tx.track("create organisation", "organisation", org.id, org_id=org.id)
    codes = [a["code"] for a in accounts]
    new_ids = reserve_ids(s, A, len(accounts))
    rows = []
    for i, a in enumerate(accounts):
        leaf = not any(is_sub_code(c, a["code"]) for c in codes)
        rows.append(
            {
                "id": new_ids[i],
                "org_id": org.id,
                "code": a["code"],
                "name": a["name"],
                "kind": a["kind"],
                "normal_side": a.get("normal_side", NORMAL_SIDE[a["kind"]]),
                "member_aux": a.get("member_aux", MemberAux.NONE),
                "parent_id": None,
                "is_leaf": leaf,
                "active": True,
            }
        )
    by_code = {r["code"]: r["id"] for r in rows}
    for r in rows:
        parent = _parent_code(r["code"], by_code)
        r["parent_id"] = by_code[parent] if parent else None
    s.execute(insert(A), rows)
    tx.org_id = org.id
    tx.track_many("load chart " + chart, "account", [r["id"] for r in rows], {"chart": chart})
    from coopledger.services.orgkey import new_key_in

    new_key_in(tx, org.id)
    return org.id


def create_organisation(
    ledger: Ledger,
    name: str,
    *,
    chart: str = Chart.VILLAGE_2023,
    village: str = "",
    township: str = "",
    county: str = "",
) -> int:
    """Add a book with the chart it follows (``village-2023`` or ``cooperative-2021``)."""
    ledger.require(Permission.MANAGE_ORGANISATIONS)
    with ledger.write() as tx:
        return create_organisation_in(
            tx, name, chart=chart, village=village, township=township, county=county
        )


def _parent_code(code: str, existing: dict[str, Any] | set[str]) -> str | None:
    for n in range(len(code) - 1, 0, -1):
        if code[:n] in existing:
            return code[:n]
    return None


def list_accounts(ledger: Ledger, org_id: int) -> list[AccountInfo]:
    """The chart of a book, by code."""
    with ledger.read() as s:
        return sorted(accounts_by_code(s, org_id).values(), key=lambda a: a.code)


def _has_postings(tx: Tx, account_id: int) -> bool:
    from sqlmodel import col

    from coopledger.store.models import VoucherLine

    return (
        tx.session.execute(
            select(col(VoucherLine.id)).where(col(VoucherLine.account_id) == account_id).limit(1)
        ).first()
        is not None
    )


def add_account_in(tx: Tx, org_id: int, code: str, name: str, kind: str | None = None) -> int:
    """Inside a transaction: add a sub-account (its code extends its parent's; same kind)."""
    from coopledger.domain.fields import field_by_key, read_value
    from coopledger.domain.records import AccountRecord
    from coopledger.store.models import Account

    code, name = code.strip(), name.strip()
    if not code.isdigit():
        raise DomainError("code", N_('an account code is digits only (got "{got}")'), got=code)
    name = read_value(field_by_key(AccountRecord)["name"], name, "name")
    existing = accounts_by_code(tx.session, org_id)
    if code in existing:
        raise DomainError("code", N_("account {code} already exists"), code=code)
    parent_code = _parent_code(code, set(existing))
    if parent_code is None:
        raise DomainError("code", N_("{code} does not extend any account of the chart"), code=code)
    parent = existing[parent_code]
    if kind is not None and kind != parent.kind:
        raise DomainError(
            "kind",
            N_("a sub-account has its parent's kind: {parent} is {parent_kind}, not {kind}"),
            parent=parent_code,
            parent_kind=parent.kind,
            kind=kind,
        )
    if parent.is_leaf and _has_postings(tx, parent.id):
        raise DomainError(
            "code",
            N_("account {parent} already has postings; it cannot get sub-accounts"),
            parent=parent_code,
        )
    acc = Account(
        org_id=org_id,
        code=code,
        name=name,
        kind=parent.kind,
        normal_side=parent.normal_side,
        member_aux=parent.member_aux,
        parent_id=parent.id,
        is_leaf=True,
    )
    tx.session.add(acc)
    if parent.is_leaf:
        tx.session.execute(update(A).where(A.c.id == parent.id).values(is_leaf=False))
        tx.track("sub-account added", "account", parent.id, org_id=org_id)
    tx.session.flush()
    assert acc.id is not None
    tx.track("add account", "account", acc.id, org_id=org_id)
    return acc.id


def add_account(ledger: Ledger, org_id: int, code: str, name: str, kind: str | None = None) -> int:
    """Add a sub-account to a book's chart."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        return add_account_in(tx, org_id, code, name, kind)


def rename_account(ledger: Ledger, org_id: int, code: str, name: str) -> None:
    """Change an account's name (its code and kind never change once used)."""
    ledger.require(Permission.PREPARE_VOUCHER)
    if not name.strip():
        raise DomainError("name", N_("must not be empty"))
    with ledger.write(org_id) as tx:
        acc = accounts_by_code(tx.session, org_id).get(code)
        if acc is None:
            raise DomainError("code", N_("no account {code}"), code=code)
        before = tx.state("account", acc.id)
        tx.session.execute(update(A).where(A.c.id == acc.id).values(name=name.strip()))
        tx.track("rename account", "account", acc.id, before=before, org_id=org_id)


def change_account_kind(ledger: Ledger, org_id: int, code: str, kind: str) -> None:
    """Change a first-level account's kind; refused once it has postings or for sub-accounts."""
    ledger.require(Permission.PREPARE_VOUCHER)
    if kind not in codes(AccountKind):
        raise DomainError("kind", N_('unknown kind "{got}"'), got=kind)
    with ledger.write(org_id) as tx:
        accs = accounts_by_code(tx.session, org_id)
        acc = accs.get(code)
        if acc is None:
            raise DomainError("code", N_("no account {code}"), code=code)
        if _has_postings(tx, acc.id):
            raise DomainError(
                "kind", N_("account {code} has postings; its kind cannot change"), code=code
            )
        if _parent_code(code, set(accs)) is not None:
            raise DomainError("kind", N_("a sub-account has its parent's kind"))
        before = tx.state("account", acc.id)
        tx.session.execute(
            update(A).where(A.c.id == acc.id).values(kind=kind, normal_side=NORMAL_SIDE[kind])
        )
        tx.track("change account kind", "account", acc.id, before=before, org_id=org_id)


def delete_account(ledger: Ledger, org_id: int, code: str) -> None:
    """Delete an unused leaf account."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        accs = accounts_by_code(tx.session, org_id)
        acc = accs.get(code)
        if acc is None:
            raise DomainError("code", N_("no account {code}"), code=code)
        if not acc.is_leaf:
            raise DomainError("code", N_("account {code} has sub-accounts"), code=code)
        if _has_postings(tx, acc.id):
            raise DomainError(
                "code", N_("account {code} has postings; it cannot be deleted"), code=code
            )
        before = tx.state("account", acc.id)
        tx.session.execute(A.delete().where(A.c.id == acc.id))
        tx.track("delete account", "account", acc.id, before=before, org_id=org_id)
        parent = _parent_code(code, set(accs) - {code})
        if parent and not any(is_sub_code(c, parent) for c in accs if c != code):
            pid = accs[parent].id
            tx.session.execute(update(A).where(A.c.id == pid).values(is_leaf=True))
            tx.track("last sub-account removed", "account", pid, org_id=org_id)


# -- sub-accounts (明细科目) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartRow:
    """An account as the chart screen lists it."""

    code: str
    name: str
    kind: str
    normal_side: str
    member_aux: str
    is_leaf: bool
    active: bool
    level: int
    used: bool


def chart_rows(ledger: Ledger, org_id: int) -> list[ChartRow]:
    """The book's chart by code, with each account's level and whether it has postings."""
    from sqlmodel import col

    from coopledger.store.models import VoucherLine

    with ledger.read() as s:
        accounts = sorted(accounts_by_code(s, org_id).values(), key=lambda a: a.code)
        used = set(
            s.execute(
                select(col(VoucherLine.account_id))
                .where(col(VoucherLine.org_id) == org_id)
                .distinct()
            ).scalars()
        )
    codes = [a.code for a in accounts]
    return [
        ChartRow(
            a.code,
            a.name,
            a.kind,
            a.normal_side,
            a.member_aux,
            a.is_leaf,
            a.active,
            sum(1 for c in codes if is_sub_code(a.code, c)),
            a.id in used,
        )
        for a in accounts
    ]


def add_sub_account(ledger: Ledger, org_id: int, parent: str, code: str, name: str) -> int:
    """Add a sub-account (明细科目) under ``parent``: its code is the parent's followed by two
    digits (``50101`` under ``501``), its kind and side are the parent's."""
    ledger.require(Permission.PREPARE_VOUCHER)
    parent, code = parent.strip(), code.strip()
    if not code.isdigit():
        raise DomainError("code", N_('an account code is digits only (got "{got}")'), got=code)
    if not code.startswith(parent) or len(code) != len(parent) + 2:
        raise DomainError(
            "code",
            N_("{code} does not extend its parent {parent}: write {parent} followed by two digits"),
            code=code,
            parent=parent,
        )
    with ledger.write(org_id) as tx:
        existing = accounts_by_code(tx.session, org_id)
        up = existing.get(parent)
        if up is None:
            raise DomainError("parent", N_("no account {code} in this book"), code=parent)
        if not up.active:
            raise DomainError("parent", N_("{code} {name} is retired"), code=up.code, name=up.name)
        between = _parent_code(code, set(existing))
        if between is not None and between != parent:
            raise DomainError(
                "code",
                N_("{code} would fall under {other}, not under {parent}"),
                code=code,
                other=between,
                parent=parent,
            )
        return add_account_in(tx, org_id, code, name, up.kind)


def _balance_of(tx: Tx, account_id: int) -> tuple[int, int]:
    """(balance, number of members with a balance) of one account."""
    from sqlmodel import col

    from coopledger.store.models import VoucherLine

    rows = tx.session.execute(
        select(
            col(VoucherLine.member_id),
            func.sum(col(VoucherLine.debit_fen) - col(VoucherLine.credit_fen)),
        )
        .where(col(VoucherLine.account_id) == account_id, col(VoucherLine.seq).is_not(None))
        .group_by(col(VoucherLine.member_id))
    ).all()
    return sum(int(n or 0) for _m, n in rows), sum(1 for m, n in rows if m is not None and n)


def retire_account(ledger: Ledger, org_id: int, code: str) -> None:
    """Retire an account that has been used (it is never deleted then): no more postings
    to it. Refused while it has a balance (or a member has one on it), has active
    sub-accounts, or the program posts to it by itself."""
    from coopledger.store.models import Organisation

    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        org = tx.session.get(Organisation, org_id)
        assert org is not None
        accs = accounts_by_code(tx.session, org_id)
        acc = accs.get(code)
        if acc is None:
            raise DomainError("code", N_("no account {code}"), code=code)
        if not acc.active:
            raise DomainError(
                "code", N_("{code} {name} is already retired"), code=code, name=acc.name
            )
        if code in load_chart(org.chart)["roles"].values():
            raise DomainError(
                "code",
                N_("{code} {name} is one the program posts to by itself; it stays"),
                code=code,
                name=acc.name,
            )
        live = sorted(c for c, a in accs.items() if is_sub_code(c, code) and a.active)
        if live:
            raise DomainError(
                "code", N_("retire its sub-accounts first ({codes})"), codes=", ".join(live)
            )
        balance, members = _balance_of(tx, acc.id)
        if balance or members:
            raise DomainError(
                "code",
                N_(
                    "{code} {name} still has a balance ({amount}, {members} members): clear it first"
                ),
                code=code,
                name=acc.name,
                amount=_yuan(balance),
                members=members,
            )
        before = tx.state("account", acc.id)
        tx.session.execute(update(A).where(A.c.id == acc.id).values(active=False))
        tx.track("retire account", "account", acc.id, before=before, org_id=org_id)


def reactivate_account(ledger: Ledger, org_id: int, code: str) -> None:
    """Take a retired account back into use."""
    ledger.require(Permission.PREPARE_VOUCHER)
    with ledger.write(org_id) as tx:
        acc = accounts_by_code(tx.session, org_id).get(code)
        if acc is None:
            raise DomainError("code", N_("no account {code}"), code=code)
        if acc.active:
            raise DomainError("code", N_("{code} {name} is in use"), code=code, name=acc.name)
        before = tx.state("account", acc.id)
        tx.session.execute(update(A).where(A.c.id == acc.id).values(active=True))
        tx.track("reactivate account", "account", acc.id, before=before, org_id=org_id)


def _yuan(fen: int) -> str:
    from coopledger.domain.money import fen_to_str

    return fen_to_str(fen)
