"""Who may do what: the five roles, the permissions, and maker–checker.

Pure: no I/O. Services ask ``can(role, permission)`` (through ``Ledger.require``) before they
act, so the rules hold in the window, on the command line and in tests alike. A ledger with
no users yet runs in single-user mode, shown here as the role ``None``: everything is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping

from coopledger.domain.errors import N_, DomainError

# Roles -------------------------------------------------------------------------------------

ACCOUNTANT = "accountant"
REVIEWER = "reviewer"
CASHIER = "cashier"
SUPERVISOR = "supervisor"
ADMIN = "admin"

ALL_ROLES: tuple[str, ...] = (ACCOUNTANT, REVIEWER, CASHIER, SUPERVISOR, ADMIN)

#: The names people use in a village office (shown beside the English code).
ROLE_NAMES: Mapping[str, str] = {
    ACCOUNTANT: "会计",
    REVIEWER: "审核",
    CASHIER: "出纳",
    SUPERVISOR: "村务监督",
    ADMIN: "管理员",
}

# Permissions -------------------------------------------------------------------------------

PREPARE_VOUCHER = "prepare_voucher"
REVIEW_VOUCHER = "review_voucher"
POST_VOUCHER = "post_voucher"
REVERSE_VOUCHER = "reverse_voucher"
CLOSE_PERIOD = "close_period"
REOPEN_PERIOD = "reopen_period"
#: Reopen a closed year (反结账 of a year-end close), with a reason.
REOPEN_YEAR = "reopen_year"
#: Members, contracts, share lots and imports.
MANAGE_REGISTERS = "manage_registers"
PREPARE_PLAN = "prepare_plan"
APPROVE_PLAN = "approve_plan"
#: Commit and reverse a year's distribution.
RUN_DISTRIBUTION = "run_distribution"
RECORD_PAYMENT = "record_payment"
PRINT = "print"
VERIFY = "verify"
BACKUP = "backup"
RESTORE = "restore"
MANAGE_USERS = "manage_users"
MANAGE_SETTINGS = "manage_settings"
READ = "read"

#: What each permission lets one do, as the end of "... may not {what}".
PERMISSION_TEXT: Mapping[str, str] = {
    PREPARE_VOUCHER: N_("prepare vouchers"),
    REVIEW_VOUCHER: N_("review vouchers"),
    POST_VOUCHER: N_("post vouchers"),
    REVERSE_VOUCHER: N_("reverse vouchers"),
    CLOSE_PERIOD: N_("close periods"),
    REOPEN_PERIOD: N_("reopen periods"),
    REOPEN_YEAR: N_("reopen a closed year"),
    MANAGE_REGISTERS: N_("change members, contracts, share lots or imports"),
    PREPARE_PLAN: N_("prepare distribution plans"),
    APPROVE_PLAN: N_("approve distribution plans"),
    RUN_DISTRIBUTION: N_("commit or reverse distributions"),
    RECORD_PAYMENT: N_("record payments"),
    PRINT: N_("print"),
    VERIFY: N_("verify the ledger"),
    BACKUP: N_("back up the ledger"),
    RESTORE: N_("restore a backup"),
    MANAGE_USERS: N_("manage users"),
    MANAGE_SETTINGS: N_("change settings"),
    READ: N_("read the ledger"),
}

ALL_PERMISSIONS: frozenset[str] = frozenset(PERMISSION_TEXT)

ROLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
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
        return "单用户"
    return ROLE_NAMES.get(role, role)


def permissions_of(role: str | None) -> frozenset[str]:
    """Every permission the role has (all of them in single-user mode)."""
    if role is None:
        return ALL_PERMISSIONS
    return ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(permission: str) -> tuple[str, ...]:
    """The roles that have ``permission``, in the order of ``ALL_ROLES``."""
    return tuple(r for r in ALL_ROLES if permission in ROLE_PERMISSIONS[r])


def can(role: str | None, permission: str) -> bool:
    """Whether ``role`` may do ``permission``; ``None`` (single-user mode) may do anything.

    An unknown role or permission is never allowed, so a typo fails closed.
    """
    if permission not in ALL_PERMISSIONS:
        return False
    return permission in permissions_of(role)


def check_permission(user: str, role: str | None, permission: str) -> None:
    """Raise ``PermissionDenied`` naming the user, their role and the act, unless allowed."""
    if can(role, permission):
        return
    raise PermissionDenied(
        "",
        N_("{user} ({role_name}, {role}) is not allowed to {what}."),
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
