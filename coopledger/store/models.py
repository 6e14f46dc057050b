"""The tables. The schema changes only through the Alembic migrations in ``db/versions``;
``tests/store/test_migrations.py`` checks these models and the head migration agree.

Conventions: money is ``BIGINT`` fen in columns named ``*_fen``; areas are ``BIGINT``
ten-thousandths of a mu (``*_e4``); rates are ten-thousandths (``*_e4``). Every table that
belongs to a book carries ``org_id``; only ``organisation``, ``app_user``, ``user_organisation``, ``audit_log``
(its ``org_id`` may be null for database-wide acts), ``writer_lock`` and the township's tables of
the packages it received (``township_*``) are database-wide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import BigInteger, Index, LargeBinary, Table, UniqueConstraint, inspect
from sqlmodel import Field, SQLModel

from coopledger.domain.vocabulary import (
    AssetSource,
    AssetStatus,
    CertificateKind,
    Chart,
    ContractStatus,
    DepreciationMethod,
    DistributionState,
    MemberAux,
    RequestState,
    VoucherSource,
    VoucherState,
)

#: ``Column.info`` key: the value for which a column is left out of a row's recorded state.
STATE_OMITS = "state_omits"


def added_later(value: object, server_default: str | None = None) -> dict[str, Any]:
    """``sa_column_kwargs`` for a column added to a tracked table after its rows were
    recorded in the audit chain: while the column holds ``value`` (what the migration gave
    the rows that already existed) the recorded state leaves it out, so those rows' states
    stay byte for byte what the chain recorded and ``verify`` stays clean. Any other value
    is recorded, and a change either way changes the state. ``server_default`` is the
    column's default in the schema (the migration's ADD COLUMN needs one)."""
    kwargs: dict[str, Any] = {"info": {STATE_OMITS: value}}
    if server_default is not None:
        kwargs["server_default"] = server_default
    return kwargs


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, typed (``Model.__table__`` is untyped on SQLModel)."""
    return cast(Table, inspect(model).local_table)


class Organisation(SQLModel, table=True):
    """One book: a village collective or a cooperative."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    village: str = ""
    township: str = ""
    county: str = ""
    chart: str = Chart.VILLAGE_2023
    created_at: dt.datetime


class Account(SQLModel, table=True):
    """An account of the chart; sub-accounts extend their parent's code and share its kind."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str
    name: str
    kind: str  # AccountKind
    normal_side: str  # debit | credit
    member_aux: str = MemberAux.NONE  # 辅助核算 by member
    parent_id: int | None = Field(default=None, foreign_key="account.id")
    is_leaf: bool = True
    active: bool = True


