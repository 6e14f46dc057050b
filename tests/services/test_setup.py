"""Setting a book up (建账向导): the steps are kept in the ledger so the wizard can be left and
resumed; the first period; the first people in one transaction, the session going on as the
会计; another person taking over an open ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopledger.domain.errors import DomainError
from coopledger.domain.roles import AuthenticationError, PermissionDenied
from coopledger.services import setup
from coopledger.services.accounts import list_organisations
from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.services.users import (
    NewUser,
    audit_entries,
    create_staff,
    display_name_of,
    list_users,
    switch_user,
)
from coopledger.services.views import current_period

STAFF = [
    NewUser("kuaiji", "accountant", "kuaiji-pw", "张会计"),
    NewUser("shenhe", "reviewer", "shenhe-pw", "李审核"),
    NewUser("admin", "admin", "admin-pw", "管理员"),
]


def test_a_book_started_by_the_wizard_remembers_its_steps(ledger: Ledger) -> None:
    assert setup.unfinished_books(ledger) == []
    org = setup.start_book(ledger, "上寨村股份经济合作社", chart="village-2023", township="山邑镇")
    assert [o.name for o in list_organisations(ledger)] == ["上寨村股份经济合作社"]
    progress = setup.read_progress(ledger, org)
    assert progress is not None
    assert dict(progress.steps) == {"organisation": "done"}
    assert progress.next_step() == "period"
    assert setup.unfinished_books(ledger) == [org]

    setup.set_first_period(ledger, org, 2025, 3)
    assert setup.first_period(ledger, org) == (2025, 3)
    assert current_period(ledger, org) == (2025, 3)  # no vouchers yet: the first period
    setup.record_step(ledger, org, "people", "single")
    setup.record_step(ledger, org, "accounts", "skipped")
    p = setup.record_step(ledger, org, "members", "done")
    assert p.next_step() == "opening"
    # read back from the ledger, as a resumed wizard does
    again = setup.read_progress(ledger, org)
    assert again == p and not again.finished
    setup.record_step(ledger, org, "opening", "skipped")
    assert setup.unfinished_books(ledger) == [org]
    done = setup.finish_setup(ledger, org)
    assert done.finished and done.next_step() is None
    assert setup.unfinished_books(ledger) == []
    assert verify(ledger).ok


def test_bad_steps_and_periods_are_refused(ledger: Ledger) -> None:
    org = setup.start_book(ledger, "下寨村股份经济合作社")
    with pytest.raises(DomainError) as e:
        setup.set_first_period(ledger, org, 2025, 13)
    assert e.value.path == "first_period.month"
    with pytest.raises(DomainError) as e:
        setup.set_first_period(ledger, org, dt.date.today().year + 2, 1)
    assert e.value.path == "first_period.year"
    with pytest.raises(DomainError):
        setup.record_step(ledger, org, "dance")
    with pytest.raises(DomainError):
        setup.record_step(ledger, org, "people", "maybe")
    assert setup.first_period(ledger, org) is None
    assert dict(setup.read_progress(ledger, org).steps) == {"organisation": "done"}  # type: ignore[union-attr]


def test_a_book_not_set_up_by_the_wizard_has_no_progress(ledger: Ledger) -> None:
    from coopledger.services.accounts import create_organisation

    org = create_organisation(ledger, "旧账套")
    assert setup.read_progress(ledger, org) is None
    assert setup.unfinished_books(ledger) == []


def test_the_first_people_in_one_go_and_the_session_goes_on_as_the_accountant(
    ledger_path: Path,
) -> None:
    led = open_ledger(ledger_path, user="setup", create=True)
    try:
        made = create_staff(led, STAFF, continue_as="kuaiji")
        assert [u.username for u in made] == ["admin", "kuaiji", "shenhe"]  # the admin first
        assert (led.user, led.role) == ("kuaiji", "accountant")
        assert {u.username: u.role for u in list_users(led)} == {
            "admin": "admin",
            "kuaiji": "accountant",
            "shenhe": "reviewer",
        }
        assert display_name_of(led, "kuaiji") == "张会计"
        # (the unit of work's own snapshot of the users table follows them: "record app_user")
        actions = [e.action for e in audit_entries(led) if not e.action.startswith("record ")]
        assert actions[-3:] == ["create first administrator", "add user", "add user"]
        assert "record app_user" in [e.action for e in audit_entries(led)]
        # once there are users, the first people cannot be made again
        with pytest.raises((DomainError, PermissionDenied)):
            create_staff(led, STAFF)
        assert verify(led).ok
    finally:
        led.close()
    # the next time, each logs in with their own password
    again = open_ledger(ledger_path, user="shenhe", password="shenhe-pw")
    assert again.role == "reviewer"
    again.close()


@pytest.mark.parametrize(
    ("people", "path"),
    [
        ([STAFF[0], STAFF[1]], "people"),  # no administrator
        ([*STAFF, NewUser("admin2", "admin", "admin2-pw")], "people"),  # two
        ([STAFF[0], NewUser("kuaiji", "reviewer", "other-pw"), STAFF[2]], "people[1].username"),
        ([STAFF[0], NewUser("shenhe", "reviewer", "short"), STAFF[2]], "people[1].password"),
        ([STAFF[0], NewUser("shen he", "reviewer", "shenhe-pw"), STAFF[2]], "people[1].username"),
        ([STAFF[0], NewUser("shenhe", "boss", "shenhe-pw"), STAFF[2]], "people[1].role"),
    ],
)
def test_wrong_people_are_refused_with_nothing_written(
    ledger: Ledger, people: list[NewUser], path: str
) -> None:
    with pytest.raises(DomainError) as e:
        create_staff(ledger, people, continue_as="kuaiji")
    assert e.value.path == path
    assert list_users(ledger) == []
    assert ledger.role is None  # still single-user


def test_another_person_takes_over_an_open_ledger(ledger_path: Path) -> None:
    led = open_ledger(ledger_path, user="setup", create=True)
    create_staff(led, STAFF, continue_as="kuaiji")
    led.close()
    led = open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw")
    try:
        with pytest.raises(AuthenticationError):
            switch_user(led, "shenhe", "wrong")
        assert (led.user, led.role) == ("kuaiji", "accountant")
        with pytest.raises(DomainError) as e:
            switch_user(led, " ", "x")
        assert e.value.path == "username"
        info = switch_user(led, "shenhe", "shenhe-pw")
        assert info.display_name == "李审核"
        assert (led.user, led.role) == ("shenhe", "reviewer")
        last = audit_entries(led)[-1]
        assert last.action == "switch user"
        assert last.before == {"username": "kuaiji"}
        assert last.after == {"username": "shenhe", "role": "reviewer"}
        assert verify(led).ok
    finally:
        led.close()


def test_passwords_hashed_ahead_log_in_like_typed_ones(ledger_path: Path) -> None:
    from coopledger.services.users import prepare_password

    with pytest.raises(DomainError) as e:
        prepare_password("short")
    assert e.value.path == "password"
    prepared = prepare_password("kuaiji-pw")
    assert "kuaiji-pw" not in repr(prepared) and prepared.hashed not in repr(prepared)
    led = open_ledger(ledger_path, user="setup", create=True)
    people = [NewUser("kuaiji", "accountant", prepared, "张会计"), *STAFF[1:]]
    create_staff(led, people)
    led.close()
    again = open_ledger(ledger_path, user="kuaiji", password="kuaiji-pw")
    assert again.role == "accountant"
    again.close()
