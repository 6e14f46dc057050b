"""The plain values a printed paper is made from. The service layer fills them; the
renderers print them and check the totals they show.

Money is an ``int`` of fen, areas an ``int`` of ten-thousandths of a mu (``area_e4``), dates
``datetime.date``; nothing here is a float, a database row or a Qt object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SlipContract:
    """One land transfer contract on a dividend slip: area × rent (× days) = fee."""

    code: str
    parcel: str
    area_e4: int
    rent_per_mu_fen: int
    active_days: int
    days_in_year: int
    fee_fen: int


@dataclass(frozen=True, slots=True)
class Slip:
    """A holder's dividend slip (收益分配通知单 / 分红领款单) for one year.

    ``land_fee_fen`` must equal the sum of the contracts' fees. ``wages_fen`` were paid during
    the year and are printed for information only: the slip pays ``total_fen`` =
    land fee + return by transactions + dividend. On a cooperative book (``cooperative``)
    the return has its own line with the member's ``transactions_fen``; ``dividend_rate``
    and ``return_rate`` are the announced per-share rates ("8.7003", None with the
    largest-remainder split).
    """

    org_name: str
    year: int
    slip_no: str
    member_code: str
    member_name: str
    group: str
    contracts: tuple[SlipContract, ...]
    share_capital_fen: int
    dividend_fen: int
    land_fee_fen: int
    wages_fen: int
    approved_on: dt.date
    published_on: dt.date
    check_code: str
    payment_method_hint: str = ""
    certificate_no: str = ""
    preparer: str = ""
    reviewer: str = ""
    cooperative: bool = False
    transaction_return_fen: int = 0
    transactions_fen: int = 0
    #: Who paid the slip (出纳), once it is paid.
    cashier: str = ""
    #: The ledger's fingerprint (账套指纹) when printed: its audit chain head.
    fingerprint: str = ""
    dividend_rate: str | None = None
    return_rate: str | None = None

    @property
    def total_fen(self) -> int:
        """What this slip pays: land fee + return + dividend (wages are not included)."""
        return self.land_fee_fen + self.transaction_return_fen + self.dividend_fen


@dataclass(frozen=True, slots=True)
class NoticeRow:
    """One holder on the public notice. Never carries ID or bank numbers."""

    no: int
    member_code: str
    member_name: str
    group: str
    land_fee_fen: int
    dividend_fen: int
    area_e4: int = 0
    share_capital_fen: int = 0
    transaction_return_fen: int = 0
    transactions_fen: int = 0

    @property
    def total_fen(self) -> int:
        """Land fee + return by transactions + dividend."""
        return self.land_fee_fen + self.transaction_return_fen + self.dividend_fen


@dataclass(frozen=True, slots=True)
class Notice:
    """The public notice of a year's distribution (村务公开 收益分配公示).

    ``rows`` list every holder with a fee, a return or a dividend (households, and the
    collective or an organisation when they receive a dividend), so that the table's totals
    equal ``land_fees_fen``, ``transaction_returns_fen`` and ``dividends_fen``; the renderer
    refuses a notice whose table does not add up to its summary. The summary prints the
    result's own fields under the labels of ``distribution.md``; ``dividend_rate`` and
    ``return_rate`` are the announced rates (None with the largest-remainder split);
    ``dividends_by_class`` breaks the dividends down by share class (class codes such as
    ``land``; the renderer names them) and must add up to them; the 四议两公开 record is the plan's.
    """

    org_name: str
    year: int
    distributable_fen: int
    land_fees_fen: int
    loss_made_up_fen: int
    loss_carried_fen: int
    welfare_fen: int
    reserve_fen: int
    dividends_fen: int
    undistributed_fen: int
    rows: tuple[NoticeRow, ...]
    approved_on: dt.date
    published_on: dt.date
    notice_days: int
    objection_phone: str = ""
    preparer: str = ""
    accountant: str = ""
    reviewer: str = ""
    cooperative: bool = False
    undistributed_in_fen: int = 0
    loss_in_fen: int = 0
    transaction_returns_fen: int = 0
    dividend_rate: str | None = None
    return_rate: str | None = None
    no_transactions: bool = False
    dividends_by_class: tuple[tuple[str, int], ...] = ()  # (share class, fen)
    proposed_by: str = ""
    meeting: str = ""
    vote: str = ""
    resolution: str = ""
    publication: str = ""
    #: The organisation's signing-key fingerprint (year-end packages), printed on every page.
    key_fingerprint: str = ""
    #: The ledger's fingerprint (账套指纹) when printed: its audit chain head.
    fingerprint: str = ""

    @property
    def net_income_fen(self) -> int:
        """本年收益（盈余）: the operating result less the land fees."""
        return self.distributable_fen - self.land_fees_fen

    @property
    def available_fen(self) -> int:
        """可分配收益（盈余）."""
        return self.net_income_fen + self.undistributed_in_fen - self.loss_in_fen


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a statement.

    ``amounts`` has one entry per column; ``None`` prints an empty cell, and an empty tuple
    makes a heading line (e.g. ``流动资产：``). ``level`` indents the name (sub-accounts).

    A line with ``is_total`` is checked before anything is printed: with ``total_of`` it
    must equal the signed sum of the lines whose ``code`` is listed (``"-32"`` subtracts
    line ``32``); without it, the sum of the non-total lines of the same level since the
    previous total line of that level.
    """

    code: str
    name: str
    amounts: tuple[int | None, ...]
    level: int = 0
    is_total: bool = False
    total_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """A year-end statement: balance sheet, income and distribution, trial balance.

    ``columns`` are the amount column headings; ``column_groups`` optionally puts a heading
    over consecutive columns (``(("期初余额", 2), ("本期发生额", 2), ("期末余额", 2))``).
    With ``right_lines`` the statement prints as two halves side by side (the balance sheet:
    assets left, liabilities and equity right, each with ``columns``).
    """

    kind: str
    org_name: str
    title: str
    period_label: str
    columns: tuple[str, ...]
    lines: tuple[StatementLine, ...]
    right_lines: tuple[StatementLine, ...] = ()
    column_groups: tuple[tuple[str, int], ...] = ()
    item_header: str = "项目"
    right_item_header: str = ""
    code_header: str = "行次"
    #: The code column before the item (科目余额表: 科目编码 first), not after it (行次).
    code_first: bool = False
    form_no: str = ""
    preparer: str = ""
    reviewer: str = ""
    note: str = ""
    #: The organisation's signing-key fingerprint (year-end packages), printed on every page.
    key_fingerprint: str = ""
    #: The ledger's fingerprint (账套指纹) when printed: its audit chain head.
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class VoucherLinePrint:
    """One voucher line. A red (reversal) line has a negative amount on its side."""

    memo: str
    account_code: str
    account_name: str
    member_name: str
    debit_fen: int
    credit_fen: int


