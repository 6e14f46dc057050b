"""Member and contract rosters (花名册, 合同台账) and the fixed-asset register (资产台账)
read from a spreadsheet `Table`.

The columns are found by their headers, Chinese or English: the headers each field of the
record declares in its field table (``domain.records``), plus the field's key. Every cell is
read by its field's rule (``domain.fields.read_value``), the same rule a book file or a
form goes through; only the shapes a spreadsheet writes differ: a date may be written in any
form ``parse_date`` reads (``2014/1/1``, ``2014年1月1日``), a whole number or a yes/no is
written as text (``120``, ``是``), a code of a vocabulary may be written by its Chinese name
(``房屋及建筑物`` for ``buildings``, `coopledger.domain.assets.CHOICE_ALIASES`), and a cell
is text.

What a roster may leave out: the code (the caller assigns the next free one), a member's kind
(a roster lists households) and a contract's share value (empty: 0, no land shares); a
contract names its household by code (``户号``) or by its head's name (``户主姓名``), which
the caller resolves. Every problem is a `DomainError` on ``"row N: header"`` (or
``"columns"`` for missing or doubled columns); `parse_member_rows` and
`parse_contract_rows` return ``(rows, errors)`` so a dry run lists every bad row at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from coopledger.domain.assets import CHOICE_ALIASES, AssetRecord
from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.fields import (
    MSG_EMPTY,
    MSG_REQUIRED,
    Field,
    Kind,
    fields_of,
    read_record,
)
from coopledger.domain.records import ContractRecord, MemberRecord
from coopledger.domain.vocabulary import MemberKind
from coopledger.formats.sheets import Table, column_letter

__all__ = [
    "ASSET_COLUMNS",
    "CONTRACT_COLUMNS",
    "MAX_CELL_CHARS",
    "MEMBER_COLUMNS",
    "AssetRow",
    "ContractRow",
    "MemberRow",
    "map_asset_columns",
    "map_contract_columns",
    "map_member_columns",
    "parse_asset_rows",
    "parse_contract_rows",
    "parse_member_rows",
]

MAX_CELL_CHARS: Final = 1000
"""A roster cell longer than this is an error whatever its column (the fields' own limits
are shorter still)."""

_COLUMNS: Final = "columns"


def _columns(record: type[Any]) -> dict[str, tuple[str, ...]]:
    return {f.key: (*f.headers, f.key) for f in fields_of(record) if f.headers}


MEMBER_COLUMNS: Final[dict[str, tuple[str, ...]]] = _columns(MemberRecord)
"""Member fields and the headers that name them (the first is the one messages show)."""

CONTRACT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    **_columns(ContractRecord),
    # Not a field of the contract: the household named by its head, for the caller to find.
    "member_name": ("户主姓名", "户主", "姓名", "member_name"),
}
"""Contract fields and the headers that name them (the first is the one messages show)."""

ASSET_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    **_columns(AssetRecord),
    # Not a field of the card: a life in years, for the reader to turn into months.
    "life_years": ("使用年限(年)", "使用年限", "折旧年限", "life_years"),
}
"""Fixed-asset fields and the headers that name them (the first is the one messages show)."""

_MEMBER_REQUIRED: Final = ("name",)
_CONTRACT_REQUIRED: Final = ("parcel", "area_mu", "rent_per_mu", "start", "end")
_ASSET_REQUIRED: Final = ("code", "name", "category", "in_service", "value")

_HEADER_DROP = re.compile(r"[\s*_]+")


def _normalise_header(header: str) -> str:
    """Fold full-width forms (（亩） -> (亩)), drop spaces, ``*`` and ``_``, lower-case."""
    return _HEADER_DROP.sub("", unicodedata.normalize("NFKC", header)).lower()


def _map_columns(
    headers: Sequence[str],
    columns: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    one_of: Sequence[str] = (),
) -> dict[str, int]:
    lookup = {
        _normalise_header(alias): key for key, aliases in columns.items() for alias in aliases
    }
    found: dict[str, int] = {}
    problems: list[DomainError] = []
    for index, header in enumerate(headers):
        key = lookup.get(_normalise_header(header))
        if key is None:
            continue
        if key in found:
            problems.append(
                DomainError(
                    _COLUMNS,
                    N_('two columns mean the same thing: "{first}" and "{second}"'),
                    first=headers[found[key]],
                    second=header,
                )
            )
            continue
        found[key] = index
    missing = [key for key in required if key not in found]
    if one_of and not any(key in found for key in one_of):
        missing.append(one_of[0])
    for key in missing:
        aliases = columns[key]
        if one_of and key == one_of[0]:
            aliases = tuple(alias for k in one_of for alias in columns[k])
        problems.append(
            DomainError(
                _COLUMNS,
                N_('no column "{column}" (or {others}); the headers found are: {found}'),
                column=aliases[0],
                others=", ".join(aliases[1:]),
                found=", ".join(h for h in headers if h) or "—",
            )
        )
    if problems:
        raise DomainErrors(problems)
    return found


def map_member_columns(headers: Sequence[str]) -> dict[str, int]:
    """Which column holds each member field, by header name (Chinese or English).

    Returns:
        field key (of `MEMBER_COLUMNS`) -> column index; only the columns present.
    Raises:
        DomainErrors: on path ``"columns"``: no name column, or two columns for one field.
    """
    return _map_columns(headers, MEMBER_COLUMNS, _MEMBER_REQUIRED)


def map_asset_columns(headers: Sequence[str]) -> dict[str, int]:
    """Which column holds each field of a fixed-asset card, by header (Chinese or English).

    Code, name, category, date in service and value are required; the life may be given in
    months (``使用月数``) or in years (``使用年限``), not both.

    Returns:
        field key (of `ASSET_COLUMNS`) -> column index; only the columns present.
    Raises:
        DomainErrors: on path ``"columns"``: required columns missing, or doubled.
    """
    found = _map_columns(headers, ASSET_COLUMNS, _ASSET_REQUIRED)
    if "life_months" in found and "life_years" in found:
        raise DomainErrors(
            [
                DomainError(
                    _COLUMNS,
                    N_('two columns mean the same thing: "{first}" and "{second}"'),
                    first=headers[found["life_months"]],
                    second=headers[found["life_years"]],
                )
            ]
        )
    return found


def map_contract_columns(headers: Sequence[str]) -> dict[str, int]:
    """Which column holds each contract field, by header name (Chinese or English).

    The household is named by its code (``户号``) or its head's name (``户主姓名``, which
    the caller resolves); at least one of the two is required, as are parcel, area, rent,
    start and end.

    Returns:
        field key (of `CONTRACT_COLUMNS`) -> column index; only the columns present.
    Raises:
        DomainErrors: on path ``"columns"``: required columns missing, or doubled.
    """
    return _map_columns(
        headers, CONTRACT_COLUMNS, _CONTRACT_REQUIRED, one_of=("member", "member_name")
    )


# -- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One valid row of a member roster: a household; its code is "" when the caller
    assigns it."""

    row: int
    member: MemberRecord


