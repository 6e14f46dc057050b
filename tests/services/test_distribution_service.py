"""The distribution through the ledger: every shared example, year by year, imported as a
book and committed; commit/reverse restores the state; interrupted commits leave no trace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from coopledger.domain.errors import DomainError
from coopledger.services import bookfile, books
from coopledger.services import distribution as dist
from coopledger.services.ledger import Ledger, verify
from coopledger.store.uow import Tx
from tests.conftest import EXAMPLES
from tests.pgserver import raw_sql

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


def _snapshot(path: Path | str) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in ("voucher", "voucher_line", "distribution", "distribution_item", "period_balance"):
        out[table] = raw_sql(path, f"SELECT * FROM {table} ORDER BY 1")
    out["audit"] = raw_sql(path, "SELECT count(*) FROM audit_log")
    return out


def _count(tx: Tx, table: str) -> int:
    return int(tx.session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.parametrize("step", ["vouchers", "slips"])
def test_interrupted_commit_leaves_no_trace(
    ledger: Ledger, ledger_path: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after the vouchers are posted, or after the slips are written (the fault is
    injected here, not by a switch in the service), rolls everything back."""
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    before = _snapshot(ledger_path)
    written: dict[str, int] = {}
    with pytest.raises(RuntimeError, match="simulated"), ledger.write(org) as tx:
        if step == "vouchers":
            post = dist.post_system_vouchers

            def post_then_crash(tx: Tx, *args: object, **kwargs: object) -> None:
                post(tx, *args, **kwargs)  # type: ignore[arg-type]
                written["vouchers"] = _count(tx, "voucher")
                raise RuntimeError("simulated crash after posting the vouchers")

            monkeypatch.setattr(dist, "post_system_vouchers", post_then_crash)
        else:

            def crash_on_track(*args: object, **kwargs: object) -> None:
                written["slips"] = _count(tx, "distribution_item")
                raise RuntimeError("simulated crash after writing the slips")

            monkeypatch.setattr(tx, "track", crash_on_track)
        dist.commit_distribution_in(tx, org, 2014, need_approval=False)  # single-user
    # The crash came after the step had really written (else the test proves nothing).
    if step == "vouchers":
        assert written["vouchers"] > len(before["voucher"])
    else:
        assert written["slips"] > 0
    assert _snapshot(ledger_path) == before
    assert verify(ledger).ok


def test_commit_posts_payables_per_household_and_balances(ledger: Ledger) -> None:
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    statement = books.member_statement(ledger, org, "H0001")
    assert sum(r.credit for r in statement.rows) == 1600_00 + 822_86
    assert statement.closing == -(1600_00 + 822_86)  # 贷: what the year owes the household
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
    dist.reverse_distribution(ledger, org, 2014, "重新分配")
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
    dist.reverse_distribution(ledger, org, 2015, "重新分配")
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
    assert statement.closing == 0 and statement.rows[-1].balance == 0  # paid in full
    with pytest.raises(DomainError, match="paid"):
        dist.reverse_distribution(ledger, org, 2014, "重新分配")
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
    dist.reverse_distribution(ledger, org, 2014, "重新分配")
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


# -- version 2: postings per chart, payments that trust the ledger, plan refusals ----------


def _closing(ledger: Ledger, org: int, year: int) -> dict[str, int]:
    tb = books.trial_balance(ledger, org, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return {r.code: r.closing for r in tb}


def test_cooperative_posts_reserve_returns_and_surplus_to_its_own_accounts(ledger: Ledger) -> None:
    book, expected = load("cooperative")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    want = expected["years"]["2014"]
    assert isinstance(want, dict)
    closing = _closing(ledger, org, 2014)

    def fen(text: object) -> int:
        return round(float(str(text)) * 100)  # test-only: exact for two-place amounts

    assert closing["52199"] == fen(want["land_fees"])  # 经营支出—土地流转费
    assert closing["114"] == -fen(want["land_fees"])  # 成员往来: owed to the members
    assert closing["322"] == -fen(want["reserve"])  # 盈余公积
    assert closing["221"] == -fen(want["transaction_returns"])  # 应付盈余返还
    assert closing["222"] == -fen(want["dividends"])  # 应付剩余盈余
    assert closing["33201"] == fen(want["reserve"]) + fen(want["transaction_returns"]) + fen(
        want["dividends"]
    )
    assert "311" not in closing or closing["311"] == 0  # no welfare fund on a cooperative
    slip = next(s for s in dist.slips(ledger, org, 2014) if s.member_code == "H0001")
    assert (slip.land_fee, slip.transaction_return, slip.dividend) == (1600_00, 3685_15, 183_06)
    check = dist.verify_slip(ledger, slip.check_code)
    assert check.ok and check.transaction_return == 3685_15
    dist.pay_slip(ledger, org, 2014, "H0001", on=dt.date(2015, 1, 5))
    after = _closing(ledger, org, 2015)
    assert after["114"] == -fen(want["land_fees"]) + 1600_00
    assert verify(ledger).ok


def test_a_holder_that_is_not_a_member_is_paid_through_payables(ledger: Ledger) -> None:
    book, expected = load("leap-midyear")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2016)
    party = next(h for h in expected["years"]["2016"]["holders"] if h["code"] == "O001")
    assert party["dividend"] != "0.00"
    with ledger.read() as s:
        from coopledger.store.models import Member

        oid = s.execute(
            select(Member.id).where(Member.org_id == org, Member.code == "O001")
        ).scalar_one()
        by_account = dist.member_account_balances(s, org, oid, ("113", "211"))
    assert by_account == {"211": round(float(party["dividend"]) * 100)}
    slip = next(s for s in dist.slips(ledger, org, 2016) if s.member_code == "O001")
    dist.pay_slip(ledger, org, 2016, "O001", on=dt.date(2017, 1, 10))
    with ledger.read() as s:
        assert dist.member_account_balances(s, org, oid, ("211",)) == {"211": 0}
    assert slip.kind == "organisation"
    assert verify(ledger).ok


