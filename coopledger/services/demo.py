"""The demo village (山邑村): two books in one ledger, the 2014 distribution committed.

山邑村红莲藕种植专业合作社 keeps the ``cooperative-2021`` books (盈余公积, returns by the
members' land fees, then dividends by shares); 山邑村股份经济合作社 keeps ``village-2023``,
with its asset register (the 20 ovens, the service building of the project funds, the two
stakes) imported from ``village-assets.csv`` and depreciated month by month through 2014
before its distribution, and its fourth quarter published (财务公开)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.vocabulary import PeriodKind, Permission
from coopledger.paths import resources_dir
from coopledger.services import bookfile
from coopledger.services.accounts import list_organisations
from coopledger.services.assets import import_assets, print_card, print_register, run_depreciation
from coopledger.services.disclosure import print_disclosure, publish_period
from coopledger.services.distribution import commit_distribution
from coopledger.services.ledger import Ledger
from coopledger.services.settings import set_setting

DEMO_BOOKS = ("lotus-cooperative.book.json", "village-collective.book.json")
#: Settings of each demo book: the cooperative's wage account is 52101 (经营支出—务工工资)
#: in its own chart; the objection telephone printed on both notices.
DEMO_SETTINGS = {
    "lotus-cooperative.book.json": {
        "wage_accounts": "52101",
        "objection_phone": "0875-8123456",
        "cash_limit": "50000.00",
        "finance_reviewers": "杨文华、李德兴、张学富",
    },
    "village-collective.book.json": {
        "objection_phone": "0875-8123456",
        "cash_limit": "5000.00",
        "finance_reviewers": "杨文华、李德兴、张学富",
    },
}
#: The asset register each book imports (资产台账, a spreadsheet read like any other).
DEMO_ASSETS = {"village-collective.book.json": "village-assets.csv"}
DEMO_YEAR = 2014
COOPERATIVE = "山邑村红莲藕种植专业合作社"
COLLECTIVE = "山邑村股份经济合作社"


def build_demo(ledger: Ledger, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Import the demo books and commit their 2014 distributions; returns name → org id.

    The demo is built in a ledger without users (a new file): with users, its plans would
    first wait for a second person's approval."""
    for act in (
        Permission.MANAGE_ORGANISATIONS,
        Permission.MANAGE_REGISTERS,
        Permission.BOOK_SETTINGS,
        Permission.RUN_DISTRIBUTION,
    ):
        ledger.require(act)
    if ledger.role is not None:
        raise DomainError(
            "--db",
            N_(
                "build the demo in a new ledger file: this one has users, and its plans would wait for approval"
            ),
        )
    note = progress or (lambda _m: None)
    existing = {o.name for o in list_organisations(ledger)}
    clash = existing & {COOPERATIVE, COLLECTIVE}
    if clash:
        raise DomainError(
            "--db",
            N_("this ledger already holds the demo ({names})"),
            names="、".join(sorted(clash)),
        )
    ids: dict[str, int] = {}
    for name in DEMO_BOOKS:
        org_id = bookfile.import_book_file(ledger, resources_dir() / "demo" / name)
        note(name)
        for key, value in DEMO_SETTINGS[name].items():
            set_setting(ledger, key, value, org_id)
        register = DEMO_ASSETS.get(name)
        if register is not None:
            _assets(ledger, org_id, resources_dir() / "demo" / register)
            note(register)
        commit_distribution(ledger, org_id, DEMO_YEAR)
        if register is not None:
            publish_period(
                ledger,
                org_id,
                PeriodKind.QUARTER,
                DEMO_YEAR,
                4,
                dt.date(DEMO_YEAR + 1, 1, 6),
                DEMO_SETTINGS[name]["finance_reviewers"],
            )
        org = next(o for o in list_organisations(ledger) if o.id == org_id)
        ids[org.name] = org_id
    return ids


def _assets(ledger: Ledger, org_id: int, register: Path) -> None:
    """Import the register and post its depreciation, January to December."""
    report = import_assets(ledger, org_id, register, commit=True)
    if report.errors:  # the shipped file is checked by the tests; never for a user
        raise DomainErrors(report.errors)
    for month in range(1, 13):
        run_depreciation(ledger, org_id, DEMO_YEAR, month)


def demo_papers(ledger: Ledger, ids: dict[str, int], out: Path) -> list[Path]:
    """Write both organisations' papers as PDFs into ``out``: slips, public notice and
    statements of each, 苏子柏's member statement and member account (成员账户), and the
    collective's asset register, a card and its fourth quarter's 财务公开表."""
    from coopledger.services import printing
    from coopledger.services.member_account import print_member_account

    out.mkdir(parents=True, exist_ok=True)
    written = []
    coop = ids[COOPERATIVE]
    written.append(printing.print_slips(ledger, coop, DEMO_YEAR, out / "slips-2014.pdf"))
    written.append(printing.print_notice(ledger, coop, DEMO_YEAR, out / "notice-2014.pdf"))
    written.append(printing.print_statements(ledger, coop, DEMO_YEAR, out / "statements-2014.pdf"))
    written.append(
        printing.print_member_statement(ledger, coop, "H0001", out / "member-statement-H0001.pdf")
    )
    written.append(
        print_member_account(
            ledger, coop, "H0001", out / "member-account-H0001.pdf", year=DEMO_YEAR
        )
    )
    village = ids[COLLECTIVE]
    written.append(printing.print_slips(ledger, village, DEMO_YEAR, out / "village-slips-2014.pdf"))
    written.append(
        printing.print_notice(ledger, village, DEMO_YEAR, out / "village-notice-2014.pdf")
    )
    written.append(
        printing.print_statements(ledger, village, DEMO_YEAR, out / "village-statements-2014.pdf")
    )
    end = dt.date(DEMO_YEAR, 12, 31)
    written.append(print_register(ledger, village, end, out / "village-assets-2014.pdf"))
    written.append(print_card(ledger, village, "FW-001", out / "village-asset-card-FW-001.pdf"))
    written.append(
        print_disclosure(
            ledger,
            village,
            PeriodKind.QUARTER,
            DEMO_YEAR,
            4,
            out / "village-disclosure-2014Q4-A3.pdf",
            paper="A3",
        )
    )
    return written
