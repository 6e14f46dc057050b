"""报表 Statements and the year end: the official forms of the book (the same definitions the
papers print from), their warnings and cross-checks; the year-end check, closing the year
(after a confirmation) and reopening it (a supervisor, with a reason)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.forms import EvaluatedForm, EvaluatedLine
from coopledger.domain.vocabulary import Permission
from coopledger.i18n import _
from coopledger.services import vouchers, yearend
from coopledger.services.statements import YearStatements, year_statements
from coopledger.services.yearend import YearCheck
from coopledger.ui import dialogs, errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate
from coopledger.ui.models import Column, Index, ListTableModel
from coopledger.ui.screen import fit
from coopledger.ui.views.approvals import request_message
from coopledger.ui.views.base import View, button, export_rows, status_message
from coopledger.ui.widgets import make_table, size_columns

RED = QBrush(QColor(176, 0, 0))
GREEN = QBrush(QColor(0, 110, 40))


class FormModel(ListTableModel[EvaluatedLine]):
    """The lines of one form: 行次, 项目 and its own columns; totals and headings in bold."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            row = self.row(index.row())
            if row is not None and (row.line.total or row.line.heading):
                font = QFont()
                font.setBold(True)
                return font
            return None
        return super().data(index, role)


def form_columns(form: EvaluatedForm) -> list[Column[EvaluatedLine]]:
    """The columns a form shows: 行次, 项目, then the form's amount columns."""
    cols: list[Column[EvaluatedLine]] = [
        Column("行次", lambda el: el.line.row, width=50),
        Column("项目", lambda el: "　" * el.line.level + el.line.label, width=260),
    ]
    for i, c in enumerate(form.form.columns):
        cols.append(Column(c.label, lambda el, i=i: el.values[i], kind="money", width=130))
    return cols


