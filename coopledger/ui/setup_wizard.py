"""建账向导 The set-up wizard: a new ledger opens on it, and it sets a book up step by step —
the organisation and its chart, the first accounting period, the people, sub-accounts,
members from a spreadsheet, the opening balances — then says what to do next.

Each step writes as it ends (in the background) and is noted in the ledger
(`services.setup`), so the wizard can be closed at any step ("Leave for now") and opens again
where it stopped, the next time the program starts or from File → Set-up wizard. Every
disabled button says why; the Next button says what the step still needs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from coopledger.domain.errors import DomainError, DomainErrors
from coopledger.domain.roles import role_name
from coopledger.domain.vocabulary import Chart, Permission
from coopledger.i18n import _, term
from coopledger.services import accounts, opening, roster, setup, users
from coopledger.services.accounts import ChartRow
from coopledger.services.setup import SetupProgress
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import explain_next, gate, permission_reason
from coopledger.ui.help import help_link, open_help
from coopledger.ui.people import PeopleForm, create_people
from coopledger.ui.views.chart import OpeningBalancesWidget

__all__ = ["PAGE_IDS", "SetupWizard", "start_setup"]

#: The wizard's size: it must fit a 1366×768 screen above a taskbar (1366×728 with its frame).
WIZARD_SIZE = (1080, 640)


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #444;")
    return label


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("stepError")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00000;")
    return label


class StepPage(QWizardPage):
    """A step: `work()` returns what to write when the user goes on (run in the background;
    None when there is nothing to write), `why_not()` what the step still needs."""

    #: The step's name in `services.setup.STEPS` ("" for the last page).
    step = ""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.error = _error_label()
        self._passed = False

    @property
    def ctx(self) -> AppContext:
        return self.w.ctx

    def why_not(self) -> str:
        """What is missing before the user may go on (empty: nothing)."""
        return _("Saving…") if self.w.busy else self.needs()

    def needs(self) -> str:
        """What the step itself still needs (the pages say)."""
        return ""

    def isComplete(self) -> bool:
        return not self.why_not()

    def work(self) -> Callable[[], Any] | None:
        """The write this step makes when the user goes on."""
        return None

    def done(self, result: Any) -> None:
        """The write has committed (on the window's thread)."""

    def say(self, exc: BaseException) -> str:
        """What the step tells the user about a failed write."""
        return errors.message_for(exc)

    def validatePage(self) -> bool:
        if self._passed:
            self._passed = False
            return True
        if self.w.busy:
            return False
        self.w.started_step()
        self.error.setText("")
        try:
            work = self.work()
        except DomainError as exc:
            self.error.setText(self.say(exc))
            return False
        if work is None:
            return True
        self.w.set_busy(True)

        def finished(result: Any) -> None:
            self.w.set_busy(False)
            self.done(result)
            self._passed = True
            # Outside this callback: QWizard must not re-enter next() from validatePage.
            QTimer.singleShot(0, self.go_on)

        def failed(exc: BaseException) -> None:
            self.w.set_busy(False)
            self.error.setText(self.say(exc))

        self.ctx.runner.run(work, on_done=finished, on_error=failed, title=_("Set-up wizard") + "…")
        return False

    def recheck(self) -> None:
        self.completeChanged.emit()

    def go_on(self) -> None:
        """Go to the next step (the write has committed)."""
        self.w.next()


# -- 1. the organisation and its chart -----------------------------------------------------


class OrganisationPage(StepPage):
    step = "organisation"

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            wizard,
            _("1. The organisation and its chart of accounts"),
            _(
                "The wizard sets a book up step by step. Every step is saved as you go on: close the wizard at any time (Leave for now) and it opens again where you stopped."
            ),
        )
        self.name = QLineEdit()
        self.name.setObjectName("orgName")
        self.name.setPlaceholderText(_("e.g. 上寨村股份经济合作社"))
        self.village = QLineEdit()
        self.village.setObjectName("orgVillage")
        self.township = QLineEdit()
        self.township.setObjectName("orgTownship")
        self.county = QLineEdit()
        self.county.setObjectName("orgCounty")
        self.village_chart = QRadioButton(term(Chart, Chart.VILLAGE_2023))
        self.village_chart.setObjectName("chartVillage")
        self.coop_chart = QRadioButton(term(Chart, Chart.COOPERATIVE_2021))
        self.coop_chart.setObjectName("chartCooperative")
        group = QButtonGroup(self)
        group.addButton(self.village_chart)
        group.addButton(self.coop_chart)
        self.village_chart.setChecked(True)
        self._chart_chosen = False
        self.village_chart.clicked.connect(self._chart_clicked)
        self.coop_chart.clicked.connect(self._chart_clicked)
        which = _note(
            _(
                "Which chart? A village 股份经济合作社 (or 经济合作社, 经济联合社: the village collective) keeps the village-2023 chart; a farmers' 专业合作社 keeps the cooperative-2021 chart. The chart decides the accounts, the statements and how the distribution is posted, and cannot be changed later."
            )
        )
        self.done_note = QLabel()
        self.done_note.setObjectName("orgDone")
        self.done_note.setStyleSheet("color: #006e28; font-weight: bold;")
        form = QFormLayout()
        form.addRow(_("Name of the organisation"), self.name)
        form.addRow(_("Chart of accounts"), self.village_chart)
        form.addRow("", self.coop_chart)
        form.addRow("", which)
        form.addRow(_("Village"), self.village)
        form.addRow(_("Township"), self.township)
        form.addRow(_("County"), self.county)
        layout = QVBoxLayout(self)
        layout.addWidget(self.done_note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.name.textChanged.connect(self._name_changed)

    def _chart_clicked(self) -> None:
        self._chart_chosen = True

    def _name_changed(self, text: str) -> None:
        # The name usually says which chart: 专业合作社 → cooperative; until the user picks.
        if not self._chart_chosen:
            if "专业合作社" in text:
                self.coop_chart.setChecked(True)
            elif text:
                self.village_chart.setChecked(True)
        self.recheck()

    def chart(self) -> str:
        return Chart.COOPERATIVE_2021 if self.coop_chart.isChecked() else Chart.VILLAGE_2023

    def initializePage(self) -> None:
        org = self.ctx.org if self.w.org_id else None
        exists = org is not None
        for widget in (
            self.name,
            self.village,
            self.township,
            self.county,
            self.village_chart,
            self.coop_chart,
        ):
            widget.setEnabled(not exists)
        if org is not None:
            self.name.setText(org.name)
            self.village.setText(org.village)
            self.township.setText(org.township)
            self.county.setText(org.county)
            (
                self.coop_chart if org.chart == Chart.COOPERATIVE_2021 else self.village_chart
            ).setChecked(True)
            self.done_note.setText(_("This book is set up; go on to the next step."))
        self.done_note.setVisible(exists)

    def needs(self) -> str:
        if self.w.org_id:
            return ""
        if not self.name.text().strip():
            return _("Type the name of the organisation.")
        return ""

    def work(self) -> Callable[[], int] | None:
        if self.w.org_id:
            return None
        ledger, name, chart = self.ctx.ledger, self.name.text().strip(), self.chart()
        village, township, county = (
            self.village.text().strip(),
            self.township.text().strip(),
            self.county.text().strip(),
        )
        return lambda: setup.start_book(
            ledger, name, chart=chart, village=village, township=township, county=county
        )

    def done(self, result: Any) -> None:
        self.w.org_id = int(result)
        self.w.book_started.emit(int(result))


# -- 2. the first accounting period --------------------------------------------------------


class PeriodPage(StepPage):
    step = "period"

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            wizard,
            _("2. The first accounting period"),
            _("The year the book starts, and the month you start entering vouchers in."),
        )
        today = dt.date.today()
        self.year = QSpinBox()
        self.year.setObjectName("firstYear")
        self.year.setRange(setup.EARLIEST_YEAR, today.year + 1)
        self.year.setValue(today.year)
        self.month = QComboBox()
        self.month.setObjectName("firstMonth")
        for m in range(1, 13):
            self.month.addItem(_("{month} (month)").format(month=m), m)
        form = QFormLayout()
        form.addRow(_("First year of the book"), self.year)
        form.addRow(_("First month of work"), self.month)
        note = _note(
            _(
                "The opening balances are those of 1 January of the first year (the balances the manual books carried over from the year before). Best start in January. Starting later in the year, also enter the months before as vouchers (one summary voucher a month will do), so that the year's totals and statements are complete."
            )
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        if not self.w.org_id:
            return
        first = setup.first_period(self.ctx.ledger, self.w.org_id)
        if first is not None:
            self.year.setValue(first[0])
            self.month.setCurrentIndex(first[1] - 1)

    def period(self) -> tuple[int, int]:
        return self.year.value(), int(self.month.currentData())

    def needs(self) -> str:
        return permission_setup(self.ctx)

    def work(self) -> Callable[[], SetupProgress]:
        ledger, org, (year, month) = self.ctx.ledger, self.w.org_id, self.period()
        return lambda: setup.set_first_period(ledger, org, year, month)


def permission_setup(ctx: AppContext) -> str:
    """Why the user may not set a book up (the 会计's or the administrator's job)."""
    if ctx.can(Permission.PREPARE_PLAN) or ctx.can(Permission.MANAGE_SETTINGS):
        return ""
    return permission_reason(ctx, Permission.PREPARE_PLAN)


# -- 3. the people -------------------------------------------------------------------------


class PeoplePage(StepPage):
    step = "people"

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            wizard,
            _("3. The people"),
            _("Who keeps the books: one person alone, or an accountant and a reviewer."),
        )
        self.form = PeopleForm()
        self.form.changed.connect(self.recheck)
        self.existing = QLabel()
        self.existing.setObjectName("peopleExisting")
        self.existing.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.existing)
        layout.addWidget(self.form, 1)
        layout.addWidget(self.error)
        self.people: list[users.UserInfo] = []

    def initializePage(self) -> None:
        try:
            self.people = users.list_users(self.ctx.ledger)
        except DomainError:
            self.people = []
        self.form.setVisible(not self.people)
        if self.people:
            names = "、".join(
                f"{u.display_name or u.username}（{u.role_name}，{u.username}）"
                for u in self.people
            )
            self.existing.setText(
                _(
                    "The ledger has its people: {names}. You are working as {user} ({role}). People are added and changed in Settings."
                ).format(
                    names=names, user=self.ctx.ledger.user, role=role_name(self.ctx.ledger.role)
                )
            )
        self.existing.setVisible(bool(self.people))

    def needs(self) -> str:
        if self.people:
            return ""
        if not self.form.is_single():
            why = permission_reason(self.ctx, Permission.MANAGE_USERS)
            if why:
                return why
        return self.form.problem()

    def work(self) -> Callable[[], Any] | None:
        ledger, org = self.ctx.ledger, self.w.org_id
        if self.people:
            return lambda: setup.record_step(ledger, org, "people", "staff")
        if self.form.is_single():
            return lambda: setup.record_step(ledger, org, "people", "single")
        return None

    def validatePage(self) -> bool:
        if self._passed or self.people or self.form.is_single():
            return super().validatePage()
        # The people are made first (the session then goes on as the 会计), then noted.
        if self.w.busy:
            return False
        self.w.started_step()
        self.error.setText("")
        self.w.set_busy(True)
        ledger, org = self.ctx.ledger, self.w.org_id

        def made(_people: object) -> None:
            self.ctx.runner.run(
                lambda: setup.record_step(ledger, org, "people", "staff"),
                on_done=lambda _r: self._go_on(),
                on_error=self._failed,
            )

        try:
            create_people(self.ctx, self.form, made, self._failed)
        except DomainError as exc:
            self._failed(exc)
        return False

    def _go_on(self) -> None:
        self.w.set_busy(False)
        self._passed = True
        self.w.people_changed.emit()
        QTimer.singleShot(0, self.w.next)

    def _failed(self, exc: BaseException) -> None:
        self.w.set_busy(False)
        self.initializePage()  # the people may have been made before the note failed
        self.error.setText(self.say(exc))


