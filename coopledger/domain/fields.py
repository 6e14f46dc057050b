"""Field tables: every field of a record is declared once, with the one rule that reads it.

A record (a member, a land contract, a share lot, an account; see `domain.records`) is a
frozen dataclass whose attributes each carry a `Field` in their metadata: the key it has in
book files, forms and error paths, its kind (text, code, money, area, date, a vocabulary …),
whether it is required, its label, the spreadsheet headers that name it, its database
column, and its limits. Everything that reads or writes a record goes through that table:

* `read_value` is *the* rule for one value, wherever it comes from: a book file (JSON
  strings, ``true``/``false``), a spreadsheet cell or a form field (text, dates already
  read by the format). It returns the value or raises `DomainError` on the path given.
* `read_record` reads a whole mapping (a JSON object, a row of cells, a form's values),
  collecting one error per bad field, then runs the record's cross-field checks.
* `value_to_text` / `record_to_json` write values back in the book's shape; `to_column` /
  `from_column` convert between a record's values and its table's columns.

A new field is one attribute with its `Field` (and the migration that adds its column):
the book reader and writer, the roster reader, the forms and the exports pick it up.

Text rules (issue 15 asks for them everywhere): text is stripped; one-line text
(`Kind.TEXT`, codes) may hold no control characters, notes (`Kind.NOTE`) only line breaks
and tabs; no text may hold the invisible direction controls that can make a name or a
number read differently than it is stored (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
U+061C); each kind has a length limit (`Field.max_length` overrides it).

Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any, Final, TypeVar

from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.ids import parse_resident_id
from coopledger.domain.money import (
    MAX_AREA,
    MAX_MONEY_FEN,
    area_to_str,
    fen_to_str,
    parse_area,
    parse_money,
    parse_rate,
    rate_to_str,
)
from coopledger.domain.vocabulary import Term, codes

__all__ = [
    "ABSENT",
    "Field",
    "Kind",
    "RecordCheck",
    "check_text",
    "checked",
    "field",
    "fields_of",
    "make_record",
    "read_record",
    "read_value",
    "record_columns",
    "record_from_columns",
    "record_to_json",
    "shown",
    "value_to_text",
]


R = TypeVar("R")


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final[Any] = _Absent()
"""A key that is not there at all (``null`` in a book file counts as absent too)."""


class Kind(Enum):
    """How a field's value is written and read."""

    TEXT = "text"  #: one line of free text, stripped
    NOTE = "note"  #: free text that may hold line breaks, stripped
    CODE = "code"  #: a code as written: no spaces around it
    REF = "ref"  #: the code of another record (whoever knows the records checks it)
    CHOICE = "choice"  #: one code of a vocabulary (`Field.choices`)
    MONEY = "money"  #: yuan as text → integer fen
    AREA = "area"  #: mu as text → integer ten-thousandths of a mu
    RATE = "rate"  #: a rate in [0, 1] as text ("0.10", "10%") → ten-thousandths
    INTEGER = "integer"  #: a whole number (a year, a count), not text
    DATE = "date"  #: ``YYYY-MM-DD`` (or a date a format already read)
    FLAG = "flag"  #: true or false
    RESIDENT_ID = "resident_id"  #: an 18-character resident ID (GB 11643), or none
    BANK_ACCOUNT = "bank_account"  #: a bank card or account number: digits only
    #: member code → amount (a cooperative plan's transactions table): codes by the code
    #: rule, amounts by the money rule (≥ 0); read as ((code, fen), ...) in the given order
    AMOUNTS = "amounts"


#: The largest value each kind accepts unless the field says otherwise (`Field.maximum`):
#: the bound that keeps every sum the program makes within 64 bits (see `money`).
DEFAULT_MAXIMUM: Final[Mapping[Kind, int]] = {
    Kind.MONEY: MAX_MONEY_FEN,
    Kind.AREA: MAX_AREA,
}

#: The longest text each kind accepts, in characters, unless the field says otherwise.
DEFAULT_MAX_LENGTH: Final[Mapping[Kind, int]] = {
    Kind.TEXT: 200,
    Kind.NOTE: 2000,
    Kind.CODE: 32,
    Kind.REF: 32,
    Kind.BANK_ACCOUNT: 32,
}

