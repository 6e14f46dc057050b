"""Official statement forms as data, and their evaluation.

A form (资产负债表, 收益及收益分配表, 成员权益变动表 …) is a definition file shipped in
``resources/forms/<chart>/`` (TOML): its title, table number, columns and lines. Each line has
an id, its fixed 行次 (``row``), the label as printed, and a formula over account balances,
movements, the distribution's figures or other lines. Correcting a 行次 or a label is a change
to that one file; this module never names an account.

Formulas are sums of terms joined by ``+`` and ``-``:

``bal(CODE)``
    the balance of the account (with its sub-accounts) at the column's instant, on the line's
    ``side`` (``debit``: debit − credit; ``credit``: credit − debit). ``open(CODE)`` and
    ``close(CODE)`` take the year's start or end whatever the column.
``debits(CODE)`` / ``credits(CODE)``
    the split rule of two-way accounts (内部往来 / 成员往来): the sum of the debit balances,
    or of the credit balances, of its details (each member on each sub-account), ≥ 0.
``flow(CODE)``
    the year's net movement on the line's side (the year-end closing and the opening entry
    left out); ``dr_flow(CODE)`` / ``cr_flow(CODE)`` the gross debits / credits.
``xfer(DR, CR)``
    what the year's vouchers moved from DR (debited) to CR (credited).
``with_cr(A, B)``
    the year's credits to A in vouchers that also credit B (股金溢价: Cr 股金 and 资本公积).
``pl()``
    the revenue and expense balances not yet closed into 本年收益, on the line's side (the
    interim rule: an unclosed year's result belongs in 未分配收益); ``pl_open()`` and
    ``pl_close()`` at the year's start or end whatever the column.
``result(FIELD)``
    a figure of the year's distribution result (``net_income``, ``available`` …).
``line(ID)``
    another line of the same column.

A line's sign rule (``negative``): ``warn`` (the default for balance lines) lists a balance on
the wrong side of its line as a warning, e.g. negative cash or a debit on a payable, and still
shows it, negative, on its own line; ``allowed`` shows it negative without a warning (固定资产清理
with a credit balance, 应交税费 overpaid). A line may carry ``check``, a formula its value must
equal (the distribution's own figure), and ``nil`` (the balance must be nothing at year end).

Pure: the service reads the file (``tomllib``) and gathers the figures behind `Facts`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from coopledger.domain.errors import N_

__all__ = [
    "FORM_KINDS",
    "RESULT_FIELDS",
    "Check",
    "CheckResult",
    "ColumnDef",
    "EvaluatedForm",
    "EvaluatedLine",
    "Facts",
    "FormDef",
    "FormError",
    "FormWarning",
    "LineDef",
    "Term",
    "evaluate_form",
    "parse_check",
    "parse_form",
    "parse_formula",
    "referenced_accounts",
    "run_checks",
    "uses_unclosed",
]

FORM_KINDS: Final = ("balance_sheet", "income_statement", "member_equity")

#: The distribution figures a form may use (``result(FIELD)``); see ``distribution.md``.
RESULT_FIELDS: Final = (
    "distributable",
    "land_fees",
    "net_income",
    "undistributed_in",
    "loss_in",
    "available",
    "loss_made_up",
    "loss_carried",
    "welfare",
    "reserve",
    "transaction_returns",
    "dividends",
    "undistributed",
    "other_distributions",
)

_FUNCTIONS: Final = {
    # name: (argument count, needs an instant)
    "bal": (1, True),
    "open": (1, False),
    "close": (1, False),
    "debits": (1, True),
    "credits": (1, True),
    "flow": (1, False),
    "dr_flow": (1, False),
    "cr_flow": (1, False),
    "xfer": (2, False),
    "with_cr": (2, False),
    "pl": (0, True),
    "pl_open": (0, False),
    "pl_close": (0, False),
    "result": (1, False),
    "line": (1, False),
}
_BALANCE_TERMS: Final = ("bal", "open", "close")
_TOKEN = re.compile(r"\s*(?:(?P<op>[+-])|(?P<call>[a-z_]+)\s*\(\s*(?P<args>[^()]*)\)\s*)")
_CODE = re.compile(r"^\d{3,}$")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


class FormError(ValueError):
    """A form definition file is wrong (a shipped file: a programming error, not user data)."""


class Facts(Protocol):
    """The figures a form is evaluated over; balances are debit − credit, in fen."""

    def balance(self, code: str, year: int, at: str) -> int:
        """An account's balance (sub-accounts included) at the year's ``start`` or ``end``."""
        ...

    def split(self, code: str, year: int, at: str) -> tuple[int, int]:
        """(Σ debit balances, Σ credit balances) of the account's details, both ≥ 0."""
        ...

    def movement(self, code: str, year: int) -> tuple[int, int]:
        """(debits, credits) posted in the year, closing and opening entries left out."""
        ...

    def transfer(self, debit_code: str, credit_code: str, year: int) -> int:
        """What the year's vouchers moved from ``debit_code`` to ``credit_code``."""
        ...

    def co_credit(self, code: str, other: str, year: int) -> int:
        """The year's credits to ``code`` in vouchers that also credit ``other``."""
        ...

    def unclosed(self, year: int, at: str) -> int:
        """Revenue and expense balances not closed into 本年收益 (debit − credit)."""
        ...

    def result(self, name: str, year: int) -> int:
        """A figure of the year's distribution (or its equivalent from the ledger)."""
        ...

    def account_name(self, code: str) -> str:
        """The account's name in the book ('' when the book has no such account)."""
        ...