class Member(SQLModel, table=True):
    """A household (农户), the collective (村集体) or an organisation."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str
    name: str
    kind: str  # MemberKind
    group_name: str = Field(default="", index=True)  # 村民小组
    id_number: str = ""
    phone: str = ""
    bank_account: str = ""
    address: str = ""
    notes: str = ""
    active: bool = True
    inactive_on: dt.date | None = None
    inactive_reason: str = ""


class LandContract(SQLModel, table=True):
    """A land transfer contract (土地流转合同)."""

    __tablename__ = "land_contract"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        Index("ix_contract_parcel", "org_id", "parcel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str
    member_id: int = Field(foreign_key="member.id", index=True)
    parcel: str
    location: str = ""
    area_e4: int = Field(sa_type=BigInteger)
    rent_per_mu_fen: int = Field(sa_type=BigInteger)
    share_value_per_mu_fen: int = Field(default=0, sa_type=BigInteger)
    # The land share capital the contract brings, round_half_up(area × share value per mu)
    # (``domain.shares.land_share_amount``), worked out once when the contract is saved:
    # every reader (the share register, the distribution, statements) takes it from here.
    land_share_amount_fen: int = Field(default=0, sa_type=BigInteger)
    start_on: dt.date
    end_on: dt.date
    # The agreed end; ``end_on`` becomes the termination date when ended early.
    agreed_end_on: dt.date
    status: str = ContractStatus.ACTIVE
    renews_id: int | None = Field(default=None, foreign_key="land_contract.id")
    notes: str = ""


class ShareLot(SQLModel, table=True):
    """One block of share capital (股本) held by one holder for a span of days.

    Land share lots are not stored: they follow from the contracts (and their
    ``land_share_amount_fen``).
    """

    __tablename__ = "share_lot"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str
    holder_id: int = Field(foreign_key="member.id", index=True)
    share_class: str  # ShareClass (never land: land lots follow the contracts)
    amount_fen: int = Field(sa_type=BigInteger)
    start_on: dt.date
    end_on: dt.date | None = None
    # Red fund: who lent the principal (it goes back to them at ``end_on``).
    lender_id: int | None = Field(default=None, foreign_key="member.id")
    transferred_from_id: int | None = Field(default=None, foreign_key="share_lot.id")
    transfer_kind: str = ""  # TransferKind, or "" for a lot that was not transferred
    notes: str = ""


class Voucher(SQLModel, table=True):
    """A voucher (记账凭证). ``seq`` is given at posting: posted vouchers are numbered per month
    without gaps (记-2014-10-0001)."""

    __tablename__ = "voucher"
    __table_args__ = (
        UniqueConstraint("org_id", "vtype", "year", "month", "seq"),
        Index("ix_voucher_org_date", "org_id", "date"),
        # The opening entry (source "opening") is looked up on every balance and page.
        Index("ix_voucher_org_source", "org_id", "source"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    vtype: str = "记"
    date: dt.date
    year: int
    month: int
    seq: int | None = None
    memo: str = ""
    attachments: int = 0
    state: str = VoucherState.DRAFT
    source: str = VoucherSource.MANUAL
    distribution_id: int | None = Field(default=None, foreign_key="distribution.id", index=True)
    reverses_id: int | None = Field(default=None, foreign_key="voucher.id")
    reversed_by_id: int | None = Field(default=None, foreign_key="voucher.id")
    prepared_by: str = ""
    reviewed_by: str = ""
    posted_by: str = ""
    created_at: dt.datetime
    posted_at: dt.datetime | None = None
    # Vouchers that came in posted from a file belong to their import batch, whose review
    # (复核) makes them count as reviewed on paper.
    import_batch_id: int | None = Field(
        default=None,
        foreign_key="import_batch.id",
        index=True,
        sa_column_kwargs=added_later(None),
    )


class VoucherLine(SQLModel, table=True):
    """One line. A red (reversing) line has a negative amount on the same side."""

    __tablename__ = "voucher_line"
    __table_args__ = (
        Index("ix_line_org_account", "org_id", "account_id", "voucher_id"),
        Index("ix_line_org_member", "org_id", "member_id"),
        # A subsidiary ledger page walks this index in book order (date, number).
        Index("ix_line_book_order", "org_id", "account_id", "date", "seq", "voucher_id", "line_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    voucher_id: int = Field(foreign_key="voucher.id", index=True)
    line_no: int
    account_id: int = Field(foreign_key="account.id")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    debit_fen: int = Field(default=0, sa_type=BigInteger)
    credit_fen: int = Field(default=0, sa_type=BigInteger)
    memo: str = ""
    # The voucher's date and number, repeated so that ledgers page in book order on one
    # index; ``verify`` checks they agree with the voucher.
    date: dt.date
    seq: int | None = None


class PeriodBalance(SQLModel, table=True):
    """Posted debits and credits per account per month, kept on posting so that a trial
    balance never sums from the beginning of time."""

    __tablename__ = "period_balance"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    account_id: int = Field(foreign_key="account.id", primary_key=True)
    year: int = Field(primary_key=True)
    month: int = Field(primary_key=True)
    debit_fen: int = Field(default=0, sa_type=BigInteger)
    credit_fen: int = Field(default=0, sa_type=BigInteger)


class Period(SQLModel, table=True):
    """A month's state; a missing row means open."""

    __tablename__ = "period"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    year: int = Field(primary_key=True)
    month: int = Field(primary_key=True)
    closed: bool = False
    closed_at: dt.datetime | None = None
    closed_by: str = ""


