"""The 村级财务公开表 (农经发〔2011〕13号): a month's or a quarter's finances for the notice
board, and the record of their publication.

What the ledger can fill of the rule's eight categories:

* the receipts and payments, item by item (逐项逐笔): every posted voucher that moved cash or
  bank, one item per counter account, grouped under income, expenditure, assets,
  receivables and payables, income distribution and other; the balance brought forward
  and carried on (上期结余 + 本期收入 − 本期支出 = 本期结余, checked);
* the income and expenditure that moved no cash (depreciation, accrued income, transfers:
  转账收支), item by item;
* the assets and the receivables and payables at the start and the end of the period, the
  fixed-asset register (资产台账) by category, the land transferred (各类资源: the contracts
  in force), and the year's distribution with what was paid in the period.

The financial plan (财务计划) is not in the ledger; the table leaves it out. A publication
records who posted which period when, reviewed by whom (民主理财小组), with the figures as
published and a digest of the table, so that a later change to the period shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from coopledger.domain.assets import month_end
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import is_sub_code, voucher_label
from coopledger.domain.money import fen_to_str
from coopledger.domain.vocabulary import (
    AccountKind,
    AssetCategory,
    DisclosureCategory,
    MemberAux,
    PeriodKind,
    Permission,
    VoucherSource,
    VoucherState,
)
from coopledger.services.accounts import role_account
from coopledger.services.cash import cash_account_ids, cash_limit_of, period_cash_warnings
from coopledger.services.ledger import Ledger
from coopledger.services.signatures import printed_by
from coopledger.store import tables
from coopledger.store.ledger import AccountInfo, L, V, accounts_by_code

__all__ = [
    "Disclosure",
    "DisclosureItem",
    "PeriodStatus",
    "disclosure_data",
    "period_span",
    "period_statuses",
    "print_disclosure",
    "publish_period",
]

ORG = tables.organisation
PUB = tables.publication
FA = tables.fixed_asset
AD = tables.asset_depreciation
DR = tables.depreciation_run
C = tables.land_contract
D = tables.distribution
DI = tables.distribution_item
SET = tables.setting

#: Vouchers that are not the period's business: the opening entry and the year-end close.
_NOT_BUSINESS = ("opening", VoucherSource.CLOSING.value)


def period_span(kind: PeriodKind, year: int, period: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month (1–12) or a quarter (1–4)."""
    if kind is PeriodKind.MONTH:
        if not 1 <= period <= 12:
            raise DomainError("period", N_("month must be 1–12 (got {got})"), got=period)
        return dt.date(year, period, 1), month_end(year, period)
    if not 1 <= period <= 4:
        raise DomainError("period", N_("a quarter is 1–4 (got {got})"), got=period)
    first = 3 * period - 2
    return dt.date(year, first, 1), month_end(year, first + 2)


_QUARTERS = ("一", "二", "三", "四")


def period_title(kind: PeriodKind, year: int, period: int) -> str:
    """``2014年12月`` or ``2014年第四季度`` (the papers are Chinese documents)."""
    if kind is PeriodKind.MONTH:
        return f"{year}年{period}月"
    return f"{year}年第{_QUARTERS[period - 1]}季度"


@dataclass(frozen=True, slots=True)
class DisclosureItem:
    """One item: a voucher's amount on one counter account (a receipt, a payment, or an
    income or expense that moved no cash). A red reversal is a negative amount."""

    date: dt.date
    voucher: str
    memo: str
    category: DisclosureCategory
    item: str
    amount_fen: int


@dataclass(frozen=True, slots=True)
class BalanceLine:
    """An account (or a part of one) at the start and the end of the period."""

    label: str
    opening_fen: int
    closing_fen: int


@dataclass(frozen=True, slots=True)
class AssetGroup:
    """The register's cards of one category at the end of the period."""

    category: AssetCategory
    cards: int
    value_fen: int
    accumulated_fen: int
    poverty_relief: int

    @property
    def net_fen(self) -> int:
        return self.value_fen - self.accumulated_fen


