"""The fixed-asset register (固定资产卡片): cards and their import from a spreadsheet, the
changes recorded on them (improvement, transfer, loss, write-off, disposal, each with its
voucher), the monthly depreciation run (one posted voucher a month), the register and the
card on paper, the check of the register against the ledger (账卡核对), and the losses the
year-end papers list.

Every write is one transaction with its audit entries; every voucher goes through the
normal posting path (`services.vouchers.post_system_vouchers`: numbering, period balances,
closed months refused, the audit entry)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from coopledger.domain.assets import (
    AssetRecord,
    CardState,
    DisposalFigures,
    add_months,
    disposal_lines,
    effective_method,
    improvement_lines,
    loss_lines,
    month_end,
    month_index,
    monthly_charge,
    residual_value,
    write_off_lines,
)
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import checked, fields_of, record_columns, record_from_columns
from coopledger.domain.ledger import LineInput, VoucherInput, is_sub_code, voucher_label
from coopledger.domain.money import fen_to_str
from coopledger.domain.vocabulary import (
    AccountKind,
    AssetCategory,
    AssetChangeKind,
    AssetStatus,
    DepreciationMethod,
    Permission,
    VoucherSource,
)
from coopledger.services.accounts import role_account
from coopledger.services.ledger import Ledger
from coopledger.services.vouchers import check_open, post_system_vouchers
from coopledger.store import tables
from coopledger.store.engine import reserve_ids
from coopledger.store.ledger import (
    AccountInfo,
    L,
    V,
    accounts_by_code,
    closed_months,
    insert_posted_vouchers,
)
from coopledger.store.uow import Tx

FA = tables.fixed_asset
AC = tables.asset_change
DR = tables.depreciation_run
AD = tables.asset_depreciation
ORG = tables.organisation

POSTED: Final = "posted"
REVERSED: Final = "reversed"

__all__ = [
    "AssetCard",
    "AssetReport",
    "DepreciationPreview",
    "ReconRow",
    "RegisterRow",
    "RunResult",
    "add_asset",
    "asset_card",
    "asset_register",
    "delete_asset",
    "depreciation_runs",
    "dispose_asset",
    "edit_asset",
    "import_assets",
    "improve_asset",
    "next_depreciation_month",
    "pending_losses",
    "preview_depreciation",
    "reconcile_assets",
    "report_loss",
    "reverse_depreciation",
    "run_depreciation",
    "transfer_asset",
    "write_off_asset",
]


def _path(key: str) -> str:
    return f"asset.{key}"


def _chart(s: Session | Connection, org_id: int) -> str:
    chart = s.execute(select(ORG.c.chart).where(ORG.c.id == org_id)).scalar_one_or_none()
    if chart is None:
        raise DomainError("--org", N_("no book #{id} in this ledger"), id=org_id)
    return str(chart)


def _month_text(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


# -- the accounts of a card ---------------------------------------------------------------


def _roles(category: AssetCategory) -> tuple[str, str | None]:
    """The chart roles of a category's asset and accumulated-depreciation accounts."""
    if category is AssetCategory.INVESTMENT:
        return "investments", None
    if category is AssetCategory.BIOLOGICAL:
        return "bio_assets", "bio_depreciation"
    return "fixed_assets", "accumulated_depreciation"


def _leaf(
    accounts: Mapping[str, AccountInfo], code: str, key: str, *, under: str | None = None
) -> AccountInfo:
    """The leaf account ``code`` (under the account ``under`` when given)."""
    acc = accounts.get(code)
    if acc is None:
        raise DomainError(_path(key), N_("no account {code} in this book"), code=code)
    if under is not None and code != under and not is_sub_code(code, under):
        parent = accounts.get(under)
        raise DomainError(
            _path(key),
            N_("must be {parent} {name} or one of its sub-accounts (got {got})"),
            parent=under,
            name=parent.name if parent else "",
            got=code,
        )
    if not acc.is_leaf:
        raise DomainError(
            _path(key),
            N_("{code} {name} has sub-accounts; name one of them"),
            code=acc.code,
            name=acc.name,
        )
    if not acc.active:
        raise DomainError(
            _path(key),
            N_("{code} {name} is retired; no more postings to it"),
            code=acc.code,
            name=acc.name,
        )
    return acc


@dataclass(frozen=True, slots=True)
class _CardAccounts:
    asset: AccountInfo
    depreciation: AccountInfo | None
    expense: AccountInfo | None


def _card_accounts(
    accounts: Mapping[str, AccountInfo], chart: str, record: AssetRecord
) -> _CardAccounts:
    """The accounts of a card: its own codes where it names them, else the chart's accounts
    of its category (and 管理费用 for the depreciation expense), each a leaf."""
    asset_role, dep_role = _roles(record.category)
    asset_root = role_account(chart, asset_role)
    asset = _leaf(accounts, record.asset_account or asset_root, "asset_account", under=asset_root)
    depreciation = None
    if dep_role is not None:
        dep_root = role_account(chart, dep_role)
        depreciation = _leaf(
            accounts,
            record.depreciation_account or dep_root,
            "depreciation_account",
            under=dep_root,
        )
    expense = None
    if record.effective_method is not DepreciationMethod.NONE or record.expense_account:
        code = record.expense_account or role_account(chart, "management_expense")
        expense = _leaf(accounts, code, "expense_account")
        if expense.kind not in (AccountKind.EXPENSE, AccountKind.COST):
            raise DomainError(
                _path("expense_account"),
                N_(
                    "depreciation is charged to an expense or cost account; {code} {name} is neither"
                ),
                code=expense.code,
                name=expense.name,
            )
    return _CardAccounts(asset, depreciation, expense)


def _columns_of(record: AssetRecord, accounts: _CardAccounts) -> dict[str, Any]:
    columns = record_columns(record)
    columns.update(
        method=record.effective_method.value,
        asset_account_id=accounts.asset.id,
        depreciation_account_id=accounts.depreciation.id if accounts.depreciation else None,
        expense_account_id=accounts.expense.id if accounts.expense else None,
    )
    return columns


def check_asset(record: AssetRecord) -> AssetRecord:
    """A card's fields by their rules (the same as the register's spreadsheet)."""
    return checked(record, _path)


# -- adding, editing, importing -----------------------------------------------------------


def _card_row(tx: Tx | Session | Connection, org_id: int, code: str) -> Any:
    s = tx.session if isinstance(tx, Tx) else tx
    row = s.execute(select(FA).where(FA.c.org_id == org_id, FA.c.code == code)).first()
    if row is None:
        raise DomainError("asset", N_("no fixed asset {code} in this book"), code=code)
    return row


def add_asset(ledger: Ledger, org_id: int, record: AssetRecord) -> int:
    """Add a card to the register (it depreciates from the month after it was put into
    service; what was depreciated before the card was entered is its opening depreciation,
    already in the ledger). Returns the card's id."""
    ledger.require(Permission.MANAGE_ASSETS)
    record = check_asset(record)
    with ledger.write(org_id) as tx:
        return _add_in(tx, org_id, record)


def _add_in(tx: Tx, org_id: int, record: AssetRecord) -> int:
    from coopledger.store.models import FixedAsset

    s = tx.session
    dup = s.execute(select(FA.c.id).where(FA.c.org_id == org_id, FA.c.code == record.code)).first()
    if dup is not None:
        raise DomainError(_path("code"), N_("asset code {code} is already used"), code=record.code)
    accounts = _card_accounts(accounts_by_code(s, org_id), _chart(s, org_id), record)
    row = FixedAsset(
        org_id=org_id, status=AssetStatus.IN_USE.value, **_columns_of(record, accounts)
    )
    s.add(row)
    s.flush()
    assert row.id is not None
    tx.track("add asset", "fixed_asset", row.id)
    return row.id


