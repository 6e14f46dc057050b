"""Setting a book up (建账向导): the steps, which of them are done, and the book's first
accounting period — kept in the ledger (the book's settings), so the wizard can be left at
any step and resumed later, on this PC or another.

The steps, in the order the wizard takes them: the organisation and its chart, the first
accounting period, the people, sub-accounts, members from a spreadsheet, the opening
balances. Members come before the opening balances because a balance of 内部往来 (成员往来)
is kept per member; sub-accounts come before them because balances sit on the lowest level.
Each step is recorded as it ends: ``done``, ``skipped``, or for the people ``single`` (one
person, no log-in) or ``staff`` (an administrator, a 会计 and a 审核).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import MANAGE_SETTINGS, PREPARE_PLAN, can
from coopledger.domain.vocabulary import Chart
from coopledger.services.accounts import create_organisation_in
from coopledger.services.ledger import Ledger
from coopledger.store.tables import setting as S

if TYPE_CHECKING:
    from coopledger.store.uow import Tx

__all__ = [
    "STEPS",
    "SetupProgress",
    "finish_setup",
    "first_period",
    "read_progress",
    "record_step",
    "set_first_period",
    "start_book",
    "unfinished_books",
]

#: The wizard's steps, in order.
STEPS: tuple[str, ...] = ("organisation", "period", "people", "accounts", "members", "opening")
#: How a step may end.
OUTCOMES: frozenset[str] = frozenset({"done", "skipped", "single", "staff"})
#: The earliest first year a book may have (the 2004 village system came into force in 2005).
EARLIEST_YEAR = 2000

_PROGRESS = "setup_progress"
_FIRST_PERIOD = "first_period"


@dataclass(frozen=True, slots=True)
class SetupProgress:
    """What the wizard has done for a book: each finished step with how it ended."""

    org_id: int
    steps: Mapping[str, str] = field(default_factory=dict)
    finished: bool = False

    def next_step(self) -> str | None:
        """The first step not done yet (None when every step is)."""
        return next((s for s in STEPS if s not in self.steps), None)

    def to_json(self) -> str:
        return json.dumps(
            {"steps": dict(self.steps), "finished": self.finished},
            ensure_ascii=False,
            sort_keys=True,
        )


def _parse_progress(org_id: int, text: str) -> SetupProgress | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        steps = {str(k): str(v) for k, v in dict(data.get("steps", {})).items()}
        return SetupProgress(org_id, steps, bool(data.get("finished", False)))
    except (ValueError, TypeError, AttributeError):
        return None  # an unreadable value: as if the wizard had never run for this book


def _read(ledger: Ledger, org_id: int, key: str) -> str:
    with ledger.connect() as c:
        value = c.execute(select(S.c.value).where(S.c.org_id == org_id, S.c.key == key)).scalar()
    return str(value) if value is not None else ""


def read_progress(ledger: Ledger, org_id: int) -> SetupProgress | None:
    """The wizard's progress on a book; None for a book the wizard never set up (imported,
    or made before there was a wizard)."""
    return _parse_progress(org_id, _read(ledger, org_id, _PROGRESS))


def unfinished_books(ledger: Ledger) -> list[int]:
    """The books (that the user may work on) whose set-up was left before its end."""
    with ledger.connect() as c:
        rows = c.execute(select(S.c.org_id, S.c.value).where(S.c.key == _PROGRESS)).all()
    out = []
    for org_id, value in rows:
        progress = _parse_progress(int(org_id), str(value))
        if progress is not None and not progress.finished and ledger.may_work_on(int(org_id)):
            out.append(int(org_id))
    return sorted(out)


def first_period(ledger: Ledger, org_id: int) -> tuple[int, int] | None:
    """The book's first accounting period (year, month), when the wizard set it."""
    return _parse_period(_read(ledger, org_id, _FIRST_PERIOD))


def _parse_period(text: str) -> tuple[int, int] | None:
    try:
        year, month = (int(x) for x in text.split("-"))
    except ValueError:
        return None
    return (year, month) if 1 <= month <= 12 else None


