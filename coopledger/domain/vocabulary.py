"""The words of the ledger: every closed list of codes, once.

Each list is a `StrEnum` whose values are the codes stored in the database and written in
book files (``"household"``, ``"red_fund"``, ``"posted"``), so a member compares equal to
the plain string and needs no conversion on the way in or out. Each member also carries
`label`, the English msgid of its name for people (``MemberKind.HOUSEHOLD.label`` is
``"Household"``, 农户 in Chinese): the window, the command line and the papers show
``_(term.label)``, never the code.

Use the enums, not string literals, in code; ``Chart("village-2019")`` raises `ValueError`
for a code that is not in the list, and `parse_term` turns that into a `DomainError` that
names the allowed codes.

Pure: no I/O, no translation here (labels are msgids, see `coopledger.domain.errors.N_`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from coopledger.domain.errors import N_, DomainError

__all__ = [
    "AUDIT_ACTION_PREFIXES",
    "AccountKind",
    "AuditAction",
    "AuditEntity",
    "Chart",
    "ContractStatus",
    "DistributionState",
    "MemberAux",
    "MemberKind",
    "NormalSide",
    "PaymentMethod",
    "Permission",
    "Role",
    "ShareClass",
    "Term",
    "TransferKind",
    "VoucherSource",
    "VoucherState",
    "codes",
    "parse_term",
]


class Term(StrEnum):
    """A code with a translatable name: ``MEMBER = "code", N_("Name")``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Term:
        term = str.__new__(cls, value)
        term._value_ = value
        term.label = label or value
        return term


T = TypeVar("T", bound=Term)


def codes(vocabulary: type[Term]) -> tuple[str, ...]:
    """The codes of a vocabulary, in declaration order (for messages and argparse choices)."""
    return tuple(term.value for term in vocabulary)


def parse_term(vocabulary: type[T], value: object, path: str) -> T:
    """The member of ``vocabulary`` whose code is ``value``.

    Raises:
        DomainError: on ``path``, naming the allowed codes, when ``value`` is not one.
    """
    if isinstance(value, str):
        try:
            return vocabulary(value)
        except ValueError:
            pass
    raise DomainError(
        path,
        N_("must be one of {allowed} (got {got})"),
        allowed=", ".join(codes(vocabulary)),
        got=repr(value) if not isinstance(value, str) else f'"{value}"',
    )


# -- organisations and accounts -----------------------------------------------------------


class Chart(Term):
    """The accounting system a book keeps (see ``domain.md``)."""

    VILLAGE_2023 = "village-2023", N_("Village collective (农村集体经济组织会计制度, 2023)")
    COOPERATIVE_2021 = "cooperative-2021", N_("Farmers' cooperative (农民专业合作社会计制度, 2021)")


class AccountKind(Term):
    """The six kinds of account; sub-accounts share their parent's kind."""

    ASSET = "asset", N_("Asset")
    LIABILITY = "liability", N_("Liability")
    EQUITY = "equity", N_("Equity")
    COST = "cost", N_("Cost")
    REVENUE = "revenue", N_("Revenue")
    EXPENSE = "expense", N_("Expense")


class NormalSide(Term):
    """The side on which an account's balance normally stands."""

    DEBIT = "debit", N_("Debit")
    CREDIT = "credit", N_("Credit")


class MemberAux(Term):
    """Whether lines on an account name a member (辅助核算 by member)."""

    NONE = "none"
    OPTIONAL = "optional", N_("optional")
    REQUIRED = "required", N_("required")


# -- registers ----------------------------------------------------------------------------


class MemberKind(Term):
    """Who a member is: a household (农户), the collective (村集体) or an organisation."""

    HOUSEHOLD = "household", N_("Household")
    COLLECTIVE = "collective", N_("Collective")
    ORGANISATION = "organisation", N_("Organisation")