#: What may still change on a card once its depreciation or a change has been posted.
_DESCRIPTIVE: Final = frozenset(
    {"name", "location", "custodian", "unit", "notes", "poverty_relief", "source"}
)


def _has_history(s: Session | Connection, asset_id: int) -> bool:
    lines = s.execute(select(AD.c.id).where(AD.c.asset_id == asset_id).limit(1)).first()
    changes = s.execute(select(AC.c.id).where(AC.c.asset_id == asset_id).limit(1)).first()
    return lines is not None or changes is not None


def edit_asset(ledger: Ledger, org_id: int, record: AssetRecord) -> None:
    """Change a card (found by its code). Before anything was posted for it every field may
    change; afterwards only its description (name, location, keeper, unit, source, notes,
    the poverty-relief flag): its value, life and accounts change through an improvement, a
    transfer or a disposal, so the ledger and the card stay together."""
    ledger.require(Permission.MANAGE_ASSETS)
    record = check_asset(record)
    with ledger.write(org_id) as tx:
        s = tx.session
        row = _card_row(tx, org_id, record.code)
        current = _record_of(s, row)
        accounts = _card_accounts(accounts_by_code(s, org_id), _chart(s, org_id), record)
        # The record as it would be stored: its method and accounts as they resolve.
        wanted = replace(
            record,
            method=record.effective_method,
            asset_account=accounts.asset.code,
            depreciation_account=accounts.depreciation.code if accounts.depreciation else None,
            expense_account=accounts.expense.code if accounts.expense else None,
        )
        if _has_history(s, row.id):
            for spec in fields_of(AssetRecord):
                if spec.attr in _DESCRIPTIVE:
                    continue
                if getattr(current, spec.attr) != getattr(wanted, spec.attr):
                    raise DomainError(
                        _path(spec.key),
                        N_(
                            "can no longer change: depreciation or a change of this asset is "
                            "posted; record an improvement, a transfer or a disposal instead"
                        ),
                    )
        before = tx.state("fixed_asset", row.id)
        s.execute(update(FA).where(FA.c.id == row.id).values(**_columns_of(record, accounts)))
        tx.track("edit asset", "fixed_asset", row.id, before=before)


def delete_asset(ledger: Ledger, org_id: int, code: str) -> None:
    """Remove a card entered by mistake: only while nothing was posted for it."""
    ledger.require(Permission.MANAGE_ASSETS)
    with ledger.write(org_id) as tx:
        row = _card_row(tx, org_id, code)
        if _has_history(tx.session, row.id):
            raise DomainError(
                "asset",
                N_("{code} has depreciation or changes posted; it stays on the register"),
                code=code,
            )
        before = tx.state("fixed_asset", row.id)
        tx.session.execute(FA.delete().where(FA.c.id == row.id))
        tx.track("delete asset", "fixed_asset", row.id, before=before)


@dataclass
class AssetImport:
    """What an import of the register found (and, with commit, wrote)."""

    count: int = 0
    errors: list[DomainError] = field(default_factory=list)
    committed: bool = False


def import_assets(ledger: Ledger, org_id: int, path: Path, *, commit: bool = False) -> AssetImport:
    """Read the register (资产台账) from ``path`` (.xlsx or .csv): every row by the card's
    field table, then against the book (codes already used, accounts). Without ``commit``
    nothing is written; with it, every card is written in one transaction, or none when
    any row is bad."""
    from coopledger.formats import roster
    from coopledger.formats.sheets import read_table

    ledger.require(Permission.MANAGE_ASSETS)
    rows, errors = roster.parse_asset_rows(read_table(path))
    report = AssetImport(count=len(rows), errors=list(errors))
    with ledger.write(org_id) as tx:
        s = tx.session
        accounts = accounts_by_code(s, org_id)
        chart = _chart(s, org_id)
        used = set(s.execute(select(FA.c.code).where(FA.c.org_id == org_id)).scalars())
        out: list[dict[str, Any]] = []
        ids = reserve_ids(s, FA, len(rows))
        for r in rows:
            where = f"row {r.row}"
            if r.asset.code in used:
                report.errors.append(
                    DomainError(where, N_("asset code {code} is already used"), code=r.asset.code)
                )
                continue
            try:
                card = _card_accounts(accounts, chart, r.asset)
            except DomainError as err:
                report.errors.append(DomainError(f"{where}: {err.path}", err.message, **err.params))
                continue
            used.add(r.asset.code)
            out.append(
                {
                    "id": ids[len(out)],
                    "org_id": org_id,
                    "status": AssetStatus.IN_USE.value,
                    "ended_on": None,
                    **_columns_of(r.asset, card),
                }
            )
        if report.errors or not commit:
            report.errors.sort(key=_row_number)
            return report
        tx.track_inserted(
            "import assets", "fixed_asset", out, {"file": path.name, "rows": len(out)}
        )
        report.committed = True
    return report


def _row_number(err: DomainError) -> int:
    head = err.path.split(":")[0]
    return int(head[4:]) if head.startswith("row ") and head[4:].isdigit() else 0


# -- reading cards ------------------------------------------------------------------------


def _record_of(s: Session | Connection, row: Any) -> AssetRecord:
    codes = {
        r.id: r.code
        for r in s.execute(
            select(tables.account.c.id, tables.account.c.code).where(
                tables.account.c.id.in_(
                    [
                        i
                        for i in (
                            row.asset_account_id,
                            row.depreciation_account_id,
                            row.expense_account_id,
                        )
                        if i is not None
                    ]
                )
            )
        )
    }
    return record_from_columns(
        AssetRecord,
        row._mapping,
        method=DepreciationMethod(row.method),
        asset_account=codes.get(row.asset_account_id),
        depreciation_account=codes.get(row.depreciation_account_id),
        expense_account=codes.get(row.expense_account_id),
    )


def _accumulated(
    s: Session | Connection, org_id: int, asset_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """(depreciation, work) each card has had from the runs (reversals net out)."""
    q = (
        select(AD.c.asset_id, func.sum(AD.c.amount_fen), func.sum(AD.c.work))
        .where(AD.c.org_id == org_id)
        .group_by(AD.c.asset_id)
    )
    if asset_ids is not None:
        q = q.where(AD.c.asset_id.in_(list(asset_ids)))
    return {int(a): (int(d or 0), int(w or 0)) for a, d, w in s.execute(q)}


def _improvements_from(s: Session | Connection, org_id: int, since: dt.date) -> dict[int, int]:
    """Value added to each card by improvements dated on or after ``since``."""
    q = (
        select(AC.c.asset_id, func.sum(AC.c.amount_fen))
        .where(
            AC.c.org_id == org_id,
            AC.c.kind == AssetChangeKind.IMPROVEMENT.value,
            AC.c.on_date >= since,
        )
        .group_by(AC.c.asset_id)
    )
    return {int(a): int(v or 0) for a, v in s.execute(q)}


def _state_of(row: Any, accumulated: tuple[int, int], added_since: int = 0) -> CardState:
    value = int(row.value_fen) - added_since
    return CardState(
        code=row.code,
        method=DepreciationMethod(row.method),
        in_service=row.in_service_on,
        value_fen=value,
        residual_fen=residual_value(value, int(row.residual_rate_e4)),
        life_months=int(row.life_months),
        accumulated_fen=int(row.opening_depreciation_fen) + accumulated[0],
        total_work=int(row.total_work),
        work_done=int(row.opening_work) + accumulated[1],
    )


# -- the monthly run ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Charge:
    """One card's depreciation in a month."""

    asset_id: int
    code: str
    name: str
    amount_fen: int
    work: int
    expense_account_id: int
    depreciation_account_id: int


@dataclass(frozen=True, slots=True)
class DepreciationPreview:
    """A month's depreciation before it is posted: every card charged, the voucher's lines
    (one debit per expense account, one credit per accumulated-depreciation account)."""

    year: int
    month: int
    charges: tuple[Charge, ...]
    voucher: VoucherInput | None

    @property
    def total_fen(self) -> int:
        return sum(c.amount_fen for c in self.charges)


@dataclass(frozen=True, slots=True)
class RunResult:
    """A posted run."""

    run_id: int
    year: int
    month: int
    voucher_id: int | None
    voucher_label: str
    total_fen: int
    cards: int


def _posted_runs(s: Session | Connection, org_id: int) -> list[tuple[int, int]]:
    return sorted(
        (int(y), int(m))
        for y, m in s.execute(
            select(DR.c.year, DR.c.month).where(DR.c.org_id == org_id, DR.c.state == POSTED)
        )
    )


def _book_start(s: Session | Connection, org_id: int) -> tuple[int, int] | None:
    first = s.execute(select(func.min(V.c.date)).where(V.c.org_id == org_id)).scalar()
    if first is None:
        return None
    day = first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first))
    return day.year, day.month


