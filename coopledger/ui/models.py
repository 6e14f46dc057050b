"""Table models.

`PagedTableModel` shows a list that lives in the database: it asks the source for the row
count once, then fetches pages of `PAGE_SIZE` rows when the view paints them, keeping at
most `MAX_PAGES` pages (least recently used go first). Sorting and filtering re-query: the
source gets the sort key, the view swaps the source for a filtered one. Nothing ever holds
every row, so 100,000 members open as fast as 100 (Anki's browser table does the same).

A row that fails to load is shown as a placeholder and logged, never raised out of
``data()``.

`ListTableModel` shows a short list already in memory (a trial balance, a preview).
Both take `Column`s: a title (an English msgid), how to get the value from a row, and what
kind of value it is (money is right-aligned and formatted for the current language).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from coopledger.i18n import _
from coopledger.ui import fmt

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

_log = logging.getLogger("coopledger.ui")

#: Role for the raw value (fen, date, ...) behind a cell.
RawRole = Qt.ItemDataRole.UserRole + 1
#: Role for the whole row object.
RowRole = Qt.ItemDataRole.UserRole + 2

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
RED = QBrush(QColor(190, 20, 20))
GREY = QBrush(QColor(120, 120, 120))


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: ``title`` is an English msgid (translated when shown); ``value`` gets the
    raw value from a row; ``kind`` says how it looks: text, money, money0 (blank for zero),
    area, date, int, bool. ``sort`` is the key the source sorts by (None: not sortable);
    ``show`` turns the raw value into text when the kind alone is not enough."""

    title: str
    value: Callable[[R], Any]
    kind: str = "text"
    sort: str | None = None
    show: Callable[[Any], str] | None = None
    width: int = 0

    def display(self, row: R) -> str:
        value = self.value(row)
        if self.show is not None:
            return self.show(value)
        return display_value(value, self.kind)

    def export(self, row: R) -> object:
        """The value as written to a spreadsheet: money as text with two decimals (exact),
        dates as dates, counts as ints, the rest as shown."""
        value = self.value(row)
        if self.kind in ("money", "money0"):
            from coopledger.domain.money import fen_to_str

            return fen_to_str(int(value)) if value is not None else None
        if self.kind == "date" or self.kind == "int":
            return value
        return self.display(row)


def display_value(value: object, kind: str) -> str:
    """Text for a raw value of the given kind."""
    if value is None:
        return ""
    if kind == "money":
        return fmt.money(int(value))  # type: ignore[call-overload]
    if kind == "money0":
        return fmt.money_or_blank(int(value))  # type: ignore[call-overload]
    if kind == "area":
        return fmt.area(int(value))  # type: ignore[call-overload]
    if kind == "date":
        return fmt.date(value if isinstance(value, dt.date) else None)
    if kind == "bool":
        return _("Yes") if value else _("No")
    return str(value)


class _ColumnsMixin(Generic[R]):
    columns: Sequence[Column[R]]

    def _cell(self, row: R | None, column: int, role: int) -> Any:
        col = self.columns[column]
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return "…"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return col.display(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.kind in ("money", "money0", "area", "int"):
                return int(RIGHT)
            if col.kind in ("date", "bool"):
                return int(CENTER)
            return int(LEFT)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col.kind in ("money", "money0"):
                value = col.value(row)
                if isinstance(value, int) and value < 0:
                    return RED
            return None
        if role == RawRole:
            return col.value(row)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            text = col.display(row)
            return text if len(text) > 24 else None
        return None

    def _header(self, section: int, orientation: Qt.Orientation, role: int) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.columns):
                return None
            col = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return _(col.title)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(RIGHT if col.kind in ("money", "money0", "area", "int") else LEFT)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None


class PagedSource(Protocol[R]):  # type: ignore[misc]
    """Where a paged model gets its rows."""

    def count(self) -> int:
        """How many rows the list has now."""
        ...

    def fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> Sequence[R]:
        """Rows ``offset`` to ``offset + limit`` in the given order."""
        ...


@dataclass(frozen=True)
class Source(Generic[R]):
    """A `PagedSource` made of two callables (usually closures over a service and a filter)."""

    count_fn: Callable[[], int]
    fetch_fn: Callable[[int, int, str | None, bool], Sequence[R]]

    def count(self) -> int:
        return self.count_fn()

    def fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> Sequence[R]:
        return self.fetch_fn(offset, limit, sort, descending)