@dataclass(frozen=True, slots=True)
class ContractRow:
    """One valid row of a contract roster. The contract's code is "" when the caller
    assigns it; its `member` is "" when the roster names the household by its head
    (`member_name`, for the caller to resolve)."""

    row: int
    contract: ContractRecord
    member_name: str = ""


_YES: Final = frozenset({"是", "有", "yes", "y", "true", "1", "√", "✓"})
_NO: Final = frozenset({"否", "无", "no", "n", "false", "0", "×"})
_WHOLE: Final = re.compile(r"[+-]?[0-9]{1,15}").fullmatch


def _sheet_value(spec: Field, text: str) -> object:
    """A cell's text as the field's rule reads it: a whole number as an int, a yes or no as
    a bool, a vocabulary's Chinese name as its code; anything else as it is (the rule then
    says what is wrong with it)."""
    kind = spec.kind
    if kind is Kind.INTEGER:
        number = text.replace(",", "")
        if number.endswith(".0"):
            number = number[:-2]
        return int(number) if _WHOLE(number) else text
    if kind is Kind.FLAG:
        folded = text.lower()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
        return text
    if kind is Kind.CHOICE and spec.choices is not None:
        return CHOICE_ALIASES.get(spec.choices, {}).get(text, text)
    return text


class _Rows:
    """Cells of one table by field key, errors collected under ``row N: header``."""

    def __init__(self, table: Table, columns: dict[str, int]) -> None:
        self.table = table
        self.columns = columns
        self.errors: list[DomainError] = []
        self._specs: dict[type[Any], dict[str, Field]] = {}

    def path(self, number: int, key: str) -> str:
        index = self.columns[key]
        header = self.table.headers[index] or column_letter(index)
        return f"row {number}: {header}"

    def cells(self, record: type[Any], number: int, cells: list[str]) -> dict[str, object]:
        """The row's cells by key, as a field reads them: empty cells are absent, dates are
        read in any form a sheet writes them; an overlong cell or a bad date is an error
        (and its key left out)."""
        out: dict[str, object] = {}
        specs = self._specs.get(record)
        if specs is None:
            specs = self._specs[record] = {f.key: f for f in fields_of(record)}
        for key, index in self.columns.items():
            text = cells[index]
            if not text:
                continue
            if len(text) > MAX_CELL_CHARS:
                self.errors.append(
                    DomainError(
                        self.path(number, key),
                        N_("is too long ({count} characters; at most {limit})"),
                        count=len(text),
                        limit=MAX_CELL_CHARS,
                    )
                )
                continue
            spec = specs.get(key)
            if spec is not None and spec.kind is Kind.DATE:
                try:
                    out[key] = parse_date(text, self.path(number, key))
                except DomainError as err:
                    self.errors.append(err)
                continue
            out[key] = text if spec is None or spec.kind is Kind.TEXT else _sheet_value(spec, text)
        return out

    def read(
        self, record: type[Any], number: int, values: Mapping[str, object], skip: set[str]
    ) -> dict[str, Any]:
        """Read the row's fields (but those in ``skip``) by their rules; a required field
        whose cell is empty "must not be empty"."""
        errors = self.errors

        def report(key: str, err: DomainError) -> None:
            if err.message == MSG_REQUIRED and key in self.columns:
                err = DomainError(err.path, MSG_EMPTY)
            errors.append(err)

        return read_record(
            record,
            values,
            lambda key: self.path(number, key) if key in self.columns else key,
            report,
            only=frozenset(f.key for f in fields_of(record) if f.key not in skip),
        )

    def failed(self, number: int, before: int) -> set[str]:
        """The keys of the row's cells that already have an error (since ``before``)."""
        if len(self.errors) == before:
            return set()
        bad = {err.path for err in self.errors[before:]}
        return {key for key in self.columns if self.path(number, key) in bad}

    def unique(
        self, seen: dict[str, int], value: str | None, number: int, key: str, message: str
    ) -> None:
        if not value:
            return
        first = seen.get(value)
        if first is not None:
            self.errors.append(DomainError(self.path(number, key), message, got=value, first=first))
        else:
            seen[value] = number


