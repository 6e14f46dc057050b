"""Dates typed by users, and days of a year covered by a date range."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

from coopledger.domain.errors import N_, DomainError

__all__ = ["active_days", "date_to_str", "days_in_year", "parse_date", "parse_entered_date"]

_FOLD: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "－": "-",
        "／": "/",
        "．": ".",
        "　": " ",
    }
)

_DATE_RES: Final = (
    # 2014-10-31, 2014/10/31, 2014.10.31 (one separator throughout, month/day 1 or 2 digits)
    re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"),
    # 2014年10月31日 (日 may be left out)
    re.compile(r"(?P<y>[0-9]{4}) *年 *(?P<m>[0-9]{1,2}) *月 *(?P<d>[0-9]{1,2}) *日?"),
    # 20141031
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)


def parse_date(text: str, field: str = "date") -> date:
    """Parse a date typed by a user.

    Accepts ``2014-10-31``, ``2014/10/31``, ``2014.10.31``, ``2014年10月31日`` and
    ``20141031``, with full-width digits and surrounding whitespace. Raises `DomainError` on
    `field` for anything else, or for a date that does not exist (``2014-02-30``).
    """
    if text is None:
        raise DomainError(field, N_("must not be empty"))
    if not isinstance(text, str):
        raise DomainError(field, N_("must be text (got a {got})"), got=type(text).__name__)
    raw = text.strip()
    if not raw:
        raise DomainError(field, N_("must not be empty"))
    folded = raw.translate(_FOLD)
    for pattern in _DATE_RES:
        match = pattern.fullmatch(folded)
        if match is not None:
            break
    else:
        raise DomainError(field, N_('is not a date such as 2014-10-31 (got "{got}")'), got=raw[:40])
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise DomainError(field, N_('is not a real date (got "{got}")'), got=raw) from None


_SHORT_RES: Final = (
    # 1-20, 1/20, 1.20, 1月20日 (the year is the period's)
    re.compile(r"(?P<m>[0-9]{1,2}) *[-/.月] *(?P<d>[0-9]{1,2}) *日?"),
    # 0120 (month and day, two digits each)
    re.compile(r"(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    # 20, 20日 (the day; the month and year are the period's)
    re.compile(r"(?P<d>[0-9]{1,2}) *日?"),
)


def parse_entered_date(text: str, year: int, month: int, field: str = "date") -> date:
    """Parse a date as an accountant types it from a paper voucher, in the period
    ``year``-``month`` they are working on.

    Besides every form `parse_date` takes (``20150120``, ``2015-1-20``, ``2015年1月20日``)
    the year may be left out (``1-20``, ``1/20``, ``1月20日``, ``0120``: in ``year``) and so
    may the month (``20``: day 20 of ``month``). Raises `DomainError` on ``field`` for
    anything else or for a day that does not exist."""
    if not isinstance(text, str) or not text.strip():
        raise DomainError(field, N_("must not be empty"))
    raw = text.strip()
    folded = raw.translate(_FOLD)
    if any(pattern.fullmatch(folded) for pattern in _DATE_RES):
        return parse_date(raw, field)
    for pattern in _SHORT_RES:
        match = pattern.fullmatch(folded)
        if match is None:
            continue
        groups = match.groupdict()
        m = int(groups["m"]) if groups.get("m") else month
        try:
            return date(year, m, int(match["d"]))
        except ValueError:
            raise DomainError(field, N_('is not a real date (got "{got}")'), got=raw) from None
    raise DomainError(
        field,
        N_('is not a date such as 2015-01-20, 20150120, 1-20 or 0120 (got "{got}")'),
        got=raw[:40],
    )


def days_in_year(year: int) -> int:
    """366 in a leap year, else 365."""
    return 366 if calendar.isleap(year) else 365


def active_days(start: date, end: date | None, year: int) -> int:
    """Days of `year` inside ``[start, end]``, both inclusive (`end` None: open-ended).

    0 when the range and the year do not meet, or when `end` is before `start`.
    """
    first = max(start, date(year, 1, 1))
    last = date(year, 12, 31) if end is None else min(end, date(year, 12, 31))
    return max(0, (last - first).days + 1)


def date_to_str(d: date) -> str:
    """The ISO form, ``2014-10-31``."""
    return d.isoformat()