def _may_set_up(ledger: Ledger) -> None:
    # A book's settings belong to whoever prepares its plans (the 会计), else the administrator.
    if not can(ledger.role, PREPARE_PLAN):
        ledger.require(MANAGE_SETTINGS)


def _put(tx: Tx, org_id: int, key: str, value: str) -> None:
    from coopledger.services.settings import put_setting_in

    put_setting_in(tx, key, value, org_id)


def _check_period(year: int, month: int, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if not EARLIEST_YEAR <= year <= today.year + 1:
        raise DomainError(
            "first_period.year",
            N_("the first year is between {first} and {last}"),
            first=EARLIEST_YEAR,
            last=today.year + 1,
        )
    if not 1 <= month <= 12:
        raise DomainError("first_period.month", N_("a month is 1 to 12"))


def start_book(
    ledger: Ledger,
    name: str,
    *,
    chart: str = Chart.VILLAGE_2023,
    village: str = "",
    township: str = "",
    county: str = "",
) -> int:
    """The wizard's first step: the book with its chart of accounts, and the wizard's
    progress on it, in one transaction. Returns the book's id."""
    with ledger.write() as tx:
        org_id = create_organisation_in(
            tx, name, chart=chart, village=village, township=township, county=county
        )
        _put(tx, org_id, _PROGRESS, SetupProgress(org_id, {"organisation": "done"}).to_json())
    return org_id


def set_first_period(ledger: Ledger, org_id: int, year: int, month: int) -> SetupProgress:
    """The book's first accounting period: its opening balances are those of 1 January of
    ``year``, and work starts in ``month`` (the period shown and given to new vouchers until
    there are later ones). Fixed once the book has posted vouchers."""
    _may_set_up(ledger)
    _check_period(year, month)
    from coopledger.store.ledger import V

    with ledger.write(org_id) as tx:
        first = tx.session.execute(
            select(V.c.date)
            .where(V.c.org_id == org_id, V.c.state == "posted")
            .order_by(V.c.date)
            .limit(1)
        ).scalar()
        if first is not None and first.year != year:
            raise DomainError(
                "first_period.year",
                N_("the book has postings from {date} already: its first year is {year}"),
                date=first,
                year=first.year,
            )
        _put(tx, org_id, _FIRST_PERIOD, f"{year:04d}-{month:02d}")
        return _record_in(tx, org_id, "period", "done")


def record_step(ledger: Ledger, org_id: int, step: str, outcome: str = "done") -> SetupProgress:
    """Note that a step ended: ``done``, ``skipped``, or for the people ``single`` /
    ``staff``."""
    _may_set_up(ledger)
    if step not in STEPS:
        raise DomainError("step", N_('unknown set-up step "{step}"'), step=step)
    if outcome not in OUTCOMES:
        raise DomainError("outcome", N_('unknown outcome "{outcome}"'), outcome=outcome)
    with ledger.write(org_id) as tx:
        return _record_in(tx, org_id, step, outcome)


def finish_setup(ledger: Ledger, org_id: int) -> SetupProgress:
    """The set-up is over: the wizard does not open again for this book (steps left for
    later stay so; they are done in their views)."""
    _may_set_up(ledger)
    with ledger.write(org_id) as tx:
        return _record_in(tx, org_id, "", "done", finished=True)


def _record_in(
    tx: Tx, org_id: int, step: str, outcome: str, finished: bool = False
) -> SetupProgress:
    row = tx.session.execute(
        select(S.c.value).where(S.c.org_id == org_id, S.c.key == _PROGRESS)
    ).scalar()
    old = _parse_progress(org_id, str(row or "")) or SetupProgress(org_id)
    steps = dict(old.steps)
    if step:
        steps[step] = outcome
    progress = SetupProgress(org_id, steps, finished or old.finished)
    if progress != old:
        _put(tx, org_id, _PROGRESS, progress.to_json())
    return progress