@dataclass(frozen=True, slots=True)
class VoucherPrint:
    """A voucher (记账凭证) as printed. Its debits must equal its credits."""

    org_name: str
    number_label: str
    date: dt.date
    attachments: int
    lines: tuple[VoucherLinePrint, ...]
    preparer: str
    reviewer: str
    poster: str
    is_reversal: bool = False
    reverses_label: str = ""
    cashier: str = ""


@dataclass(frozen=True, slots=True)
class MemberStatementRow:
    """One ledger line on a member's statement; ``balance_fen`` is debit-positive. An
    ``information`` line (wages, other income) is printed for the member's information
    and never enters the balance (its ``balance_fen`` repeats the balance before it)."""

    date: dt.date
    voucher_label: str
    memo: str
    account_name: str
    debit_fen: int
    credit_fen: int
    balance_fen: int
    information: bool = False


@dataclass(frozen=True, slots=True)
class MemberStatement:
    """One member's lines for a period, with a running balance (debit-positive: a negative
    balance is owed to the member and prints as 贷). ``title`` defaults to 成员往来对账单;
    ``accounts_label`` names the accounts the balance is kept on (内部往来、应付款)."""

    org_name: str
    member_code: str
    member_name: str
    group: str
    period_label: str
    opening_fen: int
    rows: tuple[MemberStatementRow, ...]
    closing_fen: int
    title: str = ""
    accounts_label: str = ""


@dataclass(frozen=True, slots=True)
class MemberAccountEntry:
    """One line of a cooperative member's account (成员账户, statements.md §3.5): money in
    fen, ``quantity_e4`` the transactions' quantity (亩 of land transferred, in
    ten-thousandths) or None when the transactions have no quantity."""

    date: dt.date
    memo: str
    contribution_fen: int = 0
    reserve_share_fen: int = 0
    subsidy_share_fen: int = 0
    donation_share_fen: int = 0
    quantity_e4: int | None = None
    transactions_fen: int = 0
    returns_fen: int = 0
    surplus_fen: int = 0


@dataclass(frozen=True, slots=True)
class MemberAccount:
    """A member's account page for a period: the balances at its start (年初余额: the
    contribution, reserve and subsidy shares held; the flow columns start at 0), the
    entries, and the closing balances and totals (年末余额/总额)."""

    org_name: str
    member_code: str
    member_name: str
    address: str
    period_label: str
    opening: MemberAccountEntry
    entries: tuple[MemberAccountEntry, ...]
    closing: MemberAccountEntry
    preparer: str = ""


def direction(balance: int) -> str:
    """借 / 贷 / 平: the side a (debit − credit) balance lies on."""
    return "借" if balance > 0 else "贷" if balance < 0 else "平"


@dataclass(frozen=True, slots=True)
class BookLine:
    """One line of a book (明细账, 日记账, 总账).

    ``kind``: ``opening`` (上年结转 / 期初余额), ``entry``, ``month`` (本月合计) or ``year``
    (本年累计). ``balance`` is debit − credit after the line; it prints as its absolute value
    beside `direction`. ``counter`` is the 对方科目 of a day-book entry."""

    kind: str
    date: dt.date | None
    voucher: str
    voucher_id: int | None
    memo: str
    debit: int
    credit: int
    balance: int
    counter: str = ""

    @property
    def direction(self) -> str:
        return direction(self.balance)

    @property
    def is_total(self) -> bool:
        return self.kind != "entry"


@dataclass(frozen=True, slots=True)
class BookPrint:
    """A book to print: its title (明细账 …), the account (and member), the year and its lines
    (an iterable, streamed page by page: ``line_count`` says how many)."""

    title: str
    org_name: str
    year: int
    account: str
    lines: Iterable[BookLine]
    line_count: int
    member: str = ""
    counterpart: bool = False
    preparer: str = ""


@dataclass(frozen=True, slots=True)
class ReconciliationPrint:
    """银行存款余额调节表: both sides adjusted to the same balance."""

    org_name: str
    account: str
    on: dt.date
    ledger_balance: int
    bank_in_not_booked: int
    bank_out_not_booked: int
    statement_balance: int
    booked_in_not_bank: int
    booked_out_not_bank: int
    items: tuple[tuple[str, int, str], ...]
    preparer: str = ""
    reviewer: str = ""

    @property
    def adjusted_ledger(self) -> int:
        return self.ledger_balance + self.bank_in_not_booked - self.bank_out_not_booked

    @property
    def adjusted_statement(self) -> int:
        return self.statement_balance + self.booked_in_not_bank - self.booked_out_not_bank
