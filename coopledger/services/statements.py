"""The official year-end statements (资产负债表, 收益及收益分配表 / 盈余及盈余分配表,
成员权益变动表) from the form definitions in ``resources/forms/<chart>/``.

``domain.forms`` reads and evaluates a form; this module gathers the figures it needs from the
ledger (`LedgerFacts`): balances at a year's start and end from the kept monthly totals, the
per-member split of 内部往来 / 成员往来, the year's movements without the closing and opening
entries, and the distribution's own figures (`coopledger.domain.figures`). Then it runs the
cross-checks and lists every warning an auditor must see.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.figures import DistributionFigures, distribution_figures
from coopledger.domain.forms import (
    FORM_KINDS,
    Check,
    CheckResult,
    EvaluatedForm,
    FormDef,
    FormWarning,
    evaluate_form,
    parse_check,
    parse_form,
    referenced_accounts,
    run_checks,
    uses_unclosed,
)
from coopledger.domain.ledger import is_sub_code
from coopledger.domain.money import fen_to_str
from coopledger.domain.vocabulary import Permission
from coopledger.paths import resources_dir
from coopledger.services.accounts import role_account
from coopledger.services.books import OPENING_SOURCE, opening_voucher_ids
from coopledger.services.ledger import Ledger
from coopledger.store.ledger import PB, AccountInfo, L, V, accounts_by_code
from coopledger.store.models import Distribution, Organisation

__all__ = [
    "LedgerFacts",
    "YearStatements",
    "forms_folder",
    "load_forms",
    "statements_json",
    "year_statements",
]

#: Entries that are not the year's movements: the year-end close and the opening (建账).
NOT_MOVEMENT = ("closing", OPENING_SOURCE)
_PL_KINDS = ("revenue", "expense")


def forms_folder() -> Path:
    """Where the shipped form definitions are."""
    return resources_dir() / "forms"


@cache
def _load(chart: str, folder: str) -> tuple[tuple[FormDef, ...], tuple[Check, ...]]:
    base = Path(folder) / chart
    if not base.is_dir():
        raise DomainError("chart", N_("no statement forms for the chart {chart}"), chart=chart)
    forms: list[FormDef] = []
    checks: list[Check] = []
    for path in sorted(base.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        where = f"{chart}/{path.name}"
        if path.name == "checks.toml":
            checks += [parse_check(c, f"{where}[{i}]") for i, c in enumerate(data.get("check", []))]
        elif "kind" in data:
            form = parse_form(data, where)
            if form.chart != chart:
                raise DomainError(
                    "chart", N_("{file} is a form of {other}"), file=where, other=form.chart
                )
            forms.append(form)
    forms.sort(key=lambda f: FORM_KINDS.index(f.kind))
    kinds = [f.kind for f in forms]
    if len(set(kinds)) != len(kinds):
        raise DomainError("chart", N_("two forms of the same kind for {chart}"), chart=chart)
    return tuple(forms), tuple(checks)


def load_forms(
    chart: str, folder: Path | None = None
) -> tuple[tuple[FormDef, ...], tuple[Check, ...]]:
    """The forms of a chart, in print order, and its cross-checks (read once per folder)."""
    return _load(chart, str(folder or forms_folder()))


# --- the figures --------------------------------------------------------------------------


class LedgerFacts:
    """The `domain.forms.Facts` of one book, read from the ledger on demand and kept."""

    def __init__(self, s: Session, org_id: int, chart: str) -> None:
        self.s = s
        self.org_id = org_id
        self.chart = chart
        self.accounts: dict[str, AccountInfo] = accounts_by_code(s, org_id)
        self._by_id = {a.id: a for a in self.accounts.values()}
        self._under: dict[str, list[int]] = {}
        self._balances: dict[tuple[int, str], dict[int, int]] = {}
        self._splits: dict[tuple[str, int], dict[str, tuple[int, int]]] = {}
        self._moves: dict[int, dict[int, tuple[int, int]]] = {}
        self._vouchers: dict[tuple[int, str, str], list[dict[int, tuple[int, int]]]] = {}
        self._results: dict[int, tuple[DistributionFigures, int, str]] = {}
        self._opening_ids = opening_voucher_ids(s, org_id)
        self.opening_years: set[int] = set()
        if self._opening_ids:
            self.opening_years = {
                int(y)
                for (y,) in s.execute(
                    select(V.c.year).where(V.c.id.in_(self._opening_ids)).distinct()
                )
            }
        self.income_code = role_account(chart, "current_year_income")
        self.items_code = role_account(chart, "distribution_items")
        self.undistributed_parent = role_account(chart, "undistributed")[:3]
        #: year -> "distribution" (a committed result) or "ledger" (no committed distribution)
        self.sources: dict[int, str] = {}

    # -- accounts --

    def ids_under(self, code: str) -> list[int]:
        """The account and its sub-accounts (an unknown code: none)."""
        if code not in self._under:
            self._under[code] = [
                a.id for c, a in self.accounts.items() if c == code or is_sub_code(c, code)
            ]
        return self._under[code]

    def account(self, account_id: int) -> AccountInfo:
        """An account of the book by id."""
        return self._by_id[account_id]

    def account_name(self, code: str) -> str:
        a = self.accounts.get(code)
        return a.name if a else ""

    # -- balances --

    def balances_at(self, year: int, at: str) -> dict[int, int]:
        """Debit − credit per account at the start (the opening entry of the year included)
        or the end of ``year``."""
        key = (year, at)
        if key not in self._balances:
            last = year - 1 if at == "start" else year
            out: dict[int, int] = defaultdict(int)
            for acc, net in self.s.execute(
                select(PB.c.account_id, func.sum(PB.c.debit_fen - PB.c.credit_fen))
                .where(PB.c.org_id == self.org_id, PB.c.year <= last)
                .group_by(PB.c.account_id)
            ):
                out[int(acc)] += int(net or 0)
            if at == "start":
                for acc, net in self._opening_lines(year, by_member=False):
                    out[acc] += net
            self._balances[key] = dict(out)
        return self._balances[key]

    def _opening_lines(self, year: int, *, by_member: bool) -> list[Any]:
        """The opening entry's lines dated in ``year``, summed per account (and member)."""
        if not self._opening_ids:
            return []
        cols: list[Any] = [L.c.account_id]
        if by_member:
            cols.append(L.c.member_id)
        return [
            (*(int(x) if x is not None else None for x in r[:-1]), int(r[-1] or 0))
            for r in self.s.execute(
                select(*cols, func.sum(L.c.debit_fen - L.c.credit_fen))
                .where(
                    L.c.voucher_id.in_(self._opening_ids),
                    L.c.date >= dt.date(year, 1, 1),
                    L.c.date <= dt.date(year, 12, 31),
                )
                .group_by(*cols)
            )
        ]

    def balance(self, code: str, year: int, at: str) -> int:
        bal = self.balances_at(year, at)
        return sum(bal.get(i, 0) for i in self.ids_under(code))

    def unclosed(self, year: int, at: str) -> int:
        bal = self.balances_at(year, at)
        return sum(v for i, v in bal.items() if self._by_id[i].kind in _PL_KINDS)

    def split(self, code: str, year: int, at: str) -> tuple[int, int]:
        """Σ debit and Σ credit balances of the details (member × sub-account) of ``code``."""
        key = (code, year)
        if key not in self._splits:
            self._splits[key] = self._split_year(code, year)
        return self._splits[key][at]

    def _split_year(self, code: str, year: int) -> dict[str, tuple[int, int]]:
        ids = self.ids_under(code)
        if not ids:
            return {"start": (0, 0), "end": (0, 0)}
        first = dt.date(year, 1, 1)
        start: dict[tuple[int, int | None], int] = defaultdict(int)
        end: dict[tuple[int, int | None], int] = defaultdict(int)
        net = L.c.debit_fen - L.c.credit_fen
        # Posted lines carry their voucher's number (``seq``); a draft's lines do not.
        q = (
            select(
                L.c.account_id,
                L.c.member_id,
                func.sum(case((L.c.date < first, net), else_=0)),
                func.sum(net),
            )
            .where(
                L.c.org_id == self.org_id,
                L.c.account_id.in_(ids),
                L.c.seq.is_not(None),
                L.c.date <= dt.date(year, 12, 31),
            )
            .group_by(L.c.account_id, L.c.member_id)
        )
        for acc, member, before, total in self.s.execute(q):
            start[(int(acc), member)] += int(before or 0)
            end[(int(acc), member)] += int(total or 0)
        wanted = set(ids)
        for acc, member, amount in self._opening_lines(year, by_member=True):
            if acc in wanted:
                start[(acc, member)] += amount

        def halves(values: Iterable[int]) -> tuple[int, int]:
            vs = list(values)
            return sum(v for v in vs if v > 0), sum(-v for v in vs if v < 0)

        return {"start": halves(start.values()), "end": halves(end.values())}

    # -- movements --

    def _movements(self, year: int) -> dict[int, tuple[int, int]]:
        if year not in self._moves:
            out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
            for acc, d, c in self.s.execute(
                select(PB.c.account_id, func.sum(PB.c.debit_fen), func.sum(PB.c.credit_fen))
                .where(PB.c.org_id == self.org_id, PB.c.year == year)
                .group_by(PB.c.account_id)
            ):
                out[int(acc)][0] += int(d or 0)
                out[int(acc)][1] += int(c or 0)
            for acc, d, c in self.s.execute(
                select(L.c.account_id, func.sum(L.c.debit_fen), func.sum(L.c.credit_fen))
                .select_from(L.join(V, V.c.id == L.c.voucher_id))
                .where(
                    V.c.org_id == self.org_id,
                    V.c.year == year,
                    V.c.state == "posted",
                    V.c.source.in_(NOT_MOVEMENT),
                )
                .group_by(L.c.account_id)
            ):
                out[int(acc)][0] -= int(d or 0)
                out[int(acc)][1] -= int(c or 0)
            self._moves[year] = {k: (v[0], v[1]) for k, v in out.items()}
        return self._moves[year]

    def movement(self, code: str, year: int) -> tuple[int, int]:
        moves = self._movements(year)
        d = c = 0
        for i in self.ids_under(code):
            md, mc = moves.get(i, (0, 0))
            d += md
            c += mc
        return d, c

    def _voucher_sums(self, year: int, codes: tuple[str, str]) -> list[dict[int, tuple[int, int]]]:
        """Per voucher of the year that touches either account: (debit, credit) per account
        (what ``xfer`` and ``with_cr`` read; such vouchers are few, and the lines are found
        on the (org, account, date) index)."""
        key = (year, *codes)
        if key not in self._vouchers:
            ids = sorted({*self.ids_under(codes[0]), *self.ids_under(codes[1])})
            per: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
            if ids:
                skip = self._not_movement(year)
                q = select(L.c.voucher_id, L.c.account_id, L.c.debit_fen, L.c.credit_fen).where(
                    L.c.org_id == self.org_id,
                    L.c.account_id.in_(ids),
                    L.c.date >= dt.date(year, 1, 1),
                    L.c.date <= dt.date(year, 12, 31),
                    L.c.seq.is_not(None),
                )
                if skip:
                    q = q.where(L.c.voucher_id.not_in(skip))
                for vid, acc, d, c in self.s.execute(q):
                    cell = per[int(vid)][int(acc)]
                    cell[0] += int(d)
                    cell[1] += int(c)
            self._vouchers[key] = [
                {a: (v[0], v[1]) for a, v in accs.items()} for accs in per.values()
            ]
        return self._vouchers[key]

    def _not_movement(self, year: int) -> list[int]:
        """The year's closing and opening entries (few: found on the (org, source) index)."""
        return [
            int(i)
            for i in self.s.execute(
                select(V.c.id).where(
                    V.c.org_id == self.org_id,
                    V.c.source.in_(NOT_MOVEMENT),
                    V.c.year == year,
                )
            ).scalars()
        ]

    def _sides(self, sums: dict[int, tuple[int, int]], code: str) -> tuple[int, int]:
        d = c = 0
        for i in self.ids_under(code):
            sd, sc = sums.get(i, (0, 0))
            d += sd
            c += sc
        return d, c

    def transfer(self, debit_code: str, credit_code: str, year: int) -> int:
        total = 0
        for sums in self._voucher_sums(year, (debit_code, credit_code)):
            debit = self._sides(sums, debit_code)[0]
            credit = self._sides(sums, credit_code)[1]
            if debit and credit:
                total += min(debit, credit) if debit > 0 else max(debit, credit)
        return total

    def co_credit(self, code: str, other: str, year: int) -> int:
        total = 0
        for sums in self._voucher_sums(year, (code, other)):
            if self._sides(sums, other)[1]:
                total += self._sides(sums, code)[1]
        return total

    # -- the distribution's figures --

    def result(self, name: str, year: int) -> int:
        figures, other, _source = self._result(year)
        if name == "other_distributions":
            return other
        return figures.get(name)

    def _result(self, year: int) -> tuple[DistributionFigures, int, str]:
        if year not in self._results:
            row = self.s.execute(
                select(Distribution).where(
                    col(Distribution.org_id) == self.org_id,
                    col(Distribution.year) == year,
                    col(Distribution.state) == "committed",
                )
            ).scalar_one_or_none()
            items_debits = self.movement(self.items_code, year)[0]
            if row is not None and row.result_json:
                figures = distribution_figures(json.loads(row.result_json))
                posted = (
                    figures.welfare
                    + figures.reserve
                    + figures.dividends
                    + figures.transaction_returns
                )
                self._results[year] = (figures, items_debits - posted, "distribution")
            else:
                self._results[year] = (
                    self._from_ledger(year, items_debits),
                    items_debits,
                    "ledger",
                )
            self.sources[year] = self._results[year][2]
        return self._results[year]

    def _from_ledger(self, year: int, other: int) -> DistributionFigures:
        """A year without a committed distribution: the same figures from the ledger (the
        year's result, the balance brought forward, what was posted to 各项分配)."""
        net = 0
        moves = self._movements(year)
        for i, (d, c) in moves.items():
            if self._by_id[i].kind in _PL_KINDS:
                net += c - d
        brought = -(
            self.balance(self.income_code, year, "start")
            + self.balance(self.undistributed_parent, year, "start")
            + self.unclosed(year, "start")
        )
        available = net + brought
        left = available - other
        return DistributionFigures(
            distributable=net,
            net_income=net,
            undistributed_in=max(brought, 0),
            loss_in=max(-brought, 0),
            available=available,
            undistributed=max(left, 0),
            loss_carried=max(-left, 0),
        )


