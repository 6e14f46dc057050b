"""What the task views share: refresh on the kinds of record they show (`Changes`), a paged table with a search
bar, a row count, and export of the table as shown (filter and order) to Excel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.i18n import _
from coopledger.services import views
from coopledger.services.ledger import Ledger
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.models import Column, ListTableModel, PagedTableModel, Source
from coopledger.ui.widgets import SearchBar, make_table, size_columns


class View(QWidget):
    """A task view. It refreshes when one of the kinds of record it shows (``changes``)
    changes (at once when shown, else the next time it is shown) and when another book is
    chosen."""

    changes: Changes = Changes.NONE

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.changed.connect(self._changed)
        ctx.org_changed.connect(self._org_changed)

    def _changed(self, changes: Changes) -> None:
        if changes & self.changes:
            self._stale = True
            if self.isVisible():
                self.refresh_now()

    def _org_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh_now()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh_now()

    def refresh_now(self) -> None:
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        """Load what the view shows again."""


def list_source(ledger: Ledger, org_id: int | None, f: object) -> Source[Any]:
    """The rows of the list the filter ``f`` selects (``services.views``), paged on demand."""
    return Source(
        lambda: views.count_rows(ledger, org_id, f),
        lambda offset, limit, sort, desc: views.page_rows(
            ledger, org_id, f, sort=sort, descending=desc, offset=offset, limit=limit
        ),
    )


def button(text: str, name: str, tip: str = "") -> QPushButton:
    """A push button with an object name (tests and style sheets find it by name)."""
    b = QPushButton(text)
    b.setObjectName(name)
    if tip:
        b.setToolTip(tip)
    return b


def main_window_of(widget: QWidget) -> QWidget | None:
    """The main window ``widget`` is in, or was opened from (a dialog's parent's window)."""
    w: QWidget | None = widget.window()
    while w is not None and not hasattr(w, "message_bar"):
        parent = w.parentWidget()
        w = parent.window() if parent is not None else None
    return w


def notify(widget: QWidget, text: str, kind: str = "success") -> None:
    """Say what happened where the eye is: in the message bar at the top of the main
    window's view (``kind``: success, info, warning, error), and in its status bar."""
    window = main_window_of(widget)
    bar = getattr(window, "message_bar", None)
    if bar is not None:
        bar.show_message(text, kind)
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(text, 12000)


def status_message(widget: QWidget, text: str, msecs: int = 8000) -> None:
    """What a finished task says: in the message bar and the status bar (see `notify`)."""
    notify(widget, text, "success")


def export_rows(
    ctx: AppContext,
    parent: QWidget,
    model: PagedTableModel[Any] | ListTableModel[Any],
    name: str,
    path: Path | None = None,
) -> None:
    """Write the model's rows (current filter and order, every row, not just those on
    screen) to an .xlsx file, in the background."""
    if path is None:
        path = dialogs.save_file(
            parent, _("Export to Excel"), f"{name}.xlsx", dialogs.xlsx_filter()
        )
        if path is None:
            return
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    columns: Sequence[Column[Any]] = model.columns
    headers = [_(c.title) for c in columns]
    target = path

    def work(progress: Any) -> Path:
        from coopledger.services.exports import write_xlsx

        def rows() -> Any:
            for n, row in enumerate(model.iter_rows(), start=1):
                if n % 1000 == 0 and not progress(n, 0):
                    return
                yield [c.export(row) for c in columns]

        write_xlsx(target, headers, rows(), sheet_title=name[:31])
        return target

    ctx.runner.run(
        work,
        title=_("Exporting to Excel…"),
        on_done=lambda p: status_message(parent, _("Exported to {path}").format(path=p)),
        on_error=lambda exc: errors.show_error(parent, exc),
    )


class TableView(View):
    """A view whose heart is one paged table with a search bar and buttons above it."""

    #: Base name of the exported file.
    export_name = "table"

    def __init__(
        self,
        ctx: AppContext,
        columns: Sequence[Column[Any]],
        search_placeholder: str,
        parent: QWidget | None = None,
        *,
        sort: str | None = None,
        descending: bool = False,
    ) -> None:
        super().__init__(ctx, parent)
        self.bar = SearchBar(search_placeholder)
        self.bar.changed.connect(self.refresh)
        self.table: QTableView = make_table()
        self.model: PagedTableModel[Any] = PagedTableModel(
            columns, sort=sort, descending=descending, parent=self
        )
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_actions())
        self.table.doubleClicked.connect(lambda _i: self.activated())
        self.count_label = QLabel()
        self.count_label.setObjectName("rowCount")
        self.actions_row = QHBoxLayout()
        self.export_button = button(_("Export to Excel…"), "export")
        self.export_button.clicked.connect(self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(self.actions_row)
        layout.addWidget(self.bar)
        layout.addWidget(self.table, 1)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label)
        foot.addStretch(1)
        foot.addWidget(self.export_button)
        layout.addLayout(foot)
        size_columns(self.table, [c.width for c in columns])

    def add_action(self, text: str, name: str, slot: Any, tip: str = "") -> QPushButton:
        b = button(text, name, tip)
        b.clicked.connect(slot)
        self.actions_row.addWidget(b)
        return b

    def end_actions(self) -> None:
        self.actions_row.addStretch(1)

    def make_source(self) -> Source[Any]:
        raise NotImplementedError

    def refresh(self) -> None:
        if not self.ctx.org_id and self.needs_org():
            self.model.set_source(Source(lambda: 0, lambda *_a: []))
        else:
            self.model.set_source(self.make_source())
        self.count_label.setText(_("{n} rows").format(n=self.model.rowCount()))
        self.update_actions()

    def needs_org(self) -> bool:
        return True

    def selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.row(i) for i in rows) if r is not None]

    def selected(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            rows = self.selected_rows()
            return rows[0] if rows else None
        return self.model.row(index.row())

    def select_row(self, row: int) -> None:
        """Select and show row ``row``."""
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index)

    def update_actions(self) -> None:
        """Enable the buttons that make sense for the selection."""

    def activated(self) -> None:
        """A row was double-clicked."""

    def export(self) -> None:
        export_rows(self.ctx, self, self.model, self.export_name)


def centered_message(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label
