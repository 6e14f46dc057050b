"""Reading and writing the files users bring and take away (no database here).

* `read_book_file`: a book file (UTF-8 JSON, with or without a BOM) into its JSON value,
  for `coopledger.domain.book.parse_book`.
* `read_table`: a member or contract roster from Excel (``.xlsx``) or CSV into a `Table` of
  text cells; `map_member_columns` / `map_contract_columns` find the columns by their
  Chinese or English headers; `parse_member_rows` / `parse_contract_rows` validate every
  row and return ``(records, errors)``, so a dry run lists every bad row at once.
* `write_csv_safe` / `write_xlsx`: exports whose cells cannot run as spreadsheet formulas
  (`neutralise_cell`).

Every problem is a `DomainError`: path ``"file"`` for the file as a whole, ``"columns"`` for
missing or doubled columns, ``"row N: header"`` for one cell (row numbers as the user sees
them in Excel, the header row being row 1 in a usual sheet).

Excel numbers: Excel keeps numbers as binary floats, so this is the one place a float
appears. A cell's float becomes text through its shortest round-tripping ``repr`` read as a
`Decimal` (``1.35`` -> ``"1.35"``, not ``1.3500000000000000888``), written without an
exponent; a whole number loses its ``.0`` (``800.0`` -> ``"800"``). The text is then
parsed like anything typed. (Long digit strings stored as numbers, such as an ID number
typed without a leading apostrophe, have already lost digits in Excel itself; the ID check
digit then reports them.)
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from coopledger.domain.book import BookMember
from coopledger.domain.dates import parse_date
from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.domain.ids import parse_resident_id
from coopledger.domain.money import parse_area, parse_money

__all__ = [
    "CONTRACT_COLUMNS",
    "MAX_BOOK_BYTES",
    "MAX_CELL_CHARS",
    "MEMBER_COLUMNS",
    "ContractRow",
    "MemberRow",
    "Table",
    "map_contract_columns",
    "map_member_columns",
    "neutralise_cell",
    "parse_contract_rows",
    "parse_member_rows",
    "read_book_file",
    "read_table",
    "write_csv_safe",
    "write_xlsx",
]

StrPath = str | os.PathLike[str]

MAX_BOOK_BYTES: Final = 2 * 1024**3
"""A book file larger than this (2 GiB) is refused before it is read."""

MAX_TABLE_BYTES: Final = 200 * 1024**2
"""A roster larger than this (200 MiB) is refused before it is read."""

MAX_CELL_CHARS: Final = 1000
"""A roster cell longer than this is an error (nobody's name or parcel is that long)."""

_FILE: Final = "file"
_COLUMNS: Final = "columns"


# ---------------------------------------------------------------------------------------
# Book files
# ---------------------------------------------------------------------------------------


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return obj


def _no_constants(name: str) -> object:
    raise ValueError(name)


def _kind_shown(value: object) -> str:
    if isinstance(value, list):
        return "[…]"
    if isinstance(value, str):
        return json.dumps(value[:40], ensure_ascii=False)
    return json.dumps(value)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, column


def _lone_surrogate_path(value: object, path: str = "") -> str | None:
    """The path of the first string holding a lone UTF-16 surrogate (JSON ``"\\ud800"``)."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return where or "(top)"
        elif isinstance(node, dict):
            for key, item in reversed(list(node.items())):
                stack.append((key, where))
                stack.append((item, f"{where}.{key}" if where else key))
        elif isinstance(node, list):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(node))))
    return None


def read_book_file(path: StrPath) -> object:
    """Read a book file: UTF-8 JSON (a BOM is allowed) holding one object.

    Args:
        path: the file.
    Returns:
        The decoded JSON object, for `parse_book`.
    Raises:
        DomainError: on path ``"file"``: the file is missing or unreadable, larger than
            `MAX_BOOK_BYTES`, empty, not UTF-8, not JSON (with the line and column), has
            the same key twice in one object, or does not hold a JSON object.
    """
    file = Path(path)
    name = file.name
    try:
        size = file.stat().st_size
        if size > MAX_BOOK_BYTES:
            raise DomainError(
                _FILE,
                N_("{name} is too large to be a book ({size} bytes; at most {limit})"),
                name=name,
                size=size,
                limit=MAX_BOOK_BYTES,
            )
        raw = file.read_bytes()
    except OSError as err:
        raise DomainError(
            _FILE, N_("cannot read {name}: {reason}"), name=name, reason=err.strerror or str(err)
        ) from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        raise DomainError(_FILE, N_("{name} is empty"), name=name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise DomainError(
            _FILE,
            N_(
                "{name} is not UTF-8 text (line {line} has the byte 0x{byte:02X}); "
                "a book file must be saved as UTF-8"
            ),
            name=name,
            line=line,
            byte=raw[err.start],
        ) from None
    del raw
    was_enabled = gc.isenabled()
    gc.disable()  # a book is millions of small objects; see book._no_gc_pauses
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constants)
    except json.JSONDecodeError as err:
        # A string still open at the end, or nothing after the last token: the file stops
        # in the middle of the document (JSON strings cannot span lines, so an unterminated
        # one always runs to the end).
        if err.msg.startswith("Unterminated string") or err.pos >= len(text.rstrip()):
            line, column = _line_col(text, len(text.rstrip()))
            raise DomainError(
                _FILE,
                N_(
                    "{name} ends too early, at line {line}, column {column}: "
                    "the file may have been cut short"
                ),
                name=name,
                line=line,
                column=column,
            ) from None
        line, column = _line_col(text, err.pos)
        raise DomainError(
            _FILE,
            N_("{name} is not valid JSON: {reason} at line {line}, column {column}"),
            name=name,
            reason=err.msg,
            line=line,
            column=column,
        ) from None
    except _DuplicateKeyError as err:
        raise DomainError(
            _FILE,
            N_('{name} has the key "{key}" twice in one object'),
            name=name,
            key=err.key,
        ) from None
    except RecursionError:
        raise DomainError(
            _FILE, N_("{name} is nested too deeply to be a book"), name=name
        ) from None
    except ValueError as err:  # NaN/Infinity, or an integer with thousands of digits
        raise DomainError(
            _FILE, N_("{name} is not valid JSON: {reason}"), name=name, reason=str(err)[:80]
        ) from None
    finally:
        if was_enabled:
            gc.enable()
    if not isinstance(data, dict):
        raise DomainError(
            _FILE,
            N_("{name} does not hold a book: expected a JSON object {{…}} (got {got})"),
            name=name,
            got=_kind_shown(data),
        )
    if "\\ud" in text or "\\uD" in text:
        where = _lone_surrogate_path(data)
        if where is not None:
            raise DomainError(
                _FILE,
                N_("{name} has a broken character escape (a lone \\u surrogate) at {where}"),
                name=name,
                where=where,
            )
    return data


# ---------------------------------------------------------------------------------------
# Tables: reading
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet of text cells.

    Attributes:
        headers: the header row's cells, stripped (the first non-empty row of the sheet).
        rows: ``(row number, cells)`` for every non-empty row below the headers; row numbers
            are the sheet's own (1-based, as Excel shows them), cells are stripped text
            padded or cut to ``len(headers)``.
    """

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def _number_text(value: int | float) -> str:
    """An Excel number as exact text: ``800`` -> ``"800"``, ``1.35`` -> ``"1.35"``."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    # repr() is the shortest text that reads back as the same float: what Excel showed.
    exact = Decimal(repr(value))
    if exact == exact.to_integral_value():
        return str(int(exact))
    return format(exact, "f")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _shape(header: list[str], body: Iterable[tuple[int, list[str]]]) -> Table:
    width = len(header)
    rows: list[tuple[int, list[str]]] = []
    for number, cells in body:
        if not any(cells):
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) > width:
            cells = cells[:width]
        rows.append((number, cells))
    return Table(headers=header, rows=rows)


def _split_header(
    numbered: Iterator[tuple[int, list[str]]], name: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    for _, cells in numbered:
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells, numbered
    raise DomainError(_FILE, N_("{name} has no rows: not even a header row"), name=name)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_SHEET_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _cells_with_saved_value(archive: Any, sheet_path: str, coordinates: set[str]) -> set[str]:
    """Those of `coordinates` whose formula has a saved value, even the empty string.

    openpyxl reads a saved empty text result (``<c t="str"><f>…</f><v></v></c>``, from
    ``=IF(A2="","",…)``) as None, like a formula that was never calculated; the XML tells
    them apart.
    """
    from xml.etree.ElementTree import iterparse

    found: set[str] = set()
    cell_tag, value_tag = f"{_SHEET_NS}c", f"{_SHEET_NS}v"
    with archive.open(sheet_path) as source:
        for _, element in iterparse(source):
            if element.tag == cell_tag:
                coordinate = element.get("r")
                value = element.find(value_tag)
                # openpyxl itself writes an uncalculated formula as <v/> on a numeric cell;
                # an empty text result is <v></v> on a t="str" cell.
                if (
                    coordinate in coordinates
                    and value is not None
                    and (value.text or element.get("t") == "str")
                ):
                    found.add(coordinate)
                element.clear()
    return found


def _read_xlsx(file: Path) -> Table:
    import openpyxl  # imported here: only roster imports need it

    name = file.name

    def unreadable(err: Exception) -> DomainError:
        return DomainError(
            _FILE,
            N_("{name} is not an Excel .xlsx file that can be read ({reason})"),
            name=name,
            reason=f"{type(err).__name__}: {err}"[:120],
        )

    try:
        values_book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as err:  # zipfile, XML and openpyxl errors of all kinds
        raise unreadable(err) from None
    try:
        formulas_book = openpyxl.load_workbook(file, read_only=True, data_only=False)
    except Exception as err:  # the same
        values_book.close()
        raise unreadable(err) from None
    try:
        values_sheet = values_book.active or values_book.worksheets[0]
        formulas_sheet = formulas_book[values_sheet.title]
        # Some programs write a wrong <dimension>; without this, rows past it are dropped.
        values_sheet.reset_dimensions()
        formulas_sheet.reset_dimensions()
        values_rows = values_sheet.iter_rows(min_row=1, values_only=True)
        formula_rows = formulas_sheet.iter_rows(min_row=1, values_only=True)
        numbered: list[tuple[int, list[str]]] = []
        unsaved: dict[str, tuple[int, int, str]] = {}
        for number, (values, formulas) in enumerate(
            zip(values_rows, formula_rows, strict=True), start=1
        ):
            cells: list[str] = []
            for col, value in enumerate(values):
                if value is None and col < len(formulas) and formulas[col] is not None:
                    formula = str(getattr(formulas[col], "text", formulas[col]))
                    unsaved[f"{_column_letter(col)}{number}"] = (number, col, formula)
                cells.append(_cell_text(value))
            numbered.append((number, cells))
        sheet_path = getattr(formulas_sheet, "_worksheet_path", None)
        archive = getattr(formulas_book, "_archive", None)
        if unsaved and sheet_path is not None and archive is not None:
            for coordinate in _cells_with_saved_value(archive, sheet_path, set(unsaved)):
                del unsaved[coordinate]
    except DomainError:
        raise
    except Exception as err:  # a damaged sheet inside a valid zip
        raise unreadable(err) from None
    finally:
        values_book.close()
        formulas_book.close()
    header, body = _split_header(iter(numbered), name)
    if unsaved:
        problems = []
        for coordinate, (number, col, formula) in unsaved.items():
            column = header[col] if col < len(header) and header[col] else _column_letter(col)
            problems.append(
                DomainError(
                    f"row {number}: {column}",
                    N_(
                        "cell {cell} holds a formula with no saved value (got {formula}); "
                        "open the file in Excel or WPS and save it again"
                    ),
                    cell=coordinate,
                    formula=formula[:60],
                )
            )
        raise DomainErrors(problems)
    return _shape(header, body)


def _decode_text(raw: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030 (a superset of GBK)."""
    if raw.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(
        _FILE,
        N_("{name} is neither UTF-8 nor GBK text; save it from Excel as CSV (UTF-8)"),
        name=name,
    )


def _sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever the first non-empty line has most of."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(file: Path, raw: bytes) -> Table:
    name = file.name
    text = _decode_text(raw, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    numbered: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            numbered.append((number, [cell.strip() for cell in record]))
    except csv.Error as err:
        raise DomainError(
            _FILE,
            N_("{name} is not a CSV file that can be read (row {row}: {reason})"),
            name=name,
            row=reader.line_num,
            reason=str(err),
        ) from None
    header, body = _split_header(iter(numbered), name)
    return _shape(header, body)


def read_table(path: StrPath) -> Table:
    """Read the first sheet's cells of an ``.xlsx`` file or a ``.csv`` file as text.

    xlsx: the active sheet, formulas as the values Excel last saved (a formula without a
    saved value is an error naming the cell), numbers as exact text (see the module
    docstring), dates as ISO. csv (also ``.tsv`` / ``.txt``): UTF-8 with or without a BOM,
    UTF-16 with a BOM, else GBK/GB18030 (what Chinese Excel writes); comma, tab or
    semicolon separated; a cell starting with ``=`` is plain text, never a formula.

    Raises:
        DomainError: path ``"file"`` for an unreadable file, ``"row N: header"`` for cells.
    """
    file = Path(path)
    name = file.name
    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".tsv", ".txt"):
        raise DomainError(
            _FILE,
            N_('cannot read "{suffix}" files ({name}); save the sheet as .xlsx or .csv'),
            suffix=suffix or name,
            name=name,
        )
    try:
        size = file.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise DomainError(
                _FILE,
                N_("{name} is too large for a roster ({size} bytes; at most {limit})"),
                name=name,
                size=size,
                limit=MAX_TABLE_BYTES,
            )
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(file)
        raw = file.read_bytes()
    except OSError as err:
        raise DomainError(
            _FILE, N_("cannot read {name}: {reason}"), name=name, reason=err.strerror or str(err)
        ) from None
    return _read_csv(file, raw)


# ---------------------------------------------------------------------------------------
# Tables: columns
# ---------------------------------------------------------------------------------------

MEMBER_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("户号", "编号", "成员编号", "code"),
    "name": ("户主姓名", "姓名", "户主", "name"),
    "id_number": ("身份证号", "身份证号码", "id_number"),
    "group": ("村民小组", "小组", "组别", "group"),
    "phone": ("电话", "联系电话", "手机", "phone"),
    "bank_account": ("银行卡号", "惠农卡号", "一卡通", "bank_account"),
    "address": ("地址", "住址", "address"),
    "notes": ("备注", "notes"),
}
"""Member fields and the headers that name them (the first is the one messages show)."""