_TEXT_KINDS: Final = frozenset({Kind.TEXT, Kind.NOTE, Kind.CODE, Kind.REF})


@dataclasses.dataclass(frozen=True, slots=True)
class Field:
    """One field of a record.

    Attributes:
        key: its name in book files, forms and error paths (``area_mu``).
        kind: how it is written and read.
        label: the msgid of its name for people (form labels, column headers).
        required: a value must be given (else it takes `default`).
        default: the value when absent; also the value a book export leaves out.
        choices: the vocabulary of a `Kind.CHOICE` field.
        allowed: the codes of `choices` this field accepts (None: all of them).
        positive: money or area must be greater than 0 (else at least 0).
        minimum: the smallest whole number a `Kind.INTEGER` field accepts.
        maximum: the largest money, area or whole number accepted (None: the parser's own
            bound), so that sums of many stay within a column's range.
        max_length: the longest text accepted (None: the kind's `DEFAULT_MAX_LENGTH`).
        headers: the spreadsheet headers that name the field, the one to show first.
        column: its database column, when not the attribute's name; ``""`` when the
            field has no column of its own (a reference stored as the other record's id).
        written: a book export writes it even at its default (``"end": null``).
        attr: the record attribute (filled in by `fields_of`).
    """

    key: str
    kind: Kind
    label: str
    required: bool = False
    default: Any = ""
    choices: type[Term] | None = None
    allowed: tuple[str, ...] | None = None
    positive: bool = False
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    headers: tuple[str, ...] = ()
    column: str | None = None
    written: bool = False
    attr: str = ""

    @property
    def limit(self) -> int | None:
        """The longest text accepted, or None for kinds that are not text."""
        return self.max_length if self.max_length is not None else DEFAULT_MAX_LENGTH.get(self.kind)

    @property
    def bound(self) -> int | None:
        """The largest money, area or number accepted (`maximum`, else the kind's own)."""
        return self.maximum if self.maximum is not None else DEFAULT_MAXIMUM.get(self.kind)

    @property
    def db_column(self) -> str:
        """The column of the record's table that holds this field ("" for none)."""
        return self.attr if self.column is None else self.column

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes a `Kind.CHOICE` field accepts."""
        assert self.choices is not None
        return self.allowed if self.allowed is not None else codes(self.choices)


def field(spec: Field, *, default: Any = dataclasses.MISSING) -> Any:
    """Declare a record attribute with its `Field` (a dataclass field carrying it).

    An optional field's attribute defaults to ``spec.default``. A required one has no
    default, unless ``default`` gives one for records made in code (a file must still give
    the value: ``kind`` is required in a book file, and a member made in code is a
    household unless told otherwise)."""
    if spec.required:
        return dataclasses.field(default=default, metadata={"spec": spec})
    return dataclasses.field(default=spec.default, metadata={"spec": spec})


_TABLES: dict[type[Any], tuple[Field, ...]] = {}


def fields_of(record: type[Any]) -> tuple[Field, ...]:
    """The field table of a record class, in declaration order."""
    table = _TABLES.get(record)
    if table is None:
        table = tuple(
            dataclasses.replace(f.metadata["spec"], attr=f.name)
            for f in dataclasses.fields(record)
            if isinstance(f.metadata.get("spec"), Field)
        )
        _TABLES[record] = table
    return table


def field_by_key(record: type[Any]) -> Mapping[str, Field]:
    """A record's fields by key."""
    return {f.key: f for f in fields_of(record)}


# -- shown values -------------------------------------------------------------------------

_SHOWN_MAX: Final = 40


def shown(value: object) -> str:
    """A value as JSON-ish text for a message: strings quoted, long ones cut."""
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list | tuple):
        return "[…]"
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_MAX else value[: _SHOWN_MAX - 1] + "…"
        return json.dumps(text, ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value) if value.bit_length() < 128 else "(a very large number)"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


# -- messages -----------------------------------------------------------------------------

