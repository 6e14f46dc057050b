"""Who may do what: the five roles, the permissions, and maker–checker.

Pure: no I/O. Services ask ``can(role, permission)`` (through ``Ledger.require``) before they
act, so the rules hold in the window, on the command line and in tests alike. A ledger with
no users yet runs in single-user mode, shown here as the role ``None``: everything is allowed.
"""

from __future__ import annotations

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
CLOSE_PERIOD = Permission.CLOSE_PERIOD
REOPEN_PERIOD = Permission.REOPEN_PERIOD
REOPEN_YEAR = Permission.REOPEN_YEAR
MANAGE_REGISTERS = Permission.MANAGE_REGISTERS
PREPARE_PLAN = Permission.PREPARE_PLAN
APPROVE_PLAN = Permission.APPROVE_PLAN
RUN_DISTRIBUTION = Permission.RUN_DISTRIBUTION
RECORD_PAYMENT = Permission.RECORD_PAYMENT
PRINT = Permission.PRINT
VERIFY = Permission.VERIFY
BACKUP = Permission.BACKUP
RESTORE = Permission.RESTORE
MANAGE_USERS = Permission.MANAGE_USERS
MANAGE_SETTINGS = Permission.MANAGE_SETTINGS
READ = Permission.READ

#: What each permission lets one do, as the end of "... may not {what}".
PERMISSION_TEXT: Mapping[str, str] = {p: p.label for p in Permission}

ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)

ROLE_PERMISSIONS: Mapping[str, frozenset[Permission]] = {
    ACCOUNTANT: frozenset(
        {
            PREPARE_VOUCHER,
            MANAGE_REGISTERS,
            PREPARE_PLAN,
            RUN_DISTRIBUTION,
            CLOSE_PERIOD,
            PRINT,
            READ,
            BACKUP,
        }
    ),
    REVIEWER: frozenset(
        {
            REVIEW_VOUCHER,
            POST_VOUCHER,
            REVERSE_VOUCHER,
            APPROVE_PLAN,
            CLOSE_PERIOD,
            REOPEN_PERIOD,
            PRINT,
            READ,
            VERIFY,
            BACKUP,
        }
    ),
    CASHIER: frozenset({RECORD_PAYMENT, PRINT, READ}),
    SUPERVISOR: frozenset({READ, PRINT, VERIFY, REOPEN_YEAR}),
    # The administrator keeps the program running; they are not an accountant.
    ADMIN: frozenset({MANAGE_USERS, MANAGE_SETTINGS, BACKUP, RESTORE, READ, VERIFY}),
}


# Errors ------------------------------------------------------------------------------------


class PermissionDenied(DomainError):
    """The person's role does not allow what they tried, or maker–checker forbids it."""


class AuthenticationError(DomainError):
    """Wrong user name or password (the same message for both, on purpose)."""

    def __init__(self) -> None:
        super().__init__("--user", N_("Wrong user name or password."))


class AccountLockedError(DomainError):
    """Too many failed attempts: the user is locked out for a while."""

    def __init__(self, user: str, until: str) -> None:
        super().__init__(
            "--user",
            N_("Too many wrong passwords: {user} is locked until {until}. Try again later."),
            user=user,
            until=until,
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
    return tuple(r for r in ALL_ROLES if permission in ROLE_PERMISSIONS[r])


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