class ShareClass(Term):
    """The classes of share capital. ``land`` lots follow from the land contracts; the
    others are stored as share lots (`ShareClass.stored`)."""

    LAND = "land", N_("Land shares")
    SELF_RAISED = "self_raised", N_("Self-raised funds")
    PROJECT_FUND = "project_fund", N_("Project funds")
    RED_FUND = "red_fund", N_("Red fund")
    CASH = "cash", N_("Cash shares")
    OTHER = "other", N_("Other")

    @classmethod
    def stored(cls) -> tuple[ShareClass, ...]:
        """The classes a share lot may have (every class but land)."""
        return tuple(c for c in cls if c is not cls.LAND)


class TransferKind(Term):
    """How a share lot passed to another holder."""

    INHERITANCE = "inheritance", N_("Inheritance")
    GIFT = "gift", N_("Gift")
    SPLIT = "split", N_("Household split")


class ContractStatus(Term):
    """Where a land contract stands."""

    ACTIVE = "active", N_("In force")
    TERMINATED = "terminated", N_("Terminated")
    RENEWED = "renewed", N_("Renewed")


# -- vouchers -----------------------------------------------------------------------------


class VoucherState(Term):
    """制单 → 审核 → 记账."""

    DRAFT = "draft", N_("Draft")
    REVIEWED = "reviewed", N_("Reviewed")
    POSTED = "posted", N_("Posted")


class VoucherSource(Term):
    """Who made a voucher: the accountant (``manual``), a book import, or the program."""

    MANUAL = "manual", N_("Entered")
    IMPORT = "import", N_("Imported")
    DISTRIBUTION = "distribution", N_("Distribution")
    PAYMENT = "payment", N_("Payment")
    CLOSING = "closing", N_("Year-end close")
    REVERSAL = "reversal", N_("Red reversal")
    REDFUND = "redfund", N_("Red fund")

    @classmethod
    def entered(cls) -> tuple[VoucherSource, ...]:
        """The sources of vouchers a person entered (exported with the book); the program
        makes the others again from the records."""
        return (cls.MANUAL, cls.IMPORT)


# -- distribution -------------------------------------------------------------------------


class DistributionState(Term):
    """A committed distribution becomes ``reversed`` after 红字冲销."""

    COMMITTED = "committed", N_("Committed")
    REVERSED = "reversed", N_("Reversed")


class PaymentMethod(Term):
    """How a slip was paid."""

    CASH = "cash", N_("Cash")
    BANK = "bank", N_("Bank")


# -- people -------------------------------------------------------------------------------


class Role(Term):
    """The five roles of a village office (see ``roles.py`` for what each may do). The
    label is the name people use in a village office, shown as it is in every language."""

    ACCOUNTANT = "accountant", "会计"
    REVIEWER = "reviewer", "审核"
    CASHIER = "cashier", "出纳"
    SUPERVISOR = "supervisor", "村务监督"
    ADMIN = "admin", "管理员"


class Permission(Term):
    """What a role may do; the label completes "... may not {label}"."""

    PREPARE_VOUCHER = "prepare_voucher", N_("prepare vouchers")
    REVIEW_VOUCHER = "review_voucher", N_("review vouchers")
    POST_VOUCHER = "post_voucher", N_("post vouchers")
    REVERSE_VOUCHER = "reverse_voucher", N_("reverse vouchers")
    CLOSE_PERIOD = "close_period", N_("close periods")
    REOPEN_PERIOD = "reopen_period", N_("reopen periods")
    #: Reopen a closed year (反结账 of a year-end close), with a reason.
    REOPEN_YEAR = "reopen_year", N_("reopen a closed year")
    #: Members, contracts, share lots and imports.
    MANAGE_REGISTERS = "manage_registers", N_("change members, contracts, share lots or imports")
    PREPARE_PLAN = "prepare_plan", N_("prepare distribution plans")
    APPROVE_PLAN = "approve_plan", N_("approve distribution plans")
    #: Commit and reverse a year's distribution.
    RUN_DISTRIBUTION = "run_distribution", N_("commit or reverse distributions")
    RECORD_PAYMENT = "record_payment", N_("record payments")
    PRINT = "print", N_("print")
    VERIFY = "verify", N_("verify the ledger")
    BACKUP = "backup", N_("back up the ledger")
    RESTORE = "restore", N_("restore a backup")
    MANAGE_USERS = "manage_users", N_("manage users")
    MANAGE_SETTINGS = "manage_settings", N_("change settings")
    READ = "read", N_("read the ledger")


