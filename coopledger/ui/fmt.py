"""How values look on screen: money, areas, rates and dates in the current language. Codes
(member kinds, share classes, voucher states …) are named by ``i18n.term`` from the
vocabulary."""

from __future__ import annotations

import datetime as dt

from coopledger import i18n
from coopledger.domain.money import format_area, format_money, rate_to_str


def locale_name() -> str:
    """The babel locale of the current language, as text (``zh_CN``)."""
    return str(i18n.locale())


def money(fen: int | None, *, currency: bool = False) -> str:
    """Fen as ``1,600.00`` (or ``¥1,600.00``); empty for None."""
    if fen is None:
        return ""
    return format_money(fen, locale_name(), currency=currency)


def money_or_blank(fen: int) -> str:
    """Like `money`, but blank for zero (debit/credit columns)."""
    return money(fen) if fen else ""


def area(area_e4: int | None) -> str:
    """Area in mu for display."""
    if area_e4 is None:
        return ""
    return format_area(area_e4, locale_name())


def rate(rate_e4: int) -> str:
    """A rate in ten-thousandths as a decimal (``0.1``)."""
    return rate_to_str(rate_e4)


def date(d: dt.date | None) -> str:
    """A date in tables: ISO (``2014-12-31``); empty for None."""
    return d.isoformat() if d else ""
