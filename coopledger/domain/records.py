"""The records of the registers, each with its field table (`domain.fields`): a member, a
land transfer contract, a share lot and an account of the chart.

One class per concept: the book file, the roster reader, the forms and the services all
hold these (a list row adds its id; see ``store.lists``). Each attribute declares its
`Field`: its key in book files and forms, its rule, its label, the spreadsheet headers that
name it and its column. Cross-field rules are the class's ``checks``.

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from coopledger.domain.errors import N_
from coopledger.domain.fields import Field, Kind, RecordCheck, field, shown
from coopledger.domain.money import AREA_SCALE, MAX_MONEY_FEN, fen_to_str
from coopledger.domain.vocabulary import (
    AccountKind,
    Chart,
    ContractStatus,
    DividendMethod,
    MemberKind,
    ShareClass,
    TransactionBasis,
    TransferKind,
)

__all__ = [
    "AccountRecord",
    "ContractRecord",
    "MemberRecord",
    "OrganisationRecord",
    "PlanRecord",
    "ShareLotRecord",
]

Problems = Iterator[tuple[str, str, dict[str, object]]]


# -- members ------------------------------------------------------------------------------


def _inactive_only_when_left(v: Mapping[str, Any]) -> Problems:
    if v.get("active") is True:
        for attr in ("inactive_on", "inactive_reason"):
            value = v.get(attr)
            if value is not None and value != "":
                yield (
                    attr,
                    N_('is only allowed when "active" is false (got {got})'),
                    {"got": shown(value)},
                )


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A member: a household (农户), the collective (村集体) or an organisation (the Party
    branch). Free text is ``""`` when absent; `id_number` (upper-case X) is None."""

    code: str = field(
        Field("code", Kind.CODE, N_("Code"), required=True, headers=("户号", "编号", "成员编号"))
    )
    name: str = field(
        Field(
            "name",
            Kind.TEXT,
            N_("Name"),
            required=True,
            max_length=100,
            headers=("户主姓名", "姓名", "户主"),
        )
    )
    kind: MemberKind = field(
        Field("kind", Kind.CHOICE, N_("Kind"), required=True, choices=MemberKind),
        default=MemberKind.HOUSEHOLD,
    )
    group: str = field(
        Field(
            "group",
            Kind.TEXT,
            N_("村民小组 Group"),
            max_length=50,
            headers=("村民小组", "小组", "组别"),
            column="group_name",
        )
    )
    id_number: str | None = field(
        Field(
            "id_number",
            Kind.RESIDENT_ID,
            N_("Resident ID number"),
            default=None,
            headers=("身份证号", "身份证号码"),
        )
    )
    phone: str = field(
        Field("phone", Kind.TEXT, N_("Phone"), max_length=40, headers=("电话", "联系电话", "手机"))
    )
    bank_account: str = field(
        Field(
            "bank_account",
            Kind.BANK_ACCOUNT,
            N_("Bank card"),
            headers=("银行卡号", "惠农卡号", "一卡通"),
        )
    )
    address: str = field(Field("address", Kind.TEXT, N_("Address"), headers=("地址", "住址")))
    notes: str = field(Field("notes", Kind.NOTE, N_("Notes"), headers=("备注",)))
    active: bool = field(Field("active", Kind.FLAG, N_("Active"), default=True))
    inactive_on: dt.date | None = field(
        Field("inactive_on", Kind.DATE, N_("Left on"), default=None)
    )
    inactive_reason: str = field(Field("inactive_reason", Kind.TEXT, N_("Reason")))

    checks: ClassVar[tuple[RecordCheck, ...]] = (_inactive_only_when_left,)


# -- land contracts -----------------------------------------------------------------------


def _end_not_before_start(v: Mapping[str, Any]) -> Problems:
    start, end = v.get("start"), v.get("end")
    if start is not None and end is not None and end < start:
        yield (
            "end",
            N_("must not be before start {start} (got {got})"),
            {"start": start.isoformat(), "got": end.isoformat()},
        )


def _terminated_within_term(v: Mapping[str, Any]) -> Problems:
    start, end, on = v.get("start"), v.get("end"), v.get("terminated_on")
    if on is not None and start is not None and end is not None and not start <= on <= end:
        yield (
            "terminated_on",
            N_("must be between start {start} and end {end} (got {got})"),
            {"start": start.isoformat(), "end": end.isoformat(), "got": on.isoformat()},
        )