MSG_REQUIRED: Final = N_("is required")
MSG_STRING: Final = N_("must be a string (got {got})")
MSG_EMPTY: Final = N_("must not be empty")
MSG_MONEY_TYPE: Final = N_('must be a string such as "800.00", in quotes (got {got})')
MSG_AREA_TYPE: Final = N_('must be a string such as "1.35", in quotes (got {got})')
MSG_DATE_TYPE: Final = N_('must be a date string such as "2014-10-31" (got {got})')
MSG_DATE_FORM: Final = N_("is not a date in the form YYYY-MM-DD, such as 2014-10-31 (got {got})")
MSG_DATE_REAL: Final = N_("is not a real date (got {got})")
MSG_SPACES: Final = N_("must not begin or end with spaces (got {got})")
MSG_TOO_LONG: Final = N_("is too long ({count} characters; at most {limit})")
MSG_CHARACTER: Final = N_("must not contain the invisible character {char} (got {got})")
MSG_CHOICE: Final = N_("must be one of {allowed} (got {got})")
MSG_FLAG: Final = N_("must be true or false (got {got})")
MSG_BANK: Final = N_("a bank card number is digits only (got {got})")
MSG_RATE_TYPE: Final = N_('must be a string such as "0.10", in quotes (got {got})')
MSG_INTEGER: Final = N_("must be a whole number, without quotes (got {got})")
MSG_RANGE: Final = N_("must be between {min} and {max} (got {got})")
MSG_MAXIMUM: Final = N_("must not be more than {max} (got {got})")
MSG_OBJECT: Final = N_("must be an object {{…}} (got {got})")


# -- text rules ---------------------------------------------------------------------------

# Direction controls: text that shows one thing and stores another (CVE-2021-42574).
_BIDI: Final = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_LINE_BAD: Final = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "]")
_NOTE_BAD: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")


def check_text(text: str, path: str, *, multiline: bool = False, limit: int | None = None) -> None:
    """Refuse text with control or direction characters (line breaks and tabs are allowed
    when ``multiline``) or longer than ``limit`` characters."""
    pattern = _NOTE_BAD if multiline else _LINE_BAD
    bad = pattern.search(text)
    if bad is not None:
        # The text is shown with its invisible characters spelt out: shown as they are, they
        # would garble the message itself (a direction control reverses what follows it).
        visible = pattern.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
        raise DomainError(path, MSG_CHARACTER, char=f"U+{ord(bad.group()):04X}", got=shown(visible))
    if limit is not None and len(text) > limit:
        raise DomainError(path, MSG_TOO_LONG, count=len(text), limit=limit)


# -- reading one value --------------------------------------------------------------------