@dataclass(frozen=True, slots=True)
class Disclosure:
    """A period's 财务公开表."""

    org_name: str
    kind: PeriodKind
    year: int
    period: int
    start: dt.date
    end: dt.date
    opening_fen: int
    receipts: tuple[DisclosureItem, ...]
    payments: tuple[DisclosureItem, ...]
    transfers_in: tuple[DisclosureItem, ...]
    transfers_out: tuple[DisclosureItem, ...]
    closing_fen: int
    assets: tuple[BalanceLine, ...]
    debts: tuple[BalanceLine, ...]
    register: tuple[AssetGroup, ...]
    land: tuple[int, int, int]  # contracts in force, area (e4 mu), rent a year (fen)
    distribution: tuple[tuple[str, int], ...]
    warnings: tuple[DomainError, ...]
    phone: str
    reviewers: str
    preparer: str

    @property
    def title(self) -> str:
        return period_title(self.kind, self.year, self.period)

    @property
    def receipts_fen(self) -> int:
        return sum(i.amount_fen for i in self.receipts)

    @property
    def payments_fen(self) -> int:
        return sum(i.amount_fen for i in self.payments)

    def totals_by_category(self) -> list[tuple[DisclosureCategory, int, int]]:
        """(category, receipts, payments) for each category that has either."""
        got: dict[DisclosureCategory, list[int]] = {c: [0, 0] for c in DisclosureCategory}
        for i in self.receipts:
            got[i.category][0] += i.amount_fen
        for i in self.payments:
            got[i.category][1] += i.amount_fen
        return [(c, r, p) for c, (r, p) in got.items() if r or p]

    @property
    def digest(self) -> str:
        """sha256 of the table's figures and items (what a publication vouches for)."""
        data = {
            "period": [self.kind.value, self.year, self.period],
            "opening": self.opening_fen,
            "closing": self.closing_fen,
            "items": [
                [
                    name,
                    i.date.isoformat(),
                    i.voucher,
                    i.memo,
                    i.category.value,
                    i.item,
                    i.amount_fen,
                ]
                for name, items in (
                    ("in", self.receipts),
                    ("out", self.payments),
                    ("tin", self.transfers_in),
                    ("tout", self.transfers_out),
                )
                for i in items
            ],
            "assets": [[b.label, b.opening_fen, b.closing_fen] for b in self.assets],
            "debts": [[b.label, b.opening_fen, b.closing_fen] for b in self.debts],
            "register": [
                [g.category.value, g.cards, g.value_fen, g.accumulated_fen] for g in self.register
            ],
            "land": list(self.land),
            "distribution": [list(x) for x in self.distribution],
        }
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _category(acc: AccountInfo, source: str, distribution_codes: set[str]) -> DisclosureCategory:
    """Which of the categories an item on ``acc`` falls under."""
    if source in (VoucherSource.PAYMENT.value, VoucherSource.DISTRIBUTION.value):
        return DisclosureCategory.DISTRIBUTION
    if any(acc.code == c or is_sub_code(acc.code, c) for c in distribution_codes):
        return DisclosureCategory.DISTRIBUTION
    if acc.kind == AccountKind.REVENUE:
        return DisclosureCategory.INCOME
    if acc.kind in (AccountKind.EXPENSE, AccountKind.COST):
        return DisclosureCategory.EXPENDITURE
    if acc.kind == AccountKind.LIABILITY:
        return DisclosureCategory.DEBTS
    if acc.kind == AccountKind.ASSET:
        if acc.member_aux != MemberAux.NONE:
            return DisclosureCategory.DEBTS  # 应收款, 内部往来 / 成员往来
        return DisclosureCategory.ASSETS
    return DisclosureCategory.OTHER


def _setting(c: Connection, org_id: int, key: str) -> str:
    from coopledger.services.settings import SETTINGS

    value = c.execute(select(SET.c.value).where(SET.c.org_id == org_id, SET.c.key == key)).scalar()
    return str(value) if value is not None else SETTINGS[key].default