def _yearly_amounts_bounded(v: Mapping[str, Any]) -> Problems:
    """A contract's yearly rent and land share (area × the amount per mu) are amounts like
    any other: within `money.MAX_MONEY_FEN`, so that every sum of them fits."""
    area = v.get("area_e4")
    if area is None:
        return
    for attr, key in (
        ("rent_per_mu_fen", "rent_per_mu"),
        ("share_value_per_mu_fen", "share_value_per_mu"),
    ):
        per_mu = v.get(attr)
        if per_mu is not None and area * per_mu > MAX_MONEY_FEN * AREA_SCALE:
            yield (
                key,
                N_("area × this amount per mu is {got}, more than the largest amount {max}"),
                {"got": fen_to_str(area * per_mu // AREA_SCALE), "max": fen_to_str(MAX_MONEY_FEN)},
            )


@dataclass(frozen=True, slots=True)
class ContractRecord:
    """A land transfer contract (土地流转合同). `end` is the agreed end; `terminated_on` an
    early end (the last day the contract ran). Money in fen, area in ten-thousandths of a
    mu. `member` is the household's code."""

    code: str = field(
        Field("code", Kind.CODE, N_("Contract code"), required=True, headers=("合同编号", "编号"))
    )
    member: str = field(
        Field(
            "member",
            Kind.REF,
            N_("Household"),
            required=True,
            headers=("户号", "成员编号"),
            column="",
        )
    )
    parcel: str = field(
        Field(
            "parcel",
            Kind.TEXT,
            N_("Parcel"),
            required=True,
            max_length=100,
            headers=("地块", "地块名称"),
        )
    )
    area_e4: int = field(
        Field(
            "area_mu",
            Kind.AREA,
            N_("Area (mu)"),
            required=True,
            positive=True,
            headers=("面积(亩)", "面积"),
        )
    )
    rent_per_mu_fen: int = field(
        Field(
            "rent_per_mu",
            Kind.MONEY,
            N_("Rent per mu"),
            required=True,
            headers=("单价(元/亩)", "租金(元/亩)", "流转费(元/亩)"),
        )
    )
    share_value_per_mu_fen: int = field(
        Field(
            "share_value_per_mu",
            Kind.MONEY,
            N_("Share value per mu"),
            required=True,
            headers=("折股(元/亩)", "折股单价", "入股价值(元/亩)"),
        )
    )
    start: dt.date = field(
        Field(
            "start",
            Kind.DATE,
            N_("Start"),
            required=True,
            headers=("起始日期", "开始日期"),
            column="start_on",
        )
    )
    end: dt.date = field(
        Field(
            "end",
            Kind.DATE,
            N_("End"),
            required=True,
            headers=("终止日期", "结束日期"),
            column="agreed_end_on",
        )
    )
    location: str = field(
        Field(
            "location",
            Kind.TEXT,
            N_("Location / boundaries (四至)"),
            headers=("位置", "坐落", "四至"),
        )
    )
    status: ContractStatus | None = field(
        Field(
            "status",
            Kind.CHOICE,
            N_("Status"),
            default=None,
            choices=ContractStatus,
            column="",
        )
    )
    renews: str | None = field(Field("renews", Kind.REF, N_("Renews"), default=None, column=""))
    terminated_on: dt.date | None = field(
        Field("terminated_on", Kind.DATE, N_("Terminated on"), default=None, column="")
    )
    notes: str = field(Field("notes", Kind.NOTE, N_("Notes"), headers=("备注",)))

    checks: ClassVar[tuple[RecordCheck, ...]] = (
        _end_not_before_start,
        _terminated_within_term,
        _yearly_amounts_bounded,
    )

    @property
    def effective_end(self) -> dt.date:
        """The last day the contract actually ran: `terminated_on` when given, else `end`."""
        return self.terminated_on if self.terminated_on is not None else self.end

    @property
    def effective_status(self) -> ContractStatus:
        """Its status as stored: as given, else terminated when it ended early, else active."""
        if self.status is not None:
            return self.status
        return ContractStatus.TERMINATED if self.terminated_on else ContractStatus.ACTIVE


# -- share lots ---------------------------------------------------------------------------


def _red_fund_rules(v: Mapping[str, Any]) -> Problems:
    share_class = v.get("share_class")
    if share_class == ShareClass.RED_FUND and "end" in v and v["end"] is None:
        yield (
            "end",
            N_(
                "a red fund stake has a fixed term: give its end date, when its principal is returned"
            ),
            {},
        )
    if (
        v.get("lender") is not None
        and share_class is not None
        and share_class != ShareClass.RED_FUND
    ):
        yield (
            "lender",
            N_('is only allowed on red_fund lots (this lot\'s class is "{got}")'),
            {"got": str(share_class)},
        )


def _transfer_kind_with_source(v: Mapping[str, Any]) -> Problems:
    if v.get("transfer_kind") is not None and v.get("transferred_from") is None:
        yield (
            "transfer_kind",
            N_('is only allowed with "transferred_from" (got {got})'),
            {"got": shown(str(v["transfer_kind"]))},
        )


@dataclass(frozen=True, slots=True)
class ShareLotRecord:
    """A block of share capital (股本) held by one member from `start` to `end` (None: open).
    Land lots are not share lots: they follow from the contracts."""

    code: str = field(Field("code", Kind.CODE, N_("Lot code"), required=True))
    holder: str = field(Field("holder", Kind.REF, N_("Holder"), required=True, column=""))
    share_class: ShareClass = field(
        Field(
            "class",
            Kind.CHOICE,
            N_("Class"),
            required=True,
            choices=ShareClass,
            allowed=tuple(c.value for c in ShareClass.stored()),
        )
    )
    amount_fen: int = field(
        Field("amount", Kind.MONEY, N_("Amount (yuan)"), required=True, positive=True)
    )
    start: dt.date = field(Field("start", Kind.DATE, N_("Start"), required=True, column="start_on"))
    end: dt.date | None = field(
        Field("end", Kind.DATE, N_("End"), default=None, column="end_on", written=True)
    )
    lender: str | None = field(
        Field("lender", Kind.REF, N_("Lender (red fund)"), default=None, column="")
    )
    transferred_from: str | None = field(
        Field("transferred_from", Kind.REF, N_("Transferred from"), default=None, column="")
    )
    transfer_kind: TransferKind | None = field(
        Field("transfer_kind", Kind.CHOICE, N_("Transfer"), default=None, choices=TransferKind)
    )
    notes: str = field(Field("notes", Kind.NOTE, N_("Notes")))

    checks: ClassVar[tuple[RecordCheck, ...]] = (
        _end_not_before_start,
        _red_fund_rules,
        _transfer_kind_with_source,
    )


# -- accounts -----------------------------------------------------------------------------


def _digits_only(v: Mapping[str, Any]) -> Problems:
    code = v.get("code")
    if code is not None and not (code.isascii() and code.isdigit()):
        yield ("code", N_('must be digits only, such as "50101" (got {got})'), {"got": shown(code)})


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """An account a book adds to (or repeats from) its chart."""

    code: str = field(Field("code", Kind.CODE, N_("Code"), required=True, max_length=20))
    name: str = field(Field("name", Kind.TEXT, N_("Name"), required=True, max_length=100))
    kind: AccountKind = field(
        Field("kind", Kind.CHOICE, N_("Kind"), required=True, choices=AccountKind)
    )

    checks: ClassVar[tuple[RecordCheck, ...]] = (_digits_only,)


# -- distribution plans -------------------------------------------------------------------


def _published_not_before_approved(v: Mapping[str, Any]) -> Problems:
    approved, published = v.get("approved_on"), v.get("published_on")
    if approved is not None and published is not None and published < approved:
        yield (
            "published_on",
            N_("must not be before approved_on {approved} (got {got})"),
            {"approved": approved.isoformat(), "got": shown(published.isoformat())},
        )


@dataclass(frozen=True, slots=True)
class PlanRecord:
    """A year's distribution plan (收益分配方案) with its 四议两公开 record: the book file's
    ``plans[]``, the window's plan form and ``plan set`` all read it through this table.
    Rates in ten-thousandths. The transaction fields belong to ``cooperative-2021`` books
    (None when not given; the chart's rules, and its defaults, are
    ``distribution.plan_problems`` and the readers'), ``transactions`` only with the basis
    ``table``: ((member code, fen), ...) in the order given.
    """

    year: int = field(
        Field("year", Kind.INTEGER, N_("Year"), required=True, minimum=1900, maximum=9999),
        default=0,
    )
    welfare_rate_e4: int = field(
        Field("welfare_rate", Kind.RATE, N_("Welfare fund rate (公益金)"), default=0, written=True)
    )
    reserve_rate_e4: int = field(
        Field("reserve_rate", Kind.RATE, N_("Reserve fund rate (公积金)"), default=0, written=True)
    )
    approved_on: dt.date | None = field(
        Field("approved_on", Kind.DATE, N_("Adopted on"), default=None)
    )
    published_on: dt.date | None = field(
        Field("published_on", Kind.DATE, N_("Published on"), default=None)
    )
    proposed_by: str = field(Field("proposed_by", Kind.TEXT, N_("Proposed by")))
    meeting: str = field(Field("meeting", Kind.TEXT, N_("Meeting")))
    resolution: str = field(Field("resolution", Kind.NOTE, N_("Resolution")))
    vote: str = field(Field("vote", Kind.TEXT, N_("Attendance and votes")))
    notice: str = field(Field("notice", Kind.TEXT, N_("Publication")))
    notes: str = field(Field("notes", Kind.NOTE, N_("Notes")))

    dividend_method: DividendMethod = field(
        Field(
            "dividend_method",
            Kind.CHOICE,
            N_("Dividend split"),
            default=DividendMethod.PER_SHARE,
            choices=DividendMethod,
            written=True,
        )
    )
    transaction_rate_e4: int | None = field(
        Field("transaction_rate", Kind.RATE, N_("Returned by transactions"), default=None)
    )
    transaction_basis: TransactionBasis | None = field(
        Field(
            "transaction_basis",
            Kind.CHOICE,
            N_("Transactions are"),
            default=None,
            choices=TransactionBasis,
        )
    )
    transactions: tuple[tuple[str, int], ...] | None = field(
        Field("transactions", Kind.AMOUNTS, N_("Transactions"), default=None, column="")
    )

    checks: ClassVar[tuple[RecordCheck, ...]] = (_published_not_before_approved,)

    @property
    def transaction_fields(self) -> list[str]:
        """The transaction fields this plan gives (refused on a village book)."""
        given = [
            ("transaction_rate", self.transaction_rate_e4 is not None),
            ("transaction_basis", self.transaction_basis is not None),
            ("transactions", self.transactions is not None),
        ]
        return [name for name, present in given if present]


# -- organisations ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    """A book's organisation: a village collective or a cooperative, and its chart."""

    name: str = field(
        Field("name", Kind.TEXT, N_("Name"), required=True, max_length=100), default=""
    )
    village: str = field(Field("village", Kind.TEXT, N_("Village"), max_length=50))
    township: str = field(Field("township", Kind.TEXT, N_("Township"), max_length=50))
    county: str = field(Field("county", Kind.TEXT, N_("County"), max_length=50))
    chart: Chart = field(
        Field(
            "chart",
            Kind.CHOICE,
            N_("Accounting system"),
            default=Chart.VILLAGE_2023,
            choices=Chart,
            written=True,
        )
    )


# -- the other texts a user types -----------------------------------------------------------
# Single fields read by the same rule as every record's (`fields.read_value`): what they
# are called, their kind, their length.

#: A voucher's summary (摘要) and a line's.
VOUCHER_MEMO: Field = Field("memo", Kind.TEXT, N_("Summary"), max_length=200)
LINE_MEMO: Field = Field("memo", Kind.TEXT, N_("Line summary"), max_length=200)
#: Why an act that undoes something is done (reopening a month or a year, a roll-back).
REASON: Field = Field("reason", Kind.NOTE, N_("Reason"), required=True, max_length=1000)
#: A person's name as papers print it (制单, 审核 …).
DISPLAY_NAME: Field = Field("display_name", Kind.TEXT, N_("Full name"), max_length=50)
#: A log-in name.
USERNAME: Field = Field("username", Kind.CODE, N_("User name"), required=True, max_length=32)
#: A setting's value, and a short note (a balance check's).
SETTING_VALUE: Field = Field("value", Kind.TEXT, N_("Setting value"), max_length=500)
NOTE: Field = Field("note", Kind.TEXT, N_("Note"), max_length=500)
#: An amount on a voucher line (debit or credit): money, within the bound of every amount.
LINE_AMOUNT: Field = Field("amount", Kind.MONEY, N_("Amount"))
#: A year given on its own (``--year``): a year the calendar and the database both hold.
YEAR: Field = Field("year", Kind.INTEGER, N_("Year"), required=True, minimum=1900, maximum=9999)
#: A whole number the program passes to the database (an id, a count): 64 bits at most.
WHOLE_NUMBER: Field = Field(
    "number", Kind.INTEGER, N_("Number"), minimum=-(2**63), maximum=2**63 - 1
)
