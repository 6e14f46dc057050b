"""Small books for the statement, opening-balance and year-end tests, written as book files
(docs/book-format.md) and imported through the program."""

from __future__ import annotations

from typing import Any

from coopledger.services import bookfile
from coopledger.services.ledger import Ledger

Line = dict[str, str]


def dr(account: str, amount: str, member: str | None = None) -> Line:
    line = {"account": account, "debit": amount}
    if member:
        line["member"] = member
    return line


def cr(account: str, amount: str, member: str | None = None) -> Line:
    line = {"account": account, "credit": amount}
    if member:
        line["member"] = member
    return line


def v(date: str, memo: str, *lines: Line) -> dict[str, Any]:
    return {"date": date, "memo": memo, "lines": list(lines)}


HOUSEHOLDS = [
    {"code": "H0001", "name": "苏子柏", "kind": "household", "group": "岩子脚小组"},
    {"code": "H0002", "name": "杨绍文", "kind": "household", "group": "岩子脚小组"},
    {"code": "H0003", "name": "李华顺", "kind": "household", "group": "大村小组"},
]


def make_book(
    ledger: Ledger,
    vouchers: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    chart: str = "village-2023",
    name: str = "测试村股份经济合作社",
    accounts: list[dict[str, str]] | None = None,
    members: list[dict[str, str]] | None = None,
    plans: list[dict[str, Any]] | None = None,
    contracts: list[dict[str, Any]] | None = None,
    share_lots: list[dict[str, Any]] | None = None,
) -> int:
    """Import a book; returns its organisation id."""
    data: dict[str, Any] = {
        "format": "coopledger-book",
        "version": 1,
        "organisation": {"name": name, "chart": chart},
        "members": members if members is not None else HOUSEHOLDS,
        "accounts": accounts or [],
        "vouchers": list(vouchers),
    }
    if plans:
        data["plans"] = plans
    if contracts:
        data["contracts"] = contracts
    if share_lots:
        data["share_lots"] = share_lots
    return bookfile.import_book(ledger, data)


def line_of(form: dict[str, Any], name: str) -> dict[str, Any]:
    """A line of a form in ``statements --json`` shape, by its printed name."""
    for line in form["lines"]:
        if line["name"].strip("\u3000") == name:
            return line
    raise KeyError(name)


def example_book(ledger: Ledger, name: str = "mini") -> int:
    """Import a worked example. Its plans are imported without ``dividend_method``, which
    only distribution version 2 reads: the statements are compared with the committed
    result itself, whatever method split it."""
    import json

    from tests.conftest import EXAMPLES

    data = json.loads((EXAMPLES / f"{name}.book.json").read_text(encoding="utf-8"))
    for plan in data.get("plans", []):
        plan.pop("dividend_method", None)
    return bookfile.import_book(ledger, data)