def test_payment_refuses_more_than_the_members_balance(ledger: Ledger) -> None:
    book, _ = load("mini")
    vouchers = book["vouchers"]
    assert isinstance(vouchers, list)
    vouchers.append(
        {
            "date": "2014-12-30",
            "memo": "收一事一议筹资",
            "lines": [
                {"account": "113", "debit": "100.00", "member": "H0001"},
                {"account": "231", "credit": "100.00"},
            ],
        }
    )
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    with pytest.raises(DomainError, match=r"2322\.86") as err:
        dist.pay_slip(ledger, org, 2014, "H0001", on=dt.date(2015, 1, 5))
    assert err.value.path == "member"
    assert dist.slips(ledger, org, 2014)[1].paid_on is None  # nothing written
    dist.pay_slip(ledger, org, 2014, "H0002", on=dt.date(2015, 1, 5))  # others are fine


def test_payment_refuses_a_slip_that_no_longer_matches_the_ledger(
    ledger: Ledger, ledger_path: Path
) -> None:
    book, _ = load("mini")
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    raw_sql(
        ledger_path,
        "UPDATE distribution_item SET dividend_fen = dividend_fen + 10000 WHERE member_id ="
        " (SELECT id FROM member WHERE code = 'H0002')",
    )
    with pytest.raises(DomainError, match="verify"):
        dist.pay_slip(ledger, org, 2014, "H0002", on=dt.date(2015, 1, 5))
    assert not verify(ledger).ok


@pytest.mark.parametrize(
    ("name", "form", "path"),
    [
        (
            "cooperative",
            dist.PlanForm(2016, 1000, 0, dividend_method="per-share"),
            "plan.welfare_rate",
        ),
        (
            "cooperative",
            dist.PlanForm(2016, 0, 1000, transaction_rate_e4=5999),
            "plan.transaction_rate",
        ),
        (
            "cooperative",
            dist.PlanForm(2016, 0, 0, transaction_basis="table", transactions=(("H9999", 100),)),
            "plan.transactions.H9999",
        ),
        (
            "cooperative",
            dist.PlanForm(2016, 0, 0, transaction_basis="table", transactions=(("H0001", -1),)),
            "plan.transactions.H0001",
        ),
        ("mini", dist.PlanForm(2016, 1000, 0, transaction_rate_e4=6000), "plan.transaction_rate"),
        ("mini", dist.PlanForm(2016, 1000, 0, transaction_basis="table"), "plan.transaction_basis"),
        ("mini", dist.PlanForm(2016, 1000, 0, dividend_method="per_share"), "plan.dividend_method"),
    ],
)
def test_plan_refusals_name_the_field_and_write_nothing(
    ledger: Ledger, ledger_path: Path, name: str, form: dist.PlanForm, path: str
) -> None:
    book, _ = load(name)
    org = bookfile.import_book(ledger, book)
    before = _snapshot(ledger_path)
    with pytest.raises(DomainError) as err:
        dist.save_plan(ledger, org, form)
    assert err.value.path == path
    assert _snapshot(ledger_path) == before
    assert dist.get_plan(ledger, org, 2016) is None


def test_cooperative_plan_defaults_and_table(ledger: Ledger) -> None:
    book, _ = load("cooperative")
    org = bookfile.import_book(ledger, book)
    dist.save_plan(ledger, org, dist.PlanForm(2016, 0, 1000))
    plan = dist.get_plan(ledger, org, 2016)
    assert plan is not None
    assert (plan.transaction_rate_e4, plan.transaction_basis, plan.dividend_method) == (
        6000,
        "land-fees",
        "per-share",
    )
    table = (("H0002", 512050), ("H0001", 320000))
    dist.save_plan(
        ledger, org, dist.PlanForm(2016, 0, 1000, transaction_basis="table", transactions=table)
    )
    plan = dist.get_plan(ledger, org, 2016)
    assert plan is not None and plan.transactions == table
    exported = bookfile.export_book(ledger, org)
    assert exported["plans"][-1]["transactions"] == {"H0002": "5120.50", "H0001": "3200.00"}


