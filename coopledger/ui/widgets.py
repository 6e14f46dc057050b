"""Small widgets shared by the views: money and date fields, the account and member pickers
(search by code, name or pinyin initials), a table view set up the house way, a search bar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.money import parse_money
from coopledger.i18n import _

SearchRole = Qt.ItemDataRole.UserRole + 10
CodeRole = Qt.ItemDataRole.UserRole + 11


@lru_cache(maxsize=4096)
def pinyin_initials(text: str) -> str:
    """The pinyin initials of the Chinese characters in ``text`` (``银行存款`` → ``yhck``);
    other letters and digits are kept, punctuation dropped."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # pragma: no cover  (pypinyin is a dependency; search still works)
        return ""
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(p for p in parts if p.isalnum()).lower()


# -- fields ---------------------------------------------------------------------------------


class MoneyEdit(QLineEdit):
    """A money field: right-aligned; `fen()` parses it (raises `DomainError`)."""

    def __init__(self, parent: QWidget | None = None, *, field: str = "amount") -> None:
        super().__init__(parent)
        self.field = field
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0.00")

    def fen(self, *, allow_zero: bool = True) -> int:
        return parse_money(self.text(), self.field, allow_zero=allow_zero)

    def set_fen(self, fen: int | None) -> None:
        from coopledger.domain.money import fen_to_str

        self.setText("" if fen is None else fen_to_str(fen))


class DateEdit(QDateEdit):
    """A date field with a calendar, shown as 2014-12-31."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.set_date(value or dt.date.today())

    def date_value(self) -> dt.date:
        q = self.date()
        return dt.date(q.year(), q.month(), q.day())

    def set_date(self, value: dt.date) -> None:
        self.setDate(QDate(value.year, value.month, value.day))


def combo_value(combo: QComboBox) -> Any:
    """The data behind a combo box's current item."""
    return combo.currentData()


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, Any]], *, keep: bool = True) -> None:
    """Replace a combo box's items with ``(text, data)`` pairs, keeping the selection."""
    current = combo.currentData() if keep else None
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    if keep:
        i = combo.findData(current)
        combo.setCurrentIndex(max(i, 0))
    combo.blockSignals(False)


# -- the account picker ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountChoice:
    """An account as the picker offers it."""

    code: str
    name: str
    kind: str
    is_leaf: bool
    member_aux: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


class _AccountFilter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.needle = ""

    def set_needle(self, text: str) -> None:
        self.beginFilterChange()
        self.needle = text.strip().lower()
        self.endFilterChange()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.needle:
            return True
        model = self.sourceModel()
        key = model.data(model.index(source_row, 0, source_parent), SearchRole) or ""
        return all(part in key for part in self.needle.split())


def account_search_key(choice: AccountChoice) -> str:
    """What a search matches: code, name and the name's pinyin initials."""
    return f"{choice.code} {choice.name.lower()} {pinyin_initials(choice.name)}"