def disclosure_data(
    ledger: Ledger, org_id: int, kind: PeriodKind, year: int, period: int
) -> Disclosure:
    """The 财务公开表 of a month or a quarter, from the posted vouchers."""
    from coopledger.services.books import _sums

    start, end = period_span(kind, year, period)
    limit = cash_limit_of(ledger, org_id)
    with ledger.connect() as c:
        org = c.execute(select(ORG.c.name, ORG.c.chart).where(ORG.c.id == org_id)).one()
        chart = str(org.chart)
        accounts = accounts_by_code(c, org_id)
        by_id = {a.id: a for a in accounts.values()}
        cash_ids, bank_ids = cash_account_ids(c, org_id)
        money_ids = cash_ids | bank_ids
        distribution_codes = {
            role_account(chart, r) for r in ("distribution_items", "dividend_payable")
        } - {role_account(chart, "member_current")}
        before = _sums(c, org_id, None, start - dt.timedelta(days=1))
        after = _sums(c, org_id, None, end)
        rows = c.execute(
            select(
                V.c.id,
                V.c.date,
                V.c.vtype,
                V.c.seq,
                V.c.memo,
                V.c.source,
                L.c.account_id,
                L.c.debit_fen,
                L.c.credit_fen,
            )
            .select_from(L.join(V, V.c.id == L.c.voucher_id))
            .where(
                V.c.org_id == org_id,
                V.c.state == VoucherState.POSTED,
                V.c.date >= start,
                V.c.date <= end,
                V.c.source.not_in(_NOT_BUSINESS),
            )
            .order_by(V.c.date, V.c.seq, V.c.id, L.c.line_no)
        ).all()
        register = _register(c, org_id, end)
        land = _land(c, org_id, end)
        distribution = _distribution(c, org_id, start, end)
        split_before = _member_split(c, org_id, accounts, start - dt.timedelta(days=1))
        split_after = _member_split(c, org_id, accounts, end)
        warnings = period_cash_warnings(c, org_id, start, end, limit)
        phone = _setting(c, org_id, "objection_phone")
        reviewers = _setting(c, org_id, "finance_reviewers")

    receipts: list[DisclosureItem] = []
    payments: list[DisclosureItem] = []
    t_in: list[DisclosureItem] = []
    t_out: list[DisclosureItem] = []
    by_voucher: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        by_voucher[r.id].append(r)
    for lines in by_voucher.values():
        head = lines[0]
        label = voucher_label(head.vtype, head.seq)
        moves_money = any(ln.account_id in money_ids for ln in lines)
        # One item per counter account and side within the voucher.
        sums: dict[tuple[int, str], int] = defaultdict(int)
        for ln in lines:
            if ln.account_id in money_ids:
                continue
            if ln.credit_fen:
                sums[(ln.account_id, "credit")] += int(ln.credit_fen)
            if ln.debit_fen:
                sums[(ln.account_id, "debit")] += int(ln.debit_fen)
        for (acc_id, side), amount in sums.items():
            acc = by_id[acc_id]
            item = DisclosureItem(
                head.date,
                label,
                head.memo,
                _category(acc, head.source, distribution_codes),
                acc.name,
                amount,
            )
            if moves_money:
                (receipts if side == "credit" else payments).append(item)
            elif acc.kind == AccountKind.REVENUE:
                t_in.append(item if side == "credit" else _negated(item))
            elif acc.kind in (AccountKind.EXPENSE, AccountKind.COST):
                t_out.append(item if side == "debit" else _negated(item))

    def balance(sums: dict[int, tuple[int, int]], ids: set[int]) -> int:
        return sum(sums.get(i, (0, 0))[0] - sums.get(i, (0, 0))[1] for i in ids)

    opening = balance(before, money_ids)
    closing = balance(after, money_ids)
    disclosure = Disclosure(
        org_name=str(org.name),
        kind=kind,
        year=year,
        period=period,
        start=start,
        end=end,
        opening_fen=opening,
        receipts=tuple(_ordered(receipts)),
        payments=tuple(_ordered(payments)),
        transfers_in=tuple(t_in),
        transfers_out=tuple(t_out),
        closing_fen=closing,
        assets=tuple(_asset_lines(accounts, before, after, split_before, split_after)),
        debts=tuple(_debt_lines(accounts, before, after, split_before, split_after)),
        register=tuple(register),
        land=land,
        distribution=tuple(distribution),
        warnings=tuple(warnings),
        phone=phone,
        reviewers=reviewers,
        preparer=printed_by(ledger),
    )
    if opening + disclosure.receipts_fen - disclosure.payments_fen != closing:
        raise DomainError(
            "period",
            N_(
                "the receipts and payments do not add up to the cash and bank balance "
                "({opening} + {receipts} − {payments} ≠ {closing})"
            ),
            opening=fen_to_str(opening),
            receipts=fen_to_str(disclosure.receipts_fen),
            payments=fen_to_str(disclosure.payments_fen),
            closing=fen_to_str(closing),
        )
    return disclosure


def _negated(item: DisclosureItem) -> DisclosureItem:
    return DisclosureItem(
        item.date, item.voucher, item.memo, item.category, item.item, -item.amount_fen
    )


def _ordered(items: list[DisclosureItem]) -> list[DisclosureItem]:
    order = {c: i for i, c in enumerate(DisclosureCategory)}
    return sorted(items, key=lambda i: order[i.category])  # stable: by date within


