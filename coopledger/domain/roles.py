"""Who may do what: the five roles, the one role × act table, maker–checker, and how long
log-in waits after wrong passwords.

Pure: no I/O. Every act a service performs is one `Permission`; the service asks
``can(role, act)`` (through ``Ledger.require``) before it acts, so the rules hold in the window,
on the command line and in tests alike, and `ACTS` below is the only place they are written.
Per-organisation grants (``user_organisation``) narrow a user to some books on top of this
table. A ledger with no users yet runs in single-user mode, shown here as the role ``None``:
everything is allowed, and there is nobody to be the second person (maker–checker needs users).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.vocabulary import Permission, Role

# Roles and permissions: the words are in `coopledger.domain.vocabulary`. -------------------

ACCOUNTANT = Role.ACCOUNTANT
REVIEWER = Role.REVIEWER
CASHIER = Role.CASHIER
SUPERVISOR = Role.SUPERVISOR
ADMIN = Role.ADMIN

ALL_ROLES: tuple[Role, ...] = tuple(Role)

#: The names people use in a village office (shown beside the English code).
ROLE_NAMES: Mapping[str, str] = {role: role.label for role in Role}

PREPARE_VOUCHER = Permission.PREPARE_VOUCHER
REVIEW_VOUCHER = Permission.REVIEW_VOUCHER
POST_VOUCHER = Permission.POST_VOUCHER
REVERSE_VOUCHER = Permission.REVERSE_VOUCHER
REVIEW_IMPORT = Permission.REVIEW_IMPORT
CLOSE_PERIOD = Permission.CLOSE_PERIOD
REOPEN_PERIOD = Permission.REOPEN_PERIOD
REOPEN_YEAR = Permission.REOPEN_YEAR
MANAGE_REGISTERS = Permission.MANAGE_REGISTERS
MANAGE_ORGANISATIONS = Permission.MANAGE_ORGANISATIONS
PREPARE_PLAN = Permission.PREPARE_PLAN
APPROVE_PLAN = Permission.APPROVE_PLAN
RUN_DISTRIBUTION = Permission.RUN_DISTRIBUTION
RECORD_PAYMENT = Permission.RECORD_PAYMENT
REVERSE_PAYMENT = Permission.REVERSE_PAYMENT
APPROVE_REQUEST = Permission.APPROVE_REQUEST
PRINT = Permission.PRINT
VERIFY = Permission.VERIFY
BACKUP = Permission.BACKUP
RESTORE = Permission.RESTORE
MANAGE_USERS = Permission.MANAGE_USERS
BOOK_SETTINGS = Permission.BOOK_SETTINGS
MANAGE_SETTINGS = Permission.MANAGE_SETTINGS
READ = Permission.READ
MANAGE_ASSETS = Permission.MANAGE_ASSETS
RUN_DEPRECIATION = Permission.RUN_DEPRECIATION
PUBLISH_FINANCES = Permission.PUBLISH_FINANCES
ISSUE_CERTIFICATES = Permission.ISSUE_CERTIFICATES

#: What each permission lets one do, as the end of "... may not {what}".
PERMISSION_TEXT: Mapping[str, str] = {p: p.label for p in Permission}

ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)


def _row(
    accountant: int, reviewer: int, cashier: int, supervisor: int, admin: int
) -> frozenset[Role]:
    marks = (accountant, reviewer, cashier, supervisor, admin)
    return frozenset(role for role, mark in zip(ALL_ROLES, marks, strict=True) if mark)


#: The one role × act table. A service act asks it through ``Ledger.require``;
#: ``tests/security/test_controls_permission_table.py`` runs every command of the command line
#: as every role and compares what was refused with this table. The cashier keeps the cash and
#: so neither reviews nor keeps the books (domain.md); the reviewer and the supervisor are the
#: second person of every money act; the administrator keeps the program, not the books.
# fmt: off
ACTS: Mapping[Permission, frozenset[Role]] = {
    #                                 会计 审核 出纳 监督 管理员
    READ:                       _row(1,   1,   1,   1,   1),
    VERIFY:                     _row(1,   1,   1,   1,   1),
    PRINT:                      _row(1,   1,   1,   1,   0),
    PREPARE_VOUCHER:            _row(1,   0,   0,   0,   0),
    REVIEW_VOUCHER:             _row(0,   1,   0,   0,   0),
    POST_VOUCHER:               _row(0,   1,   0,   0,   0),
    REVERSE_VOUCHER:            _row(0,   1,   0,   0,   0),
    REVIEW_IMPORT:              _row(0,   1,   0,   0,   0),
    CLOSE_PERIOD:               _row(1,   1,   0,   0,   0),
    REOPEN_PERIOD:              _row(0,   1,   0,   0,   0),
    REOPEN_YEAR:                _row(0,   0,   0,   1,   0),
    MANAGE_REGISTERS:           _row(1,   0,   0,   0,   0),
    MANAGE_ORGANISATIONS:       _row(1,   0,   0,   0,   1),
    PREPARE_PLAN:               _row(1,   0,   0,   0,   0),
    APPROVE_PLAN:               _row(0,   1,   0,   1,   0),
    RUN_DISTRIBUTION:           _row(1,   0,   0,   0,   0),
    RECORD_PAYMENT:             _row(0,   0,   1,   0,   0),
    REVERSE_PAYMENT:            _row(1,   0,   1,   0,   0),
    APPROVE_REQUEST:            _row(0,   1,   0,   1,   0),
    BOOK_SETTINGS:              _row(1,   0,   0,   0,   1),
    BACKUP:                     _row(1,   1,   0,   0,   1),
    RESTORE:                    _row(0,   0,   0,   0,   1),
    MANAGE_USERS:               _row(0,   0,   0,   0,   1),
    MANAGE_SETTINGS:            _row(0,   0,   0,   0,   1),
    MANAGE_ASSETS:              _row(1,   0,   0,   0,   0),
    RUN_DEPRECIATION:           _row(1,   0,   0,   0,   0),
    #: The supervision committee (村务监督委员会) oversees what is published.
    PUBLISH_FINANCES:           _row(1,   0,   0,   1,   0),
    ISSUE_CERTIFICATES:         _row(1,   0,   0,   0,   0),
}
# fmt: on

#: The same table by role.
ROLE_PERMISSIONS: Mapping[str, frozenset[Permission]] = {
    role: frozenset(p for p, roles in ACTS.items() if role in roles) for role in ALL_ROLES
}


# Errors ------------------------------------------------------------------------------------


class PermissionDenied(DomainError):
    """The person's role does not allow what they tried, or maker–checker forbids it."""