CONTRACT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("合同编号", "编号", "code"),
    "member": ("户号", "成员编号", "member"),
    "member_name": ("户主姓名", "户主", "姓名", "member_name"),
    "parcel": ("地块", "地块名称", "parcel"),
    "location": ("位置", "坐落", "location"),
    "area_mu": ("面积(亩)", "面积", "area_mu"),
    "rent_per_mu": ("单价(元/亩)", "租金(元/亩)", "流转费(元/亩)", "rent_per_mu"),
    "share_value_per_mu": ("折股(元/亩)", "折股单价", "入股价值(元/亩)", "share_value_per_mu"),
    "start": ("起始日期", "开始日期", "start"),
    "end": ("终止日期", "结束日期", "end"),
}
"""Contract fields and the headers that name them (the first is the one messages show)."""

_MEMBER_REQUIRED: Final = ("name",)
_CONTRACT_REQUIRED: Final = ("parcel", "area_mu", "rent_per_mu", "start", "end")

_HEADER_DROP = re.compile(r"[\s*_]+")


def _normalise_header(header: str) -> str:
    """Fold full-width forms (（亩） -> (亩)), drop spaces, ``*`` and ``_``, lower-case."""
    return _HEADER_DROP.sub("", unicodedata.normalize("NFKC", header)).lower()