def _member_split(
    c: Connection, org_id: int, accounts: dict[str, AccountInfo], on: dt.date
) -> dict[int, tuple[int, int]]:
    """For the accounts kept per member (内部往来, 成员往来): the sum of the members'
    debit balances and of their credit balances at the end of ``on``."""
    ids = [a.id for a in accounts.values() if a.member_aux == MemberAux.REQUIRED]
    if not ids:
        return {}
    rows = c.execute(
        select(L.c.account_id, L.c.member_id, func.sum(L.c.debit_fen - L.c.credit_fen))
        .select_from(L.join(V, V.c.id == L.c.voucher_id))
        .where(
            V.c.org_id == org_id,
            V.c.state == VoucherState.POSTED,
            L.c.account_id.in_(ids),
            L.c.date <= on,
        )
        .group_by(L.c.account_id, L.c.member_id)
    ).all()
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for acc, _member, net in rows:
        net = int(net or 0)
        if net > 0:
            out[acc][0] += net
        elif net < 0:
            out[acc][1] -= net
    return {k: (v[0], v[1]) for k, v in out.items()}


def _first_level(accounts: dict[str, AccountInfo], kind: str) -> list[AccountInfo]:
    return sorted(
        (a for a in accounts.values() if a.kind == kind and len(a.code) == 3),
        key=lambda a: a.code,
    )


def _rolled(accounts: dict[str, AccountInfo], sums: dict[int, tuple[int, int]], root: str) -> int:
    return sum(
        sums.get(a.id, (0, 0))[0] - sums.get(a.id, (0, 0))[1]
        for c, a in accounts.items()
        if c == root or is_sub_code(c, root)
    )


def _asset_lines(
    accounts: dict[str, AccountInfo],
    before: dict[int, tuple[int, int]],
    after: dict[int, tuple[int, int]],
    split_before: dict[int, tuple[int, int]],
    split_after: dict[int, tuple[int, int]],
) -> list[BalanceLine]:
    """Every first-level asset account with a balance (debit − credit; contra accounts such
    as 累计折旧 shown negative), the per-member accounts by their members' debit balances."""
    out = []
    for a in _first_level(accounts, AccountKind.ASSET):
        if a.member_aux == MemberAux.REQUIRED:
            o, cl = split_before.get(a.id, (0, 0))[0], split_after.get(a.id, (0, 0))[0]
            label = f"{a.name}（应收）"
        else:
            o, cl = _rolled(accounts, before, a.code), _rolled(accounts, after, a.code)
            label = a.name
        if o or cl:
            out.append(BalanceLine(label, o, cl))
    return out


def _debt_lines(
    accounts: dict[str, AccountInfo],
    before: dict[int, tuple[int, int]],
    after: dict[int, tuple[int, int]],
    split_before: dict[int, tuple[int, int]],
    split_after: dict[int, tuple[int, int]],
) -> list[BalanceLine]:
    """Receivables from outside (应收款) and every liability (credit − debit), and what the
    per-member accounts owe to members (their credit balances)."""
    out = []
    for a in _first_level(accounts, AccountKind.ASSET):
        if a.member_aux == MemberAux.REQUIRED:
            o, cl = split_before.get(a.id, (0, 0))[1], split_after.get(a.id, (0, 0))[1]
            if o or cl:
                out.append(BalanceLine(f"{a.name}（应付）", o, cl))
    for a in _first_level(accounts, AccountKind.LIABILITY):
        o, cl = -_rolled(accounts, before, a.code), -_rolled(accounts, after, a.code)
        if o or cl:
            out.append(BalanceLine(a.name, o, cl))
    return out


def _register(c: Connection, org_id: int, end: dt.date) -> list[AssetGroup]:
    last = end.year * 12 + end.month - 1
    runs = {
        int(a): int(v or 0)
        for a, v in c.execute(
            select(AD.c.asset_id, func.sum(AD.c.amount_fen))
            .select_from(AD.join(DR, DR.c.id == AD.c.run_id))
            .where(AD.c.org_id == org_id, (DR.c.year * 12 + DR.c.month - 1) <= last)
            .group_by(AD.c.asset_id)
        )
    }
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in c.execute(
        select(
            FA.c.id,
            FA.c.category,
            FA.c.value_fen,
            FA.c.opening_depreciation_fen,
            FA.c.poverty_relief,
            FA.c.status,
            FA.c.ended_on,
        ).where(
            FA.c.org_id == org_id,
            FA.c.in_service_on <= end,
            or_(FA.c.ended_on.is_(None), FA.c.ended_on > end),
        )
    ):
        g = groups[r.category]
        g[0] += 1
        g[1] += int(r.value_fen)
        g[2] += int(r.opening_depreciation_fen) + runs.get(r.id, 0)
        g[3] += 1 if r.poverty_relief else 0
    out = []
    for category in AssetCategory:
        found = groups.get(category.value)
        if found:
            out.append(AssetGroup(category, found[0], found[1], found[2], found[3]))
    return out


