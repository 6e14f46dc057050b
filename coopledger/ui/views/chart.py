"""科目与建账 Accounts: the book's chart with its sub-accounts (明细科目: add, rename, retire,
take back into use, delete if never used) and the opening balances (建账).

`OpeningBalancesWidget` is a plain widget over the ledger and the book: the first-run wizard
embeds it as a page (``is_complete()`` and the ``changed`` signal say when it may go on)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.money import fen_to_str, parse_money
from coopledger.domain.vocabulary import AccountKind, MemberAux, Permission
from coopledger.i18n import _, term
from coopledger.services import accounts, opening
from coopledger.services.accounts import ChartRow
from coopledger.services.opening import OpeningBalances, OpeningLine
from coopledger.ui import dialogs, errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import enable, gate
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, ListTableModel
from coopledger.ui.views.base import View, button, status_message
from coopledger.ui.widgets import DateEdit, make_table, size_columns

RED = QBrush(QColor(176, 0, 0))


def _state(r: ChartRow) -> str:
    if not r.active:
        return _("retired")
    return _("used") if r.used else ""


CHART_COLUMNS: list[Column[ChartRow]] = [
    Column(N_("Code"), lambda r: "    " * r.level + r.code, width=110),
    Column(N_("Account"), lambda r: r.name, width=240),
    Column(N_("Kind"), lambda r: term(AccountKind, r.kind), width=90),
    Column(N_("Side"), lambda r: "借" if r.normal_side == "debit" else "贷", width=50),
    Column(
        N_("Per member"),
        lambda r: term(MemberAux, r.member_aux) if r.member_aux != MemberAux.NONE else "",
        width=90,
    ),
    Column(N_("State"), _state, width=80),
]


class SubAccountDialog(FormDialog):
    """Add a sub-account: the parent's code followed by two digits; the parent's kind."""

    def __init__(
        self, ctx: AppContext, parent_code: str, suggested: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, _("Add a sub-account (明细科目)"), parent)
        up = QLineEdit(parent_code)
        self.add_field("parent", _("Parent account"), up, lambda w: w.text().strip())
        code = QLineEdit(suggested)
        self.add_field(
            "code",
            _("Code"),
            code,
            lambda w: w.text().strip(),
            hint=_("The parent's code followed by two digits (50101 under 501)."),
        )
        self.add_field("name", _("Name"), QLineEdit(), lambda w: w.text().strip())
        self.finish()

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        parent, code = values["parent"], values["code"]
        if not code.isdigit() or not code.startswith(parent) or len(code) != len(parent) + 2:
            raise DomainError(
                "code",
                N_(
                    "{code} does not extend its parent {parent}: write {parent} followed by two digits"
                ),
                code=code,
                parent=parent,
            )
        if not values["name"]:
            raise DomainError("name", N_("must not be empty"))
        return values

    def save(self, value: dict[str, Any]) -> int:
        return accounts.add_sub_account(
            self.ctx.ledger, self.ctx.org_id, value["parent"], value["code"], value["name"]
        )


class ChartView(View):
    """The chart of accounts and the opening balances, each on its tab."""

    changes = Changes.ACCOUNTS | Changes.VOUCHERS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("chartTabs")
        # the chart
        self.model: ListTableModel[ChartRow] = ListTableModel(CHART_COLUMNS, [], self)
        self.table = make_table(sortable=False)
        self.table.setObjectName("chartTable")
        self.table.setModel(self.model)
        size_columns(self.table, [c.width for c in CHART_COLUMNS])
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_actions())
        self.add_button = button(_("Add sub-account…"), "addSubAccount")
        self.add_button.clicked.connect(lambda: self.add_sub_account())
        self.rename_button = button(_("Rename…"), "renameAccount")
        self.rename_button.clicked.connect(lambda: self.rename())
        self.retire_button = button(_("Retire"), "retireAccount")
        self.retire_button.clicked.connect(lambda: self.retire())
        self.reactivate_button = button(_("Take back into use"), "reactivateAccount")
        self.reactivate_button.clicked.connect(lambda: self.reactivate())
        self.delete_button = button(_("Delete"), "deleteAccount")
        self.delete_button.clicked.connect(lambda: self.delete())
        row = QHBoxLayout()
        for b in (
            self.add_button,
            self.rename_button,
            self.retire_button,
            self.reactivate_button,
            self.delete_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        hint = QLabel(
            _(
                "A sub-account extends its parent's code and has its kind. An account that has been used is never deleted: retire it once its balance is nil."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        chart = QWidget()
        cl = QVBoxLayout(chart)
        cl.addLayout(row)
        cl.addWidget(self.table, 1)
        cl.addWidget(hint)
        self.tabs.addTab(chart, _("Chart of accounts 科目"))
        # the opening balances
        self.opening = OpeningBalancesWidget(ctx)
        self.tabs.addTab(self.opening, _("Opening balances 建账"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        if not self.ctx.org_id:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self.ctx.runner.run(
            lambda: accounts.chart_rows(ledger, org),
            on_done=self._rows,
            on_error=lambda exc: errors.show_error(self, exc),
        )
        self.opening.load()

    def _rows(self, rows: list[ChartRow]) -> None:
        self.model.set_rows(rows)
        self.update_actions()

    def selected(self) -> ChartRow | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def select_code(self, code: str) -> None:
        for i, r in enumerate(self.model.rows):
            if r.code == code:
                self.table.selectRow(i)
                self.table.setCurrentIndex(self.model.index(i, 0))
                return

    def update_actions(self) -> None:
        r = self.selected()
        ctx, acts = self.ctx, Permission.PREPARE_VOUCHER
        pick = (r is not None, _("Select an account in the chart first."))
        active = (r is None or r.active, _("This account is retired."))
        leaf = (
            r is None or r.is_leaf,
            _("This account has sub-accounts: act on them instead."),
        )
        gate(self.add_button, ctx, acts, pick, active)
        gate(self.rename_button, ctx, acts, pick)
        gate(self.retire_button, ctx, acts, pick, active, leaf)
        gate(
            self.reactivate_button,
            ctx,
            acts,
            pick,
            (r is None or not r.active, _("This account is in use.")),
        )
        gate(
            self.delete_button,
            ctx,
            acts,
            pick,
            leaf,
            (
                r is None or not r.used,
                _("This account has been used: it is never deleted (retire it instead)."),
            ),
        )

    def _run(self, work: Any, done_text: str) -> None:
        self.ctx.runner.run(
            work,
            on_done=lambda _r: status_message(self, done_text),
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def add_sub_account(self) -> SubAccountDialog | None:
        r = self.selected()
        if r is None:
            return None
        taken = {x.code for x in self.model.rows}
        suggested = next(
            (f"{r.code}{n:02d}" for n in range(1, 100) if f"{r.code}{n:02d}" not in taken), ""
        )
        dialog = SubAccountDialog(self.ctx, r.code, suggested, self)
        dialog.open()
        return dialog

    def rename(self) -> None:
        r = self.selected()
        if r is None:
            return
        name = dialogs.ask_text(self, _("Rename {code}").format(code=r.code), _("Name"), r.name)
        if name is None or name.strip() == r.name:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self._run(
            lambda: accounts.rename_account(ledger, org, r.code, name),
            _("Account {code} renamed.").format(code=r.code),
        )

    def retire(self) -> None:
        r = self.selected()
        if r is None:
            return
        if not dialogs.confirm(
            self,
            _("Retire an account"),
            _("Retire {code} {name}? No more postings can be made to it.").format(
                code=r.code, name=r.name
            ),
        ):
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self._run(
            lambda: accounts.retire_account(ledger, org, r.code),
            _("Account {code} retired.").format(code=r.code),
        )

    def reactivate(self) -> None:
        r = self.selected()
        if r is None:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self._run(
            lambda: accounts.reactivate_account(ledger, org, r.code),
            _("Account {code} is in use again.").format(code=r.code),
        )

    def delete(self) -> None:
        r = self.selected()
        if r is None:
            return
        if not dialogs.confirm(
            self,
            _("Delete an account"),
            _("Delete {code} {name}? It has never been used.").format(code=r.code, name=r.name),
        ):
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self._run(
            lambda: accounts.delete_account(ledger, org, r.code),
            _("Account {code} deleted.").format(code=r.code),
        )


# -- opening balances ----------------------------------------------------------------------

_ACC = ("code", "name", "side", "debit", "credit")
_MEM = ("code", "member", "debit", "credit")


def _item(text: str, editable: bool = False, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class OpeningBalancesWidget(QWidget):
    """The opening balances (建账) of the current book: one row per account that can hold a
    balance, and a row per member for the accounts kept per member (内部往来 / 成员往来). The
    totals say at once whether debits equal credits; posting is refused until they do.

    Embeddable: a wizard page shows it as it is, asks `is_complete()` when ``changed`` fires,
    and calls `post()` (or lets the user press the button)."""

    #: The balances were edited (or loaded): re-ask `is_complete()`.
    changed = Signal()
    #: The opening entry was posted: the voucher id.
    posted = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.date = DateEdit(dt.date(dt.date.today().year, 1, 1))
        self.date.setObjectName("openingDate")
        self.date.textChanged.connect(lambda _t: self._edited())
        self.accounts = QTableWidget(0, len(_ACC))
        self.accounts.setObjectName("openingAccounts")
        self.accounts.setHorizontalHeaderLabels(
            [_("Code"), _("Account"), _("Side"), _("Debit"), _("Credit")]
        )
        self.members = QTableWidget(0, len(_MEM))
        self.members.setObjectName("openingMembers")
        self.members.setHorizontalHeaderLabels(
            [_("Account"), _("Member code"), _("Debit"), _("Credit")]
        )
        for t, widths in (
            (self.accounts, (80, 220, 50, 130, 130)),
            (self.members, (80, 140, 130, 130)),
        ):
            for i, w in enumerate(widths):
                t.setColumnWidth(i, w)
            t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            t.verticalHeader().setDefaultSectionSize(24)
            t.itemChanged.connect(lambda _i: self._edited())
        self.totals = QLabel()
        self.totals.setObjectName("openingTotals")
        self.error = QLabel()
        self.error.setObjectName("openingError")
        self.error.setStyleSheet("color: #b00000;")
        self.error.setWordWrap(True)
        self.replace = QCheckBox(_("Replace the opening entry posted before"))
        self.replace.setObjectName("replaceOpening")
        self.add_row_button = button(_("Add member row"), "addMemberRow")
        self.add_row_button.clicked.connect(lambda: self.add_member_row())
        self.template_button = button(_("Write the Excel template…"), "openingTemplate")
        self.template_button.clicked.connect(lambda: self.write_template())
        self.import_button = button(_("Fill from the template…"), "openingImport")
        self.import_button.clicked.connect(lambda: self.import_template())
        self.post_button = button(_("Post the opening balances"), "postOpening")
        self.post_button.clicked.connect(lambda: self.post())
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Book opens on")))
        top.addWidget(self.date)
        top.addStretch(1)
        top.addWidget(self.template_button)
        top.addWidget(self.import_button)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel(_("Balances of the accounts")))
        ll.addWidget(self.accounts)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(QLabel(_("Members' balances (内部往来 / 成员往来)")))
        head.addStretch(1)
        head.addWidget(self.add_row_button)
        rl.addLayout(head)
        rl.addWidget(self.members)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([570, 450])
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals, 1)
        bottom.addWidget(self.replace)
        bottom.addWidget(self.post_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self._loading = False
        self._per_member: list[str] = []
        self.has_opening = False

    # -- filling --

    def load(self) -> None:
        """Fill the rows from the book's chart and the balances already posted."""
        if not self.ctx.org_id:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id

        def work() -> tuple[list[ChartRow], OpeningBalances | None, int]:
            from coopledger.services.views import current_period

            return (
                accounts.chart_rows(ledger, org),
                opening.current_opening(ledger, org),
                current_period(ledger, org)[0],
            )

        self.ctx.runner.run(work, on_done=self._fill, on_error=lambda e: errors.show_error(self, e))

    def _fill(self, data: tuple[list[ChartRow], OpeningBalances | None, int]) -> None:
        rows, posted, year = data
        self._loading = True
        self.has_opening = posted is not None
        have = {(ln.account, ln.member): ln for ln in (posted.lines if posted else ())}
        self.date.set_date(posted.date if posted is not None else dt.date(year, 1, 1))
        shown = [
            r
            for r in rows
            if r.is_leaf
            and r.active
            and r.kind not in ("revenue", "expense")
            and r.member_aux != "required"
        ]
        self._per_member = [r.code for r in rows if r.is_leaf and r.member_aux == "required"]
        self.accounts.setRowCount(len(shown))
        for i, r in enumerate(shown):
            ln = have.get((r.code, None))
            self.accounts.setItem(i, 0, _item(r.code))
            self.accounts.setItem(i, 1, _item(r.name))
            self.accounts.setItem(i, 2, _item("借" if r.normal_side == "debit" else "贷"))
            self.accounts.setItem(i, 3, _item(_amount(ln.debit_fen if ln else 0), True, True))
            self.accounts.setItem(i, 4, _item(_amount(ln.credit_fen if ln else 0), True, True))
        member_lines = [ln for ln in (posted.lines if posted else ()) if ln.member]
        self.members.setRowCount(0)
        for ln in member_lines:
            self.add_member_row(ln.account, ln.member or "", ln.debit_fen, ln.credit_fen)
        self.replace.setChecked(False)
        self.replace.setVisible(self.has_opening)
        self._loading = False
        self._edited()

    def add_member_row(
        self, account: str = "", member: str = "", debit: int = 0, credit: int = 0
    ) -> int:
        """Add a row to the members' balances; returns its index."""
        i = self.members.rowCount()
        self._loading, was = True, self._loading
        self.members.insertRow(i)
        code = account or (self._per_member[0] if self._per_member else "")
        self.members.setItem(i, 0, _item(code, True))
        self.members.setItem(i, 1, _item(member, True))
        self.members.setItem(i, 2, _item(_amount(debit), True, True))
        self.members.setItem(i, 3, _item(_amount(credit), True, True))
        self._loading = was
        self._edited()
        return i

    def set_amount(self, code: str, debit: str = "", credit: str = "") -> None:
        """Type an account's balance (tests, and the wizard's defaults)."""
        for i in range(self.accounts.rowCount()):
            if _text(self.accounts, i, 0) == code:
                self.accounts.item(i, 3).setText(debit)
                self.accounts.item(i, 4).setText(credit)
                return
        raise KeyError(code)

    # -- reading --

    def balances(self) -> OpeningBalances:
        """What the rows say (raises `DomainError` naming the row of a bad amount)."""
        lines: list[OpeningLine] = []
        for i in range(self.accounts.rowCount()):
            where = f"{_('Balances of the accounts')}!{i + 1}"
            d = _parse(_text(self.accounts, i, 3), f"{where}.debit")
            c = _parse(_text(self.accounts, i, 4), f"{where}.credit")
            if d or c:
                lines.append(OpeningLine(_text(self.accounts, i, 0), d, c, None, where))
        for i in range(self.members.rowCount()):
            where = f"{_('Members')}!{i + 1}"
            d = _parse(_text(self.members, i, 2), f"{where}.debit")
            c = _parse(_text(self.members, i, 3), f"{where}.credit")
            if d or c:
                lines.append(
                    OpeningLine(
                        _text(self.members, i, 0), d, c, _text(self.members, i, 1) or None, where
                    )
                )
        return OpeningBalances(self.date.date_value(), tuple(lines))

    def is_complete(self) -> bool:
        """Debits equal credits and every amount reads (a wizard may go on)."""
        try:
            ob = self.balances()
        except DomainError:
            return False
        return bool(ob.lines) and ob.debit == ob.credit

    def _edited(self) -> None:
        if self._loading:
            return
        try:
            ob = self.balances()
        except DomainError as exc:
            self.totals.setText("")
            self.error.setText(exc.describe(_))
            enable(self.post_button, False, _("An amount does not read: see the message above."))
            self.changed.emit()
            return
        diff = ob.debit - ob.credit
        text = _("Debits {debit}, credits {credit}").format(
            debit=fmt.money(ob.debit), credit=fmt.money(ob.credit)
        )
        if diff:
            text += "　" + _("difference {diff}: they must be equal").format(diff=fmt.money(diff))
            self.totals.setStyleSheet("color: #b00000; font-weight: bold;")
        else:
            self.totals.setStyleSheet("color: #006e28;")
        self.totals.setText(text)
        self.error.setText("")
        gate(
            self.post_button,
            self.ctx,
            Permission.PREPARE_VOUCHER,
            (bool(ob.lines), _("Type the balances first.")),
            (not diff, _("Debits and credits must be equal.")),
        )
        self.changed.emit()

    # -- acting --

    def post(self) -> None:
        """Post the opening entry (in the background); ``posted`` fires when it is done."""
        try:
            ob = self.balances()
        except DomainError as exc:
            self.error.setText(exc.describe(_))
            return
        if self.has_opening and not self.replace.isChecked():
            self.error.setText(
                _("The book already has its opening entry; tick Replace to change it.")
            )
            return
        ledger, org, replace = self.ctx.ledger, self.ctx.org_id, self.replace.isChecked()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DomainError):
                self.error.setText(exc.describe(_))
            else:
                errors.show_error(self, exc)

        def done(vid: int) -> None:
            status_message(self, _("Opening balances posted as voucher #{id}.").format(id=vid))
            self.posted.emit(vid)
            self.load()

        self.ctx.runner.run(
            lambda: opening.post_opening(ledger, org, ob, replace_existing=replace),
            on_done=done,
            on_error=failed,
            title=_("Posting the opening balances…"),
        )

    def write_template(self, path: Path | None = None) -> None:
        if path is None:
            path = dialogs.save_file(
                self, _("Write the Excel template"), "opening-balances.xlsx", dialogs.xlsx_filter()
            )
            if path is None:
                return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self.ctx.runner.run(
            lambda: opening.write_template(ledger, org, path),
            on_done=lambda p: status_message(self, _("Wrote {path}").format(path=p)),
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def import_template(self, path: Path | None = None) -> None:
        """Fill the rows from a filled template (nothing is posted yet)."""
        if path is None:
            path = dialogs.open_file(self, _("Fill from the template"), dialogs.xlsx_filter())
            if path is None:
                return
        try:
            ob = opening.read_template(path, self.date.date_value())
        except DomainError as exc:
            self.error.setText(exc.describe(_))
            return
        self._loading = True
        for i in range(self.accounts.rowCount()):
            self.accounts.item(i, 3).setText("")
            self.accounts.item(i, 4).setText("")
        self.members.setRowCount(0)
        self._loading = False
        unknown = []
        for ln in ob.lines:
            if ln.member:
                self.add_member_row(ln.account, ln.member, ln.debit_fen, ln.credit_fen)
                continue
            try:
                self.set_amount(ln.account, _amount(ln.debit_fen), _amount(ln.credit_fen))
            except KeyError:
                unknown.append(ln.account)
        self._edited()
        if unknown:
            self.error.setText(
                _("The template names accounts this screen does not take: {codes}").format(
                    codes=", ".join(unknown)
                )
            )


def _text(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item is not None else ""


def _amount(fen: int) -> str:
    return fen_to_str(fen) if fen else ""


def _parse(text: str, where: str) -> int:
    return parse_money(text, where) if text else 0