def _map_columns(
    headers: Sequence[str],
    columns: dict[str, tuple[str, ...]],
    required: Sequence[str],
    one_of: Sequence[str] = (),
) -> dict[str, int]:
    lookup = {
        _normalise_header(alias): field for field, aliases in columns.items() for alias in aliases
    }
    found: dict[str, int] = {}
    problems: list[DomainError] = []
    for index, header in enumerate(headers):
        field = lookup.get(_normalise_header(header))
        if field is None:
            continue
        if field in found:
            problems.append(
                DomainError(
                    _COLUMNS,
                    N_('two columns mean the same thing: "{first}" and "{second}"'),
                    first=headers[found[field]],
                    second=header,
                )
            )
            continue
        found[field] = index
    missing = [field for field in required if field not in found]
    if one_of and not any(field in found for field in one_of):
        missing.append(one_of[0])
    for field in missing:
        aliases = columns[field]
        if one_of and field == one_of[0]:
            aliases = tuple(alias for f in one_of for alias in columns[f])
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
        field name (keys of `MEMBER_COLUMNS`) -> column index; only the columns present.
    Raises:
        DomainErrors: on path ``"columns"``: no name column, or two columns for one field.
    """
    return _map_columns(headers, MEMBER_COLUMNS, _MEMBER_REQUIRED)


def map_contract_columns(headers: Sequence[str]) -> dict[str, int]:
    """Which column holds each contract field, by header name (Chinese or English).

    The household is named by its code (``户号``) or its head's name (``户主姓名``, which
    the caller resolves); at least one of the two is required, as are parcel, area, rent,
    start and end.

    Returns:
        field name (keys of `CONTRACT_COLUMNS`) -> column index; only the columns present.
    Raises:
        DomainErrors: on path ``"columns"``: required columns missing, or doubled.
    """
    return _map_columns(
        headers, CONTRACT_COLUMNS, _CONTRACT_REQUIRED, one_of=("member", "member_name")
    )


# ---------------------------------------------------------------------------------------
# Tables: rows
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One valid household row of a member roster; `code` is "" when the caller assigns it."""

    row: int
    code: str
    name: str
    group: str = ""
    id_number: str | None = None
    phone: str = ""
    bank_account: str = ""
    address: str = ""
    notes: str = ""

    def book_member(self, code: str | None = None) -> BookMember:
        """The household as a `BookMember`, with `code` when the roster had none."""
        return BookMember(
            code=code if code is not None else self.code,
            name=self.name,
            kind="household",
            group=self.group,
            id_number=self.id_number,
            phone=self.phone,
            bank_account=self.bank_account,
            address=self.address,
            notes=self.notes,
        )


