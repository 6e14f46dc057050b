"""Issue 15, "everything tracked": each attack of the issue done straight to the database,
behind the program's back, and `verify` finding it. On SQLite files and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import AuthenticationError
from coopledger.services import bookfile, settings
from coopledger.services import distribution as dist
from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.services.users import add_user, create_first_admin
from coopledger.services.vouchers import close_period
from tests.conftest import EXAMPLES
from tests.pgserver import dump_ledger, raw_sql

ADMIN_PW = "admin-secret"


def _mini(led: Ledger) -> int:
    book = json.loads((EXAMPLES / "mini.book.json").read_text(encoding="utf-8"))
    return bookfile.import_book(led, book)


def _problems(
    location: Path | str, user: str = "auditor", password: str | None = None
) -> list[str]:
    led = open_ledger(location, user=user, password=password, readonly=True)
    try:
        return [str(p) for p in verify(led).problems]
    finally:
        led.close()


@pytest.fixture
def book(ledger_path: Path | str) -> tuple[Path | str, int]:
    """A ledger with the mini book, its 2014 distribution committed and one slip paid, a month
    closed, a setting set; verified clean."""
    led = open_ledger(ledger_path, user="accountant", create=True)
    org = _mini(led)
    dist.commit_distribution(led, org, 2014)
    dist.pay_slip(led, org, 2014, "H0001", on=dt.date(2014, 12, 27))
    first = raw_sql(ledger_path, "SELECT min(year * 12 + month - 1) FROM voucher")[0][0]
    year, month = divmod(int(str(first)), 12)
    close_period(led, org, year, month + 1)
    settings.set_setting(led, "notice_days", "7", org)
    led.close()
    assert _problems(ledger_path) == []
    return ledger_path, org


def test_the_acts_that_write_the_small_tables_verify(book: tuple[Path | str, int]) -> None:
    location, _org = book
    rows = raw_sql(location, "SELECT count(*) FROM audit_log WHERE entity IN ('period', 'setting')")
    assert rows[0][0] >= 2  # the unit of work recorded them


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("UPDATE period SET closed = false", "period [1,"),
        ("DELETE FROM period", "recorded here is missing"),
        ("UPDATE setting SET value = '0' WHERE key = 'notice_days'", 'setting [1,"notice_days"]'),
        (
            "INSERT INTO fiscal_year (org_id, year, closed, closed_by) VALUES (1, 2013, true, 'x')",
            "fiscal_year [1,2013] exists but the audit log never recorded it",
        ),
        # Moving 500,000.00 of lines to another book.
        (
            "INSERT INTO organisation (id, name, village, township, county, chart, created_at)"
            " VALUES (99, '别的村', '', '', '', 'village-2023', '2014-01-01 00:00:00');"
            " UPDATE voucher_line SET org_id = 99 WHERE id = 1",
            "differs from the state",
        ),
    ],
)
def test_untracked_state_is_tracked_now(book: tuple[Path | str, int], sql: str, found: str) -> None:
    location, _org = book
    for statement in sql.split(";"):
        raw_sql(location, statement.strip())
    problems = _problems(location)
    assert any(found in p for p in problems), problems


def test_delete_every_user_act_as_anyone_put_them_back(ledger_path: Path | str) -> None:
    led = open_ledger(ledger_path, user="admin", create=True)
    create_first_admin(led, "admin", ADMIN_PW, "管理员")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw", "会计")
    led.close()
    assert _problems(ledger_path, "admin", ADMIN_PW) == []
    saved = raw_sql(ledger_path, "SELECT * FROM app_user ORDER BY id")
    raw_sql(ledger_path, "DELETE FROM app_user")
    # single-user mode now, but the chain says there are users: nothing can be written
    before = dump_ledger(ledger_path)
    with pytest.raises(DomainError, match="not what the audit log recorded"):
        open_ledger(ledger_path, user="kuaiji")
    assert dump_ledger(ledger_path) == before
    problems = _problems(ledger_path)
    assert any("app_user 1 recorded here is missing" in p for p in problems), problems
    marks = ", ".join("?" for _ in saved[0])
    for row in saved:
        raw_sql(ledger_path, f"INSERT INTO app_user VALUES ({marks})", tuple(row))
    assert _problems(ledger_path, "admin", ADMIN_PW) == []  # as it was: nothing happened


def test_giving_oneself_the_administrators_role(ledger_path: Path | str) -> None:
    led = open_ledger(ledger_path, user="admin", create=True)
    create_first_admin(led, "admin", ADMIN_PW, "管理员")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw", "会计")
    led.close()
    raw_sql(ledger_path, "UPDATE app_user SET role = 'admin' WHERE username = 'kuaiji'")
    with pytest.raises(DomainError, match="not what the audit log recorded"):
        open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw")
    problems = _problems(ledger_path, "admin", ADMIN_PW)
    assert any("app_user 2 differs" in p for p in problems), problems


def test_a_grant_written_behind_the_programs_back(ledger_path: Path | str) -> None:
    led = open_ledger(ledger_path, user="admin", create=True)
    org = _mini(led)
    create_first_admin(led, "admin", ADMIN_PW, "管理员")
    led.close()
    raw_sql(ledger_path, f"INSERT INTO user_organisation (user_id, org_id) VALUES (1, {org})")
    problems = _problems(ledger_path, "admin", ADMIN_PW)
    assert any("user_organisation [1,1] exists but" in p for p in problems), problems


def test_failed_logins_are_recorded_too(ledger_path: Path | str) -> None:
    led = open_ledger(ledger_path, user="admin", create=True)
    create_first_admin(led, "admin", ADMIN_PW, "管理员")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw", "会计")
    led.close()
    with pytest.raises(AuthenticationError):
        open_ledger(ledger_path, user="kuaiji", password="wrong").close()
    assert _problems(ledger_path, "admin", ADMIN_PW) == []


def _trigger(location: Path | str, amount_fen: int) -> None:
    """The issue's planted trigger: a slip written by the program gets another amount."""
    if "://" in str(location):
        raw_sql(
            location,
            "CREATE FUNCTION bump() RETURNS trigger AS $$ BEGIN"
            f" NEW.dividend_fen := {amount_fen}; RETURN NEW; END $$ LANGUAGE plpgsql",
        )
        raw_sql(
            location,
            "CREATE TRIGGER bump BEFORE INSERT ON distribution_item"
            " FOR EACH ROW EXECUTE FUNCTION bump()",
        )
    else:
        raw_sql(
            location,
            "CREATE TRIGGER bump AFTER INSERT ON distribution_item BEGIN"
            f" UPDATE distribution_item SET dividend_fen = {amount_fen} WHERE id = NEW.id; END",
        )