class AuthenticationError(DomainError):
    """Log-in refused. One message whatever the reason (no such user, a disabled one, a wrong
    password, or a user held after wrong passwords), so that a refusal never tells whether a
    name exists."""

    def __init__(self) -> None:
        super().__init__(
            "--user",
            N_(
                "Wrong user name or password. After several wrong passwords a user must wait a"
                " while before trying again; an administrator can lift the wait (user unlock)."
            ),
        )


class UserNeededError(DomainError):
    """The ledger has users and nobody said who is working."""

    def __init__(self) -> None:
        super().__init__("--user", N_("This ledger has users; give --user."))


class PasswordNeededError(DomainError):
    """The ledger has users and no password was given."""

    def __init__(self, user: str) -> None:
        super().__init__(
            "--user",
            N_("Password needed for {user}: type it at the prompt or set COOPLEDGER_PASSWORD."),
            user=user,
        )


# Rules -------------------------------------------------------------------------------------


#: Wrong passwords in a row that cost nothing (typing mistakes); from the next one on,
#: log-in waits.
FREE_FAILURES = 2
#: The first wait; every further wrong password doubles it.
FIRST_HOLD = dt.timedelta(seconds=15)
#: The longest wait of an ordinary user.
LONGEST_HOLD = dt.timedelta(hours=24)
#: The longest wait of the last active administrator: nobody can shut the office out of
#: its own ledger by typing wrong passwords for them.
LAST_ADMIN_HOLD = dt.timedelta(minutes=1)


def login_hold(failures: int, *, last_admin: bool = False) -> dt.timedelta:
    """How long log-in waits after ``failures`` wrong passwords in a row: nothing for the
    first `FREE_FAILURES`, then `FIRST_HOLD`, doubling with each further one, up to
    `LONGEST_HOLD` (`LAST_ADMIN_HOLD` for the last active administrator)."""
    if failures <= FREE_FAILURES:
        return dt.timedelta(0)
    cap = LAST_ADMIN_HOLD if last_admin else LONGEST_HOLD
    doublings = min(failures - FREE_FAILURES - 1, 30)
    hold: dt.timedelta = FIRST_HOLD * (1 << doublings)
    return min(hold, cap)


def is_role(value: str) -> bool:
    """Whether ``value`` is one of the five role codes."""
    return value in ROLE_PERMISSIONS


def role_name(role: str | None) -> str:
    """The Chinese name of a role (``会计``); the code itself for an unknown one."""
    if role is None:
        return "单机模式"
    return ROLE_NAMES.get(role, role)


def permissions_of(role: str | None) -> frozenset[Permission]:
    """Every permission the role has (all of them in single-user mode)."""
    if role is None:
        return ALL_PERMISSIONS
    return ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(permission: Permission) -> tuple[Role, ...]:
    """The roles that have ``permission``, in the order of ``ALL_ROLES``."""
    return tuple(r for r in ALL_ROLES if r in ACTS.get(permission, frozenset()))


def roles_needed(permission: Permission) -> str:
    """The names of the roles that may do ``permission``, for a hint on a disabled button
    (``审核、村务监督``)."""
    return "、".join(role.label for role in roles_with(permission)) or "—"


def can(role: str | None, permission: Permission) -> bool:
    """Whether ``role`` may do ``permission``; ``None`` (single-user mode) may do anything.

    An unknown role or permission is never allowed, so a typo fails closed.
    """
    if permission not in ALL_PERMISSIONS:
        return False
    return permission in permissions_of(role)


def check_permission(user: str, role: str | None, permission: Permission) -> None:
    """Raise ``PermissionDenied`` naming the user, their role and the act, unless allowed."""
    if can(role, permission):
        return
    raise PermissionDenied(
        "",
        N_("{user} ({role_name}) is not allowed to {what}."),
        user=user,
        role=role or "",
        role_name=role_name(role),
        what=PERMISSION_TEXT.get(permission, permission),
        permission=permission,
    )


def check_other_person(user: str, role: str | None, other_user: str, what: str) -> None:
    """Maker–checker: raise ``PermissionDenied`` when ``user`` is the ``other_user`` who
    made the record they now want to ``what`` (e.g. "review this voucher").

    In single-user mode (``role`` None) there is nobody else to check, so this passes;
    services that see two distinct names on a record enforce the rule themselves.
    """
    if role is None or not other_user or other_user != user:
        return
    raise PermissionDenied(
        "",
        N_("{user} prepared this and so may not {what}: another person must do it."),
        user=user,
        what=what,
    )