@dataclass(frozen=True, slots=True)
class ContractRow:
    """One valid row of a contract roster.

    The household is `member` (a code) or, when the roster names it by its head,
    `member_name` for the caller to resolve; the other is "". `code` is "" when the caller
    assigns it. Money in fen, area in ten-thousandths of a mu.
    """

    row: int
    code: str
    member: str
    member_name: str
    parcel: str
    location: str
    area_e4: int
    rent_per_mu_fen: int
    share_value_per_mu_fen: int
    start: dt.date
    end: dt.date


class _Rows:
    """Cell access for one table with errors collected under ``row N: header``."""

    def __init__(self, table: Table, columns: dict[str, int]) -> None:
        self.table = table
        self.columns = columns
        self.errors: list[DomainError] = []

    def path(self, number: int, field: str) -> str:
        index = self.columns[field]
        header = self.table.headers[index] or _column_letter(index)
        return f"row {number}: {header}"

    def cell(self, number: int, cells: list[str], field: str) -> str | None:
        """The stripped cell ("" when the column is absent); None (error noted) if too long."""
        index = self.columns.get(field)
        if index is None:
            return ""
        text = cells[index]
        if len(text) > MAX_CELL_CHARS:
            self.errors.append(
                DomainError(
                    self.path(number, field),
                    N_("is too long ({count} characters; at most {limit})"),
                    count=len(text),
                    limit=MAX_CELL_CHARS,
                )
            )
            return None
        return text

    def required(self, number: int, cells: list[str], field: str) -> str | None:
        text = self.cell(number, cells, field)
        if text == "":
            self.errors.append(DomainError(self.path(number, field), N_("must not be empty")))
            return None
        return text

    def convert(self, func: Any, text: str | None, number: int, field: str, **kw: Any) -> Any:
        if text is None:
            return None
        try:
            return func(text, self.path(number, field), **kw)
        except DomainError as err:
            self.errors.append(err)
            return None

    def unique(
        self, seen: dict[str, int], value: str | None, number: int, field: str, message: str
    ) -> None:
        if not value:
            return
        first = seen.get(value)
        if first is not None:
            self.errors.append(
                DomainError(self.path(number, field), message, got=value, first=first)
            )
        else:
            seen[value] = number