def _first_due(s: Session | Connection, org_id: int) -> tuple[int, int] | None:
    first = s.execute(
        select(func.min(FA.c.in_service_on)).where(
            FA.c.org_id == org_id,
            FA.c.status == AssetStatus.IN_USE.value,
            FA.c.method != DepreciationMethod.NONE.value,
        )
    ).scalar()
    if first is None:
        return None
    day = first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first))
    return add_months(day.year, day.month, 1)


def _next_month(s: Session | Connection, org_id: int) -> tuple[int, int] | None:
    runs = _posted_runs(s, org_id)
    if runs:
        month = add_months(*runs[-1], 1)
    else:
        due = _first_due(s, org_id)
        if due is None:
            return None
        start = _book_start(s, org_id)
        month = start if start is not None and month_index(*start) > month_index(*due) else due
    # A month closed meanwhile (a card entered after it was closed) is passed over: the card
    # starts in the first open month, and what it should have borne is spread over the rest.
    closed = closed_months(s, org_id)
    for _ in range(1200):
        if month not in closed:
            break
        month = add_months(*month, 1)
    return month


def next_depreciation_month(ledger: Ledger, org_id: int) -> tuple[int, int] | None:
    """The month the next run is for: the month after the last one, or, before the first
    run, the first month a card is due in (not before the book's first month), passing over
    closed months; None while no card depreciates."""
    with ledger.connect() as c:
        return _next_month(c, org_id)