# -- 4. sub-accounts -----------------------------------------------------------------------


class AccountsPage(StepPage):
    step = "accounts"

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            wizard,
            _("4. Sub-accounts (明细科目)"),
            _("Accounts kept in more detail: each bank, each line of business."),
        )
        self.parent_combo = QComboBox()
        self.parent_combo.setObjectName("subParent")
        self.parent_combo.setEditable(False)
        self.parent_combo.currentIndexChanged.connect(self._suggest)
        self.code = QLineEdit()
        self.code.setObjectName("subCode")
        self.code.setMaximumWidth(120)
        self.name = QLineEdit()
        self.name.setObjectName("subName")
        self.name.setPlaceholderText(_("e.g. 农商银行"))
        self.add_button = QPushButton(_("Add"))
        self.add_button.setObjectName("addSub")
        self.add_button.clicked.connect(lambda: self.add())
        for w in (self.code, self.name):
            w.textChanged.connect(self._update)
        self.added = QListWidget()
        self.added.setObjectName("subAccounts")
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Under")))
        row.addWidget(self.parent_combo, 2)
        row.addWidget(QLabel(_("Code")))
        row.addWidget(self.code)
        row.addWidget(QLabel(_("Name")))
        row.addWidget(self.name, 1)
        row.addWidget(self.add_button)
        note = _note(
            _(
                "For example 10201 农商银行 under 102 银行存款, or 50101 莲藕销售 under 501 经营收入. The opening balances are entered on the lowest accounts, so add sub-accounts first. None needed? Go on: they can be added any time under 科目与建账."
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(row)
        layout.addWidget(QLabel(_("Sub-accounts of this book")))
        layout.addWidget(self.added, 1)
        layout.addWidget(self.error)
        self.rows: list[ChartRow] = []

    def initializePage(self) -> None:
        self.load()

    def load(self) -> None:
        if not self.w.org_id:
            return
        self.rows = accounts.chart_rows(self.ctx.ledger, self.w.org_id)
        current = self.parent_combo.currentData()
        self.parent_combo.blockSignals(True)
        self.parent_combo.clear()
        for r in self.rows:
            if r.active and not r.used:
                self.parent_combo.addItem("　" * r.level + f"{r.code} {r.name}", r.code)
        index = self.parent_combo.findData(current or "102")
        self.parent_combo.setCurrentIndex(max(index, 0))
        self.parent_combo.blockSignals(False)
        self.added.clear()
        for r in self.rows:
            if r.level:
                self.added.addItem("　" * r.level + f"{r.code} {r.name}")
        self._suggest()

    def _suggest(self) -> None:
        parent = self.parent_combo.currentData()
        if not parent:
            return
        taken = {r.code for r in self.rows}
        self.code.setText(
            next((f"{parent}{n:02d}" for n in range(1, 100) if f"{parent}{n:02d}" not in taken), "")
        )
        self._update()

    def _update(self) -> None:
        parent = str(self.parent_combo.currentData() or "")
        code = self.code.text().strip()
        gate(
            self.add_button,
            self.ctx,
            Permission.PREPARE_VOUCHER,
            (bool(self.name.text().strip()), _("Type the sub-account's name.")),
            (
                code.isdigit() and code.startswith(parent) and len(code) == len(parent) + 2,
                _("The code is the parent's code followed by two digits ({parent}01).").format(
                    parent=parent
                ),
            ),
        )

    def add(
        self, parent: str | None = None, code: str | None = None, name: str | None = None
    ) -> None:
        """Add a sub-account (the fields' values unless given)."""
        parent = parent or str(self.parent_combo.currentData() or "")
        code = code or self.code.text().strip()
        name = name or self.name.text().strip()
        ledger, org = self.ctx.ledger, self.w.org_id

        def added(_id: object) -> None:
            self.name.clear()
            self.load()

        self.ctx.runner.run(
            lambda: accounts.add_sub_account(ledger, org, parent, code, name),
            on_done=added,
            on_error=lambda exc: self.error.setText(errors.message_for(exc)),
        )

    def work(self) -> Callable[[], SetupProgress]:
        ledger, org = self.ctx.ledger, self.w.org_id
        outcome = "done" if any(r.level for r in self.rows) else "skipped"
        return lambda: setup.record_step(ledger, org, "accounts", outcome)

    def needs(self) -> str:
        return permission_setup(self.ctx)


# -- 5. members from a spreadsheet ---------------------------------------------------------


class MembersPage(StepPage):
    step = "members"

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            wizard,
            _("5. Members from a spreadsheet"),
            _("The households (成员) from the village's roster, in Excel or CSV."),
        )
        self.count_label = QLabel()
        self.count_label.setObjectName("memberCount")
        self.template_button = QPushButton(_("Write an empty roster…"))
        self.template_button.setObjectName("rosterTemplate")
        self.template_button.clicked.connect(lambda: self.write_template())
        self.choose_button = QPushButton(_("Choose the roster file…"))
        self.choose_button.setObjectName("chooseRoster")
        self.choose_button.clicked.connect(lambda: self.check_file())
        self.import_button = QPushButton(_("Import them"))
        self.import_button.setObjectName("importRoster")
        self.import_button.clicked.connect(lambda: self.import_checked())
        self.result = QLabel()
        self.result.setObjectName("rosterResult")
        self.result.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setObjectName("rosterProblems")
        note = _note(
            _(
                "The columns are found by their headers: 户主姓名 (required), 户号, 村民小组, 身份证号, 电话, 银行卡号, 地址, 备注. Every row is checked first and the bad ones are listed with their row number; nothing is written until all are right. Codes left empty are given in order (H0001 …). No roster at hand? Go on: members can be imported or added any time under 成员."
            )
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.template_button)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.error)
        self.path: Path | None = None
        self.checked_rows = 0
        self.members = 0

    def initializePage(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        from coopledger.services.views import MemberFilter, count_rows

        self.members = count_rows(self.ctx.ledger, self.w.org_id, MemberFilter())
        self.count_label.setText(_("Members in this book now: {n}").format(n=self.members))
        registers = Permission.MANAGE_REGISTERS
        gate(self.choose_button, self.ctx, registers)
        gate(
            self.import_button,
            self.ctx,
            registers,
            (self.path is not None, _("Choose the roster file first.")),
            (
                self.checked_rows > 0,
                _("The roster has no row to import, or some rows are wrong (listed below)."),
            ),
        )

    def write_template(self, path: Path | None = None) -> None:
        if path is None:
            path = dialogs.save_file(
                self, _("Write an empty roster"), "成员名册.xlsx", dialogs.xlsx_filter()
            )
            if path is None:
                return
        target = path
        self.ctx.runner.run(
            lambda: roster.write_member_template(target),
            on_done=lambda p: self.result.setText(
                _("Wrote {path}: fill it in, then choose it here.").format(path=p)
            ),
            on_error=lambda exc: self.error.setText(errors.message_for(exc)),
        )

    def check_file(self, path: Path | None = None) -> None:
        """Check every row of a roster (nothing is written)."""
        if path is None:
            path = dialogs.open_file(
                self, _("Choose the roster file"), _("Spreadsheets (*.xlsx *.csv)")
            )
            if path is None:
                return
        ledger, org, target = self.ctx.ledger, self.w.org_id, path
        self.path, self.checked_rows = target, 0
        self.problems.clear()
        self.error.setText("")

        def checked(report: Any) -> None:
            if report.errors:
                self.result.setText(
                    _("{file}: {bad} rows need correcting; nothing was imported.").format(
                        file=target.name, bad=len(report.errors)
                    )
                )
                self.result.setStyleSheet("color: #b00000;")
                for e in report.errors:
                    self.problems.addItem(e.describe(_))  # names the row and the column
            else:
                self.checked_rows = report.count
                self.result.setText(
                    _("{file}: {n} rows, all correct. Press Import them.").format(
                        file=target.name, n=report.count
                    )
                )
                self.result.setStyleSheet("color: #006e28;")
            self.refresh()

        self.ctx.runner.run(
            lambda: roster.import_roster(ledger, org, target, "members", commit=False),
            on_done=checked,
            on_error=lambda exc: (self.error.setText(errors.message_for(exc)), self.refresh()),
            title=_("Checking the rows…"),
        )

    def import_checked(self) -> None:
        """Import the roster checked before (all rows, or none)."""
        if self.path is None or not self.checked_rows:
            return
        ledger, org, target = self.ctx.ledger, self.w.org_id, self.path

        def imported(report: Any) -> None:
            self.result.setText(_("{n} members imported.").format(n=report.count))
            self.path, self.checked_rows = None, 0
            self.refresh()

        self.ctx.runner.run(
            lambda: roster.import_roster(ledger, org, target, "members", commit=True),
            on_done=imported,
            on_error=lambda exc: self.error.setText(errors.message_for(exc)),
            title=_("Importing…"),
        )

    def needs(self) -> str:
        return permission_setup(self.ctx)

    def work(self) -> Callable[[], SetupProgress]:
        ledger, org = self.ctx.ledger, self.w.org_id
        outcome = "done" if self.members else "skipped"
        return lambda: setup.record_step(ledger, org, "members", outcome)


# -- 6. the opening balances ---------------------------------------------------------------


class OpeningPage(StepPage):
    step = "opening"

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(
            wizard,
            _("6. Opening balances (期初余额)"),
            _("What every account held on 1 January of the first year."),
        )
        self.fresh = QRadioButton(
            _("A new organisation: nothing to carry over (every balance starts at nil)")
        )
        self.fresh.setObjectName("openingNone")
        self.carry = QRadioButton(
            _("The books were kept before (by hand or in another program): enter their balances")
        )
        self.carry.setObjectName("openingCarry")
        group = QButtonGroup(self)
        group.addButton(self.fresh)
        group.addButton(self.carry)
        self.carry.setChecked(True)
        self.balances = OpeningBalancesWidget(wizard.ctx)
        # Narrower name and amount columns: the two tables side by side in the wizard.
        for table, widths in (
            (self.balances.accounts, (70, 150, 40, 110, 110)),
            (self.balances.members, (70, 100, 110, 110)),
        ):
            for i, width in enumerate(widths):
                table.setColumnWidth(i, width)
        self.balances.changed.connect(self.recheck)
        self.balances.posted.connect(lambda _vid: self.recheck())
        self.fresh.toggled.connect(self._mode)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.carry)
        row.addWidget(self.fresh)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.balances, 1)
        layout.addWidget(self.error)

    def _mode(self) -> None:
        self.balances.setVisible(self.carry.isChecked())
        self.recheck()

    def initializePage(self) -> None:
        self.balances.load()

    def needs(self) -> str:
        if self.fresh.isChecked() or self.balances.has_opening:
            return permission_setup(self.ctx)
        why = permission_reason(self.ctx, Permission.PREPARE_VOUCHER)
        if why:
            return why
        if not self.balances.is_complete():
            return _(
                "Type the balances until debits equal credits (or choose: a new organisation)."
            )
        return ""

    def work(self) -> Callable[[], Any]:
        ledger, org = self.ctx.ledger, self.w.org_id
        if self.fresh.isChecked() or self.balances.has_opening:
            outcome = "done" if self.balances.has_opening else "skipped"
            return lambda: setup.record_step(ledger, org, "opening", outcome)
        ob = self.balances.balances()  # a DomainError names the row

        def post_and_note() -> SetupProgress:
            opening.post_opening(ledger, org, ob)
            return setup.record_step(ledger, org, "opening", "done")

        return post_and_note

    def done(self, result: Any) -> None:
        self.balances.load()

    def say(self, exc: BaseException) -> str:
        # The row it names (科目余额!3, 成员!1): the balances are typed in a table.
        if isinstance(exc, DomainError) and not isinstance(exc, DomainErrors):
            return exc.describe(_)
        return errors.message_for(exc)