class FiscalYear(SQLModel, table=True):
    """Year-end close state."""

    __tablename__ = "fiscal_year"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    year: int = Field(primary_key=True)
    closed: bool = False
    closed_at: dt.datetime | None = None
    closed_by: str = ""


class BalanceCheck(SQLModel, table=True):
    """A balance a bank statement or a cash count shows for an account on a date (对账)."""

    __tablename__ = "balance_check"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    account_id: int = Field(foreign_key="account.id")
    on_date: dt.date
    statement_fen: int = Field(sa_type=BigInteger)
    note: str = ""
    recorded_by: str = ""


class DistributionPlan(SQLModel, table=True):
    """The year's distribution plan (收益分配方案) and its 四议两公开 record.

    ``dividend_method`` is ``per-share`` or ``largest-remainder`` (plans written before
    version 2 of the rules keep ``largest-remainder``). On cooperative books
    ``transaction_rate_e4`` (≥ 6000) and ``transaction_basis`` (``land-fees`` | ``table``)
    are set, and with basis ``table`` ``transactions_json`` holds ``{"member code": fen}``.
    """

    __tablename__ = "distribution_plan"
    __table_args__ = (UniqueConstraint("org_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    welfare_rate_e4: int = 0
    reserve_rate_e4: int = 0
    approved_on: dt.date | None = None
    published_on: dt.date | None = None
    proposed_by: str = ""
    meeting: str = ""
    resolution: str = ""
    vote: str = ""
    notice: str = ""
    notes: str = ""
    prepared_by: str = ""
    approved_by: str = ""
    dividend_method: str = Field(
        default="per-share", sa_column_kwargs=added_later("largest-remainder", "per-share")
    )
    transaction_rate_e4: int | None = Field(default=None, sa_column_kwargs=added_later(None))
    transaction_basis: str = Field(default="", sa_column_kwargs=added_later("", ""))
    transactions_json: str = Field(default="", sa_column_kwargs=added_later("", ""))


class Distribution(SQLModel, table=True):
    """A committed year-end distribution. ``state`` becomes ``reversed`` after 红字冲销."""

    __tablename__ = "distribution"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    year: int
    plan_id: int = Field(foreign_key="distribution_plan.id")
    state: str = DistributionState.COMMITTED
    distributable_fen: int = Field(sa_type=BigInteger)
    land_fees_fen: int = Field(sa_type=BigInteger)
    loss_carried_in_fen: int = Field(sa_type=BigInteger)
    loss_made_up_fen: int = Field(sa_type=BigInteger)
    loss_carried_fen: int = Field(sa_type=BigInteger)
    welfare_fen: int = Field(sa_type=BigInteger)
    reserve_fen: int = Field(sa_type=BigInteger)
    dividends_fen: int = Field(sa_type=BigInteger)
    undistributed_fen: int = Field(sa_type=BigInteger)
    # Version 2: U_prev carried in and Σ returns by transactions (0 before version 2).
    undistributed_in_fen: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs=added_later(0, "0")
    )
    transaction_returns_fen: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs=added_later(0, "0")
    )
    # The result object of distribution.md (``distribute --json``), as committed.
    result_json: str = ""
    committed_at: dt.datetime
    committed_by: str = ""
    reversed_at: dt.datetime | None = None
    reversed_by: str = ""


