"""The people who keep the books: the first ones (one person alone, or a 会计, a 审核 and an
administrator — the wizard's step and the Settings dialog of a ledger without users), and
another person taking over the open window (文件 → 切换用户).

A ledger without users runs in single-user mode: whoever opens the file may do everything.
Once there are users the window asks who is working, and each role may do only its part; the
person who sets the people up goes on as the 会计, so that nobody is left in front of a
window where every bookkeeping button is grey."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.roles import role_name
from coopledger.domain.vocabulary import Permission, Role
from coopledger.i18n import _
from coopledger.services import users
from coopledger.services.users import NewUser, PreparedPassword, UserInfo
from coopledger.ui import errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate

#: The people the form asks for: role, default user name, what they do (msgid).
STAFF_ROWS: tuple[tuple[Role, str, str], ...] = (
    (
        Role.ACCOUNTANT,
        "kuaiji",
        N_("prepares vouchers, keeps the registers, runs the distribution"),
    ),
    (Role.REVIEWER, "shenhe", N_("reviews and posts vouchers, approves the plan")),
    (Role.ADMIN, "admin", N_("adds people and changes settings; keeps no books")),
)
_FIELDS = ("display_name", "username", "password", "password2")
MIN_PASSWORD = users.MIN_PASSWORD_LENGTH


class PeopleForm(QWidget):
    """One person alone (single-user mode, explained) or the three people; `people()` is what
    to create, `problem()` says what is still missing."""

    #: Something was typed or chosen: ask `problem()` again.
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.single = QRadioButton(_("One person keeps the books alone (single-user mode)"))
        self.single.setObjectName("peopleSingle")
        self.staff = QRadioButton(
            _("An accountant and a reviewer, each with a log-in (recommended)")
        )
        self.staff.setObjectName("peopleStaff")
        group = QButtonGroup(self)
        group.addButton(self.single)
        group.addButton(self.staff)
        self.staff.setChecked(True)
        self.single_note = single_note = QLabel(
            _(
                "Single-user mode: nobody logs in and whoever opens the file may do everything; the audit trail names the computer's user. Choose it only when one person works on this PC alone. People can be added later in Settings."
            )
        )
        single_note.setWordWrap(True)
        single_note.setStyleSheet("color: #555;")
        staff_note = QLabel(
            _(
                "With people, the window asks who is working and each does their part: the accountant prepares a voucher, the reviewer checks and posts it, and nobody checks their own work (制单 ≠ 审核). The administrator's log-in is for adding people and settings only; the accountant may hold it too, under its own user name."
            )
        )
        staff_note.setWordWrap(True)
        staff_note.setStyleSheet("color: #555;")
        self.box = QGroupBox(_("The people"))
        grid = QGridLayout(self.box)
        for col, title in enumerate(
            (_("Role"), _("Full name"), _("User name"), _("Password"), _("Password again")),
        ):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.edits: dict[tuple[str, str], QLineEdit] = {}
        for row, (role, default, duty) in enumerate(STAFF_ROWS, start=1):
            label = QLabel(role_name(role))
            label.setToolTip(_(duty))
            grid.addWidget(label, 2 * row - 1, 0)
            for col, key in enumerate(_FIELDS, start=1):
                edit = QLineEdit(default if key == "username" else "")
                edit.setObjectName(f"{role}_{key}")
                if key.startswith("password"):
                    edit.setEchoMode(QLineEdit.EchoMode.Password)
                    edit.setPlaceholderText(_("at least {n} characters").format(n=MIN_PASSWORD))
                edit.textChanged.connect(self._edited)
                self.edits[(role, key)] = edit
                grid.addWidget(edit, 2 * row - 1, col)
            hint = QLabel(_(duty))
            hint.setStyleSheet("color: #666;")
            grid.addWidget(hint, 2 * row, 1, 1, 4)
        self.message = QLabel()
        self.message.setObjectName("peopleProblem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00000;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.single)
        layout.addWidget(single_note)
        layout.addWidget(self.staff)
        layout.addWidget(staff_note)
        layout.addWidget(self.box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.single.toggled.connect(self._edited)
        self._touched = False
        # Each password is hashed in the background once it is typed twice alike, while the
        # next is typed: argon2 takes a tenth of a second or more per password, on purpose.
        self._hashing: dict[str, Future[PreparedPassword]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self.destroyed.connect(lambda *_a: self._stop_hashing())
        self._edited()

    def is_single(self) -> bool:
        return self.single.isChecked()

    def set_person(self, role: str, display_name: str, username: str, password: str) -> None:
        """Fill one person's row (tests, and a resumed wizard)."""
        for key, value in zip(_FIELDS, (display_name, username, password, password), strict=True):
            self.edits[(role, key)].setText(value)

    def people(self) -> list[NewUser]:
        """The people to create (raises `DomainError` naming the row and field)."""
        out = []
        for role, _default, _duty in STAFF_ROWS:
            name, username, pw, pw2 = (self.edits[(role, k)].text() for k in _FIELDS)
            where = role_name(role)
            if not name.strip():
                raise DomainError(where, N_("type the full name"))
            if not username.strip() or any(ch.isspace() for ch in username.strip()):
                raise DomainError(where, N_("a user name has no spaces"))
            if len(pw) < MIN_PASSWORD:
                raise DomainError(
                    where, N_("the password needs at least {n} characters"), n=MIN_PASSWORD
                )
            if pw != pw2:
                raise DomainError(where, N_("the two passwords differ"))
            out.append(NewUser(username.strip(), role, pw, name.strip()))
        names = [p.username for p in out]
        for p in out:
            if names.count(p.username) > 1:
                raise DomainError(
                    role_name(p.role), N_("the user name {user} is given twice"), user=p.username
                )
        return out

    def problem(self) -> str:
        """What is still missing or wrong (empty when the form can be used)."""
        if self.is_single():
            return ""
        try:
            self.people()
        except DomainError as exc:
            return exc.describe(_)
        return ""

    def _prepare(self) -> None:
        for role, _default, _duty in STAFF_ROWS:
            pw, pw2 = (self.edits[(role, k)].text() for k in ("password", "password2"))
            if len(pw) >= MIN_PASSWORD and pw == pw2 and pw not in self._hashing:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=2)
                self._hashing[pw] = self._pool.submit(users.prepare_password, pw)

    def _stop_hashing(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def prepared(self, people: list[NewUser]) -> list[NewUser]:
        """``people`` with the passwords hashed ahead where they are (waiting for those still
        being hashed: call it in the background)."""
        out = []
        for p in people:
            future = self._hashing.get(str(p.password))
            if future is not None:
                try:
                    p = replace(p, password=future.result())
                except Exception:  # hashed again by the service, which says what is wrong
                    pass
            out.append(p)
        return out

    def _edited(self, *_a: object) -> None:
        self.box.setEnabled(not self.is_single())
        if not self.is_single():
            self._prepare()
        if self.sender() is not None and self.sender() is not self.single:
            self._touched = True
        problem = self.problem()
        self.message.setText(problem if self._touched else "")
        self.changed.emit()


def create_people(ctx: AppContext, form: PeopleForm, on_done: object, on_error: object) -> None:
    """Create the form's people in the background; the session goes on as the 会计, and
    every view hears that the user changed."""
    ledger = ctx.ledger
    people = form.people()
    accountant = next(p.username for p in people if p.role == Role.ACCOUNTANT)

    def done(made: list[UserInfo]) -> None:
        ctx.changed.emit(Changes.ALL)  # another user: every view asks again what it may do
        on_done(made)  # type: ignore[operator]

    ctx.runner.run(
        lambda: users.create_staff(ledger, form.prepared(people), continue_as=accountant),
        on_done=done,
        on_error=on_error,  # type: ignore[arg-type]
        title=_("Setting the people up…"),
    )


class PeopleDialog(QDialog):
    """Settings on a ledger without users: set the people up (not just an administrator,
    after whom nobody could keep the books)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("PeopleDialog")
        self.setWindowTitle(_("Set the people up"))
        self.form = PeopleForm()
        self.form.staff.setChecked(True)
        for w in (self.form.single, self.form.staff, self.form.single_note):
            w.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Create the people"))
        self.ok.setObjectName("createPeople")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00000;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.form.changed.connect(self._check)
        self._check()

    def _check(self) -> None:
        problem = self.form.problem()
        gate(self.ok, self.ctx, Permission.MANAGE_USERS, (not problem, problem))

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        self.ok.setEnabled(False)
        create_people(self.ctx, self.form, lambda _m: self.accept(), self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._check()
        self.error.setText(errors.message_for(exc))


class SwitchUserDialog(QDialog):
    """Another person takes over the open window (the 审核 after the 会计): user name and
    password, checked as at log-in."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("SwitchUserDialog")
        self.setWindowTitle(_("Switch user"))
        self.setMinimumWidth(380)
        ledger = ctx.ledger
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("switchUser")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("switchPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("switchMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00000;")
        form = QFormLayout()
        form.addRow(
            _("Working now"),
            QLabel(f"{ledger.user}（{role_name(ledger.role)}）"),
        )
        form.addRow(_("User name"), self.user_edit)
        form.addRow(_("Password"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Log in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.user_edit.setFocus()

    def submit(self) -> None:
        name, password = self.user_edit.text().strip(), self.password_edit.text()
        if not name:
            self.message.setText(_("Type your user name."))
            self.user_edit.setFocus()
            return
        ledger = self.ctx.ledger

        def done(_info: UserInfo) -> None:
            self.ctx.changed.emit(Changes.ALL)  # every view asks again what the user may do
            self.accept()

        def failed(exc: BaseException) -> None:
            self.message.setText(errors.message_for(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()

        self.ctx.runner.run(
            lambda: users.switch_user(ledger, name, password),
            on_done=done,
            on_error=failed,
            title=_("Switch user"),
        )