def _land(c: Connection, org_id: int, end: dt.date) -> tuple[int, int, int]:
    rows = c.execute(
        select(C.c.area_e4, C.c.rent_per_mu_fen).where(
            C.c.org_id == org_id, C.c.start_on <= end, C.c.end_on >= end
        )
    ).all()
    from coopledger.domain.money import round_ratio_half_up

    area = sum(int(a) for a, _ in rows)
    rent = sum(round_ratio_half_up(int(a) * int(r), 10_000) for a, r in rows)
    return len(rows), area, rent


def _distribution(
    c: Connection, org_id: int, start: dt.date, end: dt.date
) -> list[tuple[str, int]]:
    """The distribution of the year the period ends in (when committed), and the slips paid
    in the period."""
    out: list[tuple[str, int]] = []
    committed = c.execute(
        select(D).where(D.c.org_id == org_id, D.c.year == end.year, D.c.state == "committed")
    ).first()
    if committed is not None and end >= dt.date(end.year, 12, 1):
        out.append((f"{end.year}年度可分配收益", int(committed.distributable_fen)))
        if committed.land_fees_fen:
            out.append(("土地流转费", int(committed.land_fees_fen)))
        if committed.welfare_fen:
            out.append(("提取公益金", int(committed.welfare_fen)))
        if committed.reserve_fen:
            out.append(("提取公积金", int(committed.reserve_fen)))
        if committed.transaction_returns_fen:
            out.append(("按交易量返还", int(committed.transaction_returns_fen)))
        out.append(("按股分红", int(committed.dividends_fen)))
    paid = c.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(DI.c.land_fee_fen + DI.c.transaction_return_fen + DI.c.dividend_fen), 0
            ),
        ).where(
            DI.c.org_id == org_id,
            and_(DI.c.paid_on >= start, DI.c.paid_on <= end),
        )
    ).one()
    if paid[0]:
        out.append((f"本期兑付（{int(paid[0])}户）", int(paid[1])))
    unpaid = c.execute(
        select(
            func.coalesce(
                func.sum(DI.c.land_fee_fen + DI.c.transaction_return_fen + DI.c.dividend_fen), 0
            )
        )
        .select_from(DI.join(D, D.c.id == DI.c.distribution_id))
        .where(
            DI.c.org_id == org_id,
            D.c.state == "committed",
            D.c.year <= end.year,
            or_(DI.c.paid_on.is_(None), DI.c.paid_on > end),
        )
    ).scalar()
    if unpaid:
        out.append(("期末尚未兑付", int(unpaid)))
    return out


# -- paper --------------------------------------------------------------------------------


def print_disclosure(
    ledger: Ledger,
    org_id: int,
    kind: PeriodKind,
    year: int,
    period: int,
    out: Path,
    *,
    paper: str = "A3",
    progress: Callable[[int, int], bool] | None = None,
) -> Path:
    """The 财务公开表 as a PDF for the notice board (A3, landscape) or the archive (A4)."""
    from coopledger.reports.disclosure import render_disclosure

    ledger.require(Permission.PRINT)
    if paper not in ("A3", "A4"):
        raise DomainError("paper", N_("the paper is A3 or A4 (got {got})"), got=paper)
    data = disclosure_data(ledger, org_id, kind, year, period)
    latest = _latest_publication(ledger, org_id, kind, year, period)
    render_disclosure(
        data,
        out,
        paper=paper,
        published_on=latest.published_on if latest and latest.digest == data.digest else None,
        gettext=_paper_text,
    )
    return out


def _paper_text(message: str) -> str:
    from coopledger.i18n import translations

    return translations("zh_CN").gettext(message)


# -- publication --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Publication:
    """A period posted on the notice board."""

    id: int
    kind: PeriodKind
    year: int
    period: int
    published_on: dt.date
    reviewed_by: str
    recorded_by: str
    recorded_at: dt.datetime
    receipts_fen: int
    payments_fen: int
    closing_fen: int
    digest: str
    notes: str