_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_AREA_DIGITS: Final = len(str(MAX_AREA // 10_000))
_AREA_FAST: Final = re.compile(
    r"([0-9]{1," + str(_AREA_DIGITS) + r"})(?:\.([0-9]{1,4}))?"
).fullmatch


#: Whole-yuan digits a canonical amount may have on the fast path: every such amount is
#: within `MAX_MONEY_FEN` (anything longer goes through `parse_money`, which says why not).
_FAST_DIGITS: Final = len(str(MAX_MONEY_FEN // 100))


def fast_fen(value: object) -> int | None:
    """Fen of a canonical amount such as ``"1600.00"`` or ``"800"`` (within `MAX_MONEY_FEN`);
    None for anything else (which then goes through `parse_money`, the one that explains
    what is wrong)."""
    if type(value) is not str:
        return None
    whole, dot, frac = value.partition(".")
    if len(whole) > _FAST_DIGITS or not (whole.isdigit() and whole.isascii()):
        return None
    if not dot:
        return int(whole) * 100
    places = len(frac)
    if (places == 2 or places == 1) and frac.isdigit() and frac.isascii():
        return int(whole) * 100 + int(frac) * (10 if places == 1 else 1)
    return None


def _fast_area(value: str) -> int | None:
    """Ten-thousandths of a mu of a canonical area such as ``"1.35"``; None otherwise."""
    match = _AREA_FAST(value)
    if match is None:
        return None
    whole, frac = match.groups()
    return int(whole) * 10_000 + (int(frac.ljust(4, "0")) if frac else 0)


def read_date(value: object, path: str) -> dt.date:
    """A date: a `datetime.date` as it is, or an ISO ``YYYY-MM-DD`` string, exactly."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        if _ISO_DATE(value):
            try:
                return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
            except ValueError:
                raise DomainError(path, MSG_DATE_REAL, got=shown(value)) from None
        raise DomainError(path, MSG_DATE_FORM, got=shown(value))
    raise DomainError(path, MSG_DATE_TYPE, got=shown(value))


def _read_text(spec: Field, value: object, path: str) -> str:
    if not isinstance(value, str):
        raise DomainError(path, MSG_STRING, got=shown(value))
    kind = spec.kind
    if kind is Kind.CODE or kind is Kind.REF:
        if not value.strip():
            raise DomainError(path, MSG_EMPTY)
        if value != value.strip():
            raise DomainError(path, MSG_SPACES, got=shown(value))
        text = value
    else:
        text = value.strip()
        if spec.required and not text:
            raise DomainError(path, MSG_EMPTY)
    if text.isascii() and text.isprintable():  # the common case, checked at once
        limit = spec.limit
        if limit is not None and len(text) > limit:
            raise DomainError(path, MSG_TOO_LONG, count=len(text), limit=limit)
        return text
    check_text(text, path, multiline=kind is Kind.NOTE, limit=spec.limit)
    return text


def read_value(spec: Field, value: object, path: str) -> Any:
    """The value of field ``spec`` from ``value`` (not `ABSENT`, not None).

    Text kinds take strings; money and areas take their text (``"800.00"``, ``"1.35"``; a
    JSON number is refused because it may already have lost its exact value); dates take a
    date or an ISO string; flags take a bool; choices take a code of their vocabulary.

    Raises:
        DomainError: on ``path``, saying what is wrong.
    """
    kind = spec.kind
    if kind in _TEXT_KINDS:
        return _read_text(spec, value, path)
    if kind is Kind.MONEY or kind is Kind.AREA:
        money = kind is Kind.MONEY
        if not isinstance(value, str):
            raise DomainError(path, MSG_MONEY_TYPE if money else MSG_AREA_TYPE, got=shown(value))
        amount = fast_fen(value) if money else _fast_area(value)
        if amount is None or not (amount or not spec.positive):
            parse = parse_money if money else parse_area
            amount = parse(value, path, allow_zero=not spec.positive)
        bound = spec.bound
        if bound is not None and amount > bound:
            shown_max = fen_to_str(bound) if money else area_to_str(bound)
            raise DomainError(path, MSG_MAXIMUM, max=shown_max, got=shown(value))
        return amount
    if kind is Kind.RATE:
        if not isinstance(value, str):
            raise DomainError(path, MSG_RATE_TYPE, got=shown(value))
        return parse_rate(value, path)
    if kind is Kind.INTEGER:
        if type(value) is not int:
            raise DomainError(path, MSG_INTEGER, got=shown(value))
        low = spec.minimum if spec.minimum is not None else value
        high = spec.maximum if spec.maximum is not None else value
        if not low <= value <= high:
            raise DomainError(path, MSG_RANGE, min=low, max=high, got=shown(value))
        return value
    if kind is Kind.DATE:
        return read_date(value, path)
    if kind is Kind.CHOICE:
        assert spec.choices is not None
        allowed = spec.codes
        if isinstance(value, str) and value in allowed:
            return spec.choices(value)
        raise DomainError(path, MSG_CHOICE, allowed=", ".join(allowed), got=shown(value))
    if kind is Kind.FLAG:
        if isinstance(value, bool):
            return value
        raise DomainError(path, MSG_FLAG, got=shown(value))
    if kind is Kind.RESIDENT_ID:
        if isinstance(value, str) and not value.strip():
            return None
        return parse_resident_id(value, path)  # type: ignore[arg-type]  # it checks the type
    if kind is Kind.AMOUNTS:
        return _read_amounts(spec, value, path)
    if kind is Kind.BANK_ACCOUNT:
        if not isinstance(value, str):
            raise DomainError(path, MSG_STRING, got=shown(value))
        number = "".join(value.split())
        if number and not (number.isascii() and number.isdigit()):
            raise DomainError(path, MSG_BANK, got=shown(value))
        limit = spec.limit
        if limit is not None and len(number) > limit:
            raise DomainError(path, MSG_TOO_LONG, count=len(number), limit=limit)
        return number
    raise AssertionError(kind)  # pragma: no cover


_IDENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").fullmatch
_CODE_OF_TABLE: Final = Field("code", Kind.CODE, N_("Code"))


def item_path(path: str, key: str) -> str:
    """The path of one entry of a table field: ``plans[0].transactions.H0001`` (or
    ``…transactions["户 1"]`` for a key that is not a plain name)."""
    if _IDENT(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _read_amounts(spec: Field, value: object, path: str) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, Mapping):
        raise DomainError(path, MSG_OBJECT, got=shown(value))
    out: list[tuple[str, int]] = []
    problems: list[DomainError] = []
    bound = DEFAULT_MAXIMUM[Kind.MONEY] if spec.maximum is None else spec.maximum
    for code, amount in value.items():
        where = item_path(path, str(code))
        try:
            code_text = _read_text(_CODE_OF_TABLE, code, where)
            if not isinstance(amount, str):
                raise DomainError(where, MSG_MONEY_TYPE, got=shown(amount))
            fen = fast_fen(amount)
            if fen is None:
                fen = parse_money(amount, where, allow_zero=True)
            if fen > bound:
                raise DomainError(where, MSG_MAXIMUM, max=fen_to_str(bound), got=shown(amount))
            out.append((code_text, fen))
        except DomainError as err:
            problems.append(err)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DomainErrors(problems)
    return tuple(out)


# -- reading a record ---------------------------------------------------------------------

#: A cross-field rule: given the values read so far (by attribute; a field that failed is
#: missing), yields (key, message, params) for every problem.
RecordCheck = Callable[[Mapping[str, Any]], Iterator[tuple[str, str, dict[str, object]]]]

Report = Callable[[str, DomainError], None]
"""Where `read_record` sends each problem: (the field's key, the error)."""


def read_record(
    record: type[Any],
    values: Mapping[str, object],
    path: Callable[[str], str],
    report: Report,
    *,
    only: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Read every field of ``record`` from ``values`` (by key), then its cross-field checks.

    Args:
        record: the record class (its `fields_of` table; its ``checks`` class attribute
            holds the `RecordCheck` rules).
        values: the raw values by key: a JSON object, cells by field key, form values.
            A missing key and None are absent.
        path: the error path of a key (``lambda key: f"members[3].{key}"``).
        report: called with (key, error) for each problem; reading goes on.
        only: read only these keys (the others are left out of the result).
    Returns:
        attribute → value for every field read without error (absent optional fields get
        their default). The caller knows the record is good when `report` was not called.
    """
    out: dict[str, Any] = {}
    get = values.get
    for spec in fields_of(record):
        key = spec.key
        if only is not None and key not in only:
            continue
        raw = get(key)
        if raw is None:
            if spec.required:
                report(key, DomainError(path(key), MSG_REQUIRED))
            else:
                out[spec.attr] = spec.default
            continue
        if spec.kind is Kind.AMOUNTS:  # each entry's error names the entry
            try:
                out[spec.attr] = read_value(spec, raw, path(key))
            except DomainErrors as errs:
                for err in errs.errors:
                    report(key, err)
            except DomainError as err:
                report(key, err)
            continue
        try:
            # The path is only needed for an error: the error is made again with it then.
            out[spec.attr] = read_value(spec, raw, "")
        except DomainError as err:
            report(key, DomainError(path(key), err.message, **err.params))
    for check in record_checks(record):
        for key, message, params in check(out):
            report(key, DomainError(path(key), message, **params))
    return out


def record_checks(record: type[Any]) -> tuple[RecordCheck, ...]:
    """The cross-field rules of a record class (its ``checks`` class attribute)."""
    checks: tuple[RecordCheck, ...] = getattr(record, "checks", ())
    return checks


def checked(record: R, path: Callable[[str], str]) -> R:
    """A record made in code (by a form, a script, a service) read again field by field by
    the same rules as a file, then its cross-field rules.

    Returns:
        The record with every value as its rule gives it (text stripped, a resident ID
        upper-cased, a bank card without its spaces, codes of a vocabulary as its members).
    Raises:
        DomainError: the first problem, on ``path(key)``.
    """
    values: dict[str, Any] = {}
    for spec in fields_of(type(record)):
        value = getattr(record, spec.attr)
        if value is None or value == "":
            if spec.required:
                raise DomainError(path(spec.key), MSG_EMPTY)
            values[spec.attr] = spec.default
            continue
        values[spec.attr] = read_value(spec, value_to_text(spec, value), path(spec.key))
    for check in record_checks(type(record)):
        for key, message, params in check(values):
            raise DomainError(path(key), message, **params)
    return type(record)(**values)


# -- writing ------------------------------------------------------------------------------


def value_to_text(spec: Field, value: Any) -> Any:
    """A value in the book's JSON shape: money and areas as exact text, dates as ISO."""
    if value is None:
        return None
    kind = spec.kind
    if kind is Kind.MONEY:
        return fen_to_str(value)
    if kind is Kind.AREA:
        return area_to_str(value)
    if kind is Kind.RATE:
        return rate_to_str(value)
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.CHOICE:
        return str(value.value) if isinstance(value, Term) else value
    if kind is Kind.AMOUNTS:
        return {code: fen_to_str(fen) for code, fen in value}
    return value


def record_to_json(record: Any, out: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record as a book file writes it: required fields always, optional ones only when
    they differ from their default (so a plain book keeps the spec's shape)."""
    obj: dict[str, Any] = {} if out is None else out
    for spec in fields_of(type(record)):
        value = getattr(record, spec.attr)
        if spec.required or spec.written or value != spec.default:
            obj[spec.key] = value_to_text(spec, value)
    return obj


_NONE_AS_EMPTY: Final = frozenset({Kind.RESIDENT_ID, Kind.CHOICE})


def to_column(spec: Field, value: Any) -> Any:
    """A value as its column stores it (an absent resident ID or choice is ``""``; a
    vocabulary's code is its plain text)."""
    if value is None and spec.kind in _NONE_AS_EMPTY:
        return ""
    if isinstance(value, Term):
        return value._value_
    return value


def from_column(spec: Field, value: Any) -> Any:
    """A column's value as the record holds it (the inverse of `to_column`)."""
    kind = spec.kind
    if kind in _NONE_AS_EMPTY and not value:
        return spec.default
    if kind is Kind.CHOICE:
        assert spec.choices is not None
        try:
            return spec.choices(value)
        except ValueError:
            return value  # a code this program does not know: shown as it is
    if kind is Kind.FLAG:
        return bool(value)
    return value


def record_from_columns(record: type[R], row: Mapping[Any, Any], **given: Any) -> R:
    """A record from a row of its table (a mapping by column name); ``given`` supplies the
    fields that have no column of their own (references by code) or are stored otherwise."""
    values: dict[str, Any] = dict(given)  # also what a subclass adds (a list row's id …)
    for spec in fields_of(record):
        if spec.attr not in given and spec.db_column:
            values[spec.attr] = from_column(spec, row[spec.db_column])
    return record(**values)


def record_columns(record: Any) -> dict[str, Any]:
    """column → value for every field of a record that has a column (for an insert)."""
    plain, converted = _column_plan(type(record))
    out = {column: getattr(record, attr) for attr, column in plain}
    for spec in converted:
        out[spec.db_column] = to_column(spec, getattr(record, spec.attr))
    return out


_PLANS: dict[type[Any], tuple[list[tuple[str, str]], list[Field]]] = {}


def _column_plan(record: type[Any]) -> tuple[list[tuple[str, str]], list[Field]]:
    """(attribute, column) of the fields stored as they are, and the fields a column
    stores otherwise (`to_column`), of a record class."""
    plan = _PLANS.get(record)
    if plan is None:
        plain = [
            (f.attr, f.db_column)
            for f in fields_of(record)
            if f.db_column and f.kind not in _NONE_AS_EMPTY
        ]
        converted = [f for f in fields_of(record) if f.db_column and f.kind in _NONE_AS_EMPTY]
        plan = _PLANS[record] = (plain, converted)
    return plan


def make_record(record: type[R], values: Mapping[str, object], path: Callable[[str], str]) -> R:
    """A record from raw values by key (a form's texts, a command line's arguments), every
    field read by its rule. Raises the first problem as a `DomainError`."""
    problems: list[DomainError] = []
    attrs = read_record(record, values, path, lambda _key, err: problems.append(err))
    if problems:
        raise problems[0]
    return record(**attrs)