# --- the statements of a year ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearStatements:
    """Every form of a book for a year, filled in, with the checks and warnings."""

    org_name: str
    chart: str
    year: int
    forms: tuple[EvaluatedForm, ...]
    checks: tuple[CheckResult, ...]
    warnings: tuple[FormWarning, ...]
    #: year → "distribution" (the committed result's figures) or "ledger" (none committed)
    figures_from: dict[int, str]
    opening_year: bool

    def form(self, kind: str) -> EvaluatedForm | None:
        return next((f for f in self.forms if f.form.kind == kind), None)

    @property
    def ok(self) -> bool:
        """No warning at all."""
        return not self.warnings


def _unplaced(facts: LedgerFacts, forms: Sequence[FormDef], year: int) -> list[FormWarning]:
    """Balances no line of the balance sheet shows (they would unbalance it silently)."""
    sheet = next((f for f in forms if f.kind == "balance_sheet"), None)
    if sheet is None:
        return []
    shown = referenced_accounts(sheet)
    pl_shown = uses_unclosed(sheet)
    out = []
    for column in sheet.columns:
        if not column.at:
            continue
        bal = facts.balances_at(year + column.year, column.at)
        per_code: dict[str, int] = defaultdict(int)
        for acc_id, value in bal.items():
            a = facts.account(acc_id)
            if a.kind in _PL_KINDS and pl_shown:
                continue
            if any(a.code == c or is_sub_code(a.code, c) for c in shown):
                continue
            per_code[a.code[:3]] += value
        for code, value in sorted(per_code.items()):
            if value:
                out.append(
                    FormWarning(
                        "unplaced",
                        sheet.kind,
                        "",
                        "",
                        column.label,
                        N_(
                            "{code} {name} has a balance of {amount} ({column}) that no line of the {form} shows"
                        ),
                        {
                            "code": code,
                            "name": facts.account_name(code),
                            "amount": fen_to_str(value),
                            "column": column.label,
                            "form": sheet.title,
                        },
                    )
                )
    return out