@dataclass(frozen=True, slots=True)
class Term:
    """One signed term of a formula: ``sign`` is 1 or -1."""

    sign: int
    func: str
    args: tuple[str, ...]

    def __str__(self) -> str:
        return f"{'-' if self.sign < 0 else '+'}{self.func}({', '.join(self.args)})"


@dataclass(frozen=True, slots=True)
class ColumnDef:
    """An amount column: its id (the JSON key), its printed label, the year it reads
    (offset from the form's year) and, for balances, the instant (``start`` / ``end``);
    ``sum`` columns add the other columns of their line (合计)."""

    id: str
    label: str
    year: int = 0
    at: str = ""
    sum: bool = False


@dataclass(frozen=True, slots=True)
class LineDef:
    """One line of a form."""

    id: str
    row: str
    label: str
    half: int = 1
    level: int = 0
    heading: bool = False
    total: bool = False
    side: str = "debit"
    negative: str = "warn"
    nil: bool = False
    formula: tuple[Term, ...] = ()
    cells: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)
    check: tuple[Term, ...] = ()
    check_cells: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)

    def check_for(self, column: ColumnDef) -> tuple[Term, ...]:
        """The formula this line's value must equal in ``column`` (empty: no check)."""
        return self.check_cells.get(column.id, self.check)

    def formula_for(self, column: ColumnDef) -> tuple[Term, ...] | None:
        """The formula of this line in ``column`` (None: an empty cell)."""
        if column.id in self.cells:
            return self.cells[column.id]
        if self.formula:
            return self.formula
        return None

    @property
    def lines_only(self) -> bool:
        """Whether the formula only adds or subtracts other lines (a printed total)."""
        return bool(self.formula) and all(t.func == "line" for t in self.formula)


@dataclass(frozen=True, slots=True)
class FormDef:
    """A statement form: title, table number (表号), columns and lines, in print order."""

    id: str
    chart: str
    kind: str
    title: str
    form_no: str
    period: str
    columns: tuple[ColumnDef, ...]
    lines: tuple[LineDef, ...]
    halves: tuple[str, ...] = ("项目",)
    item_header: str = "项目"
    confidence: str = ""
    source: str = ""

    def line(self, line_id: str) -> LineDef:
        for ln in self.lines:
            if ln.id == line_id:
                return ln
        raise KeyError(line_id)

    def column(self, column_id: str) -> ColumnDef:
        for c in self.columns:
            if c.id == column_id:
                return c
        raise KeyError(column_id)


@dataclass(frozen=True, slots=True)
class FormWarning:
    """Something on a form an auditor must see: an abnormal balance, a check that failed, a
    balance no line shows. ``message`` is an English msgid; ``params`` fill it."""

    kind: str  # abnormal | nil | check | unplaced | cross
    form: str
    line: str
    row: str
    column: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, gettext: Any = None) -> str:
        """The message, translated by ``gettext`` when given (parameters that are msgids,
        such as the side, too; names and figures have no catalog entry and stay)."""
        shown = dict(self.params)
        if gettext is None:
            return self.message.format(**shown)
        shown = {k: gettext(v) if isinstance(v, str) and v else v for k, v in shown.items()}
        try:
            return str(gettext(self.message)).format(**shown)
        except (KeyError, IndexError, ValueError):
            return self.message.format(**self.params)


