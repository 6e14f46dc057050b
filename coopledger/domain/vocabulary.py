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
    "ApprovalAct",
    "AssetCategory",
    "AssetChangeKind",
    "AssetSource",
    "AssetStatus",
    "AuditAction",
    "AuditEntity",
    "CertificateKind",
    "Chart",
    "ContractStatus",
    "DepreciationMethod",
    "DisclosureCategory",
    "DistributionState",
    "MemberAux",
    "MemberKind",
    "NormalSide",
    "PaymentMethod",
    "PeriodKind",
    "Permission",
    "RequestState",
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
    #: The month's depreciation run (one voucher per month).
    DEPRECIATION = "depreciation", N_("Depreciation")
    #: A change of a fixed asset: improvement, loss reported, write-off, disposal.
    ASSET = "asset", N_("Fixed asset change")

    @classmethod
    def entered(cls) -> tuple[VoucherSource, ...]:
        """The sources of vouchers a person entered; the program makes the others again
        from the records."""
        return (cls.MANUAL, cls.IMPORT)

    @classmethod
    def exported(cls) -> tuple[VoucherSource, ...]:
        """The sources of vouchers a book file carries: those a person entered, and those
        of the fixed-asset register (depreciation, asset changes), whose cards a book file
        does not hold, so their postings travel as plain vouchers."""
        return (*cls.entered(), cls.DEPRECIATION, cls.ASSET)


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
    """An act a service performs, checked against the one role × act table
    (``domain/roles.py: ACTS``); the label completes "... may not {label}"."""

    PREPARE_VOUCHER = "prepare_voucher", N_("prepare vouchers")
    REVIEW_VOUCHER = "review_voucher", N_("review vouchers")
    POST_VOUCHER = "post_voucher", N_("post vouchers")
    REVERSE_VOUCHER = "reverse_voucher", N_("reverse vouchers")
    #: The batch review (复核) of imported vouchers.
    REVIEW_IMPORT = "review_import", N_("review imported vouchers")
    CLOSE_PERIOD = "close_period", N_("close periods")
    REOPEN_PERIOD = "reopen_period", N_("reopen periods")
    #: Ask for a closed year to be reopened (反结账 of a year-end close), with a reason.
    REOPEN_YEAR = "reopen_year", N_("reopen a closed year")
    #: Members, contracts, share lots and imports.
    MANAGE_REGISTERS = "manage_registers", N_("change members, contracts, share lots or imports")
    #: Add a book (an organisation with its chart).
    MANAGE_ORGANISATIONS = "manage_organisations", N_("add organisations")
    PREPARE_PLAN = "prepare_plan", N_("prepare distribution plans")
    APPROVE_PLAN = "approve_plan", N_("approve distribution plans")
    #: Commit a year's distribution, and ask for one to be reversed.
    RUN_DISTRIBUTION = "run_distribution", N_("commit or reverse distributions")
    RECORD_PAYMENT = "record_payment", N_("record payments")
    #: Ask for a recorded payment to be reversed.
    REVERSE_PAYMENT = "reverse_payment", N_("reverse payments")
    #: Approve (or reject) another person's request: a reversal, a reopened year.
    APPROVE_REQUEST = "approve_request", N_("approve reversals and reopened years")
    PRINT = "print", N_("print")
    VERIFY = "verify", N_("verify the ledger")
    BACKUP = "backup", N_("back up the ledger")
    RESTORE = "restore", N_("restore a backup")
    MANAGE_USERS = "manage_users", N_("manage users")
    #: A book's own settings (notice period, wage accounts, objections telephone).
    BOOK_SETTINGS = "book_settings", N_("change a book's settings")
    #: The database-wide settings (language, backup folder).
    MANAGE_SETTINGS = "manage_settings", N_("change settings")
    READ = "read", N_("read the ledger")
    #: The fixed-asset register and its changes (improvement, transfer, loss, disposal).
    MANAGE_ASSETS = "manage_assets", N_("change the fixed-asset register")
    #: Post (or reverse) a month's depreciation.
    RUN_DEPRECIATION = "run_depreciation", N_("run the monthly depreciation")
    #: Record that a period's finances were posted on the notice board (财务公开).
    PUBLISH_FINANCES = "publish_finances", N_("record the publication of the finances")
    #: Issue and reprint share certificates (股权证).
    ISSUE_CERTIFICATES = "issue_certificates", N_("issue share certificates")


# -- fixed assets (固定资产卡片) --------------------------------------------------------------


class AssetCategory(Term):
    """What kind of asset a card holds. Fixed assets post to 固定资产 / 累计折旧, productive
    biological assets (生产性生物资产) to their own pair of accounts, and long-term
    investments (长期投资 / 对外投资) are kept on the register (资产台账) but never
    depreciated."""

    BUILDINGS = "buildings", N_("Buildings and structures")
    MACHINERY = "machinery", N_("Machinery and equipment")
    VEHICLES = "vehicles", N_("Vehicles")
    FACILITIES = "facilities", N_("Farm and water facilities")
    OFFICE = "office", N_("Office equipment and furniture")
    OTHER_FIXED = "other_fixed", N_("Other fixed assets")
    BIOLOGICAL = "biological", N_("Productive biological assets")
    INVESTMENT = "investment", N_("Long-term investments")

    @property
    def is_biological(self) -> bool:
        return self is AssetCategory.BIOLOGICAL

    @property
    def is_investment(self) -> bool:
        return self is AssetCategory.INVESTMENT


