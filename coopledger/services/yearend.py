"""The year end: the checks an auditor runs before a year is closed (`year_check`), and
reopening a closed year (`reopen_year`). Closing itself is ``services.vouchers.close_year``.

`year_check` gathers, for one year: the statements' warnings and cross-checks (abnormal
balances, balances no line shows, figures that disagree), the share register against the
capital accounts (statements.md §4), members whose ledgers do not agree, vouchers not yet
posted, slips still unpaid after the public-notice period, and a plan not yet committed.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import is_sub_code
from coopledger.domain.money import fen_to_str
from coopledger.domain.vocabulary import Permission
from coopledger.services.ledger import Ledger
from coopledger.services.statements import YearStatements, forms_folder, year_statements
from coopledger.store.ledger import A, L, M, V, closed_months
from coopledger.store.models import (
    Distribution,
    DistributionItem,
    DistributionPlan,
    FiscalYear,
    Organisation,
    Period,
)

__all__ = [
    "CheckItem",
    "Finding",
    "ShareGroup",
    "YearCheck",
    "reopen_year",
    "share_reconciliation",
    "year_check",
    "year_status",
]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found: an English msgid and its parameters."""

    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, gettext: Any = None) -> str:
        msg = gettext(self.message) if gettext else self.message
        try:
            return str(msg).format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.message.format(**self.params)


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One year-end check: its title (msgid), whether it passed, what it found."""

    key: str
    title: str
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(frozen=True, slots=True)
class ShareGroup:
    """One line of the share register against the books: the register's lots of some
    classes and the balance of the accounts that book them (none: listed for information)."""

    label: str
    classes: tuple[str, ...]
    accounts: tuple[str, ...]
    register: int
    books: int | None

    @property
    def difference(self) -> int | None:
        return None if self.books is None else self.books - self.register


@dataclass(frozen=True, slots=True)
class YearCheck:
    """Every year-end check of a book for a year."""

    org_name: str
    year: int
    items: tuple[CheckItem, ...]
    shares: tuple[ShareGroup, ...]
    closed: bool

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)


# -- the share register against the books ---------------------------------------------------


def _groups(chart: str, folder: Path | None) -> list[dict[str, Any]]:
    path = (folder or forms_folder()) / chart / "share-reconciliation.toml"
    if not path.is_file():
        return []
    with path.open("rb") as fh:
        groups: list[dict[str, Any]] = tomllib.load(fh).get("group", [])
    return groups


def share_reconciliation(
    ledger: Ledger, org_id: int, year: int, *, forms_dir: Path | None = None
) -> list[ShareGroup]:
    """The share register on 31 December, class by class, against the accounts that book
    it (``resources/forms/<chart>/share-reconciliation.toml``)."""
    from coopledger.services.registers import register_as_of

    end = dt.date(year, 12, 31)
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        if org is None:
            raise DomainError("org", N_("no organisation #{id}"), id=org_id)
        chart = org.chart
        codes = dict(s.execute(select(A.c.id, A.c.code).where(A.c.org_id == org_id)).all())
        sums = dict(
            s.execute(
                select(L.c.account_id, func.sum(L.c.debit_fen - L.c.credit_fen))
                .where(L.c.org_id == org_id, L.c.seq.is_not(None), L.c.date <= end)
                .group_by(L.c.account_id)
            ).all()
        )
    register: dict[str, int] = defaultdict(int)
    for row in register_as_of(ledger, org_id, end):
        register[row.share_class] += row.amount_fen
    out = []
    for g in _groups(chart, forms_dir):
        classes = tuple(g.get("classes", ()))
        accounts = tuple(g.get("accounts", ()))
        books: int | None = None
        if accounts:
            net = sum(
                int(v or 0)
                for acc_id, v in sums.items()
                if any(codes[acc_id] == a or is_sub_code(codes[acc_id], a) for a in accounts)
            )
            books = net if g.get("side") == "debit" else -net
        out.append(
            ShareGroup(
                str(g.get("label", "")),
                classes,
                accounts,
                sum(register.get(c, 0) for c in classes),
                books,
            )
        )
    return out


# -- the checks ------------------------------------------------------------------------------


def _member_findings(ledger: Ledger, org_id: int, year: int) -> list[Finding]:
    """Members' ledgers against their accounts: lines of an account kept per member that
    name no member, and members who left with a balance still open."""
    end = dt.date(year, 12, 31)
    out: list[Finding] = []
    with ledger.read() as s:
        required = dict(
            s.execute(
                select(A.c.id, A.c.code).where(A.c.org_id == org_id, A.c.member_aux == "required")
            ).all()
        )
        kept = dict(
            s.execute(
                select(A.c.id, A.c.code).where(A.c.org_id == org_id, A.c.member_aux != "none")
            ).all()
        )
        if required:
            for acc_id, net in s.execute(
                select(L.c.account_id, func.sum(L.c.debit_fen - L.c.credit_fen))
                .where(
                    L.c.org_id == org_id,
                    L.c.account_id.in_(list(required)),
                    L.c.member_id.is_(None),
                    L.c.seq.is_not(None),
                    L.c.date <= end,
                )
                .group_by(L.c.account_id)
            ):
                if net:
                    out.append(
                        Finding(
                            N_(
                                "{code}: {amount} is posted without a member, so the members' ledgers do not add up to the account"
                            ),
                            {"code": required[acc_id], "amount": fen_to_str(int(net))},
                        )
                    )
        if kept:
            for code, name, acc_id, net in s.execute(
                select(M.c.code, M.c.name, L.c.account_id, func.sum(L.c.debit_fen - L.c.credit_fen))
                .select_from(L.join(M, M.c.id == L.c.member_id))
                .where(
                    L.c.org_id == org_id,
                    L.c.account_id.in_(list(kept)),
                    L.c.seq.is_not(None),
                    L.c.date <= end,
                    M.c.active.is_(False),
                )
                .group_by(M.c.code, M.c.name, L.c.account_id)
                .order_by(M.c.code)
            ):
                if net:
                    out.append(
                        Finding(
                            N_(
                                "{code} {name} is no longer a member but still has {amount} on {account}"
                            ),
                            {
                                "code": code,
                                "name": name,
                                "amount": fen_to_str(int(net)),
                                "account": kept[acc_id],
                            },
                        )
                    )
    return out


def _unposted(ledger: Ledger, org_id: int, year: int) -> list[Finding]:
    with ledger.read() as s:
        rows = s.execute(
            select(V.c.state, func.count(), func.min(V.c.date))
            .where(V.c.org_id == org_id, V.c.year == year, V.c.state != "posted")
            .group_by(V.c.state)
        ).all()
    return [
        Finding(
            N_("{n} vouchers are {state} (the first dated {date}): review and post them"),
            {"n": n, "state": state, "date": first},
        )
        for state, n, first in rows
    ]


def _unpaid(ledger: Ledger, org_id: int, year: int, today: dt.date) -> list[Finding]:
    from coopledger.services.settings import get_setting

    days = int(get_setting(ledger, "notice_days", org_id))
    out = []
    with ledger.read() as s:
        rows = s.execute(
            select(
                col(Distribution.year),
                col(DistributionPlan.published_on),
                func.count(),
                func.sum(col(DistributionItem.land_fee_fen) + col(DistributionItem.dividend_fen)),
            )
            .join(DistributionItem, col(DistributionItem.distribution_id) == col(Distribution.id))
            .join(DistributionPlan, col(DistributionPlan.id) == col(Distribution.plan_id))
            .where(
                col(Distribution.org_id) == org_id,
                col(Distribution.state) == "committed",
                col(Distribution.year) <= year,
                col(DistributionItem.paid_on).is_(None),
            )
            .group_by(col(Distribution.year), col(DistributionPlan.published_on))
            .order_by(col(Distribution.year))
        ).all()
    for y, published, n, total in rows:
        if published is None or not n:
            continue
        first_day = published + dt.timedelta(days=days)
        if today >= first_day:
            out.append(
                Finding(
                    N_(
                        "{n} slips of {year} ({amount}) are still unpaid; payments could start on {date}"
                    ),
                    {"n": n, "year": y, "amount": fen_to_str(int(total or 0)), "date": first_day},
                )
            )
    return out


def _plan(ledger: Ledger, org_id: int, year: int) -> list[Finding]:
    with ledger.read() as s:
        plan = s.execute(
            select(col(DistributionPlan.id)).where(
                col(DistributionPlan.org_id) == org_id, col(DistributionPlan.year) == year
            )
        ).first()
        committed = s.execute(
            select(col(Distribution.id)).where(
                col(Distribution.org_id) == org_id,
                col(Distribution.year) == year,
                col(Distribution.state) == "committed",
            )
        ).first()
    if plan is not None and committed is None:
        return [
            Finding(
                N_("the {year} distribution plan is not committed: the year cannot be closed"),
                {"year": year},
            )
        ]
    return []


def _statement_findings(st: YearStatements, kinds: tuple[str, ...]) -> list[Finding]:
    return [Finding(w.message, dict(w.params)) for w in st.warnings if w.kind in kinds]


def year_check(
    ledger: Ledger,
    org_id: int,
    year: int,
    *,
    today: dt.date | None = None,
    forms_dir: Path | None = None,
) -> YearCheck:
    """Every year-end check for ``year`` (``coopledger year check``); ``ok`` when all pass."""
    ledger.require(Permission.READ)
    st = year_statements(ledger, org_id, year, forms_dir=forms_dir)
    shares = share_reconciliation(ledger, org_id, year, forms_dir=forms_dir)
    share_findings = [
        Finding(
            N_(
                "share register {label}: {register} in the register, {books} in the books ({accounts}); difference {difference}"
            ),
            {
                "label": g.label,
                "register": fen_to_str(g.register),
                "books": fen_to_str(g.books or 0),
                "accounts": "、".join(g.accounts),
                "difference": fen_to_str(g.difference or 0),
            },
        )
        for g in shares
        if g.difference
    ]
    items = (
        CheckItem(
            "statements",
            N_(
                "The statements agree (balance sheet balances, figures agree with the distribution)"
            ),
            tuple(_statement_findings(st, ("cross", "check"))),
        ),
        CheckItem(
            "balances",
            N_("No abnormal balances"),
            tuple(_statement_findings(st, ("abnormal", "nil", "unplaced"))),
        ),
        CheckItem(
            "shares",
            N_("The share register agrees with the capital accounts"),
            tuple(share_findings),
        ),
        CheckItem(
            "members",
            N_("The members' ledgers agree with their accounts"),
            tuple(_member_findings(ledger, org_id, year)),
        ),
        CheckItem(
            "vouchers",
            N_("Every voucher of the year is reviewed and posted"),
            tuple(_unposted(ledger, org_id, year)),
        ),
        CheckItem(
            "payments",
            N_("No slip is unpaid after the public-notice period"),
            tuple(_unpaid(ledger, org_id, year, today or dt.date.today())),
        ),
        CheckItem(
            "plan",
            N_("The year's distribution plan is committed"),
            tuple(_plan(ledger, org_id, year)),
        ),
    )
    return YearCheck(
        st.org_name, year, items, tuple(shares), year_status(ledger, org_id, year).closed
    )


# -- closing state and reopening -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearStatus:
    """Whether a year is closed, and by whom."""

    year: int
    closed: bool
    closed_at: dt.datetime | None
    closed_by: str


def year_status(ledger: Ledger, org_id: int, year: int) -> YearStatus:
    """The close state of a year."""
    with ledger.read() as s:
        fy = s.get(FiscalYear, (org_id, year))
    if fy is None:
        return YearStatus(year, False, None, "")
    return YearStatus(year, fy.closed, fy.closed_at, fy.closed_by)


def reopen_year(ledger: Ledger, org_id: int, year: int, reason: str) -> None:
    """反结账 of a year-end close: a supervisor reopens the latest closed year, with a
    reason the audit log keeps. The year and its December are open again, so that the
    distribution can be reversed and committed anew; closing again carries what changed.

    Refused for a year that is not closed, or while a later year is closed."""
    ledger.require(Permission.REOPEN_YEAR)
    if not reason.strip():
        raise DomainError("reason", N_("say why the year is reopened"))
    from coopledger.domain.fields import read_value
    from coopledger.domain.records import REASON

    reason = read_value(REASON, reason, "reason")
    with ledger.write(org_id) as tx:
        s = tx.session
        fy = s.get(FiscalYear, (org_id, year))
        if fy is None or not fy.closed:
            raise DomainError("year", N_("{year} is not closed"), year=year)
        later = s.execute(
            select(col(FiscalYear.year))
            .where(
                col(FiscalYear.org_id) == org_id,
                col(FiscalYear.closed),
                col(FiscalYear.year) > year,
            )
            .order_by(col(FiscalYear.year).desc())
        ).first()
        if later is not None:
            raise DomainError("year", N_("reopen {later} first"), later=later[0])
        before = {
            "closed_at": fy.closed_at.isoformat() if fy.closed_at else None,
            "closed_by": fy.closed_by,
        }
        fy.closed, fy.closed_at, fy.closed_by = False, None, ""
        s.add(fy)
        december = s.get(Period, (org_id, year, 12))
        if december is not None and december.closed:
            december.closed, december.closed_at = False, None
            s.add(december)
        s.flush()
        still = sorted(m for y, m in closed_months(s, org_id) if y == year)
        tx.log(
            "reopen year",
            entity="fiscal_year",
            entity_id=str(year),
            before=before,
            after={"reason": reason.strip(), "closed_months": still},
        )