# -- the audit trail ------------------------------------------------------------------------


class AuditAction(Term):
    """What an audit entry says was done. The code is stored in the chain and never
    changes; the label names it on screen and on paper. A new act logged by a service gets
    its member here (a test finds every act the code logs)."""

    INIT_LEDGER = "init ledger", N_("Ledger created")
    CLEAR_STALE_LOCK = "clear stale lock", N_("Stale lock cleared")
    COPY_LEDGER = "copy ledger", N_("Ledger copied")
    BACKUP = "backup", N_("Backup made")
    SET_BACKUP_FOLDER = "set backup folder", N_("Backup folder chosen")
    RESTORE = "restore", N_("Backup restored (server)")
    RESTORE_BACKUP = "restore backup", N_("Backup restored")
    CHANGE_SETTING = "change setting", N_("Setting changed")
    # users
    CREATE_FIRST_ADMINISTRATOR = "create first administrator", N_("First administrator created")
    ADD_USER = "add user", N_("User added")
    CHANGE_ROLE = "change role", N_("Role changed")
    CHANGE_PASSWORD = "change password", N_("Password changed")
    RESET_PASSWORD = "reset password", N_("Password reset")
    DISABLE_USER = "disable user", N_("User disabled")
    ENABLE_USER = "enable user", N_("User enabled")
    LOCK_OUT_USER = "lock out user", N_("User locked out (wrong passwords)")
    UNLOCK_USER = "unlock user", N_("User unlocked")
    SET_USER_ORGANISATIONS = "set user organisations", N_("User's books set")
    # books and accounts
    CREATE_ORGANISATION = "create organisation", N_("Book created")
    IMPORT_BOOK = "import book", N_("Book file imported")
    ADD_ACCOUNT = "add account", N_("Account added")
    SUB_ACCOUNT_ADDED = "sub-account added", N_("Sub-account added")
    LAST_SUB_ACCOUNT_REMOVED = "last sub-account removed", N_("Last sub-account removed")
    RENAME_ACCOUNT = "rename account", N_("Account renamed")
    RENAME_ACCOUNT_BOOK = "rename account (book)", N_("Account renamed (book file)")
    CHANGE_ACCOUNT_KIND = "change account kind", N_("Account kind changed")
    RETIRE_ACCOUNT = "retire account", N_("Account retired")
    REACTIVATE_ACCOUNT = "reactivate account", N_("Account in use again")
    DELETE_ACCOUNT = "delete account", N_("Account deleted")
    OPENING_BALANCES = "opening balances", N_("Opening balances")
    POST_OPENING_BALANCES = "post opening balances", N_("Opening balances posted")
    # registers
    ADD_MEMBER = "add member", N_("Member added")
    EDIT_MEMBER = "edit member", N_("Member changed")
    DEACTIVATE_MEMBER = "deactivate member", N_("Member left")
    IMPORT_MEMBERS = "import members", N_("Members imported")
    ADD_CONTRACT = "add contract", N_("Land contract added")
    RENEWED = "renewed", N_("Land contract renewed")
    TERMINATE_CONTRACT = "terminate contract", N_("Land contract ended")
    IMPORT_CONTRACTS = "import contracts", N_("Land contracts imported")
    ADD_SHARE_LOT = "add share lot", N_("Share lot added")
    IMPORT_SHARE_LOTS = "import share lots", N_("Share lots imported")
    TRANSFER_INHERITANCE = "transfer (inheritance)", N_("Shares transferred (inheritance)")
    TRANSFER_GIFT = "transfer (gift)", N_("Shares transferred (gift)")
    TRANSFER_SPLIT = "transfer (split)", N_("Shares transferred (household split)")
    RED_FUND_MATURED = "red fund matured", N_("Red fund matured")
    # vouchers and periods
    ADD_VOUCHER = "add voucher", N_("Voucher prepared")
    EDIT_VOUCHER = "edit voucher", N_("Draft voucher changed")
    DELETE_VOUCHER = "delete voucher", N_("Draft voucher deleted")
    REVIEW_VOUCHER = "review voucher", N_("Voucher reviewed")
    UNREVIEW_VOUCHER = "unreview voucher", N_("Voucher review withdrawn")
    POST_VOUCHER = "post voucher", N_("Voucher posted")
    REVERSE_VOUCHER = "reverse voucher", N_("Red reversal posted")
    IMPORT_VOUCHERS = "import vouchers", N_("Vouchers imported")
    CLOSE_PERIOD = "close period", N_("Month closed")
    REOPEN_PERIOD = "reopen period", N_("Month reopened")
    CLOSE_YEAR = "close year", N_("Year closed")
    REOPEN_YEAR = "reopen year", N_("Year reopened")
    RECORD_BALANCE_CHECK = "record balance check", N_("Balance check recorded")
    # the distribution
    SAVE_PLAN = "save plan", N_("Distribution plan saved")
    IMPORT_PLAN = "import plan", N_("Distribution plan imported")
    APPROVE_PLAN = "approve plan", N_("Distribution plan approved")
    DISTRIBUTION_SLIPS = "distribution slips", N_("Slips made")
    PAY_SLIP = "pay slip", N_("Slip paid")
    # year-end packages and the township (issue 18)
    CREATE_ORGANISATION_KEY = "create organisation key", N_("Book's signing key created")
    CREATE_PACKAGE = "create package", N_("Year-end package made")
    REGISTER_VILLAGE = "register village (first package)", N_("Village registered (first package)")
    ACCEPT_NEW_VILLAGE_KEY = "accept new village key", N_("Village's new key accepted")
    UPDATE_VILLAGE = "update village (package)", N_("Village updated (package)")
    REPLACE_PACKAGE = "replace package", N_("Package replaced")
    IMPORT_PACKAGE = "import package", N_("Package received")
    IMPORT_PACKAGE_REPLACING = "import package (replacing)", N_("Package received (replacing)")