def test_member_statement_keeps_wages_out_of_the_balance(ledger: Ledger) -> None:
    book, _ = load("mini")
    vouchers = book["vouchers"]
    assert isinstance(vouchers, list)
    vouchers.append(
        {
            "date": "2014-06-25",
            "memo": "支付务工工资",
            "lines": [
                {"account": "51101", "debit": "1080.00", "member": "H0001"},
                {"account": "102", "credit": "1080.00"},
            ],
        }
    )
    org = bookfile.import_book(ledger, book)
    dist.commit_distribution(ledger, org, 2014)
    holder = dist.preview_distribution(ledger, org, 2014).result.holder("H0001")
    assert holder is not None and holder.dividend > 0
    ms = books.member_statement(ledger, org, "H0001")
    assert ms.accounts == ("113", "211")
    wages = [r for r in ms.rows if r.information]
    assert [(r.account_code, r.debit) for r in wages] == [("51101", 1080_00)]
    assert ms.closing == -holder.total  # what the year owes, whatever the wages were
    assert all(r.account_code in ("113", "211") for r in ms.balance_rows)
    # A period: the opening balance comes from the statement accounts only.
    later = books.member_statement(ledger, org, "H0001", start=dt.date(2015, 1, 1))
    assert later.opening == ms.closing and later.rows == []
    dist.pay_slip(ledger, org, 2014, "H0001", on=dt.date(2015, 1, 5))
    assert books.member_statement(ledger, org, "H0001").closing == 0


@pytest.mark.parametrize(("name", "year"), [("cooperative", 2015), ("carry-forward", 2016)])
def test_the_income_statement_prints_the_results_own_figures(
    ledger: Ledger, name: str, year: int
) -> None:
    from coopledger.services import printing

    book, expected = load(name)
    org = bookfile.import_book(ledger, book)
    years = expected["years"]
    assert isinstance(years, dict)
    for y in sorted(int(k) for k in years if int(k) <= year):
        dist.commit_distribution(ledger, org, y)
    want = years[str(year)]
    statement = printing.income_statement(ledger, org, year)
    shown = {ln.name: ln.amounts[0] for ln in statement.lines}

    def fen(key: str) -> int:
        whole, _, cents = str(want[key]).partition(".")
        return int(whole) * 100 + (int(cents) if not whole.startswith("-") else -int(cents))

    if name == "cooperative":
        assert shown["加：年初未分配盈余"] == fen("undistributed_in") - fen("loss_in")
        assert shown["四、本年盈余"] == fen("net_income")
        assert shown["减：提取盈余公积"] == fen("reserve")
        assert shown["五、可分配盈余"] == fen("available") - fen("reserve")
        assert shown["减：盈余返还"] == fen("transaction_returns")
        assert shown["　　剩余盈余分配"] == fen("dividends")
        assert shown["六、年末未分配盈余"] == fen("undistributed") - fen("loss_carried")
    else:
        assert shown["加：年初未分配收益"] == fen("undistributed_in") - fen("loss_in")
        assert shown["四、本年收益"] == fen("net_income")
        assert shown["五、可分配收益"] == fen("available")
        assert shown["减：提取公积公益金"] == fen("welfare") + fen("reserve")
        assert shown["　　向成员分配收益"] == fen("dividends") + fen("transaction_returns")
        assert shown["六、年末未分配收益"] == fen("undistributed") - fen("loss_carried")


def test_a_cooperative_year_reverses_exactly_and_commits_again(ledger: Ledger) -> None:
    book, expected = load("cooperative")
    org = bookfile.import_book(ledger, book)
    before = _closing(ledger, org, 2014)
    dist.commit_distribution(ledger, org, 2014)
    dist.commit_distribution(ledger, org, 2015)  # carries 2014's 0.13 in
    with pytest.raises(DomainError, match="reverse 2015 first"):
        dist.reverse_distribution(ledger, org, 2014, "重新分配")
    dist.reverse_distribution(ledger, org, 2015, "重新分配")
    dist.reverse_distribution(ledger, org, 2014, "重新分配")
    after = _closing(ledger, org, 2014)
    assert {k: v for k, v in after.items() if v} == {k: v for k, v in before.items() if v}
    # with 2014 reversed, 2015 starts from nothing carried in
    assert dist.preview_distribution(ledger, org, 2015).result.undistributed_in == 0
    dist.commit_distribution(ledger, org, 2014)
    assert dist.distribution_json(ledger, org, 2014) == expected["years"]["2014"]
    assert (
        dist.preview_distribution(ledger, org, 2015).result.to_json() == expected["years"]["2015"]
    )
    assert verify(ledger).ok
