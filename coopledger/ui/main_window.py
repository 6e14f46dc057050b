"""The main window: the book switcher, navigation by task, the status bar (ledger, user,
period, background work), and the File menu (import, export, backup)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopledger import __version__
from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import role_name
from coopledger.domain.vocabulary import Permission
from coopledger.i18n import _
from coopledger.services import accounts
from coopledger.services.accounts import OrgInfo
from coopledger.services.ledger import Ledger
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.messagebar import MessageBar
from coopledger.ui.screen import ScrollArea, fit
from coopledger.ui.tasks import Pool, TaskPanel, TaskRunner
from coopledger.ui.views.base import View, notify, status_message

#: The tasks in the navigation: key, title (msgid), and the view's module and class.
TASKS: tuple[tuple[str, str, str, str], ...] = (
    ("members", N_("成员 Members"), "members", "MembersView"),
    ("contracts", N_("土地流转 Land contracts"), "contracts", "ContractsView"),
    ("shares", N_("股本 Share register"), "shares", "SharesView"),
    ("vouchers", N_("凭证 Vouchers"), "vouchers", "VouchersView"),
    ("books", N_("账簿 Books"), "books", "BooksView"),
    ("statements", N_("报表 Statements"), "statements", "StatementsView"),
    ("distribution", N_("收益分配 Distribution"), "distribution", "DistributionView"),
    ("printing", N_("打印 Printing"), "printing", "PrintingView"),
    ("approvals", N_("审批与复核 Approvals"), "approvals", "ApprovalsView"),
    ("assets", N_("资产 Fixed assets"), "assets", "AssetsView"),
    ("disclosure", N_("公开 Disclosure"), "disclosure", "DisclosureView"),
    ("audit", N_("审计 Audit"), "audit", "AuditView"),
    ("township", N_("乡镇汇总 Township"), "township", "TownshipView"),
    ("accounts", N_("科目与建账 Accounts"), "chart", "ChartView"),
    ("settings", N_("设置 Settings"), "settings", "SettingsView"),
)


class MainWindow(QMainWindow):
    """The window; it owns the `AppContext` it hands to every view."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        org_name: str | None = None,
        pool: Pool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.runner = TaskRunner(pool, self)
        self.runner.on_unhandled = lambda exc: errors.show_error(self, exc)
        self.ctx = AppContext(ledger, self.runner, self)
        # The daily automatic backup: checked every hour while the window is open (a
        # backup is made only when none from today holds the ledger as it is now).
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(60 * 60 * 1000)
        self._backup_timer.timeout.connect(self._daily_backup)
        self._backup_timer.start()
        self.views: dict[str, View] = {}
        #: Each view in its scroll area: a view that needs more room than the screen has
        #: scrolls; it never makes the window bigger than the screen.
        self.pages: dict[str, ScrollArea] = {}
        self.setWindowTitle(
            _("coopledger {version} — {path}").format(version=__version__, path=ledger.shown)
        )

        # the book switcher
        toolbar = QToolBar(_("Book"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(16, 16))
        self.addToolBar(toolbar)
        toolbar.addWidget(QLabel(_("Book") + "  "))
        self.org_combo = QComboBox()
        self.org_combo.setObjectName("orgSwitcher")
        self.org_combo.setMinimumWidth(320)
        self.org_combo.currentIndexChanged.connect(self._org_chosen)
        toolbar.addWidget(self.org_combo)

        # navigation by task, and the views (made when first shown)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.nav.setSpacing(2)
        for key, title, _module, _cls in TASKS:
            item = QListWidgetItem(_(title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(150, 34))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("views")
        from coopledger.ui.first_run import EmptyLedgerPanel

        self._empty = EmptyLedgerPanel(
            self.ctx, lambda: self.start_setup(), lambda: self.import_book()
        )
        self.stack.addWidget(self._empty)
        # the view's "how do I" line, at the right of the toolbar: a link to its section of
        # the user guide
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.help_line = QLabel()
        self.help_line.setObjectName("helpLine")
        self.help_line.linkActivated.connect(
            lambda link: self.show_help(link.removeprefix("help:"))
        )
        toolbar.addWidget(self.help_line)
        self.message_bar = MessageBar()
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(4, 4, 4, 0)
        row.addWidget(self.nav)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.message_bar)
        column.addWidget(self.stack, 1)
        row.addLayout(column, 1)
        self.setCentralWidget(body)
        self.nav.currentRowChanged.connect(self._nav_changed)

        # the status bar
        bar = self.statusBar()
        self.ledger_label = QLabel()
        self.ledger_label.setObjectName("statusLedger")
        self.user_label = QLabel()
        self.user_label.setObjectName("statusUser")
        self.period_label = QLabel()
        self.period_label.setObjectName("statusPeriod")
        # Cash discipline: cash above its limit, cash or bank below zero (现金管理).
        self.cash_label = QLabel()
        self.cash_label.setObjectName("statusCash")
        self.cash_label.setStyleSheet("color: #b00000;")
        self.task_panel = TaskPanel(self.runner)
        bar.addPermanentWidget(self.task_panel)
        bar.addPermanentWidget(self.ledger_label)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.period_label)
        bar.addPermanentWidget(self.cash_label)

        self._menus()
        self.ctx.changed.connect(self._changed)
        self.load_orgs(select=org_name)
        self.nav.setCurrentRow(0)
        self._status()
        fit(self, 1280, 800)
        # A new ledger opens on the set-up wizard; a set-up left unfinished is resumed.
        QTimer.singleShot(0, self._first_run)

    # -- menus ------------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self._action(file_menu, _("Set-up wizard…"), lambda: self.start_setup(), "setupWizard")
        file_menu.addSeparator()
        file_menu.setToolTipsVisible(True)
        self._action(file_menu, _("Import book…"), lambda: self.import_book(), "importBook")
        self._action(
            file_menu,
            _("Import members from Excel…"),
            lambda: self.import_roster("members"),
            "importMembers",
        )
        self._action(
            file_menu,
            _("Import contracts from Excel…"),
            lambda: self.import_roster("contracts"),
            "importContracts",
        )
        self._action(file_menu, _("Export book…"), lambda: self.export_book(), "exportBook")
        self._action(file_menu, _("Year-end package…"), lambda: self.make_package(), "makePackage")
        file_menu.addSeparator()
        self._action(file_menu, _("Back up…"), self.backup, "backup")
        self.restore_action = self._action(
            file_menu, _("Restore from a backup…"), lambda: self.restore(), "restore"
        )
        file_menu.addSeparator()
        self.switch_action = self._action(
            file_menu, _("Switch user…"), lambda: self.switch_user(), "switchUser"
        )
        self._action(file_menu, _("Quit"), self.close, "quit", QKeySequence.StandardKey.Quit)
        go = self.menuBar().addMenu(_("&Go"))
        for n, (key, title, _m, _c) in enumerate(TASKS, start=1):
            self._action(
                go,
                _(title),
                functools.partial(self.show_view, key),
                f"go_{key}",
                QKeySequence(f"Ctrl+{n}") if n <= 9 else None,
            )
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._action(
            help_menu,
            _("User guide"),
            lambda: self.show_help(),
            "userGuide",
            QKeySequence(QKeySequence.StandardKey.HelpContents),
        )
        self._action(help_menu, _("About coopledger"), self.about, "about")

    def _action(
        self,
        menu: Any,
        text: str,
        slot: Callable[[], Any],
        name: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # -- books ------------------------------------------------------------------------------

    def load_orgs(self, select: str | int | None = None) -> None:
        """Fill the book switcher; choose ``select`` (a name or id), else keep the current."""
        orgs = accounts.list_organisations(self.ctx.ledger)
        current = self.ctx.org.id if self.ctx.org else None
        self.org_combo.blockSignals(True)
        self.org_combo.clear()
        for o in orgs:
            self.org_combo.addItem(o.name, o)
        chosen = 0
        for i, o in enumerate(orgs):
            if (isinstance(select, str) and o.name == select) or (
                isinstance(select, int) and o.id == select
            ):
                chosen = i
                break
            if select is None and o.id == current:
                chosen = i
        self.org_combo.setCurrentIndex(chosen if orgs else -1)
        self.org_combo.blockSignals(False)
        self._org_chosen()

    def _org_chosen(self, *_a: object) -> None:
        org = self.org_combo.currentData()
        self.ctx.set_org(org if isinstance(org, OrgInfo) else None)
        self._status()
        self._nav_changed(self.nav.currentRow())

    @property
    def org(self) -> OrgInfo | None:
        return self.ctx.org

    # -- views ------------------------------------------------------------------------------

    def view(self, key: str) -> View:
        """The view for a task (made on first use)."""
        if key not in self.views:
            import importlib

            spec = next(t for t in TASKS if t[0] == key)
            module = importlib.import_module(f"coopledger.ui.views.{spec[2]}")
            view: View = getattr(module, spec[3])(self.ctx)
            view.setObjectName(f"view_{key}")
            self.views[key] = view
            page = ScrollArea(view)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.views[key]

    def current_view(self) -> View | None:
        """The view shown now (None while the ledger holds no book)."""
        page = self.stack.currentWidget()
        inner = page.widget() if isinstance(page, ScrollArea) else None
        return inner if isinstance(inner, View) else None

    def show_view(self, key: str) -> View:
        """Go to a task."""
        row = next(i for i, t in enumerate(TASKS) if t[0] == key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        else:
            self._nav_changed(row)
        return self.view(key)

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        key = TASKS[row][0]
        from coopledger.ui.help import help_link

        if self.ctx.org is None and key not in ("settings", "audit", "township"):
            self.help_line.setText(help_link("wizard"))
            self.stack.setCurrentWidget(self._empty)
            return
        self.help_line.setText(help_link(key))
        self.view(key)
        self.stack.setCurrentWidget(self.pages[key])

    def _changed(self, changes: Changes) -> None:
        if changes & Changes.ORGS:
            self.load_orgs()
        self._status(cash=bool(changes & (Changes.VOUCHERS | Changes.SETTINGS)))

    def _status(self, *, cash: bool = True) -> None:
        ledger = self.ctx.ledger
        from coopledger.ui.disabled import enable, gate

        enable(
            self.switch_action,
            ledger.role is not None,
            _("The ledger has no users (single-user mode): set them up in Settings."),
        )
        gate(self.restore_action, self.ctx, Permission.RESTORE)
        self.ledger_label.setText(
            (_("Ledger server: {name}") if ledger.on_server else _("Ledger: {name}")).format(
                name=ledger.short_name
            )
            + (_(" (read-only)") if ledger.readonly else "")
        )
        self.ledger_label.setToolTip(ledger.shown)
        if ledger.single_user:
            self.user_label.setText(_("Single-user mode"))
            self.user_label.setToolTip(
                _(
                    "This ledger has no users: it opens without a log-in and whoever opens it"
                    " may do everything. Create users in Settings to require a log-in."
                )
            )
        else:
            self.user_label.setText(
                _("User: {user} ({role})").format(user=ledger.person, role=role_name(ledger.role))
            )
            self.user_label.setToolTip(ledger.user)
        if self.ctx.org_id:
            from coopledger.services.views import current_period

            year, month = current_period(ledger, self.ctx.org_id)
            self.period_label.setText(
                _("Period: {year}-{month:02d}").format(year=year, month=month)
            )
            if cash:
                self._cash_status()
        else:
            self.period_label.setText("")
            self.cash_label.setText("")

    def _cash_status(self) -> None:
        """Warn in the status bar while cash is above its limit or cash or bank is below
        zero (the latest posted day)."""
        from coopledger.services.cash import cash_position, position_warnings

        warnings = position_warnings(cash_position(self.ctx.ledger, self.ctx.org_id))
        self.cash_label.setText("⚠ " + warnings[0].text(_) if warnings else "")
        self.cash_label.setToolTip("\n".join(w.text(_) for w in warnings))

    # -- file menu --------------------------------------------------------------------------

    def import_book(self, path: Path | None = None) -> None:
        """Import a book file (.book.json) as a new organisation, in the background."""
        if path is None:
            path = dialogs.open_file(self, _("Import book"), _("Book files (*.json)"))
            if path is None:
                return
        ledger = self.ctx.ledger

        def work() -> int:
            # Streams big (township) files; small ones are checked whole first.
            from coopledger.services import bookfile

            return bookfile.import_book_file(ledger, path)

        def done(org_id: int) -> None:
            self.load_orgs(select=org_id)
            status_message(self, _("Imported {path}").format(path=path.name))

        self.runner.run(
            work,
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Importing the book…"),
        )

    def import_roster(self, what: str, path: Path | None = None, *, ask: bool = True) -> None:
        """Import members or contracts from .xlsx/.csv: check every row first, then write all
        of them or none."""
        if not self.ctx.org_id:
            return
        if path is None:
            path = dialogs.open_file(self, _("Import from Excel"), _("Spreadsheets (*.xlsx *.csv)"))
            if path is None:
                return
        from coopledger.services import roster

        ledger, org = self.ctx.ledger, self.ctx.org_id

        def checked(report: Any) -> None:
            if report.errors:
                errors.show_error(self, _roster_errors(report.errors))
                return
            if ask and not dialogs.confirm(
                self, _("Import"), _("{n} rows are fine. Import them all?").format(n=report.count)
            ):
                return

            def imported(r: Any) -> None:
                status_message(self, _("{n} rows imported").format(n=r.count))

            self.runner.run(
                lambda: roster.import_roster(ledger, org, path, what, commit=True),
                on_done=imported,
                on_error=lambda exc: errors.show_error(self, exc),
                title=_("Importing…"),
            )

        self.runner.run(
            lambda: roster.import_roster(ledger, org, path, what, commit=False),
            on_done=checked,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Checking the rows…"),
        )

    def export_book(self, path: Path | None = None) -> None:
        """Write the current book as a book file."""
        if not self.ctx.org:
            return
        if path is None:
            path = dialogs.save_file(
                self, _("Export book"), f"{self.ctx.org.name}.book.json", _("Book files (*.json)")
            )
            if path is None:
                return
        ledger, org, target = self.ctx.ledger, self.ctx.org_id, path

        def work() -> Path:
            from coopledger.services import bookfile

            return bookfile.write_book_file(ledger, org, target)

        self.runner.run(
            work,
            on_done=lambda p: status_message(self, _("Wrote {path}").format(path=p)),
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Exporting the book…"),
        )

    def make_package(self, year: int | None = None, path: Path | None = None) -> None:
        """Write the signed year-end package of the current book (issue 18), in the
        background; the year's distribution must be committed."""
        if not self.ctx.org:
            return
        if year is None:
            from coopledger.services.distribution import committed_years

            years = committed_years(self.ctx.ledger, self.ctx.org_id)
            if not years:
                errors.show_error(
                    self,
                    DomainError(
                        "", N_("No year has a committed distribution yet: nothing to package.")
                    ),
                )
                return
            from PySide6.QtWidgets import QInputDialog

            chosen, ok = QInputDialog.getItem(
                self,
                _("Year-end package"),
                _("Year"),
                [str(y) for y in sorted(years, reverse=True)],
                0,
                False,
            )
            if not ok:
                return
            year = int(chosen)
        if path is None:
            path = dialogs.save_file(
                self,
                _("Year-end package"),
                f"{self.ctx.org.name}{year}.zip",
                _("Year-end packages (*.zip)"),
            )
            if path is None:
                return
        from coopledger.services.package import create_package

        ledger, org, target, chosen_year = self.ctx.ledger, self.ctx.org_id, path, year

        def done(made: Any) -> None:
            errors.show_info(
                self,
                _("Year-end package"),
                _("Wrote {path}").format(path=made.path)
                + "\n"
                + _("Key fingerprint: {fingerprint}").format(fingerprint=made.manifest.fingerprint),
            )

        self.runner.run(
            lambda: create_package(ledger, org, chosen_year, target),
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Making the year-end package…"),
        )

    def backup(self) -> None:
        """Back the ledger up to a file the user chooses (File → Back up…)."""
        from coopledger.ui.views.settings import SettingsView

        view = self.view("settings")
        assert isinstance(view, SettingsView)
        view.backup_now()

    def start_setup(self, org_id: int = 0) -> Any:
        """Open the set-up wizard: a new book, or the set-up of ``org_id`` resumed."""
        from coopledger.ui.setup_wizard import start_setup

        if org_id:
            self.load_orgs(select=org_id)
        wizard = start_setup(self.ctx, self, org_id)
        wizard.book_started.connect(lambda oid: self.load_orgs(select=oid))
        wizard.finished.connect(lambda _r: self._setup_closed(wizard))
        self.setup_wizard = wizard
        return wizard

    def _setup_closed(self, wizard: Any) -> None:
        self._status()
        if wizard.result() and self.ctx.org is not None:
            self.show_view("vouchers")

    def _first_run(self) -> None:
        from coopledger.ui.first_run import books_to_set_up

        found = books_to_set_up(self.ctx)
        if found is not None and getattr(self, "setup_wizard", None) is None:
            self.start_setup(found)

    def switch_user(self) -> Any:
        """Let another person take over the window (文件 → 切换用户)."""
        from coopledger.ui.people import SwitchUserDialog

        dialog = SwitchUserDialog(self.ctx, self)
        dialog.accepted.connect(self._status)
        dialog.open()
        return dialog

    def show_help(self, section: str = "") -> Any:
        """The user guide, at ``section`` (by default the current view's)."""
        from coopledger.ui.help import VIEW_HELP, open_help

        if not section:
            row = self.nav.currentRow()
            key = TASKS[row][0] if row >= 0 else ""
            section = VIEW_HELP[key][1] if key in VIEW_HELP else ""
        return open_help(self, section)

    def restore(self, path: Path | None = None) -> None:
        """Replace the ledger with a backup (File → Restore from a backup…), after saying
        what will happen; then open the restored ledger (asking who is working when it
        has users)."""
        from coopledger.services.backup import read_manifest, restore_backup

        ledger = self.ctx.ledger
        if not self.ctx.can(Permission.RESTORE):
            return  # the menu item is disabled (see _status)
        if path is None:
            path = dialogs.open_file(
                self, _("Restore from a backup"), _("Ledger backup (*.sqlite3 *.dump)")
            )
            if path is None:
                return
        manifest = read_manifest(path)
        if manifest is None:
            errors.show_error(
                self,
                DomainError(
                    "file",
                    N_("This backup has no manifest: it cannot be checked, and is refused."),
                ),
            )
            return
        made = _("Backup of {source} made {when} by {user}: {n} audit entries.").format(
            source=manifest.source,
            when=manifest.created_at,
            user=manifest.user or "?",
            n=manifest.entries,
        )
        question = (
            made
            + "\n\n"
            + _(
                "Replace {target} with this backup? Everything entered after the backup was"
                " made is no longer in the ledger; the ledger as it is now is kept beside it"
                " as a copy. The window then opens the restored ledger."
            ).format(target=ledger.shown)
        )
        if not dialogs.confirm(self, _("Restore from a backup"), question, action=_("Restore")):
            return
        self.runner.wait()
        location, user = ledger.location, ledger.user

        def done(result: Any) -> None:
            reopened = self._reopen(location, user)
            if reopened is None:
                self.close()
                return
            self.ctx.set_ledger(reopened)
            self.load_orgs()
            self._status()
            text = _("Restored from {backup}.").format(backup=path.name)
            if result.replaced is not None:
                text += " " + _("The replaced ledger was kept as {path}").format(
                    path=result.replaced
                )
            notify(self, text)

        def refused(exc: BaseException) -> None:
            from coopledger.services.backup import BackupRejectedError

            if not (isinstance(exc, BackupRejectedError) and exc.reason == "rolls_back"):
                errors.show_error(self, exc)
                return
            # An older backup: restoring it throws away what was recorded since. The
            # administrator may still do it, saying why (kept in the audit log).
            reason = dialogs.ask_text(
                self,
                _("Restore an older backup"),
                errors.message_for(exc)
                + "\n\n"
                + _("To restore it all the same, say why (kept in the audit log):"),
            )
            if not reason or not reason.strip():
                return
            self.runner.run(
                lambda: restore_backup(ledger, path, force=True, reason=reason),
                on_done=done,
                on_error=lambda e: errors.show_error(self, e),
                title=_("Restoring…"),
            )

        self.runner.run(
            lambda: restore_backup(ledger, path),
            on_done=done,
            on_error=refused,
            title=_("Restoring…"),
        )

    def _reopen(self, location: Any, user: str) -> Ledger | None:
        """Open the ledger again after a restore; None when the user gives up logging in."""
        from coopledger.domain.roles import AuthenticationError, PasswordNeededError
        from coopledger.domain.roles import UserNeededError as NoUser
        from coopledger.services.ledger import open_ledger

        try:
            return open_ledger(location, user=user)
        except (NoUser, PasswordNeededError, AuthenticationError):
            from coopledger.ui.login import LoginDialog

            dialog = LoginDialog(location, user=user, parent=self)
            return dialog.ledger if dialog.exec() else None

    def about(self) -> None:
        errors.show_info(
            self,
            _("About coopledger"),
            _(
                "coopledger {version}: the books of a village cooperative-share scheme (合作股份)."
            ).format(version=__version__),
        )

    # -- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)

    def _daily_backup(self) -> None:
        if self.ctx.ledger.readonly:
            return
        from coopledger.services.backup import backup_on_close

        ledger = self.ctx.ledger
        self.runner.run(
            lambda: backup_on_close(ledger),
            on_error=errors.log_exception,
            title=_("Daily backup"),
        )

    def shut_down(self) -> None:
        """Wait for background work, then make the automatic backup (once)."""
        if getattr(self, "_shut_down", False):
            return
        self._shut_down = True
        self.runner.wait()
        if not self.ctx.ledger.readonly:
            try:
                from coopledger.services.backup import backup_on_close

                backup_on_close(self.ctx.ledger)
            except DomainError as exc:
                errors.log_exception(exc)
            except Exception as exc:
                errors.log_exception(exc)


def _roster_errors(found: list[DomainError]) -> DomainError:
    from coopledger.domain.errors import DomainErrors

    return DomainErrors(found)
