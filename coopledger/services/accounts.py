"""Books (organisations) and their charts of accounts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import NORMAL_SIDE, is_sub_code
from coopledger.domain.vocabulary import AccountKind, Chart, MemberAux, codes
from coopledger.paths import resources_dir
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import A, AccountInfo, accounts_by_code
from coopledger.store.models import Account, Organisation, VoucherLine
from coopledger.store.uow import Tx


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
    """Every book in the ledger, by name."""
    with ledger.read() as s:
        rows = s.execute(select(Organisation).order_by(Organisation.name)).scalars().all()
        return [OrgInfo(o.id or 0, o.name, o.village, o.township, o.county, o.chart) for o in rows]


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
    name = name.strip()
    if not name:
        raise DomainError("organisation.name", N_("must not be empty"))
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
    first = int(s.execute(select(func.coalesce(func.max(A.c.id), 0))).scalar_one()) + 1
    rows = []
    for i, a in enumerate(accounts):
        leaf = not any(is_sub_code(c, a["code"]) for c in codes)
        rows.append(
            {
                "id": first + i,
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
    return (
        tx.session.execute(
            select(col(VoucherLine.id)).where(col(VoucherLine.account_id) == account_id).limit(1)
        ).first()
        is not None
    )


def add_account_in(tx: Tx, org_id: int, code: str, name: str, kind: str | None = None) -> int:
    """Inside a transaction: add a sub-account (its code extends its parent's; same kind)."""
    code, name = code.strip(), name.strip()
    if not code.isdigit():
        raise DomainError("code", N_('an account code is digits only (got "{got}")'), got=code)
    if not name:
        raise DomainError("name", N_("must not be empty"))
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
    with ledger.write(org_id) as tx:
        return add_account_in(tx, org_id, code, name, kind)


def rename_account(ledger: Ledger, org_id: int, code: str, name: str) -> None:
    """Change an account's name (its code and kind never change once used)."""
    with ledger.write(org_id) as tx:
        acc = accounts_by_code(tx.session, org_id).get(code)
        if acc is None:
            raise DomainError("code", N_("no account {code}"), code=code)
        before = tx.state("account", acc.id)
        tx.session.execute(update(A).where(A.c.id == acc.id).values(name=name.strip()))
        tx.track("rename account", "account", acc.id, before=before, org_id=org_id)


def change_account_kind(ledger: Ledger, org_id: int, code: str, kind: str) -> None:
    """Change a first-level account's kind; refused once it has postings or for sub-accounts."""
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