@dataclass(frozen=True, slots=True)
class EvaluatedLine:
    """A line with one value per column (None for an empty cell or a heading)."""

    line: LineDef
    values: tuple[int | None, ...]


@dataclass(frozen=True, slots=True)
class EvaluatedForm:
    """A form filled in for a year."""

    form: FormDef
    year: int
    lines: tuple[EvaluatedLine, ...]
    warnings: tuple[FormWarning, ...]

    def value(self, line_id: str, column_id: str) -> int | None:
        index = next(i for i, c in enumerate(self.form.columns) if c.id == column_id)
        for el in self.lines:
            if el.line.id == line_id:
                return el.values[index]
        raise KeyError(line_id)


@dataclass(frozen=True, slots=True)
class Check:
    """A cross-check between two cells: ``form.line.column`` on each side."""

    left: tuple[str, str, str]
    right: tuple[str, str, str]
    #: Compares a year with the year before (left out in the year the book was opened).
    chain: bool = False


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One cross-check as run: both cells' labels and values."""

    check: Check
    left_label: str
    right_label: str
    left_value: int
    right_value: int

    @property
    def ok(self) -> bool:
        return self.left_value == self.right_value


# --- parsing ------------------------------------------------------------------------------


def parse_formula(text: str, where: str = "formula") -> tuple[Term, ...]:
    """Parse ``"bal(101) + bal(102) - line(x)"`` into terms.

    Raises:
        FormError: an unknown function, a wrong number of arguments, a malformed code.
    """
    terms: list[Term] = []
    pos, sign, expect_term, leading = 0, 1, True, False
    text = text.strip()
    if not text:
        raise FormError(f"{where}: empty formula")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise FormError(f"{where}: cannot read {text[pos:]!r}")
        pos = m.end()
        op = m.group("op")
        if op:
            if not expect_term:
                sign, expect_term = (-1 if op == "-" else 1), True
            elif not terms and not leading:
                sign, leading = (-1 if op == "-" else 1), True
            else:
                raise FormError(f"{where}: two operators in a row in {text!r}")
            continue
        if not expect_term:
            raise FormError(f"{where}: missing + or - before {m.group('call')}")
        name = m.group("call")
        if name not in _FUNCTIONS:
            raise FormError(f"{where}: unknown function {name}()")
        raw = m.group("args").strip()
        args = tuple(a.strip() for a in raw.split(",")) if raw else ()
        want = _FUNCTIONS[name][0]
        if len(args) != want:
            raise FormError(f"{where}: {name}() takes {want} argument(s), got {len(args)}")
        if name in ("line", "result"):
            if not _IDENT.match(args[0]):
                raise FormError(f"{where}: {name}({args[0]}) is not a name")
            if name == "result" and args[0] not in RESULT_FIELDS:
                raise FormError(f"{where}: unknown distribution figure {args[0]}")
        elif not name.startswith("pl"):
            for a in args:
                if not _CODE.match(a):
                    raise FormError(f"{where}: {name}({a}): an account code is digits")
        terms.append(Term(sign, name, args))
        sign, expect_term = 1, False
    if expect_term:
        raise FormError(f"{where}: the formula ends with an operator")
    return tuple(terms)