def parse_member_rows(table: Table) -> tuple[list[MemberRow], list[DomainError]]:
    """Validate a member roster (households).

    Returns:
        The valid rows and an error for every bad cell (``row N: header``): empty names,
        bad ID numbers (GB 11643), cells over `MAX_CELL_CHARS`, and codes or ID numbers
        that appear twice in the file. A row with any error gives no record.
    Raises:
        DomainErrors: on path ``"columns"`` when the name column is missing.
    """
    rows = _Rows(table, map_member_columns(table.headers))
    out: list[MemberRow] = []
    codes: dict[str, int] = {}
    ids: dict[str, int] = {}
    for number, cells in table.rows:
        before = len(rows.errors)
        code = rows.cell(number, cells, "code")
        name = rows.required(number, cells, "name")
        raw_id = rows.cell(number, cells, "id_number")
        id_number = rows.convert(parse_resident_id, raw_id or None, number, "id_number")
        texts = {
            field: rows.cell(number, cells, field)
            for field in ("group", "phone", "bank_account", "address", "notes")
        }
        rows.unique(codes, code, number, "code", N_('the code "{got}" is also in row {first}'))
        rows.unique(
            ids, id_number, number, "id_number", N_('the ID number "{got}" is also in row {first}')
        )
        if len(rows.errors) != before or code is None or name is None:
            continue
        out.append(
            MemberRow(
                row=number,
                code=code,
                name=name,
                group=texts["group"] or "",
                id_number=id_number,
                phone=texts["phone"] or "",
                bank_account=texts["bank_account"] or "",
                address=texts["address"] or "",
                notes=texts["notes"] or "",
            )
        )
    return out, rows.errors