class AccountPicker(QLineEdit):
    """Type a code (``102``), part of a name (``银行``) or pinyin initials (``yhck``): a list
    of matching leaf accounts drops down; Enter or a click takes one. `account()` is the
    chosen account's code, or raises `DomainError` when the text names none."""

    picked = Signal(str)

    def __init__(self, accounts: Sequence[AccountChoice] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(_("code, name or pinyin initials"))
        self._items = QStandardItemModel(self)
        self._filter = _AccountFilter()
        self._filter.setSourceModel(self._items)
        self._completer = QCompleter(self._filter, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(12)
        self._completer.activated[str].connect(self._activated)  # type: ignore[index]
        self.setCompleter(self._completer)
        self.textEdited.connect(self._edited)
        self._by_code: dict[str, AccountChoice] = {}
        self.set_accounts(accounts)

    def set_accounts(self, accounts: Sequence[AccountChoice]) -> None:
        self._items.clear()
        self._by_code = {a.code: a for a in accounts}
        for a in accounts:
            if not a.is_leaf:
                continue
            item = QStandardItem(a.label)
            item.setData(account_search_key(a), SearchRole)
            item.setData(a.code, CodeRole)
            self._items.appendRow(item)

    def matches(self, text: str) -> list[str]:
        """Labels of the leaf accounts ``text`` finds, in chart order."""
        self._filter.set_needle(text)
        return [self._filter.index(i, 0).data() for i in range(self._filter.rowCount())]

    def _edited(self, text: str) -> None:
        self._filter.set_needle(text)
        if text.strip() and self._filter.rowCount():
            self._completer.complete()
        else:
            popup = self._completer.popup()
            if popup is not None:
                popup.hide()

    def _activated(self, label: str) -> None:
        self.setText(label)
        code = label.split(" ", 1)[0]
        self.picked.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._completer.popup()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (popup is not None and popup.isVisible())
            and self.text().strip()
        ):
            self.resolve_text()
        super().keyPressEvent(event)

    def resolve_text(self) -> None:
        """Turn what was typed into the full ``code name`` when it finds exactly one account,
        or the account whose code was typed in full."""
        text = self.text().strip()
        if not text:
            return
        code = text.split(" ", 1)[0]
        if code in self._by_code and self._by_code[code].is_leaf:
            self.setText(self._by_code[code].label)
            return
        found = self.matches(text)
        if len(found) == 1:
            self.setText(found[0])

    def choice(self) -> AccountChoice | None:
        code = self.text().strip().split(" ", 1)[0]
        return self._by_code.get(code)

    def account(self, field: str = "account") -> str:
        """The chosen leaf account's code."""
        text = self.text().strip()
        if not text:
            raise DomainError(field, N_("an account is required"))
        choice = self.choice()
        if choice is None:
            found = self.matches(text)
            if len(found) == 1:
                return found[0].split(" ", 1)[0]
            raise DomainError(field, N_('no account matches "{got}"'), got=text)
        if not choice.is_leaf:
            raise DomainError(
                field,
                N_("{code} {name} has sub-accounts; post to one of them"),
                code=choice.code,
                name=choice.name,
            )
        return choice.code


# -- the member picker ----------------------------------------------------------------------


class MemberPicker(QLineEdit):
    """Type a member code or part of a name; matching members drop down (searched in the
    ledger as you type, at most 30). `member_code()` is the code typed or picked."""

    def __init__(
        self,
        search: Callable[[str], Sequence[tuple[str, str, str]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.search = search
        self.setPlaceholderText(_("member code or name"))
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.activated[str].connect(self._activated)  # type: ignore[index]
        self.setCompleter(self._completer)
        self.textEdited.connect(self._edited)
        self._names: dict[str, str] = {}

    def _edited(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._model.setStringList([])
            return
        rows = self.search(text)
        labels = []
        for code, name, group in rows:
            self._names[code] = name
            labels.append(f"{code} {name}" + (f"（{group}）" if group else ""))
        self._model.setStringList(labels)
        if labels:
            self._completer.complete()

    def _activated(self, label: str) -> None:
        self.setText(label.split("（", 1)[0])

    def member_code(self) -> str:
        return self.text().strip().split(" ", 1)[0]

    def set_member(self, code: str, name: str = "") -> None:
        self.setText(f"{code} {name}".strip())


# -- tables and search --------------------------------------------------------------------


def make_table(parent: QWidget | None = None, *, sortable: bool = True) -> QTableView:
    """A read-only table view: whole rows selected, sortable by clicking a header, fixed row
    height (so a paged model never has to measure every row)."""
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(False)
    view.setWordWrap(False)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    vh = view.verticalHeader()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(26)
    vh.setVisible(False)
    hh = view.horizontalHeader()
    hh.setStretchLastSection(True)
    hh.setHighlightSections(False)
    hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    if sortable:
        hh.setSortIndicatorShown(True)
        hh.setSectionsClickable(True)
        hh.sortIndicatorChanged.connect(lambda col, order: _sort(view, col, order))
    return view


def _sort(view: QTableView, column: int, order: Qt.SortOrder) -> None:
    model = view.model()
    if model is not None:
        model.sort(column, order)


def size_columns(view: QTableView, widths: Sequence[int]) -> None:
    """Set the first columns' widths (the last one stretches)."""
    for i, w in enumerate(widths):
        if w:
            view.setColumnWidth(i, w)


class SearchBar(QWidget):
    """A search field plus any filter combo boxes; `changed` fires 250 ms after the user
    stops typing, or at once when a filter changes."""

    changed = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.fire)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addWidget(self.search)
        self.filters: dict[str, QComboBox] = {}

    def fire(self) -> None:
        self._timer.stop()
        self.changed.emit()

    def text(self) -> str:
        return self.search.text().strip()

    def add_filter(self, key: str, label: str, items: Sequence[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"filter_{key}")
        fill_combo(combo, items, keep=False)
        if label:
            self.row.addWidget(QLabel(label))
        self.row.addWidget(combo)
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.filters[key] = combo
        return combo

    def value(self, key: str) -> Any:
        return self.filters[key].currentData()

    def finish(self) -> None:
        self.row.addStretch(1)
