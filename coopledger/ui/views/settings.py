"""设置 Settings: language, the book's settings, backups, users, new books."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import ALL_ROLES, role_name
from coopledger.domain.vocabulary import Chart, Permission
from coopledger.i18n import LANGUAGES, _, term
from coopledger.services import accounts, backup, settings, users
from coopledger.services.users import UserInfo
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book, permission_reason
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, ListTableModel
from coopledger.ui.views.base import View, button, status_message
from coopledger.ui.widgets import fill_combo, make_table

LANGUAGE_NAMES = {"zh_CN": "简体中文", "zh_TW": "繁體中文", "en": "English"}
BOOK_SETTINGS = (
    "notice_days",
    "objection_phone",
    "wage_accounts",
    "cash_limit",
    "finance_reviewers",
)

USER_COLUMNS: list[Column[UserInfo]] = [
    Column(N_("User"), lambda u: u.username, width=120),
    Column(N_("Name"), lambda u: u.display_name, width=140),
    Column(N_("Role"), lambda u: role_name(u.role), width=140),
    Column(N_("Active"), lambda u: u.active, kind="bool", width=60),
    Column(
        N_("Locked until"),
        lambda u: u.locked_until.isoformat(" ", "minutes") if u.locked_until else "",
    ),
]


class SettingsView(View):
    """Settings of the ledger and of the current book."""

    changes = Changes.SETTINGS | Changes.USERS | Changes.ORGS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        # language
        self.language = QComboBox()
        self.language.setObjectName("language")
        fill_combo(self.language, [(LANGUAGE_NAMES[k], k) for k in LANGUAGES], keep=False)
        self.language.currentIndexChanged.connect(self._language_changed)
        self.language_note = QLabel(
            _("A new language takes effect when the program is started again.")
        )
        self.language_note.setStyleSheet("color: #666;")
        lang_box = QGroupBox(_("Language"))
        lf = QFormLayout(lang_box)
        lf.addRow(_("Language"), self.language)
        lf.addRow("", self.language_note)

        # the book's settings
        self.book_box = QGroupBox(_("This book"))
        bf = QFormLayout(self.book_box)
        self.edits: dict[str, QLineEdit] = {}
        for key in BOOK_SETTINGS:
            edit = QLineEdit()
            edit.setObjectName(f"setting_{key}")
            self.edits[key] = edit
            bf.addRow(_(settings.SETTINGS[key].title), edit)
        self.settings_error = QLabel()
        self.settings_error.setStyleSheet("color: #b00000;")
        self.save_settings_button = button(_("Save settings"), "saveSettings")
        self.save_settings_button.clicked.connect(self.save_settings)
        bf.addRow(self.settings_error, self.save_settings_button)

        # backups
        self.backup_folder = QLabel()
        self.backup_folder.setObjectName("backupFolder")
        self.choose_button = choose = button(_("Choose folder…"), "chooseBackupFolder")
        choose.clicked.connect(self.choose_backup_folder)
        self.backup_button = button(_("Back up now…"), "backupNow")
        self.backup_button.clicked.connect(lambda: self.backup_now())
        backup_box = QGroupBox(_("Backups"))
        kf = QFormLayout(backup_box)
        row = QHBoxLayout()
        row.addWidget(self.backup_folder, 1)
        row.addWidget(choose)
        kf.addRow(_("Automatic backups go to"), row)
        kf.addRow("", self.backup_button)

        # users
        self.users_model: ListTableModel[UserInfo] = ListTableModel(USER_COLUMNS, [], self)
        self.users_table = make_table(sortable=False)
        self.users_table.setModel(self.users_model)
        self.users_table.setMaximumHeight(150)
        self.add_user_button = button(_("Add user…"), "addUser")
        self.add_user_button.clicked.connect(self.add_user)
        self.users_note = QLabel()
        self.users_note.setWordWrap(True)
        users_box = QGroupBox(_("Users"))
        uf = QVBoxLayout(users_box)
        uf.addWidget(self.users_note)
        uf.addWidget(self.users_table)
        uf.addWidget(self.add_user_button)

        # books
        self.new_book_button = new_book = button(_("New book (建账向导)…"), "newBook")
        new_book.clicked.connect(self.new_book)
        books_box = QGroupBox(_("Books in this ledger"))
        of = QHBoxLayout(books_box)
        of.addWidget(QLabel(_("A ledger file may hold several books (organisations).")))
        of.addStretch(1)
        of.addWidget(new_book)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(lang_box)
        top.addWidget(backup_box, 1)
        layout.addLayout(top)
        layout.addWidget(self.book_box)
        layout.addWidget(users_box)
        layout.addWidget(books_box)
        layout.addStretch(1)

    def needs_org(self) -> bool:
        return False

    def refresh(self) -> None:
        ledger = self.ctx.ledger
        self.language.blockSignals(True)
        lang = settings.get_setting(ledger, "language")
        self.language.setCurrentIndex(max(self.language.findData(lang), 0))
        self.language.blockSignals(False)
        org = self.ctx.org_id
        self.book_box.setTitle(
            _("This book: {name}").format(name=self.ctx.org.name)
            if self.ctx.org
            else _("This book")
        )
        ctx = self.ctx
        # A book's settings: the accountant's or the administrator's (the role × act table).
        book_why = permission_reason(ctx, Permission.BOOK_SETTINGS)
        for key, edit in self.edits.items():
            edit.setText(settings.get_setting(ledger, key, org) if org else "")
            gate(edit, ctx, None, need_book(ctx), (not book_why, book_why))
        gate(self.save_settings_button, ctx, None, need_book(ctx), (not book_why, book_why))
        gate(self.language, ctx, Permission.MANAGE_SETTINGS)
        gate(self.choose_button, ctx, Permission.MANAGE_SETTINGS)
        gate(self.new_book_button, ctx, Permission.MANAGE_ORGANISATIONS)
        folder = backup.backup_folder(ledger)
        self.backup_folder.setText(str(folder) if folder else _("(none chosen)"))
        gate(self.backup_button, ctx, Permission.BACKUP)
        try:
            people = users.list_users(ledger)
        except DomainError:
            people = []
        self.users_model.set_rows(people)
        if people:
            self.users_note.setText(
                _("You are {user} ({role}).").format(
                    user=ledger.person, role=role_name(ledger.role)
                )
            )
            self.add_user_button.setText(_("Add user…"))
        else:
            self.users_note.setText(
                _(
                    "Single-user mode: nobody logs in and whoever opens the file may do everything. When two or more people keep the books, set the people up: the accountant prepares vouchers, the reviewer posts them, the administrator adds people."
                )
                + " "
                + _(
                    "Nobody checks anyone's work then: plans need no approval, reversals are done at"
                    " once, and papers say 单机模式 where names would be."
                )
            )
            self.add_user_button.setText(_("Set the people up…"))
        gate(self.add_user_button, ctx, Permission.MANAGE_USERS)

    def _language_changed(self) -> None:
        lang = self.language.currentData()
        ledger = self.ctx.ledger
        self.ctx.runner.run(
            lambda: settings.set_setting(ledger, "language", lang),
            on_done=lambda _r: status_message(
                self, _("The language changes when the program is started again.")
            ),
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def save_settings(self) -> None:
        values = {k: e.text().strip() for k, e in self.edits.items()}
        days = values["notice_days"]
        if not days.isdigit() or int(days) > 60:
            self.settings_error.setText(
                _("The notice period is a whole number of days from 0 to 60.")
            )
            return
        self.settings_error.setText("")
        ledger, org = self.ctx.ledger, self.ctx.org_id

        def work() -> None:
            for key, value in values.items():
                if settings.get_setting(ledger, key, org) != value:
                    settings.set_setting(ledger, key, value, org)

        def saved(_r: object) -> None:
            status_message(self, _("Settings saved"))

        self.ctx.runner.run(
            work,
            on_done=saved,
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def choose_backup_folder(self) -> None:
        folder = dialogs.choose_folder(self, _("Folder for automatic backups"))
        if folder is None:
            return
        ledger = self.ctx.ledger
        self.ctx.runner.run(
            lambda: backup.set_backup_folder(ledger, folder),
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def backup_now(self, target: Path | None = None) -> None:
        """Back the ledger up to a file the user chooses, in the background."""
        if target is None:
            import datetime as dt

            target = dialogs.save_file(
                self,
                _("Back up the ledger"),
                f"coopledger-{dt.datetime.now():%Y%m%d-%H%M}.sqlite3",
                _("Ledger backup (*.sqlite3)"),
            )
            if target is None:
                return
        ledger = self.ctx.ledger
        self.ctx.runner.run(
            lambda: backup.backup_ledger(ledger, target),
            on_done=lambda info: status_message(
                self, _("Backed up to {path}").format(path=info.path)
            ),
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Backing up…"),
        )

    def add_user(self) -> QDialog:
        """Add a person; on a ledger without users, set the first people up together (an
        administrator alone would leave nobody who may keep the books)."""
        if not self.users_model.rows:
            from coopledger.ui.people import PeopleDialog

            dialog: QDialog = PeopleDialog(self.ctx, self)
        else:
            dialog = UserDialog(self.ctx, first=False, parent=self)
        dialog.open()
        return dialog

    def new_book(self) -> None:
        """A new book goes through the set-up wizard (chart, period, accounts, balances)."""
        start = getattr(self.window(), "start_setup", None)
        if callable(start):
            start()
        else:
            NewBookDialog(self.ctx, self).open()


class UserDialog(FormDialog):
    """Add a person with a role (or, on a ledger without users, its administrator)."""

    def __init__(self, ctx: AppContext, *, first: bool, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Create the administrator") if first else _("Add user"), parent)
        self.first = first
        self.add_field("username", _("User name"), QLineEdit())
        self.add_field("display_name", _("Full name"), QLineEdit())
        role = QComboBox()
        fill_combo(role, [(role_name(r), r) for r in ALL_ROLES], keep=False)
        if first:
            role.setCurrentIndex(role.findData("admin"))
            role.setEnabled(False)
        self.add_field("role", _("Role"), role, lambda w: w.currentData())
        pw = QLineEdit()
        pw.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field("password", _("Password"), pw, hint=_("at least 6 characters"))
        pw2 = QLineEdit()
        pw2.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field("password2", _("Password again"), pw2)
        self.finish()

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        if not values["username"].strip():
            raise DomainError("username", N_("must not be empty"))
        if len(values["password"]) < 6:
            raise DomainError("password", N_("at least 6 characters"))
        if values["password"] != values["password2"]:
            raise DomainError("password2", N_("the two passwords differ"))
        return values

    def save(self, v: dict[str, Any]) -> object:
        if self.first:
            return users.create_first_admin(
                self.ctx.ledger, v["username"].strip(), v["password"], v["display_name"]
            )
        return users.add_user(
            self.ctx.ledger, v["username"].strip(), v["role"], v["password"], v["display_name"]
        )


class NewBookDialog(FormDialog):
    """A new book (organisation) with the chart it follows."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("New book"), parent)
        self.add_field("name", _("Name of the organisation"), QLineEdit())
        chart = QComboBox()
        fill_combo(
            chart,
            [(term(Chart, chart), chart) for chart in Chart],
            keep=False,
        )
        self.add_field("chart", _("Chart of accounts"), chart, lambda w: w.currentData())
        self.add_field("village", _("Village"), QLineEdit())
        self.add_field("township", _("Township"), QLineEdit())
        self.add_field("county", _("County"), QLineEdit())
        self.finish()

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        if not values["name"].strip():
            raise DomainError("name", N_("must not be empty"))
        return values

    def save(self, v: dict[str, Any]) -> int:
        return accounts.create_organisation(
            self.ctx.ledger,
            v["name"].strip(),
            chart=v["chart"],
            village=v["village"].strip(),
            township=v["township"].strip(),
            county=v["county"].strip(),
        )