# -- the end -------------------------------------------------------------------------------


class DonePage(StepPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, _("The book is set up"), _("What to do next."))
        self.summary = QLabel()
        self.summary.setObjectName("setupSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.help = QLabel(help_link("vouchers"))
        self.help.setObjectName("setupHelp")
        self.help.linkActivated.connect(lambda link: open_help(self.w, link.removeprefix("help:")))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.help)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        ledger, org = self.ctx.ledger, self.w.org_id
        progress = setup.read_progress(ledger, org) or SetupProgress(org)
        first = setup.first_period(ledger, org)
        book = self.ctx.org.name if self.ctx.org else ""
        chart = term(Chart, self.ctx.org.chart) if self.ctx.org else ""
        steps = progress.steps
        people = {
            "staff": _("an accountant, a reviewer and an administrator, each with a log-in"),
            "single": _("one person, no log-in (single-user mode)"),
        }.get(steps.get("people", ""), "—")
        lines = [
            _("Book: {name}, {chart}").format(name=book, chart=chart),
            _("First period: {year}-{month:02d}").format(year=first[0], month=first[1])
            if first
            else "",
            _("People: {people}").format(people=people),
            _("Sub-accounts: {state}").format(state=_outcome(steps.get("accounts"))),
            _("Members: {state}").format(state=_outcome(steps.get("members"))),
            _("Opening balances: {state}").format(state=_outcome(steps.get("opening"))),
        ]
        if steps.get("people") == "staff":
            then = _(
                "Next: the accountant enters the first voucher under 凭证 (Ctrl+N) and saves it; the reviewer logs in (File → Switch user…), reviews and posts it (审核, 记账). Next time the program starts it asks who is working."
            )
        else:
            then = _(
                "Next: enter the first voucher under 凭证 (Ctrl+N) and post it (保存并记账). Add people any time under 设置."
            )
        self.summary.setText("<br>".join(x for x in lines if x) + "<br><br>" + then)

    def work(self) -> Callable[[], SetupProgress]:
        ledger, org = self.ctx.ledger, self.w.org_id
        return lambda: setup.finish_setup(ledger, org)

    def go_on(self) -> None:
        self.w.accept()  # Finish: validatePage lets it through now