class DistributionItem(SQLModel, table=True):
    """One holder's slip: land fee, return by transactions (cooperative books) and
    dividend for a year, and its payment."""

    __tablename__ = "distribution_item"
    __table_args__ = (UniqueConstraint("distribution_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    distribution_id: int = Field(foreign_key="distribution.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    land_fee_fen: int = Field(sa_type=BigInteger)
    dividend_fen: int = Field(sa_type=BigInteger)
    transaction_return_fen: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs=added_later(0, "0")
    )
    slip_no: int = 0
    check_code: str = ""
    paid_on: dt.date | None = None
    paid_method: str = ""  # PaymentMethod, "" while unpaid
    paid_by: str = ""
    payment_voucher_id: int | None = Field(default=None, foreign_key="voucher.id")


class ImportBatch(SQLModel, table=True):
    """Vouchers that came in already posted from a file (a book import, an opening entry):
    who brought them in, when, from which file, and the batch review (复核) by a reviewer
    that makes them count as reviewed on paper. ``kind`` is the vouchers' source
    (``import`` | ``opening``)."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str
    file_name: str = ""
    file_sha256: str = ""
    vouchers: int = 0
    imported_by: str
    imported_at: dt.datetime
    reviewed_by: str = ""
    reviewed_at: dt.datetime | None = None
    review_note: str = ""


class ApprovalRequest(SQLModel, table=True):
    """One person's request for an act a second person must approve (maker–checker):
    reversing a distribution or a payment, reopening a year. ``act`` is an `ApprovalAct`,
    ``subject_json`` its parameters (``{"year": 2014}``), ``state`` a `RequestState`;
    approving performs the act, and ``result_json`` keeps what it did."""

    __tablename__ = "approval_request"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    act: str
    subject_json: str
    reason: str
    state: str = RequestState.PENDING
    requested_by: str
    requested_at: dt.datetime
    decided_by: str = ""
    decided_at: dt.datetime | None = None
    note: str = ""
    result_json: str = ""


class Setting(SQLModel, table=True):
    """A setting; ``org_id`` 0 means database-wide."""

    __tablename__ = "setting"

    org_id: int = Field(default=0, primary_key=True)
    key: str = Field(primary_key=True)
    value: str = ""


class AppUser(SQLModel, table=True):
    """A person who may open the ledger, with one role."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True)
    display_name: str = ""
    role: str  # Role
    password_hash: str
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    active: bool = True
    created_at: dt.datetime


class AuditLog(SQLModel, table=True):
    """The append-only audit log; ``hash`` chains each entry to the one before."""

    __tablename__ = "audit_log"
    # What the chain last recorded of a table's rows is read at every open (the users):
    # its bulk entries are found without reading the whole log.
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None, index=True)
    at: str  # UTC ISO timestamp, kept as text so that the hash input is exact
    user: str
    action: str
    entity: str = ""
    entity_id: str = ""
    before_json: str = ""
    after_json: str = ""
    prev_hash: str = Field(unique=True)  # a fork in the chain cannot be stored
    hash: str = Field(unique=True)


class UserOrganisation(SQLModel, table=True):
    """An organisation a user may work on. A user with no rows here may work on every
    organisation; one with rows, only on those (a township accountant's villages)."""

    __tablename__ = "user_organisation"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", primary_key=True)


class OrganisationKey(SQLModel, table=True):
    """The organisation's own Ed25519 signing key (year-end packages, issue 18).

    ``public_key`` and ``private_key`` are the raw 32-byte keys in lowercase hex;
    ``fingerprint`` is what the statements and the notice print (``domain.package.fingerprint``).
    The row is not a tracked record: its state would put the private key into the audit log.
    Its creation is logged with the public key and the fingerprint only."""

    __tablename__ = "organisation_key"

    org_id: int = Field(foreign_key="organisation.id", primary_key=True)
    algorithm: str = "ed25519"
    public_key: str
    private_key: str
    fingerprint: str
    created_at: dt.datetime