def test_a_planted_trigger_is_found(ledger_path: Path | str) -> None:
    led = open_ledger(ledger_path, user="accountant", create=True)
    org = _mini(led)
    led.close()
    _trigger(ledger_path, 523_000)
    led = open_ledger(ledger_path, user="accountant")
    dist.commit_distribution(led, org, 2014)  # the chain records what the trigger made
    led.close()
    problems = _problems(ledger_path)
    assert any("schema: the trigger" in p for p in problems), problems
    # and what it did, even once the trigger is gone again
    if "://" in str(ledger_path):
        raw_sql(ledger_path, "DROP TRIGGER bump ON distribution_item")
    else:
        raw_sql(ledger_path, "DROP TRIGGER bump")
    problems = _problems(ledger_path)
    assert not any("schema:" in p for p in problems)
    assert any("its distribution posted" in p for p in problems), problems
    assert any("do not add up to its totals" in p for p in problems), problems


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE VIEW member_view AS SELECT * FROM member",
        "CREATE INDEX ix_extra ON member (name)",
        "CREATE TABLE stash (id INTEGER PRIMARY KEY)",
    ],
)
def test_anything_extra_in_the_schema_is_found(ledger_path: Path | str, sql: str) -> None:
    open_ledger(ledger_path, user="accountant", create=True).close()
    raw_sql(ledger_path, sql)
    problems = _problems(ledger_path)
    assert any(p.startswith("schema: ") for p in problems), problems


def test_a_payment_that_pays_no_slip_and_a_slip_paid_twice(
    book: tuple[Path | str, int],
) -> None:
    location, _org = book
    raw_sql(location, "UPDATE distribution_item SET paid_on = NULL, payment_voucher_id = NULL")
    problems = _problems(location)
    assert any("pays no slip" in p for p in problems), problems