def parse_member_rows(table: Table) -> tuple[list[MemberRow], list[DomainError]]:
    """Validate a member roster (households).

    Returns:
        The valid rows and an error for every bad cell (``row N: header``): every field by
        its rule (names not empty, ID numbers by GB 11643, bank cards digits only, text
        without control characters and within its length), cells over `MAX_CELL_CHARS`,
        and codes or ID numbers that appear twice in the file. A row with any error gives
        no record.
    Raises:
        DomainErrors: on path ``"columns"`` when the name column is missing.
    """
    rows = _Rows(table, map_member_columns(table.headers))
    out: list[MemberRow] = []
    codes: dict[str, int] = {}
    ids: dict[str, int] = {}
    for number, cells in table.rows:
        before = len(rows.errors)
        values = rows.cells(MemberRecord, number, cells)
        values["kind"] = MemberKind.HOUSEHOLD.value
        skip = rows.failed(number, before)
        if "code" not in values:
            skip.add("code")  # assigned by the caller
        fields = rows.read(MemberRecord, number, values, skip)
        rows.unique(
            codes, fields.get("code"), number, "code", N_('the code "{got}" is also in row {first}')
        )
        rows.unique(
            ids,
            fields.get("id_number"),
            number,
            "id_number",
            N_('the ID number "{got}" is also in row {first}'),
        )
        if len(rows.errors) != before:
            continue
        fields.setdefault("code", "")
        out.append(MemberRow(number, MemberRecord(**fields)))
    return out, rows.errors


