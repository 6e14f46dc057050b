"""Users and roles: the roles table, log-in and lock-out, user management, maker–checker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coopledger.domain import roles
from coopledger.domain.errors import DomainError
from coopledger.domain.roles import (
    AuthenticationError,
    PasswordNeededError,
    PermissionDenied,
    can,
)
from coopledger.services.ledger import Ledger, open_ledger, verify
from coopledger.services.users import (
    add_user,
    audit_entries,
    authenticate,
    change_password,
    change_role,
    create_first_admin,
    deactivate_user,
    ledger_has_users,
    list_users,
    set_password,
    unlock_user,
)
from coopledger.store.engine import make_engine
from coopledger.store.users import check_login
from tests.pgserver import raw_sql

ADMIN_PW = "admin-secret"


@pytest.fixture
def staffed(ledger_path: Path) -> Path:
    """A ledger with an administrator, an accountant, a reviewer, a cashier, a supervisor."""
    led = open_ledger(ledger_path, user="setup", create=True)
    create_first_admin(led, "admin", ADMIN_PW, "管理员甲")
    for name, role in [
        ("kuaiji", "accountant"),
        ("shenhe", "reviewer"),
        ("chuna", "cashier"),
        ("jiandu", "supervisor"),
    ]:
        add_user(led, name, role, f"{name}-pw")
    led.close()
    return ledger_path


def _open(path: Path, user: str, password: str | None = None, **kw: bool) -> Ledger:
    return open_ledger(path, user=user, password=password or f"{user}-pw", **kw)


# The roles table -----------------------------------------------------------------------------


def test_roles_table_is_as_specified() -> None:
    r = roles
    assert r.ROLE_PERMISSIONS[r.ACCOUNTANT] == {
        r.PREPARE_VOUCHER,
        r.MANAGE_REGISTERS,
        r.MANAGE_ORGANISATIONS,
        r.PREPARE_PLAN,
        r.RUN_DISTRIBUTION,
        r.REVERSE_PAYMENT,
        r.CLOSE_PERIOD,
        r.BOOK_SETTINGS,
        r.PRINT,
        r.READ,
        r.VERIFY,
        r.BACKUP,
        r.MANAGE_ASSETS,
        r.RUN_DEPRECIATION,
        r.PUBLISH_FINANCES,
        r.ISSUE_CERTIFICATES,
    }
    assert r.ROLE_PERMISSIONS[r.REVIEWER] == {
        r.REVIEW_VOUCHER,
        r.POST_VOUCHER,
        r.REVERSE_VOUCHER,
        r.REVIEW_IMPORT,
        r.APPROVE_PLAN,
        r.APPROVE_REQUEST,
        r.CLOSE_PERIOD,
        r.REOPEN_PERIOD,
        r.PRINT,
        r.READ,
        r.VERIFY,
        r.BACKUP,
    }
    assert r.ROLE_PERMISSIONS[r.CASHIER] == {
        r.RECORD_PAYMENT,
        r.REVERSE_PAYMENT,
        r.PRINT,
        r.READ,
        r.VERIFY,
    }
    assert r.ROLE_PERMISSIONS[r.SUPERVISOR] == {
        r.READ,
        r.PRINT,
        r.VERIFY,
        r.REOPEN_YEAR,
        r.APPROVE_PLAN,
        r.APPROVE_REQUEST,
        r.PUBLISH_FINANCES,
    }
    assert r.ROLE_PERMISSIONS[r.ADMIN] == {
        r.MANAGE_USERS,
        r.MANAGE_SETTINGS,
        r.BOOK_SETTINGS,
        r.MANAGE_ORGANISATIONS,
        r.BACKUP,
        r.RESTORE,
        r.READ,
        r.VERIFY,
    }
    assert dict(r.ROLE_NAMES) == {
        "accountant": "会计",
        "reviewer": "审核",
        "cashier": "出纳",
        "supervisor": "村务监督",
        "admin": "管理员",
    }
    # Every permission someone has is a known one, and every known one is someone's.
    granted = set().union(*r.ROLE_PERMISSIONS.values())
    assert granted == r.ALL_PERMISSIONS


def test_role_boundaries() -> None:
    r = roles
    assert not can(r.ADMIN, r.PREPARE_VOUCHER)  # the administrator is not an accountant
    assert not can(r.ADMIN, r.POST_VOUCHER)
    assert not can(r.ACCOUNTANT, r.POST_VOUCHER)
    assert not can(r.ACCOUNTANT, r.MANAGE_USERS)
    assert not can(r.CASHIER, r.PREPARE_VOUCHER)
    assert not can(r.SUPERVISOR, r.BACKUP)
    assert r.roles_with(r.POST_VOUCHER) == (r.REVIEWER,)
    assert r.roles_with(r.RESTORE) == (r.ADMIN,)
    assert r.roles_with(r.RECORD_PAYMENT) == (r.CASHIER,)
    assert set(r.roles_with(r.VERIFY)) == set(r.ALL_ROLES)
    assert r.roles_with(r.APPROVE_REQUEST) == (r.REVIEWER, r.SUPERVISOR)
    assert r.roles_needed(r.APPROVE_PLAN) == "审核、村务监督"
    # Single-user mode allows everything; unknown roles and permissions fail closed.
    assert all(can(None, p) for p in r.ALL_PERMISSIONS)
    assert not can(None, "launch_rockets")
    assert not can("janitor", r.READ)
    assert r.role_name("cashier") == "出纳"
    assert r.is_role("supervisor") and not r.is_role("root")


def test_permission_denied_names_user_role_and_act() -> None:
    with pytest.raises(PermissionDenied) as err:
        roles.check_permission("王会计", roles.ACCOUNTANT, roles.POST_VOUCHER)
    text = str(err.value)
    # the role by its name (issue 16: no English role codes in what the user reads)
    assert "王会计 (会计)" in text
    assert "accountant" not in text
    assert "post vouchers" in text
    assert isinstance(err.value, DomainError)
    roles.check_permission("王会计", roles.ACCOUNTANT, roles.PREPARE_VOUCHER)
    roles.check_permission("anyone", None, roles.RESTORE)


def test_maker_checker_helper() -> None:
    with pytest.raises(PermissionDenied, match="another person"):
        roles.check_other_person("kuaiji", roles.REVIEWER, "kuaiji", "review this voucher")
    roles.check_other_person("shenhe", roles.REVIEWER, "kuaiji", "review this voucher")
    roles.check_other_person("kuaiji", None, "kuaiji", "review this voucher")  # single-user


# Users and log-in --------------------------------------------------------------------------


def test_single_user_mode_until_the_first_admin(ledger_path: Path) -> None:
    led = open_ledger(ledger_path, user="somebody", create=True)
    assert led.role is None and not ledger_has_users(led)
    led.require(roles.POST_VOUCHER)  # everything allowed
    led.require_other_person("somebody", "post this voucher")
    with pytest.raises(DomainError, match="first user must be the administrator"):
        add_user(led, "kuaiji", "accountant", "kuaiji-pw")
    info = create_first_admin(led, "admin", ADMIN_PW)
    assert info.role == "admin"
    with pytest.raises(DomainError, match="already has users"):
        create_first_admin(led, "admin2", ADMIN_PW)
    led.close()

    with pytest.raises(DomainError, match="give --user"):
        open_ledger(ledger_path)
    with pytest.raises(PasswordNeededError, match="Password needed"):
        open_ledger(ledger_path, user="admin")
    with pytest.raises(AuthenticationError):
        open_ledger(ledger_path, user="admin", password="wrong")
    led = open_ledger(ledger_path, user="admin", password=ADMIN_PW)
    assert (led.user, led.role) == ("admin", "admin")
    led.close()


def test_services_check_the_role(staffed: Path) -> None:
    led = _open(staffed, "kuaiji")
    assert led.role == "accountant"
    led.require(roles.PREPARE_VOUCHER)
    with pytest.raises(PermissionDenied, match="kuaiji"):
        led.require(roles.POST_VOUCHER)
    with pytest.raises(PermissionDenied, match="manage users"):
        add_user(led, "x1", "cashier", "x1-password")
    with pytest.raises(PermissionDenied):
        change_role(led, "chuna", "accountant")
    with pytest.raises(PermissionDenied):
        set_password(led, "chuna", "new-password")
    with pytest.raises(PermissionDenied, match="another person"):
        led.require_other_person("kuaiji", "review this voucher")
    led.require_other_person("shenhe", "use a voucher reviewed by someone else")
    led.close()


def test_wrong_user_and_wrong_password_say_the_same(staffed: Path) -> None:
    with pytest.raises(AuthenticationError) as unknown:
        authenticate(staffed, "nobody", "whatever")
    with pytest.raises(AuthenticationError) as wrong:
        authenticate(staffed, "kuaiji", "whatever")
    assert str(unknown.value) == str(wrong.value)
    assert str(wrong.value).startswith("--user: Wrong user name or password.")
    admin = _open(staffed, "admin", ADMIN_PW)
    deactivate_user(admin, "chuna")
    admin.close()
    with pytest.raises(AuthenticationError) as disabled:
        authenticate(staffed, "chuna", "chuna-pw")
    assert str(disabled.value) == str(wrong.value)


def test_log_in_waits_longer_after_each_wrong_password_and_a_success_resets(
    staffed: Path,
) -> None:
    engine = make_engine(staffed)
    t0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    # The first wrong passwords cost nothing, and a success clears them.
    for _ in range(roles.FREE_FAILURES):
        with pytest.raises(AuthenticationError):
            check_login(engine, "kuaiji", "bad", now=t0)
    assert check_login(engine, "kuaiji", "kuaiji-pw", now=t0).role == "accountant"
    for _ in range(roles.FREE_FAILURES + 1):
        with pytest.raises(AuthenticationError):
            check_login(engine, "kuaiji", "bad", now=t0)
    # Held 15 s: even the right password is refused, with the same message, until then.
    with pytest.raises(AuthenticationError):
        check_login(engine, "kuaiji", "kuaiji-pw", now=t0 + dt.timedelta(seconds=14))
    # A wrong password after the wait makes the next wait twice as long.
    with pytest.raises(AuthenticationError):
        check_login(engine, "kuaiji", "bad", now=t0 + dt.timedelta(seconds=16))
    with pytest.raises(AuthenticationError):
        check_login(engine, "kuaiji", "kuaiji-pw", now=t0 + dt.timedelta(seconds=16 + 29))
    user = check_login(engine, "kuaiji", "kuaiji-pw", now=t0 + dt.timedelta(seconds=16 + 31))
    assert user.username == "kuaiji"
    rows = raw_sql(
        staffed, "SELECT failed_attempts, locked_until FROM app_user WHERE username = 'kuaiji'"
    )
    assert rows == [(0, None)]
    engine.dispose()
    led = _open(staffed, "jiandu", readonly=True)
    actions = [e.action for e in audit_entries(led)]
    led.close()
    assert actions.count("lock out user") == 2


def test_readonly_opens_count_nothing_and_admin_can_lift_a_wait(staffed: Path) -> None:
    for _ in range(10):
        with pytest.raises(AuthenticationError):
            open_ledger(staffed, user="shenhe", password="bad", readonly=True)
    _open(staffed, "shenhe").close()  # read-only failures made nobody wait
    for _ in range(roles.FREE_FAILURES + 1):
        with pytest.raises(AuthenticationError):
            open_ledger(staffed, user="shenhe", password="bad")
    with pytest.raises(AuthenticationError):  # held, read-only or not
        _open(staffed, "shenhe", readonly=True)
    admin = _open(staffed, "admin", ADMIN_PW)
    locked = {u.username: u.locked_until for u in list_users(admin)}
    assert locked["shenhe"] is not None
    unlock_user(admin, "shenhe")
    admin.close()
    _open(staffed, "shenhe").close()


def test_user_management_is_audited_without_password_hashes(staffed: Path) -> None:
    admin = _open(staffed, "admin", ADMIN_PW)
    change_role(admin, "chuna", "accountant")
    set_password(admin, "jiandu", "reset-password")
    deactivate_user(admin, "kuaiji")
    entries = audit_entries(admin)
    admin.close()
    actions = [e.action for e in entries]
    for act in ["create first administrator", "add user", "change role", "reset password"]:
        assert act in actions
    assert "disable user" in actions
    role_change = next(e for e in entries if e.action == "change role")
    assert role_change.before["role"] == "cashier" and role_change.after["role"] == "accountant"
    text = "".join(
        str(a) + str(b)
        for a, b in raw_sql(staffed, "SELECT before_json, after_json FROM audit_log")
    )
    assert "argon2" not in text and "password_hash" not in text
    assert authenticate(staffed, "jiandu", "reset-password").role == "supervisor"
    assert authenticate(staffed, "chuna", "chuna-pw").role == "accountant"
    led = _open(staffed, "jiandu", "reset-password")
    assert verify(led).ok
    led.close()


def test_the_last_administrator_stays(staffed: Path) -> None:
    admin = _open(staffed, "admin", ADMIN_PW)
    with pytest.raises(DomainError, match="last active administrator"):
        change_role(admin, "admin", "accountant")
    with pytest.raises(DomainError, match="yourself"):
        deactivate_user(admin, "admin")
    add_user(admin, "admin2", "admin", "second-admin")
    change_role(admin, "admin", "supervisor")  # now allowed: admin2 remains
    with pytest.raises(DomainError, match="already exists"):
        add_user(admin, "admin2", "admin", "second-admin")
    with pytest.raises(DomainError, match="Unknown role"):
        add_user(admin, "x", "boss", "long-enough")
    with pytest.raises(DomainError, match="at least"):
        add_user(admin, "x", "cashier", "short")
    with pytest.raises(DomainError, match="without spaces"):
        add_user(admin, "two words", "cashier", "long-enough")
    admin.close()


def test_own_password(staffed: Path) -> None:
    led = _open(staffed, "chuna")
    set_password(led, "chuna", "new-cashier-pw")  # one's own: no MANAGE_USERS needed
    with pytest.raises(AuthenticationError):
        change_password(led, "chuna", "not-the-old-one", "another-pw")
    change_password(led, "chuna", "new-cashier-pw", "another-pw")
    led.close()
    assert authenticate(staffed, "chuna", "another-pw").role == "cashier"


def test_audit_entries_filter(staffed: Path) -> None:
    led = _open(staffed, "jiandu", readonly=True)
    everything = audit_entries(led)
    by_setup = audit_entries(led, user="setup")
    assert by_setup and all(e.user == "setup" for e in by_setup)
    today = dt.date.today()
    assert len(
        audit_entries(led, since=today - dt.timedelta(days=1), until=today + dt.timedelta(days=1))
    ) == len(everything)
    assert audit_entries(led, until=today - dt.timedelta(days=2)) == []
    led.close()
