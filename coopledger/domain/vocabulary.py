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
    "AccountKind",
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


class DividendMethod(Term):
    """How a pool is split to the fen (distribution.md, "Splitting a pool")."""

    PER_SHARE = "per-share", N_("Per share (one announced rate)")
    LARGEST_REMAINDER = "largest-remainder", N_("Largest remainder (the whole pool)")


class TransactionBasis(Term):
    """What a cooperative member's transactions with the cooperative are, for the returns."""

    LAND_FEES = "land-fees", N_("Its land fees")
    TABLE = "table", N_("A table of transactions in the plan")


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