class StatementsView(View):
    """The year's official statements with their warnings, and the year-end actions."""

    changes = Changes.VOUCHERS | Changes.DISTRIBUTION | Changes.PAYMENTS | Changes.ACCOUNTS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.year = QSpinBox()
        self.year.setObjectName("statementsYear")
        self.year.setRange(1900, 9999)
        self.year.setValue(dt.date.today().year)
        show = button(_("Show"), "showStatements")
        show.clicked.connect(self.refresh_now)
        self.print_button = button(_("Print…"), "printStatements")
        self.print_button.clicked.connect(lambda: self.print_statements())
        self.export_button = button(_("Export to Excel…"), "exportStatement")
        self.export_button.clicked.connect(self.export)
        self.check_button = button(_("Year-end check…"), "yearCheck")
        self.check_button.clicked.connect(lambda: self.year_check())
        self.close_button = button(_("Close the year…"), "closeYear")
        self.close_button.clicked.connect(lambda: self.close_year())
        self.reopen_button = button(_("Reopen the year…"), "reopenYear")
        self.reopen_button.clicked.connect(lambda: self.reopen_year())
        self.state = QLabel()
        self.state.setObjectName("yearState")

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Year")))
        top.addWidget(self.year)
        top.addWidget(show)
        top.addWidget(self.state, 1)
        for b in (
            self.print_button,
            self.export_button,
            self.check_button,
            self.close_button,
            self.reopen_button,
        ):
            top.addWidget(b)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("statementTabs")
        self.tables: list[tuple[QTableView, FormModel]] = []
        self.warnings = QListWidget()
        self.warnings.setObjectName("statementWarnings")
        self.warnings.setMaximumHeight(130)
        self.warnings_title = QLabel()
        self.warnings_title.setObjectName("warningsTitle")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.warnings_title)
        layout.addWidget(self.warnings)
        self.current: YearStatements | None = None
        self._year_set = False

    # -- loading --

    def refresh(self) -> None:
        if not self.ctx.org_id:
            return
        if not self._year_set:
            from coopledger.services.views import current_period

            self.year.setValue(current_period(self.ctx.ledger, self.ctx.org_id)[0])
            self._year_set = True
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.value()

        def work() -> tuple[YearStatements, bool]:
            return year_statements(ledger, org, year), yearend.year_status(ledger, org, year).closed

        self.ctx.runner.run(
            work, on_done=self._show, on_error=lambda exc: errors.show_error(self, exc)
        )

    def _show(self, result: tuple[YearStatements, bool]) -> None:
        st, closed = result
        self.current = st
        keep = self.tabs.currentIndex()
        self.tabs.clear()
        self.tables = []
        for ev in st.forms:
            model = FormModel(form_columns(ev), list(ev.lines), self)
            table = make_table(sortable=False)
            table.setObjectName(f"form_{ev.form.kind}")
            table.setModel(model)
            size_columns(table, [c.width for c in model.columns])
            header = table.horizontalHeader()
            header.setStretchLastSection(False)  # the item column takes the room, not 年末数
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            title = ev.form.title + (f"（{ev.form.form_no}）" if ev.form.form_no else "")
            self.tabs.addTab(table, title)
            self.tables.append((table, model))
        if 0 <= keep < self.tabs.count():
            self.tabs.setCurrentIndex(keep)
        self.warnings.clear()
        for w in st.warnings:
            item = QListWidgetItem(w.text(_))
            item.setForeground(RED)
            self.warnings.addItem(item)
        ok_checks = sum(1 for c in st.checks if c.ok)
        if st.warnings:
            self.warnings_title.setText(
                _("{n} warnings — cross-checks passed: {ok} of {all}").format(
                    n=len(st.warnings), ok=ok_checks, all=len(st.checks)
                )
            )
        else:
            self.warnings_title.setText(
                _("No warnings — cross-checks passed: {ok} of {all}").format(
                    ok=ok_checks, all=len(st.checks)
                )
            )
        source = st.figures_from.get(st.year, "ledger")
        figures = (
            _("figures of the committed distribution")
            if source == "distribution"
            else _("no committed distribution: figures from the ledger")
        )
        state = _("closed") if closed else _("open")
        self.state.setText(
            _("{year}: {state}; {figures}").format(year=st.year, state=state, figures=figures)
        )
        ctx = self.ctx
        gate(
            self.close_button,
            ctx,
            Permission.CLOSE_PERIOD,
            (not closed, _("{year} is closed already.").format(year=st.year)),
        )
        gate(
            self.reopen_button,
            ctx,
            Permission.REOPEN_YEAR,
            (closed, _("{year} is not closed.").format(year=st.year)),
        )
        gate(self.print_button, ctx, Permission.PRINT)

    def form_model(self, kind: str) -> FormModel | None:
        """The table model of a form (for tests)."""
        if self.current is None:
            return None
        for ev, (_table, model) in zip(self.current.forms, self.tables, strict=False):
            if ev.form.kind == kind:
                return model
        return None

    # -- actions --

    def export(self) -> None:
        i = self.tabs.currentIndex()
        if self.current is None or not 0 <= i < len(self.tables):
            return
        form = self.current.forms[i].form
        export_rows(self.ctx, self, self.tables[i][1], f"{form.title}-{self.current.year}")

    def print_statements(self) -> Any:
        from coopledger.ui.views.printing import preview_report

        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.value()

        def make(out: Path, progress: Any) -> Path:
            from coopledger.services import printing

            return printing.print_statements(ledger, org, year, out)

        return preview_report(
            self.ctx, self, _("Year-end statements {year}").format(year=year), make
        )

    def year_check(self, *, show: bool = True) -> YearCheckDialog | None:
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.value()
        holder: list[YearCheckDialog] = []

        def done(check: YearCheck) -> None:
            dialog = YearCheckDialog(check, self)
            holder.append(dialog)
            if show:
                dialog.open()

        self.ctx.runner.run(
            lambda: yearend.year_check(ledger, org, year),
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Year-end check…"),
        )
        return holder[0] if holder else None

    def close_year(self) -> None:
        """Close the year after the user has seen what the year-end check says."""
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.value()

        def checked(check: YearCheck) -> None:
            if not dialogs.confirm(
                self, _("Close the year"), close_question(check), action=_("Close the year")
            ):
                return
            self.ctx.runner.run(
                lambda: vouchers.close_year(ledger, org, year),
                on_done=lambda ids: self._closed(year, ids),
                on_error=lambda exc: errors.show_error(self, exc),
                title=_("Closing the year…"),
            )

        self.ctx.runner.run(
            lambda: yearend.year_check(ledger, org, year),
            on_done=checked,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Year-end check…"),
        )

    def _closed(self, year: int, ids: list[int]) -> None:
        status_message(
            self, _("{year} closed with {n} closing vouchers.").format(year=year, n=len(ids))
        )

    def reopen_year(self) -> None:
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.value()
        reason = dialogs.ask_text(
            self,
            _("Reopen the year"),
            _(
                "Why is {year} reopened? (kept in the audit log; a reviewer or another supervisor"
                " approves it)"
            ).format(year=year),
        )
        if reason is None:
            return
        self.ctx.runner.run(
            lambda: yearend.reopen_year(ledger, org, year, reason),
            on_done=lambda r: status_message(self, request_message(r)),
            on_error=lambda exc: errors.show_error(self, exc),
        )


