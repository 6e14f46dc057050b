"""Spreadsheets in and out: the first sheet of an Excel (``.xlsx``) or CSV file as a `Table`
of text cells, and exports (CSV, ``.xlsx``) whose cells cannot run as formulas.

Every problem is a `DomainError`: path ``"file"`` for the file as a whole, ``"row N:
header"`` for one cell (row numbers as the user sees them in Excel, the header row being
row 1 in a usual sheet).

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
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from coopledger.domain.errors import N_, DomainError, DomainErrors
from coopledger.outfiles import atomic_output, check_output, save_with

__all__ = [
    "MAX_TABLE_BYTES",
    "Table",
    "column_letter",
    "neutralise_cell",
    "read_table",
    "write_csv_safe",
    "write_xlsx",
]

StrPath = str | os.PathLike[str]

MAX_TABLE_BYTES: Final = 200 * 1024**2
"""A roster larger than this (200 MiB) is refused before it is read."""

MAX_TABLE_ROWS: Final = 200_000
"""A roster with more rows than this is refused (a township has some 25,000 contracts)."""

MAX_UNPACKED_BYTES: Final = 256 * 1024**2
"""An .xlsx whose parts unpack to more than this is refused before any is parsed (a zip
bomb: a few kilobytes that unpack to gigabytes)."""

_MAX_XLSX_PARTS: Final = 10_000

_FILE: Final = "file"


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
            padded to ``len(headers)`` (a row with a value beyond the last header is an
            error of that row, never cut).
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


def _shape(
    header: list[str], body: Iterable[tuple[int, list[str]]], *, exact: bool = False
) -> Table:
    """The rows under ``header``. A row with a value beyond the last header is refused (a
    cell with an unquoted comma split in two, a bank card moved into the next column): one
    error per row, never cut. With ``exact`` (CSV) a row with fewer cells is refused too."""
    width = len(header)
    rows: list[tuple[int, list[str]]] = []
    problems: list[DomainError] = []
    for number, cells in body:
        if not any(cells):
            continue
        if len(cells) > width:
            extra = cells[width:]
            if any(extra):
                problems.append(
                    DomainError(
                        f"row {number}",
                        N_(
                            "has {count} cells but the header row has {width}: a value with"
                            " a comma in it must be in quotes (the extra cells: {extra})"
                        ),
                        count=width + max(i for i, c in enumerate(extra) if c) + 1,
                        width=width,
                        extra=", ".join(c for c in extra if c)[:60],
                    )
                )
                continue
            cells = cells[:width]  # empty cells after the last header (trailing commas)
        elif len(cells) < width:
            if exact:
                problems.append(
                    DomainError(
                        f"row {number}",
                        N_("has {count} cells but the header row has {width}"),
                        count=len(cells),
                        width=width,
                    )
                )
                continue
            cells = cells + [""] * (width - len(cells))
        rows.append((number, cells))
        if len(rows) > MAX_TABLE_ROWS:
            raise _too_many_rows()
    if problems:
        raise DomainErrors(problems)
    return Table(headers=header, rows=rows)


def _too_many_rows() -> DomainError:
    return DomainError(
        _FILE,
        N_("has more than {limit} rows; split it into several files"),
        limit=MAX_TABLE_ROWS,
    )


def _split_header(
    numbered: Iterator[tuple[int, list[str]]], name: str
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    for _, cells in numbered:
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells, numbered
    raise DomainError(_FILE, N_("{name} has no rows: not even a header row"), name=name)


def column_letter(index: int) -> str:
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


def _check_xlsx_size(file: Path) -> None:
    """Refuse an .xlsx whose parts unpack to more than `MAX_UNPACKED_BYTES` (read from the
    zip's directory: nothing is unpacked) or whose sheet has more rows than
    `MAX_TABLE_ROWS` (counted as the sheet is streamed, stopping at the limit)."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    name = file.name
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            unpacked = sum(p.file_size for p in parts)
            if len(parts) > _MAX_XLSX_PARTS or unpacked > MAX_UNPACKED_BYTES:
                raise DomainError(
                    _FILE,
                    N_(
                        "{name} unpacks to {size} MB, more than a roster can be ({limit} MB);"
                        " it is refused unread"
                    ),
                    name=name,
                    size=unpacked // 1024**2,
                    limit=MAX_UNPACKED_BYTES // 1024**2,
                )
            row_tag = f"{_SHEET_NS}row"
            for part in parts:
                if not (
                    part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")
                ):
                    continue
                rows = 0
                with archive.open(part) as source:
                    for _, element in iterparse(source):
                        if element.tag == row_tag:
                            rows += 1
                            if rows > MAX_TABLE_ROWS:
                                raise DomainError(
                                    _FILE,
                                    N_(
                                        "{name} has more than {limit} rows; split it into several files"
                                    ),
                                    name=name,
                                    limit=MAX_TABLE_ROWS,
                                )
                        element.clear()
    except DomainError:
        raise
    except Exception:  # not a zip, damaged XML: openpyxl says what is wrong, below
        return


def _read_xlsx(file: Path) -> Table:
    import openpyxl  # imported here: only roster imports need it

    name = file.name
    _check_xlsx_size(file)

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
                    unsaved[f"{column_letter(col)}{number}"] = (number, col, formula)
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
            column = header[col] if col < len(header) and header[col] else column_letter(col)
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
            if number > MAX_TABLE_ROWS + 1:
                raise _too_many_rows()
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
    return _shape(header, body, exact=True)


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


def _one_line(text: str) -> str:
    """A cell's text on one line: CR and LF become spaces (a bank's import reads one record
    per line, and a line break inside a cell can start a forged record)."""
    if "\r" in text or "\n" in text:
        return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return text


def _export_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_cell(_one_line(value if isinstance(value, str) else str(value)))


def write_csv_safe(path: StrPath, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV that Chinese Excel opens correctly: UTF-8 with a BOM, CRLF line ends,
    every cell on one line and neutralised (`neutralise_cell`); None is an empty cell. The
    file goes through the output guard (`coopledger.outfiles`)."""
    with atomic_output(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_export_text(header) for header in headers])
        for row in rows:
            writer.writerow([_export_text(value) for value in row])


def _xlsx_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | dt.date):
        return value
    return neutralise_cell(_one_line(value if isinstance(value, str) else str(value)))


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

    check_output(path)  # refused before the work, not after it
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title)
    sheet.append([_xlsx_value(header) for header in headers])
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    save_with(path, book.save)
