"""The demo village (山邑村): two books in one ledger, the 2014 distribution committed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from coopledger.domain.errors import N_, DomainError
from coopledger.paths import resources_dir
from coopledger.services import bookfile
from coopledger.services.accounts import list_organisations
from coopledger.services.distribution import commit_distribution
from coopledger.services.ledger import Ledger

DEMO_BOOKS = ("lotus-cooperative.book.json", "village-collective.book.json")
DEMO_YEAR = 2014
COOPERATIVE = "山邑村红莲藕种植专业合作社"
COLLECTIVE = "山邑村股份经济合作社"


def build_demo(ledger: Ledger, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Import the demo books and commit their 2014 distributions; returns name → org id."""
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
        commit_distribution(ledger, org_id, DEMO_YEAR)
        org = next(o for o in list_organisations(ledger) if o.id == org_id)
        ids[org.name] = org_id
    return ids


def demo_papers(ledger: Ledger, ids: dict[str, int], out: Path) -> list[Path]:
    """Write the demo's slips, public notice and statements as PDFs into ``out``."""
    from coopledger.services import printing

    out.mkdir(parents=True, exist_ok=True)
    written = []
    coop = ids[COOPERATIVE]
    written.append(printing.print_slips(ledger, coop, DEMO_YEAR, out / "slips-2014.pdf"))
    written.append(printing.print_notice(ledger, coop, DEMO_YEAR, out / "notice-2014.pdf"))
    written.append(printing.print_statements(ledger, coop, DEMO_YEAR, out / "statements-2014.pdf"))
    village = ids[COLLECTIVE]
    written.append(
        printing.print_statements(ledger, village, DEMO_YEAR, out / "village-statements-2014.pdf")
    )
    return written