def close_question(check: YearCheck) -> str:
    """What the confirmation before closing a year says."""
    lines = [
        _(
            "Close {year}? Income and expense are carried into 本年收益 and on to 未分配收益, and no more vouchers can be posted in {year} (only a supervisor can reopen it)."
        ).format(year=check.year)
    ]
    failed = [i for i in check.items if not i.ok]
    if failed:
        lines.append("")
        lines.append(_("The year-end check found problems:"))
        for item in failed:
            lines.append("• " + _(item.title))
            lines += ["    " + f.text(_) for f in item.findings[:3]]
    else:
        lines.append(_("The year-end check found nothing wrong."))
    return "\n".join(lines)


class YearCheckDialog(QDialog):
    """The year-end check: each check passed or failed with what it found, and the share
    register against the books."""

    def __init__(self, check: YearCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("YearCheckDialog")
        self.check = check
        self.setWindowTitle(_("Year-end check {year}").format(year=check.year))
        self.tree = QTreeWidget()
        self.tree.setObjectName("checks")
        self.tree.setHeaderHidden(True)
        for item in check.items:
            mark = "✓ " if item.ok else "✗ "
            top = QTreeWidgetItem([mark + _(item.title)])
            top.setForeground(0, GREEN if item.ok else RED)
            for f in item.findings:
                top.addChild(QTreeWidgetItem([f.text(_)]))
            self.tree.addTopLevelItem(top)
            top.setExpanded(not item.ok)
        self.shares = QTreeWidget()
        self.shares.setObjectName("shareRegister")
        self.shares.setHeaderLabels(
            [_("Item"), _("Accounts"), _("Register"), _("Books"), _("Difference")]
        )
        for g in check.shares:
            row = QTreeWidgetItem(
                [
                    g.label,
                    "、".join(g.accounts) or "—",
                    fmt.money(g.register),
                    "—" if g.books is None else fmt.money(g.books),
                    "—" if g.difference is None else fmt.money(g.difference),
                ]
            )
            for col in (2, 3, 4):
                row.setTextAlignment(col, Qt.AlignmentFlag.AlignRight)
            if g.difference:
                row.setForeground(4, RED)
            self.shares.addTopLevelItem(row)
        self.shares.setColumnWidth(0, 220)
        summary = QLabel(_("All checks passed.") if check.ok else _("Some checks failed."))
        summary.setObjectName("checkSummary")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.tree, 2)
        layout.addWidget(
            QLabel(
                _("Share register against the books, 31 December {year}").format(year=check.year)
            )
        )
        layout.addWidget(self.shares, 1)
        layout.addWidget(buttons)
        fit(self, 760, 560)