def _check_warning(r: CheckResult) -> FormWarning:
    return FormWarning(
        "cross",
        r.check.left[0],
        r.check.left[1],
        "",
        "",
        N_("{left} is {left_value}, but {right} is {right_value}"),
        {
            "left": r.left_label,
            "left_value": fen_to_str(r.left_value),
            "right": r.right_label,
            "right_value": fen_to_str(r.right_value),
        },
    )


def year_statements(
    ledger: Ledger, org_id: int, year: int, *, forms_dir: Path | None = None
) -> YearStatements:
    """Every official form of the book for ``year``, with its cross-checks and warnings."""
    ledger.require(Permission.READ)
    if not 1900 <= year <= 9999:
        raise DomainError("--year", N_("not a year: {got}"), got=year)
    with ledger.read() as s:
        org = s.get(Organisation, org_id)
        if org is None:
            raise DomainError("org", N_("no organisation #{id}"), id=org_id)
        forms, checks = load_forms(org.chart, forms_dir)
        facts = LedgerFacts(s, org_id, org.chart)
        evaluated = [evaluate_form(f, facts, year) for f in forms]
        unplaced = _unplaced(facts, forms, year)
        opening_year = year in facts.opening_years
        # Both years' figures are read by the income statement; make sure both are known.
        for y in (year, year - 1):
            facts.result("net_income", y)
        sources = dict(sorted(facts.sources.items()))
        org_name, chart = org.name, org.chart
    by_kind = {ev.form.kind: ev for ev in evaluated}
    wanted = [c for c in checks if not (c.chain and opening_year)]
    results = run_checks(wanted, by_kind)
    warnings: list[FormWarning] = []
    for ev in evaluated:
        warnings += ev.warnings
    warnings += unplaced
    warnings += [_check_warning(r) for r in results if not r.ok]
    return YearStatements(
        org_name=org_name,
        chart=chart,
        year=year,
        forms=tuple(evaluated),
        checks=tuple(results),
        warnings=tuple(warnings),
        figures_from=sources,
        opening_year=opening_year,
    )