def parse_contract_rows(table: Table) -> tuple[list[ContractRow], list[DomainError]]:
    """Validate a contract roster.

    Returns:
        The valid rows and an error for every bad cell (``row N: header``): every field by
        its rule (area > 0 with at most 4 decimals, money ≥ 0 with at most 2, real dates
        with end ≥ start), a household code or name on every row, contract codes that
        appear twice, and two rows on one parcel whose dates overlap. Member codes are not
        checked against the ledger here: the caller does that. An empty share value is 0.
    Raises:
        DomainErrors: on path ``"columns"`` when required columns are missing.
    """
    rows = _Rows(table, map_contract_columns(table.headers))
    out: list[ContractRow] = []
    codes: dict[str, int] = {}
    for number, cells in table.rows:
        before = len(rows.errors)
        values = rows.cells(ContractRecord, number, cells)
        member_name = str(values.pop("member_name", ""))
        skip = rows.failed(number, before)
        if "code" not in values:
            skip.add("code")  # assigned by the caller
        if "member" not in values:
            skip.add("member")
            if not member_name:
                key = "member" if "member" in rows.columns else "member_name"
                rows.errors.append(DomainError(rows.path(number, key), N_("must not be empty")))
        values.setdefault("share_value_per_mu", "0")  # no land shares
        fields = rows.read(ContractRecord, number, values, skip)
        rows.unique(
            codes, fields.get("code"), number, "code", N_('the code "{got}" is also in row {first}')
        )
        if len(rows.errors) != before:
            continue
        fields.setdefault("code", "")
        fields.setdefault("member", "")
        out.append(
            ContractRow(
                number, ContractRecord(**fields), member_name if not fields["member"] else ""
            )
        )
    errors = rows.errors + _parcel_overlaps(rows, out)
    errors.sort(key=lambda err: _row_of(err.path))
    return out, errors


def _row_of(path: str) -> int:
    match = re.match(r"row (\d+):", path)
    return int(match.group(1)) if match else 0


def _parcel_overlaps(rows: _Rows, records: list[ContractRow]) -> list[DomainError]:
    by_parcel: dict[str, list[ContractRow]] = {}
    for record in records:
        by_parcel.setdefault(record.contract.parcel, []).append(record)
    problems: list[DomainError] = []
    for same in by_parcel.values():
        same.sort(key=lambda r: (r.contract.start, r.row))
        latest = same[0]
        for record in same[1:]:
            if record.contract.start <= latest.contract.end:
                first, second = sorted((latest, record), key=lambda r: r.row)
                problems.append(
                    DomainError(
                        rows.path(second.row, "parcel"),
                        N_(
                            'row {other} has the same parcel "{parcel}" from {other_start} '
                            "to {other_end}: the two contracts overlap"
                        ),
                        other=first.row,
                        parcel=record.contract.parcel,
                        other_start=first.contract.start.isoformat(),
                        other_end=first.contract.end.isoformat(),
                    )
                )
            if record.contract.end > latest.contract.end:
                latest = record
    return problems


# -- fixed assets -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssetRow:
    """One valid row of a fixed-asset register."""

    row: int
    asset: AssetRecord


_LIFE_YEARS: Final = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,2}))?").fullmatch


def _life_in_months(rows: _Rows, number: int, values: dict[str, object]) -> None:
    """Turn a life in years (``10``, ``2.5``) into months in ``values``."""
    text = values.pop("life_years", None)
    if text is None:
        return
    match = _LIFE_YEARS(str(text))
    months = None
    if match is not None:
        whole, frac = match.groups()
        hundredths = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
        if hundredths * 12 % 100 == 0:
            months = hundredths * 12 // 100
    if months is None:
        rows.errors.append(
            DomainError(
                rows.path(number, "life_years"),
                N_(
                    "must be a number of years that makes whole months, such as 10 or 2.5 (got {got})"
                ),
                got=str(text),
            )
        )
        return
    values["life_months"] = months


def parse_asset_rows(table: Table) -> tuple[list[AssetRow], list[DomainError]]:
    """Validate a fixed-asset register (资产台账).

    Returns:
        The valid rows and an error for every bad cell (``row N: header``): every field by
        its rule (a value > 0 with at most 2 decimals, a real date, a category, method and
        source by code or Chinese name, a life of at least one month for straight-line
        cards, a residual rate below 1, depreciation before entry within the value), and
        codes that appear twice. Account codes are not checked against the book here: the
        caller does that.
    Raises:
        DomainErrors: on path ``"columns"`` when required columns are missing.
    """
    rows = _Rows(table, map_asset_columns(table.headers))
    out: list[AssetRow] = []
    codes: dict[str, int] = {}
    for number, cells in table.rows:
        before = len(rows.errors)
        values = rows.cells(AssetRecord, number, cells)
        _life_in_months(rows, number, values)
        skip = rows.failed(number, before)
        fields = rows.read(AssetRecord, number, values, skip)
        rows.unique(
            codes, fields.get("code"), number, "code", N_('the code "{got}" is also in row {first}')
        )
        if len(rows.errors) != before:
            continue
        out.append(AssetRow(number, AssetRecord(**fields)))
    return out, rows.errors
