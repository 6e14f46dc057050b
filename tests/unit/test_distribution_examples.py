"""The worked examples of distribution.md, kept in the repo (``tests/data/examples``): every
plan year of every book, to the fen.

The books are read by a small test-local parser (decimal strings to integers with exact
integer arithmetic) so this test depends on nothing but the distribution engine.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from coopledger.domain.distribution import (
    ContractInput,
    DistributionResult,
    PlanRates,
    ShareLotInput,
    compute_distribution,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

# First-level account code → kind, for codes a book does not list.
_VILLAGE_2023: dict[str, str] = {
    **dict.fromkeys(("501", "502", "503", "504"), "revenue"),
    **dict.fromkeys(("511", "512", "513", "514", "515", "521"), "expense"),
    "401": "cost",
}
_COOPERATIVE_2021: dict[str, str] = {
    **dict.fromkeys(("501", "502", "511"), "revenue"),
    **dict.fromkeys(("521", "522", "523", "524", "529", "531"), "expense"),
    "401": "cost",
}
_CHARTS = {"village-2023": _VILLAGE_2023, "cooperative-2021": _COOPERATIVE_2021}


def scaled(text: str, places: int) -> int:
    """Parse a decimal string exactly into an integer count of 10**-places units."""
    sign = 1
    if text.startswith("-"):
        sign, text = -1, text[1:]
    whole, _, frac = text.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > places:
        raise ValueError(f"not a decimal with at most {places} places: {text!r}")
    return sign * int(whole + frac.ljust(places, "0"))


def fen(text: str) -> int:
    return scaled(text, 2)


def account_kinds(book: dict[str, Any]) -> dict[str, str]:
    return {a["code"]: a["kind"] for a in book["accounts"]}


def kind_of(code: str, listed: dict[str, str], chart: dict[str, str]) -> str:
    """Kind of ``code``: the longest listed prefix, else the chart's first-level account."""
    for n in range(len(code), 0, -1):
        if code[:n] in listed:
            return listed[code[:n]]
    return chart.get(code[:3], "balance")


def distributable(book: dict[str, Any], year: int) -> int:
    """A: revenue Σ(credit − debit) − expense Σ(debit − credit) over the year's vouchers."""
    listed = account_kinds(book)
    chart = _CHARTS[book["organisation"].get("chart", "village-2023")]
    total = 0
    for voucher in book["vouchers"]:
        if date.fromisoformat(voucher["date"]).year != year:
            continue
        for line in voucher["lines"]:
            kind = kind_of(line["account"], listed, chart)
            net_credit = fen(line.get("credit", "0")) - fen(line.get("debit", "0"))
            if kind in ("revenue", "expense"):
                total += net_credit  # revenue: credit − debit; expense: −(debit − credit)
    return total


def contracts_of(book: dict[str, Any]) -> list[ContractInput]:
    return [
        ContractInput(
            code=c["code"],
            member=c["member"],
            area_e4=scaled(c["area_mu"], 4),
            rent_per_mu_fen=fen(c["rent_per_mu"]),
            share_value_per_mu_fen=fen(c["share_value_per_mu"]),
            start=date.fromisoformat(c["start"]),
            end=date.fromisoformat(c["end"]),
        )
        for c in book["contracts"]
    ]


def lots_of(book: dict[str, Any]) -> list[ShareLotInput]:
    return [
        ShareLotInput(
            code=s["code"],
            holder=s["holder"],
            share_class=s["class"],
            amount_fen=fen(s["amount"]),
            start=date.fromisoformat(s["start"]),
            end=None if s["end"] is None else date.fromisoformat(s["end"]),
        )
        for s in book["share_lots"]
    ]


def plan_rates(plan: dict[str, Any], chart: str) -> PlanRates:
    """The engine's plan from a book's plan object (defaults as distribution.md gives them)."""
    return PlanRates(
        welfare_rate_e4=scaled(plan.get("welfare_rate", "0"), 4),
        reserve_rate_e4=scaled(plan.get("reserve_rate", "0"), 4),
        dividend_method=plan.get("dividend_method", "per-share"),
        cooperative=chart == "cooperative-2021",
        transaction_rate_e4=scaled(plan.get("transaction_rate", "0.6"), 4),
        transaction_basis=plan.get("transaction_basis", "land-fees"),
        transactions=tuple(
            (code, fen(amount)) for code, amount in plan.get("transactions", {}).items()
        ),
    )


def run_book(book: dict[str, Any]) -> dict[int, DistributionResult]:
    """Distribute every plan year of ``book`` in order, carrying the loss and the
    undistributed balance from one plan year to the next."""
    contracts, lots = contracts_of(book), lots_of(book)
    chart = book["organisation"].get("chart", "village-2023")
    results: dict[int, DistributionResult] = {}
    loss = undistributed = 0
    for plan in sorted(book["plans"], key=lambda p: p["year"]):
        year = plan["year"]
        result = compute_distribution(
            year,
            distributable(book, year),
            contracts,
            lots,
            plan_rates(plan, chart),
            loss,
            undistributed,
        )
        results[year] = result
        loss, undistributed = result.loss_carried, result.undistributed
    return results


def _cases() -> list[tuple[str, int]]:
    cases = []
    for path in sorted(EXAMPLES.glob("*.book.json")):
        name = path.name.removesuffix(".book.json")
        expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text("utf-8"))
        cases += [(name, int(year)) for year in expected["years"]]
    return cases


CASES = _cases()


def test_examples_are_found() -> None:
    assert {name for name, _ in CASES} >= {
        "mini",
        "no-shares",
        "multi-year-loss",
        "leap-midyear",
        "carry-forward",
        "cooperative",
    }


def test_scaled_parser() -> None:
    assert scaled("1.35", 4) == 13500
    assert scaled("0.1234", 4) == 1234
    assert scaled("2", 4) == 20000
    assert fen("1600.00") == 160000
    assert fen("-35.1") == -3510
    assert fen("0") == 0
    with pytest.raises(ValueError):
        scaled("0.12345", 4)


_book_cache: dict[str, dict[int, DistributionResult]] = {}


def _results(name: str) -> dict[int, DistributionResult]:
    if name not in _book_cache:
        book = json.loads((EXAMPLES / f"{name}.book.json").read_text("utf-8"))
        _book_cache[name] = run_book(book)
    return _book_cache[name]


@pytest.mark.parametrize(("book", "year"), CASES, ids=[f"{b}-{y}" for b, y in CASES])
def test_example_year(book: str, year: int) -> None:
    expected = json.loads((EXAMPLES / f"{book}.expected.json").read_text("utf-8"))
    want = expected["years"][str(year)]
    got = _results(book)[year].to_json()
    assert list(got) == list(want)  # same keys in the same order
    assert got == want
    # The serialized form is exactly the expected object, order included.
    assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