def _str(data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise FormError(f"{where}: {key} must be text")
    return value


def _opt_formula(data: Mapping[str, Any], key: str, where: str) -> tuple[Term, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, str):
        raise FormError(f"{where}: {key} must be a formula (text)")
    return parse_formula(value, f"{where}.{key}")


def _cells(
    raw: Mapping[str, Any], key: str, col_ids: Sequence[str], where: str
) -> dict[str, tuple[Term, ...]]:
    table = raw.get(key, {})
    if not isinstance(table, Mapping):
        raise FormError(f"{where}: {key} is a table column → formula")
    out = {}
    for col_id, text in table.items():
        if col_id not in col_ids:
            raise FormError(f"{where}: {key} name an unknown column {col_id}")
        if not isinstance(text, str):
            raise FormError(f"{where}: {key}.{col_id} must be a formula")
        out[col_id] = parse_formula(text, f"{where}.{key}.{col_id}")
    return out


def parse_form(data: Mapping[str, Any], where: str = "form") -> FormDef:
    """A form from its definition (the parsed TOML). Checks every line: unique ids and
    行次, known columns, formulas that refer to existing lines without a cycle, and the
    instants balance terms need.

    Raises:
        FormError: naming the file (``where``) and the line.
    """
    kind = _str(data, "kind", where)
    if kind not in FORM_KINDS:
        raise FormError(f"{where}: unknown kind {kind!r}")
    columns = []
    for i, raw in enumerate(data.get("column", [])):
        cw = f"{where}.column[{i}]"
        at = _str(raw, "at", cw, "")
        if at not in ("", "start", "end"):
            raise FormError(f"{cw}: at is start or end")
        year = raw.get("year", 0)
        if not isinstance(year, int) or isinstance(year, bool):
            raise FormError(f"{cw}: year is a whole number (offset from the form's year)")
        columns.append(
            ColumnDef(
                _str(raw, "id", cw),
                _str(raw, "label", cw),
                year,
                at,
                bool(raw.get("sum", False)),
            )
        )
    if not columns:
        raise FormError(f"{where}: no columns")
    col_ids = [c.id for c in columns]
    if len(set(col_ids)) != len(col_ids):
        raise FormError(f"{where}: two columns with the same id")
    halves = tuple(data.get("halves", ["项目"]))
    lines: list[LineDef] = []
    for i, raw in enumerate(data.get("line", [])):
        lw = f"{where}.line[{i}]"
        line_id = _str(raw, "id", lw)
        lw = f"{where}: line {line_id}"
        if not _IDENT.match(line_id):
            raise FormError(f"{lw}: an id is lower-case letters, digits and _")
        row = raw.get("row", "")
        if isinstance(row, int) and not isinstance(row, bool):
            row = str(row)
        if not isinstance(row, str):
            raise FormError(f"{lw}: row (行次) is a number or text")
        side = _str(raw, "side", lw, "debit")
        if side not in ("debit", "credit"):
            raise FormError(f"{lw}: side is debit or credit")
        negative = _str(raw, "negative", lw, "warn")
        if negative not in ("warn", "allowed"):
            raise FormError(f"{lw}: negative is warn or allowed")
        half = raw.get("half", 1)
        if half not in range(1, len(halves) + 1):
            raise FormError(f"{lw}: half must be 1…{len(halves)}")
        cells = _cells(raw, "cells", col_ids, lw)
        check_cells = _cells(raw, "check_cells", col_ids, lw)
        heading = bool(raw.get("heading", False))
        formula = _opt_formula(raw, "formula", lw)
        if heading and (formula or cells):
            raise FormError(f"{lw}: a heading has no formula")
        if not heading and not formula and not cells:
            raise FormError(f"{lw}: a line needs a formula (or cells)")
        lines.append(
            LineDef(
                id=line_id,
                row=row,
                label=_str(raw, "label", lw),
                half=half,
                level=int(raw.get("level", 0)),
                heading=heading,
                total=bool(raw.get("total", False)),
                side=side,
                negative=negative,
                nil=bool(raw.get("nil", False)),
                formula=formula,
                cells=cells,
                check=_opt_formula(raw, "check", lw),
                check_cells=check_cells,
            )
        )
    ids = [ln.id for ln in lines]
    dup = {x for x in ids if ids.count(x) > 1}
    if dup:
        raise FormError(f"{where}: line id {sorted(dup)[0]} is used twice")
    rows = [ln.row for ln in lines if ln.row]
    dup = {x for x in rows if rows.count(x) > 1}
    if dup:
        raise FormError(f"{where}: 行次 {sorted(dup)[0]} is used twice")
    form = FormDef(
        id=_str(data, "id", where),
        chart=_str(data, "chart", where),
        kind=kind,
        title=_str(data, "title", where),
        form_no=_str(data, "form_no", where, ""),
        period=_str(data, "period", where, "year"),
        columns=tuple(columns),
        lines=tuple(lines),
        halves=halves,
        item_header=_str(data, "item_header", where, halves[0]),
        confidence=_str(data, "confidence", where, ""),
        source=_str(data, "source", where, ""),
    )
    _check_references(form, where)
    return form


def _check_references(form: FormDef, where: str) -> None:
    by_id = {ln.id: ln for ln in form.lines}
    deps: dict[str, set[str]] = {}
    for ln in form.lines:
        refs: set[str] = set()
        for terms in (ln.formula, ln.check, *ln.cells.values(), *ln.check_cells.values()):
            for t in terms:
                if t.func != "line":
                    continue
                target = by_id.get(t.args[0])
                if target is None:
                    raise FormError(f"{where}: line {ln.id} refers to line {t.args[0]}")
                if target.heading:
                    raise FormError(f"{where}: line {ln.id} refers to a heading")
                refs.add(t.args[0])
        for c in form.columns:
            cell = ln.formula_for(c)
            if c.at or c.sum or cell is None:
                continue
            for t in (*cell, *ln.check_for(c)):
                if _FUNCTIONS[t.func][1]:
                    raise FormError(
                        f"{where}: line {ln.id} uses {t.func}() in column {c.id}, "
                        "which has no instant (at = start | end)"
                    )
        deps[ln.id] = refs
    state: dict[str, int] = {}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        if state.get(node) == 2:
            return
        if state.get(node) == 1:
            raise FormError(f"{where}: lines refer to each other: {' → '.join((*trail, node))}")
        state[node] = 1
        for d in deps[node]:
            visit(d, (*trail, node))
        state[node] = 2

    for node in deps:
        visit(node, ())


def parse_check(data: Mapping[str, Any], where: str = "check") -> Check:
    """A cross-check ``{left = "form.line.column", right = "form.line.column"}``."""

    def cell(key: str) -> tuple[str, str, str]:
        text = _str(data, key, where)
        parts = text.split(".")
        if len(parts) != 3 or parts[0] not in FORM_KINDS:
            raise FormError(f"{where}: {key} is form.line.column (got {text!r})")
        return parts[0], parts[1], parts[2]

    return Check(cell("left"), cell("right"), bool(data.get("chain", False)))


# --- evaluation ---------------------------------------------------------------------------


def _instant(term: Term, column: ColumnDef) -> str:
    if term.func == "open":
        return "start"
    if term.func == "close":
        return "end"
    return column.at


def evaluate_form(form: FormDef, facts: Facts, year: int) -> EvaluatedForm:
    """Fill ``form`` in for ``year`` from ``facts``: every value, and the warnings its sign
    rules, nil lines and checks raise."""
    warnings: list[FormWarning] = []
    values: dict[tuple[str, str], int | None] = {}
    by_id = {ln.id: ln for ln in form.lines}

    def signed(line: LineDef, debit_positive: int) -> int:
        return debit_positive if line.side == "debit" else -debit_positive

    def term_value(line: LineDef, column: ColumnDef, t: Term, y: int) -> int:
        f = t.func
        if f in _BALANCE_TERMS:
            at = _instant(t, column)
            v = signed(line, facts.balance(t.args[0], y, at))
            if v * t.sign < 0 and line.negative == "warn":
                warnings.append(_abnormal(form, line, column, t.args[0], v, facts))
            return v
        if f == "debits":
            return facts.split(t.args[0], y, column.at)[0]
        if f == "credits":
            return facts.split(t.args[0], y, column.at)[1]
        if f == "flow":
            d, c = facts.movement(t.args[0], y)
            return d - c if line.side == "debit" else c - d
        if f == "dr_flow":
            return facts.movement(t.args[0], y)[0]
        if f == "cr_flow":
            return facts.movement(t.args[0], y)[1]
        if f == "xfer":
            return facts.transfer(t.args[0], t.args[1], y)
        if f == "with_cr":
            return facts.co_credit(t.args[0], t.args[1], y)
        if f in ("pl", "pl_open", "pl_close"):
            at = {"pl_open": "start", "pl_close": "end"}.get(f, column.at)
            return signed(line, facts.unclosed(y, at))
        if f == "result":
            return facts.result(t.args[0], y)
        if f == "line":
            return value(by_id[t.args[0]], column) or 0
        raise FormError(f"unknown function {f}")  # parse_formula never lets one through

    def compute(line: LineDef, column: ColumnDef, terms: Sequence[Term]) -> int:
        y = year + column.year
        return sum(t.sign * term_value(line, column, t, y) for t in terms)

    def value(line: LineDef, column: ColumnDef) -> int | None:
        key = (line.id, column.id)
        if key in values:
            return values[key]
        result: int | None
        if line.heading:
            result = None
        elif column.sum:
            parts = [value(line, c) for c in form.columns if not c.sum]
            result = (
                sum(p for p in parts if p is not None)
                if any(p is not None for p in parts)
                else None
            )
        else:
            terms = line.formula_for(column)
            result = None if terms is None else compute(line, column, terms)
        values[key] = result
        return result

    lines: list[EvaluatedLine] = []
    for line in form.lines:
        vals = tuple(value(line, c) for c in form.columns)
        lines.append(EvaluatedLine(line, vals))
        for c, v in zip(form.columns, vals, strict=True):
            if v is None or c.sum:
                continue
            if line.nil and v != 0:
                warnings.append(
                    FormWarning(
                        "nil",
                        form.kind,
                        line.id,
                        line.row,
                        c.label,
                        N_(
                            "{form} line {row} {label} ({column}) shows {amount}: it must be nil at the year end"
                        ),
                        {
                            "form": form.title,
                            "row": line.row,
                            "label": line.label,
                            "column": c.label,
                            "amount": _yuan(v),
                        },
                    )
                )
            check = line.check_for(c)
            if check:
                want = compute(line, c, check)
                if want != v:
                    warnings.append(
                        FormWarning(
                            "check",
                            form.kind,
                            line.id,
                            line.row,
                            c.label,
                            N_(
                                "{form} line {row} {label} ({column}) shows {amount}, but the distribution's figure is {want}"
                            ),
                            {
                                "form": form.title,
                                "row": line.row,
                                "label": line.label,
                                "column": c.label,
                                "amount": _yuan(v),
                                "want": _yuan(want),
                            },
                        )
                    )
    return EvaluatedForm(form, year, tuple(lines), tuple(_dedupe(warnings)))


def _dedupe(warnings: list[FormWarning]) -> list[FormWarning]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for w in warnings:
        key = (w.kind, w.form, w.line, w.column, tuple(sorted(w.params.items(), key=str)))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def _abnormal(
    form: FormDef, line: LineDef, column: ColumnDef, code: str, value: int, facts: Facts
) -> FormWarning:
    side = N_("credit") if line.side == "debit" else N_("debit")
    return FormWarning(
        "abnormal",
        form.kind,
        line.id,
        line.row,
        column.label,
        N_(
            "{code} {name} has a {side} balance of {amount} ({column}): shown as {shown} on line {row} {label}"
        ),
        {
            "code": code,
            "name": facts.account_name(code),
            "side": side,
            "amount": _yuan(abs(value)),
            "column": column.label,
            "shown": _yuan(value),
            "row": line.row,
            "label": line.label,
        },
    )


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def run_checks(checks: Sequence[Check], forms: Mapping[str, EvaluatedForm]) -> list[CheckResult]:
    """Run the cross-checks whose forms are all present (a village book has no 成员权益变动表)."""
    out = []
    for chk in checks:
        sides = []
        for kind, line_id, column_id in (chk.left, chk.right):
            ev = forms.get(kind)
            if ev is None:
                break
            try:
                value = ev.value(line_id, column_id)
                line = ev.form.line(line_id)
                column = ev.form.column(column_id)
            except (KeyError, StopIteration) as exc:
                raise FormError(f"check {kind}.{line_id}.{column_id}: no such cell") from exc
            label = f"{ev.form.title} {line.row} {line.label}（{column.label}）"
            sides.append((label, value or 0))
        if len(sides) == 2:
            (ll, lv), (rl, rv) = sides
            out.append(CheckResult(chk, ll, rl, lv, rv))
    return out


def referenced_accounts(form: FormDef) -> set[str]:
    """The account codes a form shows balances of (to find balances no line shows)."""
    codes: set[str] = set()
    for ln in form.lines:
        for terms in (ln.formula, *ln.cells.values()):
            for t in terms:
                if t.func in (*_BALANCE_TERMS, "debits", "credits"):
                    codes.add(t.args[0])
    return codes


def uses_unclosed(form: FormDef) -> bool:
    """Whether a line shows the unclosed revenue and expense (``pl()``)."""
    return any(
        t.func == "pl"
        for ln in form.lines
        for terms in (ln.formula, *ln.cells.values())
        for t in terms
    )
