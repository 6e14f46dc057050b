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
from PySide6.QtGui import (
    QColor,
    QIcon,
    QKeyEvent,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
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


def warm_up_pinyin() -> None:
    """Load the pinyin dictionaries in a thread of their own, so that the first account
    typed as ``yhck`` finds 银行存款 at once (loading them takes a third of a second)."""
    import threading

    threading.Thread(target=pinyin_initials, args=("银行存款",), daemon=True).start()


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


class DateEdit(QLineEdit):
    """A date field typed as on paper: ``20150120``, ``2015-1-20``, ``1-20`` or ``0120`` (in
    the year of the period worked on), ``20`` (a day of that month); shown as 2015-01-20
    once the cursor leaves. A red frame and a tooltip say what is wrong while the text is
    no date, and go as soon as it is one. The calendar button picks a day with the mouse.

    `date_value()` is the date, or raises `DomainError` on ``field`` naming the mistake."""

    #: The date the text now says (emitted as soon as it is one, and changes).
    dateChanged = Signal(object)

    def __init__(
        self,
        value: dt.date | None = None,
        parent: QWidget | None = None,
        *,
        field: str = "date",
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.setPlaceholderText(_("e.g. 2015-01-20, 1-20 or 0120"))
        self.setMaxLength(20)
        self.setMinimumWidth(110)
        self.setMaximumWidth(150)
        start = value or dt.date.today()
        self._period = (start.year, start.month)
        self._last: dt.date | None = None
        self._calendar = self.addAction(_calendar_icon(), QLineEdit.ActionPosition.TrailingPosition)
        self._calendar.setToolTip(_("Choose the day on a calendar"))
        self._calendar.triggered.connect(self.pick_on_calendar)
        self.textChanged.connect(self._edited)
        self.editingFinished.connect(self._tidy)
        self.set_date(start)

    # -- the period short forms refer to ----------------------------------------------------

    def set_period(self, year: int, month: int) -> None:
        """The year (for ``1-20``, ``0120``) and month (for ``20``) of dates typed short."""
        self._period = (year, month)

    def period(self) -> tuple[int, int]:
        return self._period

    # -- value -------------------------------------------------------------------------------

    def date_value(self) -> dt.date:
        """The date typed (raises `DomainError` when the text is no date)."""
        from coopledger.domain.dates import parse_entered_date

        year, month = self._period
        return parse_entered_date(self.text(), year, month, self.field)

    def set_date(self, value: dt.date) -> None:
        self.setText(value.isoformat())

    def problem(self) -> str:
        """Why the text is no date ("" when it is one)."""
        try:
            self.date_value()
        except DomainError as exc:
            return exc.text(_)
        return ""

    def _edited(self, _text: str) -> None:
        problem = self.problem()
        self.setStyleSheet("QLineEdit { border: 1px solid #c00000; }" if problem else "")
        self.setToolTip(problem)
        if not problem:
            value = self.date_value()
            if value != self._last:
                self._last = value
                self.dateChanged.emit(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up and Down step the date a day later or earlier."""
        step = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}.get(Qt.Key(event.key()))
        if step is not None and not self.problem():
            self.set_date(self.date_value() + dt.timedelta(days=step))
            return
        super().keyPressEvent(event)

    def _tidy(self) -> None:
        if not self.problem():
            value = self.date_value()
            if self.text() != value.isoformat():
                self.set_date(value)

    def pick_on_calendar(self) -> None:
        """Show a calendar under the field; the day clicked becomes the date."""
        from PySide6.QtWidgets import QCalendarWidget

        calendar = QCalendarWidget(self)
        calendar.setObjectName("datePopup")
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        try:
            current = self.date_value()
        except DomainError:
            current = dt.date(self._period[0], self._period[1], 1)
        calendar.setSelectedDate(QDate(current.year, current.month, current.day))

        def chosen(day: QDate) -> None:
            self.set_date(dt.date(day.year(), day.month(), day.day()))
            calendar.close()
            self.setFocus()

        calendar.clicked.connect(chosen)
        calendar.activated.connect(chosen)
        calendar.move(self.mapToGlobal(self.rect().bottomLeft()))
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.show()


@lru_cache(maxsize=1)
def _calendar_icon() -> QIcon:
    """A small calendar drawn once (the icon themes of Windows have none)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(0, 0, 0, 0))
    p = QPainter(pixmap)
    p.setPen(QColor("#555"))
    p.drawRect(1, 2, 13, 12)
    p.fillRect(2, 3, 12, 3, QColor("#c0392b"))
    for x in (4, 7, 10):
        for y in (8, 11):
            p.fillRect(x, y, 2, 2, QColor("#555"))
    p.end()
    return QIcon(pixmap)


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

    def __init__(
        self,
        accounts: Sequence[AccountChoice] = (),
        parent: QWidget | None = None,
        *,
        leaves_only: bool = True,
    ):
        super().__init__(parent)
        #: Whether only accounts without sub-accounts are offered (posting needs a leaf; a
        #: ledger may be kept of any account).
        self.leaves_only = leaves_only
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
        self._keyed = False
        self.set_accounts(accounts)

    def set_accounts(self, accounts: Sequence[AccountChoice]) -> None:
        self._items.clear()
        self._by_code = {a.code: a for a in accounts}
        self._keyed = False
        for a in accounts:
            if self.leaves_only and not a.is_leaf:
                continue
            item = QStandardItem(a.label)
            item.setData(a.code, CodeRole)
            self._items.appendRow(item)

    def _ensure_keys(self) -> None:
        """The search keys (code, name, pinyin initials), made when first searched: the
        pinyin dictionaries take a moment to load, which a view that merely shows a picker
        should not wait for (``warm_up_pinyin`` loads them after start-up)."""
        if self._keyed:
            return
        self._keyed = True
        for row in range(self._items.rowCount()):
            item = self._items.item(row)
            choice = self._by_code.get(str(item.data(CodeRole)))
            if choice is not None:
                item.setData(account_search_key(choice), SearchRole)

    def matches(self, text: str) -> list[str]:
        """Labels of the leaf accounts ``text`` finds, in chart order."""
        self._ensure_keys()
        self._filter.set_needle(text)
        return [self._filter.index(i, 0).data() for i in range(self._filter.rowCount())]

    def _edited(self, text: str) -> None:
        self._ensure_keys()
        self._filter.set_needle(text)
        if text.strip() and self._filter.rowCount():
            self._completer.complete()
            # After the field's own completion has run (it clears the highlight).
            QTimer.singleShot(0, lambda: highlight_first(self._completer))
        else:
            popup = self._completer.popup()
            if popup is not None:
                popup.hide()

    def _activated(self, label: str) -> None:
        self.setText(label)
        code = label.split(" ", 1)[0]
        self.picked.emit(code)

    def set_code(self, code: str | None) -> None:
        """Show the account ``code`` (nothing for None or an unknown code)."""
        choice = self._by_code.get(code or "")
        self.setText(choice.label if choice else "")

    def code(self) -> str | None:
        """The code of the account shown (None when the text names none)."""
        choice = self.choice()
        if choice is None or (self.leaves_only and not choice.is_leaf):
            return None
        return choice.code

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._completer.popup()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (popup is not None and popup.isVisible())
            and self.text().strip()
        ):
            self.resolve_text()
        super().keyPressEvent(event)

    def resolve_text(self, *, take_first: bool = False) -> None:
        """Turn what was typed into the full ``code name`` when it finds exactly one account,
        or the account whose code was typed in full; with ``take_first``, the first of
        several matches (the one the list highlights)."""
        text = self.text().strip()
        if not text:
            return
        code = text.split(" ", 1)[0]
        if code in self._by_code and (self._by_code[code].is_leaf or not self.leaves_only):
            self.setText(self._by_code[code].label)
            return
        found = self.matches(text)
        if len(found) == 1 or (found and take_first):
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


def highlight_first(completer: QCompleter) -> None:
    """Highlight the first match of an open completer list, so that one Enter takes it
    (quietly: highlighting would otherwise put its text in the field while typing)."""
    popup = completer.popup()
    if popup is None or not popup.isVisible():
        return
    first = completer.completionModel().index(0, 0)
    selection = popup.selectionModel()
    if not first.isValid() or selection is None:
        return
    selection.blockSignals(True)
    popup.setCurrentIndex(first)
    selection.blockSignals(False)


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
            QTimer.singleShot(0, lambda: highlight_first(self._completer))

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