def _publication(r: Any) -> Publication:
    return Publication(
        int(r.id),
        PeriodKind(r.period_kind),
        int(r.year),
        int(r.period),
        r.published_on,
        r.reviewed_by,
        r.recorded_by,
        r.recorded_at,
        int(r.receipts_fen),
        int(r.payments_fen),
        int(r.closing_fen),
        r.digest,
        r.notes,
    )


def _latest_publication(
    ledger: Ledger, org_id: int, kind: PeriodKind, year: int, period: int
) -> Publication | None:
    with ledger.connect() as c:
        r = c.execute(
            select(PUB)
            .where(
                PUB.c.org_id == org_id,
                PUB.c.period_kind == kind.value,
                PUB.c.year == year,
                PUB.c.period == period,
            )
            .order_by(PUB.c.id.desc())
            .limit(1)
        ).first()
    return _publication(r) if r is not None else None


def publish_period(
    ledger: Ledger,
    org_id: int,
    kind: PeriodKind,
    year: int,
    period: int,
    published_on: dt.date,
    reviewed_by: str,
    *,
    notes: str = "",
) -> int:
    """Record that the period's 财务公开表 was posted on the notice board on
    ``published_on``, checked by the 民主理财小组 (``reviewed_by``, their names): who
    recorded it and when, the figures as published and the table's digest. A period may be
    published again (a correction); each publication is kept. Returns its id."""
    from coopledger.domain.fields import check_text
    from coopledger.store.models import Publication as Row

    ledger.require(Permission.PUBLISH_FINANCES)
    start, end = period_span(kind, year, period)
    reviewers = reviewed_by.strip()
    if not reviewers:
        raise DomainError(
            "reviewed_by",
            N_("name the 民主理财小组 members who reviewed the table before it was posted"),
        )
    check_text(reviewers, "reviewed_by", limit=200)
    check_text(notes.strip(), "notes", multiline=True, limit=2000)
    if published_on < end:
        raise DomainError(
            "published_on",
            N_("a period is published once it has ended, on {end} or later (got {got})"),
            end=end.isoformat(),
            got=published_on.isoformat(),
        )
    data = disclosure_data(ledger, org_id, kind, year, period)
    with ledger.write(org_id) as tx:
        row = Row(
            org_id=org_id,
            period_kind=kind.value,
            year=year,
            period=period,
            start_on=start,
            end_on=end,
            published_on=published_on,
            reviewed_by=reviewers,
            phone=data.phone,
            opening_fen=data.opening_fen,
            receipts_fen=data.receipts_fen,
            payments_fen=data.payments_fen,
            closing_fen=data.closing_fen,
            digest=data.digest,
            recorded_by=tx.user,
            recorded_at=dt.datetime.now(dt.UTC),
            notes=notes.strip(),
        )
        tx.session.add(row)
        tx.session.flush()
        assert row.id is not None
        tx.track("publish finances", "publication", row.id)
        return row.id


@dataclass(frozen=True, slots=True)
class PeriodStatus:
    """A period of a year and its publications (the latest first)."""

    kind: PeriodKind
    year: int
    period: int
    title: str
    publications: tuple[Publication, ...]
    #: None when not checked; else whether the ledger still gives the published table.
    unchanged: bool | None = None

    @property
    def latest(self) -> Publication | None:
        return self.publications[0] if self.publications else None


def period_statuses(
    ledger: Ledger, org_id: int, kind: PeriodKind, year: int, *, check: bool = False
) -> list[PeriodStatus]:
    """Every month (or quarter) of a year with who published it when; with ``check``, also
    whether the ledger still gives the table as it was published (a voucher posted into a
    published period afterwards shows here)."""
    count = 12 if kind is PeriodKind.MONTH else 4
    with ledger.connect() as c:
        rows = c.execute(
            select(PUB)
            .where(PUB.c.org_id == org_id, PUB.c.period_kind == kind.value, PUB.c.year == year)
            .order_by(PUB.c.id.desc())
        ).all()
    by_period: dict[int, list[Publication]] = defaultdict(list)
    for r in rows:
        by_period[int(r.period)].append(_publication(r))
    out = []
    for p in range(1, count + 1):
        pubs = tuple(by_period.get(p, ()))
        unchanged = None
        if check and pubs:
            unchanged = disclosure_data(ledger, org_id, kind, year, p).digest == pubs[0].digest
        out.append(PeriodStatus(kind, year, p, period_title(kind, year, p), pubs, unchanged))
    return out


def quarter_of(month: int) -> int:
    """The quarter a month falls in."""
    return (month - 1) // 3 + 1