def parse_contract_rows(table: Table) -> tuple[list[ContractRow], list[DomainError]]:
    """Validate a contract roster.

    Returns:
        The valid rows and an error for every bad cell (``row N: header``): area > 0 with at
        most 4 decimals, money ≥ 0 with at most 2, real dates (any form `parse_date` reads)
        with end ≥ start, a household code or name on every row, contract codes that
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
        code = rows.cell(number, cells, "code")
        member = rows.cell(number, cells, "member")
        member_name = rows.cell(number, cells, "member_name")
        if member == "" and member_name == "":
            field = "member" if "member" in rows.columns else "member_name"
            rows.errors.append(DomainError(rows.path(number, field), N_("must not be empty")))
        parcel = rows.required(number, cells, "parcel")
        location = rows.cell(number, cells, "location")
        area = rows.convert(parse_area, rows.required(number, cells, "area_mu"), number, "area_mu")
        rent = rows.convert(
            parse_money, rows.required(number, cells, "rent_per_mu"), number, "rent_per_mu"
        )
        share_text = rows.cell(number, cells, "share_value_per_mu")
        share_value = (
            0
            if share_text == ""
            else rows.convert(parse_money, share_text, number, "share_value_per_mu")
        )
        start = rows.convert(parse_date, rows.required(number, cells, "start"), number, "start")
        end = rows.convert(parse_date, rows.required(number, cells, "end"), number, "end")
        if start is not None and end is not None and end < start:
            rows.errors.append(
                DomainError(
                    rows.path(number, "end"),
                    N_("must not be before the start date {start} (got {got})"),
                    start=start.isoformat(),
                    got=end.isoformat(),
                )
            )
        rows.unique(codes, code, number, "code", N_('the code "{got}" is also in row {first}'))
        if (
            len(rows.errors) != before
            or code is None
            or member is None
            or member_name is None
            or parcel is None
            or location is None
        ):
            continue
        out.append(
            ContractRow(
                row=number,
                code=code,
                member=member,
                member_name=member_name if not member else "",
                parcel=parcel,
                location=location,
                area_e4=area,
                rent_per_mu_fen=rent,
                share_value_per_mu_fen=share_value,
                start=start,
                end=end,
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
        by_parcel.setdefault(record.parcel, []).append(record)
    problems: list[DomainError] = []
    for same in by_parcel.values():
        same.sort(key=lambda r: (r.start, r.row))
        latest = same[0]
        for record in same[1:]:
            if record.start <= latest.end:
                first, second = sorted((latest, record), key=lambda r: r.row)
                problems.append(
                    DomainError(
                        rows.path(second.row, "parcel"),
                        N_(
                            'row {other} has the same parcel "{parcel}" from {other_start} '
                            "to {other_end}: the two contracts overlap"
                        ),
                        other=first.row,
                        parcel=record.parcel,
                        other_start=first.start.isoformat(),
                        other_end=first.end.isoformat(),
                    )
                )
            if record.end > latest.end:
                latest = record
    return problems


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?").fullmatch
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(text: str) -> str:
    """Make exported text safe from spreadsheet formula injection.

    A cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return, which some
    spreadsheets skip before looking) gets a leading ``'`` so Excel and WPS show it as
    text instead of running it. A plain number such as ``-35.10`` is left alone: it cannot
    run anything, and money must stay readable.
    """
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER(text):
        return "'" + text
    return text


def _export_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_cell(value if isinstance(value, str) else str(value))


def write_csv_safe(path: StrPath, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV that Chinese Excel opens correctly: UTF-8 with a BOM, CRLF line ends,
    every cell neutralised (`neutralise_cell`); None is an empty cell."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_export_text(header) for header in headers])
        for row in rows:
            writer.writerow([_export_text(value) for value in row])


def _xlsx_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | dt.date):
        return value
    if isinstance(value, str):
        return neutralise_cell(value)
    return neutralise_cell(str(value))


def write_xlsx(
    path: StrPath,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Sheet1",
) -> None:
    """Write one sheet of an ``.xlsx`` file: text neutralised like `write_csv_safe`; ints,
    dates and booleans kept as Excel values (floats are never written: pass money as text
    or fen)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title)
    sheet.append([_xlsx_value(header) for header in headers])
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    book.save(path)