class TownshipVillage(SQLModel, table=True):
    """A village (organisation) that sent year-end packages to this township database, with
    the public key it signed its first package with (refused: a later one by another key)."""

    __tablename__ = "township_village"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    village: str = ""
    township: str = ""
    county: str = Field(default="", index=True)
    chart: str = "village-2023"
    public_key: str
    fingerprint: str
    first_received_at: dt.datetime


class TownshipPackage(SQLModel, table=True):
    """One year-end package received: who sent it, what its manifest says, the figures of
    the township report. ``revision`` counts the packages of the village and year (a
    ``--replace`` adds the next); the one in force has ``state`` ``current``, the others
    ``replaced``."""

    __tablename__ = "township_package"
    __table_args__ = (UniqueConstraint("village_id", "year", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    village_id: int = Field(foreign_key="township_village.id", index=True)
    year: int = Field(index=True)
    revision: int = 1
    state: str = "current"  # current | replaced
    fingerprint: str
    manifest_sha256: str
    package_sha256: str
    package_bytes: int = Field(sa_type=BigInteger)
    created_at: str  # as the manifest says (UTC ISO text)
    created_by: str = ""
    program: str = ""
    chain_head_id: int = Field(sa_type=BigInteger)
    chain_head_hash: str
    year_closed: bool = False
    households: int = 0
    households_paid: int = 0
    operating_income_fen: int = Field(sa_type=BigInteger)
    net_income_fen: int = Field(sa_type=BigInteger)
    land_fees_fen: int = Field(sa_type=BigInteger)
    welfare_fen: int = Field(sa_type=BigInteger)
    reserve_fen: int = Field(sa_type=BigInteger)
    transaction_returns_fen: int = Field(sa_type=BigInteger)
    dividends_fen: int = Field(sa_type=BigInteger)
    received_at: dt.datetime
    received_by: str = ""


class TownshipPackageFile(SQLModel, table=True):
    """The package file itself, as received (the archive; ``package_sha256`` vouches for it)."""

    __tablename__ = "township_package_file"

    package_id: int = Field(foreign_key="township_package.id", primary_key=True)
    content: bytes = Field(sa_type=LargeBinary)


# -- fixed assets (issue 19) ----------------------------------------------------------------


class FixedAsset(SQLModel, table=True):
    """A card of the fixed-asset register (固定资产卡片): a fixed asset, a productive
    biological asset or a long-term investment (``domain.assets.AssetRecord``).
    ``value_fen`` is the value now (improvements added); the depreciation made is the
    opening amount plus the card's `AssetDepreciation` lines."""

    __tablename__ = "fixed_asset"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    code: str
    name: str
    category: str  # AssetCategory
    source: str = AssetSource.PURCHASED
    in_service_on: dt.date
    value_fen: int = Field(sa_type=BigInteger)
    method: str = DepreciationMethod.STRAIGHT_LINE
    life_months: int = 0
    residual_rate_e4: int = 0
    location: str = ""
    custodian: str = ""
    quantity: int = 1
    unit: str = ""
    poverty_relief: bool = False
    total_work: int = Field(default=0, sa_type=BigInteger)
    work_unit: str = ""
    opening_depreciation_fen: int = Field(default=0, sa_type=BigInteger)
    opening_work: int = Field(default=0, sa_type=BigInteger)
    asset_account_id: int = Field(foreign_key="account.id")
    depreciation_account_id: int | None = Field(default=None, foreign_key="account.id")
    expense_account_id: int | None = Field(default=None, foreign_key="account.id")
    status: str = AssetStatus.IN_USE
    # The day it left the books (disposed of, written off) or was reported lost.
    ended_on: dt.date | None = None
    notes: str = ""


class AssetChange(SQLModel, table=True):
    """A change recorded on a card (``AssetChangeKind``): an improvement (``amount_fen``
    added to the value, ``extra_months`` to the life), a transfer (``before_text`` →
    ``after_text``), a loss reported, its write-off (``amount_fen`` recovered), a disposal
    (``amount_fen`` proceeds, ``costs_fen``); ``result_fen`` is the gain (> 0) or loss."""

    __tablename__ = "asset_change"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    asset_id: int = Field(foreign_key="fixed_asset.id", index=True)
    kind: str  # AssetChangeKind
    on_date: dt.date
    amount_fen: int = Field(default=0, sa_type=BigInteger)
    costs_fen: int = Field(default=0, sa_type=BigInteger)
    result_fen: int = Field(default=0, sa_type=BigInteger)
    extra_months: int = 0
    counter_account_id: int | None = Field(default=None, foreign_key="account.id")
    before_text: str = ""
    after_text: str = ""
    voucher_id: int | None = Field(default=None, foreign_key="voucher.id")
    memo: str = ""
    made_by: str = ""


class DepreciationRun(SQLModel, table=True):
    """One month's depreciation (one voucher; none when nothing was due). A reversed run
    (``state`` reversed) has its red voucher and mirror lines; the month may then run again."""

    __tablename__ = "depreciation_run"
    __table_args__ = (Index("ix_depreciation_run_month", "org_id", "year", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    year: int
    month: int
    state: str = "posted"  # posted | reversed
    voucher_id: int | None = Field(default=None, foreign_key="voucher.id")
    total_fen: int = Field(default=0, sa_type=BigInteger)
    cards: int = 0
    run_by: str = ""
    run_at: dt.datetime
    reversal_voucher_id: int | None = Field(default=None, foreign_key="voucher.id")
    reversed_by: str = ""
    reason: str = ""


class AssetDepreciation(SQLModel, table=True):
    """A card's depreciation in one run (and, negative, its reversal)."""

    __tablename__ = "asset_depreciation"
    __table_args__ = (
        # Covering: a card's accumulated depreciation and work without touching the rows.
        Index("ix_asset_depreciation_card", "org_id", "asset_id", "amount_fen", "work"),
    )

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    run_id: int = Field(foreign_key="depreciation_run.id", index=True)
    asset_id: int = Field(foreign_key="fixed_asset.id")
    amount_fen: int = Field(sa_type=BigInteger)
    work: int = Field(default=0, sa_type=BigInteger)


# -- papers: the 财务公开表 and share certificates ----------------------------------------------


class Publication(SQLModel, table=True):
    """A period's finances posted on the notice board (财务公开): when, reviewed by whom
    (民主理财小组), recorded by whom, and the figures as published (``digest`` of the
    table's content, so a later change to the period shows)."""

    __tablename__ = "publication"
    __table_args__ = (Index("ix_publication_period", "org_id", "year", "period_kind", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id")
    period_kind: str  # PeriodKind
    year: int
    period: int  # the month (1–12) or the quarter (1–4)
    start_on: dt.date
    end_on: dt.date
    published_on: dt.date
    reviewed_by: str = ""
    phone: str = ""
    opening_fen: int = Field(default=0, sa_type=BigInteger)
    receipts_fen: int = Field(default=0, sa_type=BigInteger)
    payments_fen: int = Field(default=0, sa_type=BigInteger)
    closing_fen: int = Field(default=0, sa_type=BigInteger)
    digest: str = ""
    recorded_by: str = ""
    recorded_at: dt.datetime
    notes: str = ""


class ShareCertificate(SQLModel, table=True):
    """A share certificate (股权证) printed for a household: its number (the household
    keeps it), which printing this is (1 the issue, 2… reprints), what it showed."""

    __tablename__ = "share_certificate"
    __table_args__ = (UniqueConstraint("org_id", "number", "print_no"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisation.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    number: int
    print_no: int = 1
    kind: str = CertificateKind.ISSUE
    issued_on: dt.date
    total_fen: int = Field(sa_type=BigInteger)
    lots: int = 0
    digest: str = ""
    reason: str = ""
    issued_by: str = ""
    issued_at: dt.datetime
