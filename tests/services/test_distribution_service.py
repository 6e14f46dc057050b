"""The distribution through the ledger: every shared example, year by year, imported as a
book and committed; commit/reverse restores the state; interrupted commits leave no trace."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.services import bookfile, books
from coopledger.services import distribution as dist
from coopledger.services.ledger import Ledger, verify
from tests.conftest import EXAMPLES

BOOKS = sorted(p.name.removesuffix(".book.json") for p in EXAMPLES.glob("*.book.json"))


def load(name: str) -> tuple[dict[str, object], dict[str, object]]:
    book = json.loads((EXAMPLES / f"{name}.book.json").read_text(encoding="utf-8"))
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return book, expected


def test_examples_are_there() -> None:
    assert {"mini", "no-shares", "multi-year-loss", "leap-midyear"} <= set(BOOKS)


@pytest.mark.parametrize("name", BOOKS)
def test_example_year_by_year(ledger: Ledger, name: str) -> None:
    book, expected = load(name)
    org = bookfile.import_book(ledger, book)
    years = expected["years"]
    assert isinstance(years, dict)
    for year_text, want in years.items():
        year = int(year_text)
        assert dist.preview_distribution(ledger, org, year).result.to_json() == want, year
        dist.commit_distribution(ledger, org, year)
        assert dist.distribution_json(ledger, org, year) == want, year
    report = verify(ledger)
    assert report.ok, report.problems


def _snapshot(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    out = {}
    for table in ("voucher", "voucher_line", "distribution", "distribution_item", "period_balance"):
        out[table] = con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    out["audit"] = con.execute("SELECT count(*) FROM audit_log").fetchall()
    con.close()
    return out


@pytest.mark.parametrize("step", [1, 2])
def test_interrupted_commit_leaves_no_trace(ledger: Ledger, ledger_path: Path, step: int) -> None:
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    before = _snapshot(ledger_path)
    with pytest.raises(RuntimeError, match="simulated"), ledger.write(org) as tx:
        dist.commit_distribution_in(tx, org, 2014, fail_after=step)
    assert _snapshot(ledger_path) == before
    assert verify(ledger).ok


def test_commit_posts_payables_per_household_and_balances(ledger: Ledger) -> None:
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    rows = books.member_statement(ledger, org, "H0001")
    assert sum(r.credit for r in rows) == 1600_00 + 822_86
    tb = books.trial_balance(ledger, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    totals = books.trial_balance_totals(tb)
    assert totals["debit"] == totals["credit"]
    by_code = {r.code: r for r in tb}
    assert by_code["311"].closing == -972_00  # welfare credited
    assert by_code["51199"].closing == 4280_00  # land fees are a cost


def test_reverse_restores_and_allows_recommit(ledger: Ledger) -> None:
    book, expected = load("mini")
    org = bookfile.import_book(ledger, book)
    tb0 = books.trial_balance(ledger, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    dist.commit_distribution(ledger, org, 2014)
    with pytest.raises(DomainError, match="already committed"):
        dist.commit_distribution(ledger, org, 2014)
    with pytest.raises(DomainError, match="committed"):
        dist.save_plan(
            ledger, org, dist.PlanForm(2014, 2000, 0, dt.date(2014, 12, 20), dt.date(2014, 12, 22))
        )
    dist.reverse_distribution(ledger, org, 2014)
    tb1 = books.trial_balance(ledger, org, dt.date(2014, 1, 1), dt.date(2014, 12, 31))
    assert [(r.code, r.closing) for r in tb1 if r.closing] == [
        (r.code, r.closing) for r in tb0 if r.closing
    ]
    assert (
        dist.preview_distribution(ledger, org, 2014).result.to_json() == expected["years"]["2014"]
    )
    dist.commit_distribution(ledger, org, 2014)
    assert dist.distribution_json(ledger, org, 2014) == expected["years"]["2014"]
    assert verify(ledger).ok


def test_years_in_order_and_plan_dates_required(ledger: Ledger) -> None:
    book, _ = load("multi-year-loss")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2015)
    with pytest.raises(DomainError, match="in order"):
        dist.commit_distribution(ledger, org, 2014)
    dist.reverse_distribution(ledger, org, 2015)
    dist.save_plan(ledger, org, dist.PlanForm(2014, 3000, 333, None, None))
    with pytest.raises(DomainError, match="adopted and published"):
        dist.commit_distribution(ledger, org, 2014)


def test_payments_after_notice_and_unpaid_list(ledger: Ledger, tmp_path: Path) -> None:
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    with pytest.raises(DomainError, match="public notice"):
        dist.pay_slip(ledger, org, 2014, "H0001", on=dt.date(2014, 12, 26))
    vid = dist.pay_slip(ledger, org, 2014, "H0001", on=dt.date(2014, 12, 27))
    assert vid
    with pytest.raises(DomainError, match="already paid"):
        dist.pay_slip(ledger, org, 2014, "H0001", on=dt.date(2014, 12, 28))
    u = dist.unpaid(ledger, org, 2014)
    assert {r.member_code for r in u.rows} == {"C001", "H0002", "H0003"}
    assert u.total == (1600_00 + 822_85) + (1080_00 + 555_43) + 6546_86
    statement = books.member_statement(ledger, org, "H0001")
    assert statement[-1].balance == 0  # paid in full
    with pytest.raises(DomainError, match="paid"):
        dist.reverse_distribution(ledger, org, 2014)
    out = tmp_path / "bank.csv"
    n, _total = dist.bank_batch_csv(ledger, org, 2014, out)
    assert n == 0  # nobody in the mini book has a bank card
    assert out.read_text(encoding="utf-8-sig").startswith("序号,户号")


def test_verify_slip(ledger: Ledger) -> None:
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    slip = next(s for s in dist.slips(ledger, org, 2014) if s.member_code == "H0001")
    check = dist.verify_slip(ledger, slip.check_code)
    assert check.ok and check.land_fee == 1600_00 and check.dividend == 822_86
    with pytest.raises(DomainError):
        dist.verify_slip(ledger, "0000-0000")
    dist.reverse_distribution(ledger, org, 2014)
    assert not dist.verify_slip(ledger, slip.check_code).ok


def test_streamed_import_gives_the_same_book(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopledger.formats import book_json as files

    monkeypatch.setattr(files, "STREAM_BOOK_BYTES", 10)  # stream even the small examples
    org = bookfile.import_book_file(ledger, EXAMPLES / "multi-year-loss.book.json")
    _, expected = load("multi-year-loss")
    for year, want in expected["years"].items():
        dist.commit_distribution(ledger, org, int(year))
        assert dist.distribution_json(ledger, org, int(year)) == want
    assert bookfile.export_book(ledger, org) == bookfile.export_book(ledger, org)
    assert verify(ledger).ok


def test_streamed_import_with_a_bad_voucher_writes_nothing(
    ledger: Ledger, ledger_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopledger.domain.errors import DomainErrors
    from coopledger.formats import book_json as files

    monkeypatch.setattr(files, "STREAM_BOOK_BYTES", 10)
    monkeypatch.setattr(
        files,
        "iter_book_vouchers",
        lambda path, chunk=20_000, _real=files.iter_book_vouchers: _real(path, 3),
    )
    book, _ = load("multi-year-loss")
    vouchers = book["vouchers"]
    assert isinstance(vouchers, list)
    vouchers[20]["lines"][0]["account"] = "999"
    bad = tmp_path / "bad.book.json"
    bad.write_text(json.dumps(book, ensure_ascii=False), encoding="utf-8")
    before = _snapshot(ledger_path)
    with pytest.raises(DomainErrors) as err:
        bookfile.import_book_file(ledger, bad)
    assert "vouchers[20].lines[0].account" in str(err.value)
    assert _snapshot(ledger_path) == before