def _check_run_month(s: Session | Connection, org_id: int, year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise DomainError("month", N_("month must be 1–12 (got {got})"), got=month)
    runs = _posted_runs(s, org_id)
    if (year, month) in runs:
        raise DomainError(
            "month",
            N_("the depreciation of {month} is already posted; it runs once a month"),
            month=_month_text(year, month),
        )
    check_open(closed_months(s, org_id), month_end(year, month), "month")
    expected = _next_month(s, org_id)
    if runs and month_index(year, month) < month_index(*runs[-1]):
        raise DomainError(
            "month",
            N_("the depreciation of {last} is posted already; {month} lies before it"),
            last=_month_text(*runs[-1]),
            month=_month_text(year, month),
        )
    if expected is not None and month_index(year, month) > month_index(*expected):
        raise DomainError(
            "month",
            N_("run the depreciation of {expected} first (months run in order)"),
            expected=_month_text(*expected),
        )


def _charges(
    s: Session | Connection,
    org_id: int,
    year: int,
    month: int,
    work: Mapping[str, int],
) -> list[Charge]:
    rows = s.execute(
        select(FA).where(
            FA.c.org_id == org_id,
            FA.c.status == AssetStatus.IN_USE.value,
            FA.c.method != DepreciationMethod.NONE.value,
        )
    ).all()
    known = {r.code: r for r in rows}
    for code, units in work.items():
        r = known.get(code)
        if r is None or r.method != DepreciationMethod.UNITS_OF_WORK.value:
            raise DomainError(
                f"work.{code}",
                N_("{code} is not a card depreciated by units of work"),
                code=code,
            )
        if units < 0:
            raise DomainError(f"work.{code}", N_("must not be negative (got {got})"), got=units)
    accumulated = _accumulated(s, org_id)
    added = _improvements_from(s, org_id, dt.date(year, month, 1))
    out: list[Charge] = []
    missing: list[str] = []
    for r in sorted(rows, key=lambda r: r.code):
        card = _state_of(r, accumulated.get(r.id, (0, 0)), added.get(r.id, 0))
        if not card.due_in(year, month):
            continue
        given = work.get(r.code)
        if card.method is DepreciationMethod.UNITS_OF_WORK and given is None:
            if card.remaining_fen:
                missing.append(r.code)
            continue
        amount = monthly_charge(card, year, month, given)
        if amount or given:
            out.append(
                Charge(
                    r.id,
                    r.code,
                    r.name,
                    amount,
                    given or 0,
                    r.expense_account_id,
                    r.depreciation_account_id,
                )
            )
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        raise DomainError(
            "work",
            N_("give this month's work of {codes} (0 when it stood idle)"),
            codes=shown,
        )
    return out


def _run_voucher(
    accounts: Mapping[int, AccountInfo], year: int, month: int, charges: Sequence[Charge]
) -> VoucherInput | None:
    debit: dict[int, int] = defaultdict(int)
    credit: dict[int, int] = defaultdict(int)
    for c in charges:
        debit[c.expense_account_id] += c.amount_fen
        credit[c.depreciation_account_id] += c.amount_fen
    memo = f"计提{year}年{month}月折旧"
    lines = [
        LineInput(accounts[a].code, debit_fen=n, memo=memo)
        for a, n in sorted(debit.items(), key=lambda kv: accounts[kv[0]].code)
        if n
    ] + [
        LineInput(accounts[a].code, credit_fen=n, memo=memo)
        for a, n in sorted(credit.items(), key=lambda kv: accounts[kv[0]].code)
        if n
    ]
    if not lines:
        return None
    return VoucherInput(month_end(year, month), memo, tuple(lines), attachments=1)


def preview_depreciation(
    ledger: Ledger, org_id: int, year: int, month: int, work: Mapping[str, int] | None = None
) -> DepreciationPreview:
    """What the run of a month would post (nothing is written). Refused as the run itself
    would be: a month already run, closed, or out of order; units-of-work cards without
    their work."""
    with ledger.connect() as c:
        _check_run_month(c, org_id, year, month)
        charges = _charges(c, org_id, year, month, work or {})
        by_id = {a.id: a for a in accounts_by_code(c, org_id).values()}
    return DepreciationPreview(
        year, month, tuple(charges), _run_voucher(by_id, year, month, charges)
    )


def run_depreciation(
    ledger: Ledger, org_id: int, year: int, month: int, work: Mapping[str, int] | None = None
) -> RunResult:
    """Post a month's depreciation: one voucher dated the month's last day (Dr each card's
    expense or cost account, Cr its accumulated depreciation), each card's share recorded,
    the run recorded. Refused for a month already run, a closed month, a month out of order
    (months run one after the other), and while a units-of-work card lacks its work.
    A month where nothing is due is recorded too, without a voucher."""
    from coopledger.store.models import DepreciationRun

    ledger.require(Permission.RUN_DEPRECIATION)
    with ledger.write(org_id) as tx:
        s = tx.session
        _check_run_month(s, org_id, year, month)
        charges = _charges(s, org_id, year, month, work or {})
        by_id = {a.id: a for a in accounts_by_code(s, org_id).values()}
        voucher = _run_voucher(by_id, year, month, charges)
        voucher_id = None
        label = ""
        if voucher is not None:
            (voucher_id,) = post_system_vouchers(
                tx,
                org_id,
                [voucher],
                source=VoucherSource.DEPRECIATION,
                action=f"depreciation {_month_text(year, month)}",
            )
            seq = s.execute(select(V.c.seq).where(V.c.id == voucher_id)).scalar()
            label = voucher_label(voucher.vtype, seq)
        total = sum(c.amount_fen for c in charges)
        run = DepreciationRun(
            org_id=org_id,
            year=year,
            month=month,
            state=POSTED,
            voucher_id=voucher_id,
            total_fen=total,
            cards=len(charges),
            run_by=tx.user,
            run_at=dt.datetime.now(dt.UTC),
        )
        s.add(run)
        s.flush()
        assert run.id is not None
        tx.track("run depreciation", "depreciation_run", run.id)
        ids = reserve_ids(s, AD, len(charges))
        tx.track_inserted(
            "depreciation lines",
            "asset_depreciation",
            [
                {
                    "id": ids[i],
                    "org_id": org_id,
                    "run_id": run.id,
                    "asset_id": c.asset_id,
                    "amount_fen": c.amount_fen,
                    "work": c.work,
                }
                for i, c in enumerate(charges)
            ],
            {"run": run.id, "month": _month_text(year, month), "total": fen_to_str(total)},
        )
        return RunResult(run.id, year, month, voucher_id, label, total, len(charges))


def reverse_depreciation(
    ledger: Ledger, org_id: int, year: int, month: int, reason: str
) -> int | None:
    """红字冲销 of the latest month's depreciation (a wrong work figure, a card entered
    wrong): its red voucher in the same month, the cards' shares taken back; the month may
    then run again. Only the latest run, in an open month, and not once a card was
    disposed of or reported lost after it. Returns the red voucher's id (None when the run
    posted nothing)."""
    ledger.require(Permission.RUN_DEPRECIATION)
    if not reason.strip():
        raise DomainError("reason", N_("say why the depreciation is reversed"))
    with ledger.write(org_id) as tx:
        s = tx.session
        runs = _posted_runs(s, org_id)
        if (year, month) not in runs:
            raise DomainError(
                "month",
                N_("no depreciation of {month} is posted"),
                month=_month_text(year, month),
            )
        if runs[-1] != (year, month):
            raise DomainError(
                "month",
                N_("reverse the depreciation of {last} first (the latest run goes first)"),
                last=_month_text(*runs[-1]),
            )
        check_open(closed_months(s, org_id), month_end(year, month), "month")
        run = s.execute(
            select(DR).where(
                DR.c.org_id == org_id, DR.c.year == year, DR.c.month == month, DR.c.state == POSTED
            )
        ).one()
        later = s.execute(
            select(FA.c.code)
            .select_from(AC.join(FA, FA.c.id == AC.c.asset_id))
            .where(
                AC.c.org_id == org_id,
                AC.c.kind.in_([AssetChangeKind.DISPOSAL.value, AssetChangeKind.LOSS.value]),
                AC.c.on_date >= dt.date(year, month, 1),
            )
            .limit(1)
        ).first()
        if later is not None:
            raise DomainError(
                "month",
                N_("{code} left the register after this run; its depreciation stays"),
                code=later[0],
            )
        red_id = None
        before = tx.state("depreciation_run", run.id)
        if run.voucher_id is not None:
            red_id = _reverse_voucher_in(tx, org_id, run.voucher_id, month_end(year, month))
        lines = s.execute(
            select(AD.c.asset_id, AD.c.amount_fen, AD.c.work).where(AD.c.run_id == run.id)
        ).all()
        ids = reserve_ids(s, AD, len(lines))
        tx.track_inserted(
            "depreciation lines reversed",
            "asset_depreciation",
            [
                {
                    "id": ids[i],
                    "org_id": org_id,
                    "run_id": run.id,
                    "asset_id": ln.asset_id,
                    "amount_fen": -int(ln.amount_fen),
                    "work": -int(ln.work),
                }
                for i, ln in enumerate(lines)
            ],
            {"run": run.id, "month": _month_text(year, month)},
        )
        s.execute(
            update(DR)
            .where(DR.c.id == run.id)
            .values(
                state=REVERSED,
                reversal_voucher_id=red_id,
                reversed_by=tx.user,
                reason=reason.strip(),
            )
        )
        tx.track("reverse depreciation", "depreciation_run", run.id, before=before)
        return red_id


def _reverse_voucher_in(tx: Tx, org_id: int, voucher_id: int, on: dt.date) -> int:
    """Post the red mirror of a posted voucher dated ``on`` (inside a transaction)."""
    from coopledger.domain.ledger import reversal_memo
    from coopledger.store.ledger import ResolvedLine, ResolvedVoucher

    s = tx.session
    v = s.execute(select(V).where(V.c.id == voucher_id)).one()
    lines = s.execute(
        select(L.c.account_id, L.c.debit_fen, L.c.credit_fen, L.c.member_id, L.c.memo)
        .where(L.c.voucher_id == voucher_id)
        .order_by(L.c.line_no)
    ).all()
    red = ResolvedVoucher(
        on,
        reversal_memo(v.date, v.vtype, v.seq),
        tuple(ResolvedLine(a, -d, -c, m, memo) for a, d, c, m, memo in lines),
        0,
        v.vtype,
    )
    before = tx.state("voucher", voucher_id)
    digests: dict[int, str] = {}
    (rid,) = insert_posted_vouchers(
        s,
        org_id,
        [red],
        user=tx.user,
        source=VoucherSource.REVERSAL,
        reverses={0: voucher_id},
        digests=digests,
    )
    s.execute(update(V).where(V.c.id == voucher_id).values(reversed_by_id=rid))
    tx.track_bulk("reverse voucher", "voucher", digests, {"vouchers": 1, "reverses": voucher_id})
    tx.track("reversed by #" + str(rid), "voucher", voucher_id, before=before)
    return rid


@dataclass(frozen=True, slots=True)
class RunRow:
    """A month's run as the window lists it."""

    year: int
    month: int
    state: str
    total_fen: int
    cards: int
    voucher_label: str
    run_by: str
    run_at: dt.datetime
    reversed_by: str
    reason: str


def depreciation_runs(ledger: Ledger, org_id: int) -> list[RunRow]:
    """Every run of the book, newest first (reversed ones too)."""
    with ledger.connect() as c:
        rows = c.execute(
            select(DR, V.c.vtype, V.c.seq)
            .select_from(DR.outerjoin(V, V.c.id == DR.c.voucher_id))
            .where(DR.c.org_id == org_id)
            .order_by(DR.c.year.desc(), DR.c.month.desc(), DR.c.id.desc())
        ).all()
    return [
        RunRow(
            r.year,
            r.month,
            r.state,
            int(r.total_fen),
            int(r.cards),
            voucher_label(r.vtype, r.seq) if r.vtype else "",
            r.run_by,
            r.run_at,
            r.reversed_by,
            r.reason,
        )
        for r in rows
    ]


# -- changes ------------------------------------------------------------------------------


def _counter(accounts: Mapping[str, AccountInfo], chart: str, code: str | None) -> AccountInfo:
    acc = _leaf(accounts, code or role_account(chart, "bank"), "counter_account")
    return acc


def _check_change_date(tx: Tx, org_id: int, row: Any, on: dt.date, *, leaving: bool) -> CardState:
    """A change's date: not before the card's date in service, in an open month; a card
    that leaves (loss, disposal) must have had that month's depreciation and none after."""
    s = tx.session
    if on < row.in_service_on:
        raise DomainError(
            "date",
            N_("must not be before the asset was put into service, {start} (got {got})"),
            start=row.in_service_on.isoformat(),
            got=on.isoformat(),
        )
    check_open(closed_months(s, org_id), on)
    card = _state_of(row, _accumulated(s, org_id, [row.id]).get(row.id, (0, 0)))
    if not leaving:
        return card
    runs = _posted_runs(s, org_id)
    if runs and month_index(*runs[-1]) > month_index(on.year, on.month):
        charged = s.execute(
            select(func.sum(AD.c.amount_fen))
            .select_from(AD.join(DR, DR.c.id == AD.c.run_id))
            .where(
                AD.c.asset_id == row.id,
                (DR.c.year * 12 + DR.c.month - 1) > month_index(on.year, on.month),
            )
        ).scalar()
        if charged:
            raise DomainError(
                "date",
                N_("{code} was depreciated after {date} (up to {last}); date the change in {last}"),
                code=row.code,
                date=on.isoformat(),
                last=_month_text(*runs[-1]),
            )
    due = card.due_in(on.year, on.month) and (
        card.remaining_fen > 0 or card.method is DepreciationMethod.UNITS_OF_WORK
    )
    if due and (on.year, on.month) not in runs:
        raise DomainError(
            "date",
            N_(
                "run the depreciation of {month} first: an asset that leaves in a month is "
                "depreciated for that month"
            ),
            month=_month_text(on.year, on.month),
        )
    return card


def _in_use(row: Any) -> None:
    if row.status != AssetStatus.IN_USE.value:
        raise DomainError(
            "asset",
            N_("{code} is no longer in use ({status})"),
            code=row.code,
            status=AssetStatus(row.status).label,
        )


def _add_change(tx: Tx, org_id: int, asset_id: int, **values: Any) -> int:
    from coopledger.store.models import AssetChange

    change = AssetChange(org_id=org_id, asset_id=asset_id, made_by=tx.user, **values)
    tx.session.add(change)
    tx.session.flush()
    assert change.id is not None
    tx.track(f"asset {values['kind']}", "asset_change", change.id)
    return change.id


def _post_change(tx: Tx, org_id: int, on: dt.date, memo: str, lines: list[LineInput]) -> int:
    (vid,) = post_system_vouchers(
        tx,
        org_id,
        [VoucherInput(on, memo, tuple(lines), attachments=1)],
        source=VoucherSource.ASSET,
        action=f"asset voucher: {memo}",
    )
    return vid


def _set_card(tx: Tx, row: Any, action: str, **values: Any) -> None:
    before = tx.state("fixed_asset", row.id)
    tx.session.execute(update(FA).where(FA.c.id == row.id).values(**values))
    tx.track(action, "fixed_asset", row.id, before=before)


def _positive(value: int, key: str, *, zero: bool = False) -> None:
    if value < 0 or (value == 0 and not zero):
        raise DomainError(
            key,
            N_("must be greater than 0 (got {got})")
            if not zero
            else N_("must not be negative (got {got})"),
            got=fen_to_str(value),
        )


def improve_asset(
    ledger: Ledger,
    org_id: int,
    code: str,
    on: dt.date,
    amount_fen: int,
    *,
    counter: str | None = None,
    extra_months: int = 0,
    memo: str = "",
) -> int:
    """An improvement (改良, 扩建) that adds ``amount_fen`` to the asset's value (and
    ``extra_months`` to its life): Dr the asset, Cr ``counter`` (default 银行存款). It
    depreciates from the next month, over what is left of the life. Returns the voucher's id."""
    ledger.require(Permission.MANAGE_ASSETS)
    _positive(amount_fen, "amount")
    if extra_months < 0:
        raise DomainError("extra_months", N_("must not be negative (got {got})"), got=extra_months)
    with ledger.write(org_id) as tx:
        s = tx.session
        row = _card_row(tx, org_id, code)
        _in_use(row)
        if row.category == AssetCategory.INVESTMENT.value:
            raise DomainError("asset", N_("an investment is not improved; record a new investment"))
        _check_change_date(tx, org_id, row, on, leaving=False)
        accounts = accounts_by_code(s, org_id)
        chart = _chart(s, org_id)
        by_id = {a.id: a for a in accounts.values()}
        other = _counter(accounts, chart, counter)
        text = memo.strip() or f"{row.name}改良扩建"
        vid = _post_change(
            tx,
            org_id,
            on,
            f"{text}（{row.code}）",
            improvement_lines(
                amount_fen=amount_fen,
                asset=by_id[row.asset_account_id].code,
                counter=other.code,
                memo=text,
            ),
        )
        _add_change(
            tx,
            org_id,
            row.id,
            kind=AssetChangeKind.IMPROVEMENT.value,
            on_date=on,
            amount_fen=amount_fen,
            extra_months=extra_months,
            counter_account_id=other.id,
            before_text=fen_to_str(int(row.value_fen)),
            after_text=fen_to_str(int(row.value_fen) + amount_fen),
            voucher_id=vid,
            memo=memo.strip(),
        )
        _set_card(
            tx,
            row,
            "improve asset",
            value_fen=int(row.value_fen) + amount_fen,
            life_months=int(row.life_months) + extra_months,
        )
        return vid


def transfer_asset(
    ledger: Ledger,
    org_id: int,
    code: str,
    on: dt.date,
    *,
    location: str | None = None,
    custodian: str | None = None,
    expense_account: str | None = None,
    memo: str = "",
) -> int:
    """A transfer (内部调拨): the asset moves to another place or keeper, or its
    depreciation is charged to another account from the next run on. No voucher. Returns
    the change's id."""
    ledger.require(Permission.MANAGE_ASSETS)
    with ledger.write(org_id) as tx:
        s = tx.session
        row = _card_row(tx, org_id, code)
        _in_use(row)
        _check_change_date(tx, org_id, row, on, leaving=False)
        record = _record_of(s, row)
        new = replace(
            record,
            location=record.location if location is None else location,
            custodian=record.custodian if custodian is None else custodian,
            expense_account=expense_account or record.expense_account,
        )
        new = check_asset(new)
        if new == record:
            raise DomainError("asset", N_("nothing changes: give a new place, keeper or account"))
        accounts = _card_accounts(accounts_by_code(s, org_id), _chart(s, org_id), new)
        parts_before, parts_after = [], []
        for label, old, now in (
            ("存放地点", record.location, new.location),
            ("保管人", record.custodian, new.custodian),
            ("折旧费用科目", record.expense_account or "", new.expense_account or ""),
        ):
            if old != now:
                parts_before.append(f"{label}：{old}")
                parts_after.append(f"{label}：{now}")
        change_id = _add_change(
            tx,
            org_id,
            row.id,
            kind=AssetChangeKind.TRANSFER.value,
            on_date=on,
            before_text="；".join(parts_before),
            after_text="；".join(parts_after),
            memo=memo.strip(),
        )
        _set_card(
            tx,
            row,
            "transfer asset",
            location=new.location,
            custodian=new.custodian,
            expense_account_id=accounts.expense.id if accounts.expense else None,
        )
        return change_id


def report_loss(ledger: Ledger, org_id: int, code: str, on: dt.date, memo: str) -> int:
    """An asset found damaged, dead or missing (盘亏, 毁损, 死亡), or an investment that
    will not be recovered: its net value goes to 待处理财产损溢 until the members' meeting
    approves the write-off (Dr 待处理财产损溢, Dr 累计折旧, Cr the asset). Until then it is
    listed on the year-end papers as a loss not yet written off. Returns the voucher's id."""
    ledger.require(Permission.MANAGE_ASSETS)
    if not memo.strip():
        raise DomainError("memo", N_("say what happened to the asset"))
    with ledger.write(org_id) as tx:
        s = tx.session
        row = _card_row(tx, org_id, code)
        _in_use(row)
        card = _check_change_date(tx, org_id, row, on, leaving=True)
        accounts = accounts_by_code(s, org_id)
        chart = _chart(s, org_id)
        by_id = {a.id: a for a in accounts.values()}
        pending = _leaf(accounts, role_account(chart, "pending_losses"), "pending_account")
        dep = by_id[row.depreciation_account_id].code if row.depreciation_account_id else None
        text = f"{row.name}报损：{memo.strip()}"
        vid = _post_change(
            tx,
            org_id,
            on,
            f"{text}（{row.code}）",
            loss_lines(
                value_fen=card.value_fen,
                accumulated_fen=card.accumulated_fen if dep else 0,
                asset=by_id[row.asset_account_id].code,
                depreciation=dep,
                pending=pending.code,
                memo=text,
            ),
        )
        net = card.value_fen - (card.accumulated_fen if dep else 0)
        _add_change(
            tx,
            org_id,
            row.id,
            kind=AssetChangeKind.LOSS.value,
            on_date=on,
            amount_fen=net,
            voucher_id=vid,
            memo=memo.strip(),
        )
        _set_card(tx, row, "report asset loss", status=AssetStatus.LOSS_PENDING.value, ended_on=on)
        return vid


def write_off_asset(
    ledger: Ledger,
    org_id: int,
    code: str,
    on: dt.date,
    *,
    compensation_fen: int = 0,
    counter: str | None = None,
    memo: str = "",
) -> int:
    """The approved write-off (核销) of a loss reported earlier: what was recovered
    (insurance, compensation, salvage) into ``counter``, the rest to 其他支出 (or a surplus
    to 其他收入), 待处理财产损溢 cleared. Returns the voucher's id."""
    ledger.require(Permission.MANAGE_ASSETS)
    _positive(compensation_fen, "compensation", zero=True)
    with ledger.write(org_id) as tx:
        s = tx.session
        row = _card_row(tx, org_id, code)
        if row.status != AssetStatus.LOSS_PENDING.value:
            raise DomainError(
                "asset",
                N_("{code} has no loss waiting for its write-off (report the loss first)"),
                code=code,
            )
        check_open(closed_months(s, org_id), on)
        if row.ended_on is not None and on < row.ended_on:
            raise DomainError(
                "date",
                N_("must not be before the loss was reported, {start} (got {got})"),
                start=row.ended_on.isoformat(),
                got=on.isoformat(),
            )
        net = s.execute(
            select(AC.c.amount_fen)
            .where(AC.c.asset_id == row.id, AC.c.kind == AssetChangeKind.LOSS.value)
            .order_by(AC.c.id.desc())
            .limit(1)
        ).scalar_one()
        accounts = accounts_by_code(s, org_id)
        chart = _chart(s, org_id)
        pending = _leaf(accounts, role_account(chart, "pending_losses"), "pending_account")
        other = _counter(accounts, chart, counter)
        text = memo.strip() or f"核销{row.name}损失"
        vid = _post_change(
            tx,
            org_id,
            on,
            f"{text}（{row.code}）",
            write_off_lines(
                net_fen=int(net),
                compensation_fen=compensation_fen,
                pending=pending.code,
                counter=other.code,
                gain=_leaf(accounts, role_account(chart, "other_income"), "gain_account").code,
                loss=_leaf(accounts, role_account(chart, "other_expense"), "loss_account").code,
                memo=text,
            ),
        )
        _add_change(
            tx,
            org_id,
            row.id,
            kind=AssetChangeKind.WRITE_OFF.value,
            on_date=on,
            amount_fen=compensation_fen,
            result_fen=compensation_fen - int(net),
            counter_account_id=other.id if compensation_fen else None,
            voucher_id=vid,
            memo=memo.strip(),
        )
        _set_card(tx, row, "write off asset", status=AssetStatus.WRITTEN_OFF.value)
        return vid


def dispose_asset(
    ledger: Ledger,
    org_id: int,
    code: str,
    on: dt.date,
    *,
    proceeds_fen: int = 0,
    costs_fen: int = 0,
    counter: str | None = None,
    memo: str = "",
) -> int:
    """A disposal (出售, 报废, 毁损清理; an investment sold or recovered), through
    固定资产清理: the net value, the proceeds and the costs into 清理, its balance to 其他收入
    or 其他支出 (an investment's gain or loss to 投资收益), in one voucher. The asset must
    have had its depreciation for the month it leaves. Returns the voucher's id."""
    ledger.require(Permission.MANAGE_ASSETS)
    _positive(proceeds_fen, "proceeds", zero=True)
    _positive(costs_fen, "costs", zero=True)
    with ledger.write(org_id) as tx:
        s = tx.session
        row = _card_row(tx, org_id, code)
        _in_use(row)
        card = _check_change_date(tx, org_id, row, on, leaving=True)
        accounts = accounts_by_code(s, org_id)
        chart = _chart(s, org_id)
        by_id = {a.id: a for a in accounts.values()}
        other = _counter(accounts, chart, counter)
        investment = row.category == AssetCategory.INVESTMENT.value
        if investment and costs_fen:
            raise DomainError(
                "costs", N_("an investment has no disposal costs; net them from the proceeds")
            )
        dep = by_id[row.depreciation_account_id].code if row.depreciation_account_id else None
        figures = DisposalFigures(
            card.value_fen, card.accumulated_fen if dep else 0, proceeds_fen, costs_fen
        )
        text = memo.strip() or f"处置{row.name}"
        if investment:
            gain = loss = _leaf(
                accounts, role_account(chart, "investment_income"), "gain_account"
            ).code
            clearing = None
        else:
            gain = _leaf(accounts, role_account(chart, "other_income"), "gain_account").code
            loss = _leaf(accounts, role_account(chart, "other_expense"), "loss_account").code
            clearing = _leaf(
                accounts, role_account(chart, "asset_disposal"), "clearing_account"
            ).code
        vid = _post_change(
            tx,
            org_id,
            on,
            f"{text}（{row.code}）",
            disposal_lines(
                figures,
                asset=by_id[row.asset_account_id].code,
                depreciation=dep,
                clearing=clearing,
                counter=other.code,
                gain=gain,
                loss=loss,
                memo=text,
            ),
        )
        _add_change(
            tx,
            org_id,
            row.id,
            kind=AssetChangeKind.DISPOSAL.value,
            on_date=on,
            amount_fen=proceeds_fen,
            costs_fen=costs_fen,
            result_fen=figures.result_fen,
            counter_account_id=other.id if (proceeds_fen or costs_fen) else None,
            voucher_id=vid,
            memo=memo.strip(),
        )
        _set_card(tx, row, "dispose of asset", status=AssetStatus.DISPOSED.value, ended_on=on)
        return vid


# -- the card, the register, the check against the ledger ---------------------------------


@dataclass(frozen=True, slots=True)
class CardMonth:
    """A month's depreciation on a card (negative: a reversal)."""

    year: int
    month: int
    amount_fen: int
    work: int
    voucher_label: str


@dataclass(frozen=True, slots=True)
class CardChange:
    """A change on a card, as the card prints it."""

    on: dt.date
    kind: AssetChangeKind
    amount_fen: int
    costs_fen: int
    result_fen: int
    before: str
    after: str
    voucher_label: str
    memo: str
    made_by: str


@dataclass(frozen=True, slots=True)
class AssetCard:
    """A card with everything it prints: the record, where it stands, the accounts'
    names, its depreciation month by month and its changes."""

    record: AssetRecord
    status: AssetStatus
    ended_on: dt.date | None
    accumulated_fen: int
    work_done: int
    account_names: Mapping[str, str]
    months: tuple[CardMonth, ...]
    changes: tuple[CardChange, ...]
    monthly_fen: int  # the next month's charge as things stand (0 when nothing is due)

    @property
    def net_fen(self) -> int:
        return self.record.value_fen - self.accumulated_fen


def asset_card(ledger: Ledger, org_id: int, code: str) -> AssetCard:
    """A card with its history (for the window and the printed card)."""
    with ledger.connect() as c:
        row = _card_row(c, org_id, code)
        record = _record_of(c, row)
        acc = _accumulated(c, org_id, [row.id]).get(row.id, (0, 0))
        months = [
            CardMonth(
                r.year,
                r.month,
                int(r.amount_fen),
                int(r.work),
                voucher_label(r.vtype, r.seq) if r.vtype else "",
            )
            for r in c.execute(
                select(DR.c.year, DR.c.month, AD.c.amount_fen, AD.c.work, V.c.vtype, V.c.seq)
                .select_from(
                    AD.join(DR, DR.c.id == AD.c.run_id).outerjoin(V, V.c.id == DR.c.voucher_id)
                )
                .where(AD.c.asset_id == row.id)
                .order_by(DR.c.year, DR.c.month, AD.c.id)
            )
        ]
        changes = [
            CardChange(
                r.on_date,
                AssetChangeKind(r.kind),
                int(r.amount_fen),
                int(r.costs_fen),
                int(r.result_fen),
                r.before_text,
                r.after_text,
                voucher_label(r.vtype, r.seq) if r.vtype else "",
                r.memo,
                r.made_by,
            )
            for r in c.execute(
                select(AC, V.c.vtype, V.c.seq)
                .select_from(AC.outerjoin(V, V.c.id == AC.c.voucher_id))
                .where(AC.c.asset_id == row.id)
                .order_by(AC.c.on_date, AC.c.id)
            )
        ]
        names = {
            a.code: a.name
            for a in accounts_by_code(c, org_id).values()
            if a.code in (record.asset_account, record.depreciation_account, record.expense_account)
        }
        nxt = _next_month(c, org_id)
    state = _state_of(row, acc)
    monthly = 0
    if nxt is not None and row.status == AssetStatus.IN_USE.value:
        if state.method is DepreciationMethod.STRAIGHT_LINE:
            monthly = monthly_charge(state, *nxt)
    return AssetCard(
        record,
        AssetStatus(row.status),
        row.ended_on,
        state.accumulated_fen,
        state.work_done,
        names,
        tuple(months),
        tuple(changes),
        monthly,
    )


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """A card on the register as at a date."""

    code: str
    name: str
    category: AssetCategory
    location: str
    in_service: dt.date
    quantity: int
    unit: str
    source: str
    poverty_relief: bool
    method: DepreciationMethod
    life_months: int
    value_fen: int
    accumulated_fen: int
    status: AssetStatus

    @property
    def net_fen(self) -> int:
        return self.value_fen - self.accumulated_fen


def asset_register(ledger: Ledger, org_id: int, on: dt.date) -> list[RegisterRow]:
    """The register (固定资产登记簿 / 资产台账) as at the end of ``on``: every card in
    service by then and still on the books, by category and code, with its value (the
    improvements made by then) and its depreciation (the runs of the months up to then)."""
    with ledger.connect() as c:
        rows = c.execute(
            select(FA)
            .where(
                FA.c.org_id == org_id,
                FA.c.in_service_on <= on,
            )
            .order_by(FA.c.code)
        ).all()
        later_improvements = {
            int(a): int(v or 0)
            for a, v in c.execute(
                select(AC.c.asset_id, func.sum(AC.c.amount_fen))
                .where(
                    AC.c.org_id == org_id,
                    AC.c.kind == AssetChangeKind.IMPROVEMENT.value,
                    AC.c.on_date > on,
                )
                .group_by(AC.c.asset_id)
            )
        }
        last = month_index(on.year, on.month) - (0 if on == month_end(on.year, on.month) else 1)
        runs = {
            int(a): int(v or 0)
            for a, v in c.execute(
                select(AD.c.asset_id, func.sum(AD.c.amount_fen))
                .select_from(AD.join(DR, DR.c.id == AD.c.run_id))
                .where(AD.c.org_id == org_id, (DR.c.year * 12 + DR.c.month - 1) <= last)
                .group_by(AD.c.asset_id)
            )
        }
    out = []
    order = {c: i for i, c in enumerate(AssetCategory)}
    for r in rows:
        status = AssetStatus(r.status)
        if r.ended_on is not None and r.ended_on <= on and status is not AssetStatus.IN_USE:
            continue  # left the books by then
        out.append(
            RegisterRow(
                r.code,
                r.name,
                AssetCategory(r.category),
                r.location,
                r.in_service_on,
                int(r.quantity),
                r.unit,
                r.source,
                bool(r.poverty_relief),
                DepreciationMethod(r.method),
                int(r.life_months),
                int(r.value_fen) - later_improvements.get(r.id, 0),
                int(r.opening_depreciation_fen) + runs.get(r.id, 0),
                AssetStatus.IN_USE,
            )
        )
    out.sort(key=lambda r: (order[r.category], r.code))
    return out


@dataclass(frozen=True, slots=True)
class ReconRow:
    """账卡核对: an account against what the register says it should hold."""

    code: str
    name: str
    register_fen: int
    ledger_fen: int

    @property
    def difference(self) -> int:
        return self.ledger_fen - self.register_fen


def reconcile_assets(ledger: Ledger, org_id: int, on: dt.date) -> list[ReconRow]:
    """The register against the ledger at the end of ``on``: each asset account's balance
    (debit) against the value of its cards, each accumulated-depreciation account's balance
    (credit) against its cards' depreciation. Accounts that cards use, or that sit under
    the chart's asset accounts, are listed."""
    from coopledger.services.books import _sums

    register = asset_register(ledger, org_id, on)
    with ledger.connect() as c:
        accounts = accounts_by_code(c, org_id)
        chart = _chart(c, org_id)
        by_code = {r.code: r for r in c.execute(select(FA).where(FA.c.org_id == org_id))}
        sums = _sums(c, org_id, None, on)
    by_id = {a.id: a for a in accounts.values()}
    expected: dict[int, int] = defaultdict(int)
    contra: set[int] = set()
    for r in register:
        card = by_code[r.code]
        expected[card.asset_account_id] += r.value_fen
        if card.depreciation_account_id is not None:
            expected[card.depreciation_account_id] += r.accumulated_fen
            contra.add(card.depreciation_account_id)
    roots = {
        role_account(chart, role): role in ("accumulated_depreciation", "bio_depreciation")
        for role in (
            "fixed_assets",
            "accumulated_depreciation",
            "bio_assets",
            "bio_depreciation",
            "investments",
        )
    }
    for a in accounts.values():
        for root, is_contra in roots.items():
            if a.is_leaf and (a.code == root or is_sub_code(a.code, root)):
                expected.setdefault(a.id, 0)
                if is_contra:
                    contra.add(a.id)
    out = []
    for acc_id, fen in expected.items():
        d, cr = sums.get(acc_id, (0, 0))
        balance = cr - d if acc_id in contra else d - cr
        acc = by_id[acc_id]
        if fen or balance:
            out.append(ReconRow(acc.code, acc.name, fen, balance))
    out.sort(key=lambda r: r.code)
    return out


@dataclass(frozen=True, slots=True)
class AssetReport:
    """An asset with a loss not yet written off (资产负债表补充资料, statements.md §2.5)."""

    code: str
    name: str
    category: AssetCategory
    reported_on: dt.date
    value_fen: int
    accumulated_fen: int
    loss_fen: int
    memo: str


def pending_losses(ledger: Ledger, org_id: int, on: dt.date) -> list[AssetReport]:
    """The assets reported damaged, dead, missing or unrecoverable by the end of ``on``
    whose write-off was not approved by then."""
    with ledger.connect() as c:
        rows = c.execute(
            select(FA, AC.c.on_date, AC.c.amount_fen, AC.c.memo, AC.c.voucher_id)
            .select_from(AC.join(FA, FA.c.id == AC.c.asset_id))
            .where(
                AC.c.org_id == org_id,
                AC.c.kind == AssetChangeKind.LOSS.value,
                AC.c.on_date <= on,
            )
            .order_by(AC.c.on_date, FA.c.code)
        ).all()
        written = {
            int(a)
            for (a,) in c.execute(
                select(AC.c.asset_id).where(
                    AC.c.org_id == org_id,
                    AC.c.kind == AssetChangeKind.WRITE_OFF.value,
                    AC.c.on_date <= on,
                )
            )
        }
    out = []
    for r in rows:
        if r.id in written:
            continue
        value = int(r.value_fen)
        loss = int(r.amount_fen)
        out.append(
            AssetReport(
                r.code,
                r.name,
                AssetCategory(r.category),
                r.on_date,
                value,
                value - loss,
                loss,
                r.memo,
            )
        )
    return out


def method_of(category: AssetCategory, method: DepreciationMethod | None) -> DepreciationMethod:
    """The method a card of ``category`` follows when given ``method`` (None: the default)."""
    return effective_method(category, method)


#: The kinds of loss the 补充资料 lists (statements.md §2.5), and the categories of the
#: register that fall under each (the others are not kept on the register).
_LOSS_HEADINGS: Final = (
    ("1", "一、无法收回的应收款项", ()),
    ("2", "二、无法收回的对外投资", (AssetCategory.INVESTMENT,)),
    ("3", "三、存货的盘亏、毁损和报废", ()),
    ("4", "四、生物资产的死亡和毁损", (AssetCategory.BIOLOGICAL,)),
    (
        "5",
        "五、固定资产的盘亏和毁损",
        tuple(
            c
            for c in AssetCategory
            if c not in (AssetCategory.INVESTMENT, AssetCategory.BIOLOGICAL)
        ),
    ),
    ("6", "六、在建工程的报废和毁损", ()),
)


def losses_paper(ledger: Ledger, org_id: int, year: int) -> Any:
    """资产负债表补充资料 for the year-end papers: the assets with losses not yet written
    off at 31 December (statements.md §2.5), under the six kinds of the form, from the
    register (a loss reported and not approved by the year end), with 待处理财产损溢's
    balance beside them in a note."""
    from coopledger.reports.data import Statement, StatementLine

    end = dt.date(year, 12, 31)
    losses = pending_losses(ledger, org_id, end)
    with ledger.connect() as c:
        org_name = str(c.execute(select(ORG.c.name).where(ORG.c.id == org_id)).scalar_one())
        chart = _chart(c, org_id)
    pending_code = role_account(chart, "pending_losses")
    from coopledger.services.books import account_balance

    pending = account_balance(ledger, org_id, pending_code, end)
    lines: list[StatementLine] = []
    for code, heading, categories in _LOSS_HEADINGS:
        mine = [r for r in losses if r.category in categories]
        lines.append(
            StatementLine(
                code,
                heading,
                (
                    sum(r.value_fen for r in mine),
                    sum(r.accumulated_fen for r in mine),
                    sum(r.loss_fen for r in mine),
                ),
            )
        )
        for r in mine:
            lines.append(
                StatementLine(
                    "",
                    f"{r.code} {r.name}（{r.reported_on.isoformat()}报损：{r.memo}）",
                    (r.value_fen, r.accumulated_fen, r.loss_fen),
                    level=1,
                )
            )
    lines.append(
        StatementLine(
            "",
            "合计",
            (
                sum(r.value_fen for r in losses),
                sum(r.accumulated_fen for r in losses),
                sum(r.loss_fen for r in losses),
            ),
            is_total=True,
            total_of=tuple(h[0] for h in _LOSS_HEADINGS),
        )
    )
    listed = sum(r.loss_fen for r in losses)
    note = f"注：待处理财产损溢年末余额 {fen_to_str(pending)} 元"
    if pending != listed:
        note += f"，与上列登记的损失 {fen_to_str(listed)} 元不符，请核对（应收款项、存货等损失未在资产台账登记）"
    note += "。尚未核销的损失须经成员（代表）大会批准后核销。"
    return Statement(
        kind="asset_losses",
        org_name=org_name,
        title="资产负债表补充资料",
        period_label=f"{year}年12月31日",
        columns=("原值", "累计折旧", "损失金额"),
        lines=tuple(lines),
        item_header="尚未核销的资产损失",
        code_header="序号",
        note=note,
    )


# -- papers -------------------------------------------------------------------------------


def print_register(ledger: Ledger, org_id: int, on: dt.date, out: Path) -> Path:
    """The register (资产台账) as at ``on`` as a PDF."""
    from coopledger.reports.assets import render_register

    ledger.require(Permission.PRINT)
    rows = asset_register(ledger, org_id, on)
    with ledger.connect() as c:
        name = str(c.execute(select(ORG.c.name).where(ORG.c.id == org_id)).scalar_one())
    render_register(name, on, rows, out)
    return out


def print_card(ledger: Ledger, org_id: int, code: str, out: Path) -> Path:
    """One asset card (固定资产卡片) with its changes and depreciation as a PDF."""
    from coopledger.reports.assets import render_card

    ledger.require(Permission.PRINT)
    card = asset_card(ledger, org_id, code)
    with ledger.connect() as c:
        name = str(c.execute(select(ORG.c.name).where(ORG.c.id == org_id)).scalar_one())
    render_card(name, card, out)
    return out


def depreciation_missing(
    s: Session | Connection, org_id: int, months: Iterable[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Of ``months``, those whose depreciation is due and not posted: some depreciated card
    was in service before the month and had not left the books before it."""
    wanted = sorted(set(months))
    if not wanted:
        return []
    runs = set(_posted_runs(s, org_id))
    out = []
    for year, month in wanted:
        if (year, month) in runs:
            continue
        first = dt.date(year, month, 1)
        due = s.execute(
            select(FA.c.id)
            .where(
                FA.c.org_id == org_id,
                FA.c.method != DepreciationMethod.NONE.value,
                FA.c.in_service_on < first,
                (FA.c.ended_on.is_(None)) | (FA.c.ended_on >= first),
            )
            .limit(1)
        ).first()
        if due is not None:
            out.append((year, month))
    return out


def refuse_closing_without_depreciation(
    s: Session | Connection, org_id: int, months: Iterable[tuple[int, int]]
) -> None:
    """A month is closed only once its depreciation is posted (结账前计提折旧)."""
    missing = depreciation_missing(s, org_id, months)
    if missing:
        raise DomainError(
            "period",
            N_("run the depreciation of {month} before closing it"),
            month=_month_text(*missing[0]),
        )