class AssetSource(Term):
    """How the organisation came to hold an asset."""

    PURCHASED = "purchased", N_("Bought")
    BUILT = "built", N_("Built")
    PROJECT_FUND = "project_fund", N_("Project funds")
    DONATED = "donated", N_("Donated")
    OTHER = "other", N_("Other")


class DepreciationMethod(Term):
    """How a card depreciates: straight-line (年限平均法), by units of work (工作量法), or not
    at all (land, investments, assets kept at a nominal amount)."""

    STRAIGHT_LINE = "straight_line", N_("Straight-line")
    UNITS_OF_WORK = "units_of_work", N_("Units of work")
    NONE = "none", N_("Not depreciated")


class AssetStatus(Term):
    """Where a card stands."""

    IN_USE = "in_use", N_("In use")
    #: Found damaged or missing; its net value waits in 待处理财产损溢 for approval.
    LOSS_PENDING = "loss_pending", N_("Loss awaiting write-off")
    WRITTEN_OFF = "written_off", N_("Written off")
    DISPOSED = "disposed", N_("Disposed of")


class AssetChangeKind(Term):
    """A change recorded on a card."""

    IMPROVEMENT = "improvement", N_("Improvement")
    TRANSFER = "transfer", N_("Transfer")
    LOSS = "loss", N_("Loss reported")
    WRITE_OFF = "write_off", N_("Write-off")
    DISPOSAL = "disposal", N_("Disposal")


# -- papers -------------------------------------------------------------------------------


class PeriodKind(Term):
    """The span a 财务公开表 covers."""

    MONTH = "month", N_("Month")
    QUARTER = "quarter", N_("Quarter")


class DisclosureCategory(Term):
    """The categories of 农经发〔2011〕13号 a ledger can fill, in the order they are shown."""

    INCOME = "income", N_("Income")
    EXPENDITURE = "expenditure", N_("Expenditure")
    ASSETS = "assets", N_("Assets")
    DEBTS = "debts", N_("Receivables and payables")
    DISTRIBUTION = "distribution", N_("Income distribution")
    OTHER = "other", N_("Other")


class CertificateKind(Term):
    """Why a share certificate was printed."""

    ISSUE = "issue", N_("Issued")
    REPRINT = "reprint", N_("Reprint")


# -- second person ------------------------------------------------------------------------


class ApprovalAct(Term):
    """The acts that one person asks for and a second person approves (maker–checker);
    approving performs the act (``services/approvals.py``)."""

    REVERSE_DISTRIBUTION = "reverse_distribution", N_("reverse the distribution of a year")
    REVERSE_PAYMENT = "reverse_payment", N_("reverse a payment")
    REOPEN_YEAR = "reopen_year", N_("reopen a closed year")


class RequestState(Term):
    """Where a request for a second person's approval stands."""

    PENDING = "pending", N_("Waiting for approval")
    APPROVED = "approved", N_("Approved and done")
    REJECTED = "rejected", N_("Rejected")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


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
    # a second person (issue 15)
    REVERSE_PAYMENT = "reverse payment", N_("Payment reversed")
    UNPAY_SLIP = "unpay slip", N_("Slip unpaid again")
    IMPORT_BATCH = "import batch", N_("Import batch recorded")
    REVIEW_IMPORT_BATCH = "review import batch", N_("Import batch reviewed")
    CHANGE_DISPLAY_NAME = "change display name", N_("User's name changed")
    SWITCH_USER = "switch user", N_("User switched")
    # fixed assets, the 财务公开表 and share certificates (issue 19)
    ADD_ASSET = "add asset", N_("Asset card added")
    EDIT_ASSET = "edit asset", N_("Asset card changed")
    DELETE_ASSET = "delete asset", N_("Asset card deleted")
    IMPORT_ASSETS = "import assets", N_("Asset register imported")
    RUN_DEPRECIATION = "run depreciation", N_("Depreciation posted")
    DEPRECIATION_LINES = "depreciation lines", N_("Depreciation of the cards")
    DEPRECIATION_LINES_REVERSED = (
        "depreciation lines reversed",
        N_("Depreciation of the cards reversed"),
    )
    REVERSE_DEPRECIATION = "reverse depreciation", N_("Depreciation reversed")
    ISSUE_CERTIFICATE = "issue certificate", N_("Share certificate issued")
    REPRINT_CERTIFICATE = "reprint certificate", N_("Share certificate reprinted")
    PUBLISH_FINANCES = "publish finances", N_("Finances published (财务公开)")


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
    TOWNSHIP_PACKAGE_FILE = "township_package_file", N_("Received package file")
    USER_ORGANISATION = "user_organisation", N_("User's books")
    APPROVAL_REQUEST = "approval_request", N_("Approval request")
    IMPORT_BATCH = "import_batch", N_("Import batch")
    FIXED_ASSET = "fixed_asset", N_("Asset card")
    ASSET_CHANGE = "asset_change", N_("Asset change")
    DEPRECIATION_RUN = "depreciation_run", N_("Month's depreciation")
    ASSET_DEPRECIATION = "asset_depreciation", N_("Card's depreciation")
    PUBLICATION = "publication", N_("Publication (财务公开)")
    SHARE_CERTIFICATE = "share_certificate", N_("Share certificate")


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
    ("request ", N_("Approval asked: {rest}"), ApprovalAct),
    ("asset voucher: ", N_("Asset voucher: {rest}"), None),
    ("asset ", N_("Asset change: {rest}"), AssetChangeKind),
    ("depreciation ", N_("Depreciation of {rest}"), None),
    ("record ", N_("Recorded: {rest}"), AuditEntity),
)