def _money(value: int | None) -> str | None:
    return None if value is None else fen_to_str(value)


def form_json(ev: EvaluatedForm) -> dict[str, Any]:
    """One form as ``{"title", "form_no", "columns", "lines": [{"row", "name", "id", <column
    id>…}]}`` (headings left out; money as ``"1600.00"``, an empty cell as null; ``id`` is the
    line's id in the form definition, which a program reads where people read the 行次)."""
    lines = []
    for el in ev.lines:
        if el.line.heading:
            continue
        item: dict[str, Any] = {"row": el.line.row, "name": el.line.label, "id": el.line.id}
        for c, v in zip(ev.form.columns, el.values, strict=True):
            item[c.id] = _money(v)
        lines.append(item)
    return {
        "title": ev.form.title,
        "form_no": ev.form.form_no,
        "columns": [{"id": c.id, "label": c.label} for c in ev.form.columns],
        "lines": lines,
    }


def statements_json(st: YearStatements, gettext: Any = None) -> dict[str, Any]:
    """Every form of the book (``balance_sheet``, ``income_statement``, ``member_equity`` on
    a cooperative book), the checks and the warnings (their text through ``gettext``)."""
    out: dict[str, Any] = {"organisation": st.org_name, "chart": st.chart, "year": st.year}
    for ev in st.forms:
        out[ev.form.kind] = form_json(ev)
    out["checks"] = [
        {
            "left": r.left_label,
            "right": r.right_label,
            "left_value": fen_to_str(r.left_value),
            "right_value": fen_to_str(r.right_value),
            "ok": r.ok,
        }
        for r in st.checks
    ]
    out["warnings"] = [
        {"kind": w.kind, "form": w.form, "row": w.row, "message": w.text(gettext)}
        for w in st.warnings
    ]
    out["figures_from"] = {str(y): src for y, src in st.figures_from.items()}
    return out