# -- big book files, streamed ------------------------------------------------------------

#: Book files above this size are read as a stream (``stream_book_file``).
STREAM_BOOK_BYTES = 64 * 1024 * 1024


def _json_error(path: Path, exc: Exception) -> DomainError:
    return DomainError(
        "file",
        N_("{name} is not a readable book file: {problem}"),
        name=path.name,
        problem=str(exc),
    )


def read_book_header(path: StrPath) -> dict[str, Any]:
    """Everything in a book file except its ``vouchers`` (read as a stream of parser events,
    so the file is never held whole); ``vouchers`` in the result is ``[]`` if present."""
    import ijson

    file = Path(path)
    header: dict[str, Any] = {}
    try:
        with file.open("rb") as fh:
            events = ijson.parse(fh, use_float=False)
            prefix, event, value = next(events)
            if event != "start_map":
                raise DomainError("", N_("the book must be a JSON object {{…}}"))
            key: str | None = None
            builder: Any = None
            for prefix, event, value in events:
                if prefix == "" and event == "map_key":
                    key = str(value)
                    builder = None if key == "vouchers" else ijson.ObjectBuilder()
                    continue
                if prefix == "" and event == "end_map":
                    break
                if key == "vouchers":
                    if prefix == "vouchers" and event in ("start_array", "end_array"):
                        header["vouchers"] = []
                    continue
                assert builder is not None and key is not None
                builder.event(event, value)
                if prefix == key and event not in ("start_map", "start_array", "map_key"):
                    header[key] = builder.value
    except DomainError:
        raise
    except Exception as exc:  # ijson raises several kinds of errors
        raise _json_error(file, exc) from exc
    return header


def iter_book_vouchers(path: StrPath, chunk: int = 20_000) -> Iterator[list[Any]]:
    """The ``vouchers`` of a book file in chunks, streamed."""
    import ijson

    file = Path(path)
    batch: list[Any] = []
    try:
        with file.open("rb") as fh:
            for item in ijson.items(fh, "vouchers.item", use_float=False):
                batch.append(item)
                if len(batch) >= chunk:
                    yield batch
                    batch = []
    except Exception as exc:  # as above
        raise _json_error(file, exc) from exc
    if batch:
        yield batch
