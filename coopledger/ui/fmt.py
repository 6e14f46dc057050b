"""How values look on screen: money, areas, rates and dates in the current language, and the
names of codes (member kinds, share classes, voucher states) the tables show."""

from __future__ import annotations

import datetime as dt

from coopledger import i18n
from coopledger.domain.errors import N_
from coopledger.domain.money import format_area, format_money, rate_to_str
from coopledger.i18n import _

MEMBER_KINDS = {
    "household": N_("Household"),
    "collective": N_("Collective"),
    "organisation": N_("Organisation"),
}
SHARE_CLASSES = {
    "land": N_("Land shares"),
    "self_raised": N_("Self-raised funds"),
    "project_fund": N_("Project funds"),
    "red_fund": N_("Red fund"),
    "cash": N_("Cash shares"),
    "other": N_("Other"),
}
VOUCHER_STATES = {
    "draft": N_("Draft"),
    "reviewed": N_("Reviewed"),
    "posted": N_("Posted"),
}
VOUCHER_SOURCES = {
    "manual": N_("Entered"),
    "import": N_("Imported"),
    "distribution": N_("Distribution"),
    "payment": N_("Payment"),
    "closing": N_("Year-end close"),
    "reversal": N_("Red reversal"),
    "redfund": N_("Red fund"),
}
CONTRACT_STATES = {
    "active": N_("In force"),
    "terminated": N_("Terminated"),
    "renewed": N_("Renewed"),
}
TRANSFER_KINDS = {
    "inheritance": N_("Inheritance"),
    "gift": N_("Gift"),
    "split": N_("Household split"),
}
ACCOUNT_KINDS = {
    "asset": N_("Asset"),
    "liability": N_("Liability"),
    "equity": N_("Equity"),
    "cost": N_("Cost"),
    "revenue": N_("Revenue"),
    "expense": N_("Expense"),
}


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


def name_of(table: dict[str, str], code: str) -> str:
    """The translated name of ``code`` in one of the tables above (the code if unknown)."""
    msgid = table.get(code)
    return _(msgid) if msgid else code