def _outcome(outcome: str | None) -> str:
    return {
        "done": _("done"),
        "skipped": _("left for later"),
    }.get(outcome or "", "—")


# -- the wizard ----------------------------------------------------------------------------

PAGE_IDS = {step: n for n, step in enumerate((*setup.STEPS, "end"))}


class SetupWizard(QWizard):
    """The set-up wizard on the window's context; ``org_id`` 0 starts a new book, otherwise
    it resumes that book's set-up at the first step not done."""

    #: A new book was made (its id): the window shows it.
    book_started = Signal(int)
    #: The people were made and the session goes on as the 会计.
    people_changed = Signal()

    def __init__(self, ctx: AppContext, org_id: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.org_id = org_id
        self.busy = False
        self.setObjectName("SetupWizard")
        self.setWindowTitle(_("Set-up wizard"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Leave for now"))
        self.button(QWizard.WizardButton.CancelButton).setToolTip(
            _("Every step done so far is saved: the wizard opens again here next time.")
        )
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setButtonText(QWizard.WizardButton.HelpButton, _("Help"))
        self.helpRequested.connect(lambda: open_help(self, "建账向导"))
        self.pages: dict[str, StepPage] = {
            "organisation": OrganisationPage(self),
            "period": PeriodPage(self),
            "people": PeoplePage(self),
            "accounts": AccountsPage(self),
            "members": MembersPage(self),
            "opening": OpeningPage(self),
            "end": DonePage(self),
        }
        for key, page in self.pages.items():
            page.setObjectName(f"setup_{key}")
            self.setPage(PAGE_IDS[key], page)
        self.currentIdChanged.connect(self._page_shown)
        self.resize(*WIZARD_SIZE)
        self.setMinimumSize(800, 560)
        #: (step, seconds) from pressing Next to the next page shown (`started_step`).
        self.timings: list[tuple[str, float]] = []
        self._t0: float | None = None
        self._from = ""
        self.resume()
        explain_next(self)

    def resume(self) -> None:
        """Start at the first step not done (the first page for a new book)."""
        start = "organisation"
        if self.org_id:
            progress = setup.read_progress(self.ctx.ledger, self.org_id)
            start = (progress.next_step() if progress else None) or "end"
        self.setStartId(PAGE_IDS[start])

    def page_named(self, key: str) -> StepPage:
        return self.pages[key]

    def current_step(self) -> str:
        return next((k for k, v in PAGE_IDS.items() if v == self.currentId()), "")

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        page = self.currentPage()
        if isinstance(page, StepPage):
            page.recheck()

    def started_step(self) -> None:
        self._t0 = time.perf_counter()
        self._from = self.current_step()

    def _page_shown(self, _id: int) -> None:
        if self._t0 is not None:
            t0, step = self._t0, self._from
            self._t0 = None
            # Measured once the new page has been laid out and painted.
            QTimer.singleShot(0, lambda: self.timings.append((step, time.perf_counter() - t0)))


def start_setup(ctx: AppContext, parent: QWidget, org_id: int = 0) -> SetupWizard:
    """Open the set-up wizard (window-modal over ``parent``) for a new book, or to resume
    ``org_id``'s set-up."""
    wizard = SetupWizard(ctx, org_id, parent)
    wizard.setWindowModality(Qt.WindowModality.WindowModal)
    wizard.show()
    return wizard