#: Audit actions that carry a value after a fixed beginning (``close year 2014``): the
#: beginning, the label (``{rest}`` is what follows) and the vocabulary naming that value
#: (None: shown as it is).
AUDIT_ACTION_PREFIXES: tuple[tuple[str, str, type[Term] | None], ...] = (
    ("close year ", N_("Year closed: {rest}"), None),
    ("commit distribution ", N_("Distribution committed: {rest}"), None),
    ("reverse distribution ", N_("Distribution reversed: {rest}"), None),
    ("load chart ", N_("Chart of accounts loaded: {rest}"), Chart),
    ("pay ", N_("Paid: {rest}"), None),
    ("reversed by #", N_("Reversed by voucher #{rest}"), None),
)


class AuditEntity(Term):
    """The kind of record an audit entry is about."""

    ORGANISATION = "organisation", N_("Book")
    BOOK = "book", N_("Book file")
    ACCOUNT = "account", N_("Account")
    MEMBER = "member", N_("Member")
    LAND_CONTRACT = "land_contract", N_("Land contract")
    SHARE_LOT = "share_lot", N_("Share lot")
    VOUCHER = "voucher", N_("Voucher")
    DISTRIBUTION_PLAN = "distribution_plan", N_("Distribution plan")
    DISTRIBUTION = "distribution", N_("Distribution")
    DISTRIBUTION_ITEM = "distribution_item", N_("Slip")
    BALANCE_CHECK = "balance_check", N_("Balance check")
    PERIOD = "period", N_("Month")
    FISCAL_YEAR = "fiscal_year", N_("Year")
    OPENING = "opening", N_("Opening balances")
    SETTING = "setting", N_("Setting")
    APP_USER = "app_user", N_("User")
    BACKUP = "backup", N_("Backup")
    LEDGER = "ledger", N_("Ledger")
    ORGANISATION_KEY = "organisation_key", N_("Signing key")
    PACKAGE = "package", N_("Year-end package")
    TOWNSHIP_VILLAGE = "township_village", N_("Village (township)")
    TOWNSHIP_PACKAGE = "township_package", N_("Received package")