class EmptySource(Generic[R]):
    """No rows (before a book is chosen)."""

    def count(self) -> int:
        return 0

    def fetch(self, offset: int, limit: int, sort: str | None, descending: bool) -> Sequence[R]:
        return []


class PagedTableModel(_ColumnsMixin[R], QAbstractTableModel):
    """A read-only table over a `PagedSource`, fetched page by page on demand."""

    PAGE_SIZE = 200
    MAX_PAGES = 40

    def __init__(
        self,
        columns: Sequence[Column[R]],
        source: PagedSource[R] | None = None,
        *,
        sort: str | None = None,
        descending: bool = False,
        parent: Any = None,
    ) -> None:
        QAbstractTableModel.__init__(self, parent)
        self.columns = list(columns)
        self._source: PagedSource[R] = source if source is not None else EmptySource()
        self._count = 0
        self._pages: OrderedDict[int, Sequence[R]] = OrderedDict()
        self.sort_key = sort
        self.descending = descending
        self.fetches = 0  # pages fetched so far (tests and benchmarks read it)
        self._load_count()

    # -- the source ------------------------------------------------------------------------

    @property
    def source(self) -> PagedSource[R]:
        return self._source

    def set_source(self, source: PagedSource[R]) -> None:
        """Show another list (a new filter, another book)."""
        self._source = source
        self.reload()

    def reload(self) -> None:
        """Forget every cached page and count again (after a write, or a new sort)."""
        self.beginResetModel()
        self._pages.clear()
        self._load_count()
        self.endResetModel()

    def _load_count(self) -> None:
        try:
            self._count = max(0, int(self._source.count()))
        except Exception:
            _log.exception("counting rows failed")
            self._count = 0

    def _page(self, number: int) -> Sequence[R]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        try:
            page = list(
                self._source.fetch(
                    number * self.PAGE_SIZE, self.PAGE_SIZE, self.sort_key, self.descending
                )
            )
        except Exception:
            _log.exception("fetching rows failed")
            page = []
        self.fetches += 1
        self._pages[number] = page
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def row(self, row: int) -> R | None:
        """The row object at ``row`` (None when out of range or it failed to load)."""
        if not 0 <= row < self._count:
            return None
        page = self._page(row // self.PAGE_SIZE)
        i = row % self.PAGE_SIZE
        return page[i] if i < len(page) else None

    def cached_pages(self) -> int:
        return len(self._pages)

    def iter_rows(self, chunk: int = 1000) -> Iterator[R]:
        """Every row of the current list, in the current order, fetched in chunks (for export;
        safe to call from a worker thread: it does not touch the cache)."""
        offset = 0
        while True:
            rows = self._source.fetch(offset, chunk, self.sort_key, self.descending)
            yield from rows
            if len(rows) < chunk:
                return
            offset += chunk

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            return None
        if not 0 <= index.row() < self._count:
            return None
        if role not in _ROLES:
            return None
        return self._cell(self.row(index.row()), index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._header(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].sort
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self.sort_key and descending == self.descending:
            return
        self.sort_key, self.descending = key, descending
        self.reload()


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        RawRole,
        RowRole,
    }
)


class ListTableModel(_ColumnsMixin[R], QAbstractTableModel):
    """A read-only table over rows already in memory, sortable in memory."""

    def __init__(self, columns: Sequence[Column[R]], rows: Sequence[R] = (), parent: Any = None):
        QAbstractTableModel.__init__(self, parent)
        self.columns = list(columns)
        self._rows: list[R] = list(rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> Sequence[R]:
        return self._rows

    def row(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def iter_rows(self, chunk: int = 1000) -> Iterator[R]:
        return iter(list(self._rows))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns) or role not in _ROLES:
            return None
        return self._cell(self._rows[index.row()], index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return self._header(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort is None:
            return
        col = self.columns[column]

        def key(row: R) -> tuple[int, Any]:
            value = col.value(row)
            return (value is None, value if value is not None else 0)

        reverse = order == Qt.SortOrder.DescendingOrder
        self.beginResetModel()
        try:
            self._rows.sort(key=key, reverse=reverse)
        except TypeError:
            self._rows.sort(key=lambda r: str(col.value(r)), reverse=reverse)
        self.endResetModel()
