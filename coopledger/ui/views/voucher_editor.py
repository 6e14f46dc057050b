"""Voucher entry (记账凭证), keyboard first.

* Enter moves to the next cell (摘要 → 科目 → 成员 when the account keeps a ledger per
  member → 借方 → 贷方 → the next line, added when needed); a new line copies the 摘要 above.
* The account cell searches by code, name or pinyin initials (``yhck`` → 102 银行存款).
* ``=`` in an amount cell fills the amount that balances the voucher.
* The debit and credit totals, their difference and the total in 大写 are always shown;
  Save and Post stay disabled until the voucher balances, with the reason shown below the
  lines.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.ledger import LineInput, VoucherInput, check_voucher, difference
from coopledger.domain.money import fen_to_str, parse_money
from coopledger.domain.numerals import amount_in_capitals
from coopledger.domain.vocabulary import MemberAux, Permission, VoucherState
from coopledger.i18n import _, term
from coopledger.services import accounts as accounts_service
from coopledger.services import views, vouchers
from coopledger.services.views import VoucherDetail
from coopledger.ui import dialogs, errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, permission_reason
from coopledger.ui.screen import fit
from coopledger.ui.views.base import notify
from coopledger.ui.views.contracts import member_search
from coopledger.ui.widgets import AccountChoice, AccountPicker, DateEdit, MemberPicker

MEMO, ACCOUNT, MEMBER, DEBIT, CREDIT = range(5)
RED_BG = QBrush(QColor(255, 220, 220))


def account_choices(ctx: AppContext) -> list[AccountChoice]:
    """The current book's accounts for the picker."""
    return [
        AccountChoice(a.code, a.name, a.kind, a.is_leaf, a.member_aux)
        for a in accounts_service.list_accounts(ctx.ledger, ctx.org_id)
    ]


@dataclass
class LineState:
    """What one row of the grid says, parsed."""

    memo: str
    account: str
    member: str
    debit: int
    credit: int
    error: DomainError | None = None

    @property
    def empty(self) -> bool:
        return not (self.account or self.member or self.debit or self.credit)


class _Delegate(QStyledItemDelegate):
    """Editors for the grid's cells and the Enter / ``=`` keys inside them."""

    def __init__(self, editor: VoucherEditor) -> None:
        super().__init__(editor.lines)
        self.owner = editor

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        col = index.column()
        if col == ACCOUNT:
            w: QLineEdit = AccountPicker(self.owner.choices, parent)
        elif col == MEMBER:
            w = MemberPicker(member_search(self.owner.ctx), parent)
        else:
            w = QLineEdit(parent)
            if col in (DEBIT, CREDIT):
                w.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        w.setFrame(False)
        w.setProperty("row", index.row())
        w.setProperty("col", col)
        w.installEventFilter(self)
        row = index.row()
        w.textEdited.connect(lambda text: self.owner.live_edit(row, col, text))
        if isinstance(w, AccountPicker | MemberPicker):
            # With its list of matches open, a picker's Enter goes through the list (which
            # takes the match highlighted) and reaches the field as returnPressed, past
            # this filter: the same one Enter then moves on.
            w.returnPressed.connect(lambda: self._enter(w, row, col))
        return w

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        if getattr(editor, "_loaded", False):
            # The cell's colour or tooltip changed while it is edited (an error shown or
            # cleared as the user types): keep what is being typed.
            return
        editor._loaded = True  # type: ignore[attr-defined]
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if index.column() in (DEBIT, CREDIT):
            text = str(text).replace(",", "")
        editor.setText(str(text))

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QLineEdit)
        if isinstance(editor, AccountPicker):
            editor.resolve_text()
        model.setData(index, editor.text().strip(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and isinstance(obj, QLineEdit):
            # Keep the editor open when focus went nowhere (a completer popup closing, the
            # window briefly inactive); a click elsewhere still commits and closes it.
            reason = getattr(event, "reason", lambda: None)()
            if QApplication.focusWidget() is None or reason in (
                Qt.FocusReason.PopupFocusReason,
                Qt.FocusReason.ActiveWindowFocusReason,
            ):
                return False
        if event.type() == QEvent.Type.KeyPress and isinstance(obj, QLineEdit):
            assert isinstance(event, QKeyEvent)
            key = event.key()
            row, col = int(obj.property("row")), int(obj.property("col"))
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                completer = obj.completer()
                popup = completer.popup() if completer is not None else None
                if popup is not None and popup.isVisible():
                    index = popup.currentIndex()
                    if not index.isValid() and completer is not None:
                        index = completer.completionModel().index(0, 0)
                    if index.isValid():
                        obj.setText(str(index.data()))
                    popup.hide()
                self._enter(obj, row, col)
                return True
            if key == Qt.Key.Key_Equal and col in (DEBIT, CREDIT):
                obj.setText(self.owner.balancing_text(row, col))
                return True
        return super().eventFilter(obj, event)

    def _enter(self, editor: QLineEdit, row: int, col: int) -> None:
        """Enter in a cell: take what it says (a picker's match in full), close it, move on."""
        if getattr(editor, "_entered", False):
            return  # the editor is already closing
        editor._entered = True  # type: ignore[attr-defined]
        if isinstance(editor, AccountPicker):
            editor.resolve_text(take_first=True)
        if isinstance(editor, MemberPicker):
            editor.setText(editor.text().split("（", 1)[0])
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self.owner.advance(row, col)

    def destroyEditor(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        self.owner.live_edit(-1, -1, "")
        super().destroyEditor(editor, index)


class LinesTable(QTableWidget):
    """The grid of voucher lines."""

    enter_pressed = Signal(int, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.enter_pressed.emit(self.currentRow(), self.currentColumn())
            return
        super().keyPressEvent(event)


class VoucherEditor(QDialog):
    """Enter a new voucher or change a draft; posted vouchers open read-only."""

    saved = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        detail: VoucherDetail | None = None,
        when: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("VoucherEditor")
        self.ctx = ctx
        self.detail = detail
        self.readonly = detail is not None and detail.state != VoucherState.DRAFT
        self.busy = False
        self.voucher_id: int | None = detail.id if detail else None
        self.setWindowTitle(
            _("Voucher {label}").format(label=detail.label) if detail else _("New voucher")
        )
        self.choices = account_choices(ctx)
        self.by_code = {c.code: c for c in self.choices}

        self.period = views.current_period(ctx.ledger, ctx.org_id) if ctx.org_id else None
        self.date = DateEdit(
            detail.date if detail else (when or self.default_date()), field="voucher.date"
        )
        self.date.setObjectName("date")
        if self.period is not None:
            self.date.set_period(*self.period)
        self.attachments = QSpinBox()
        self.attachments.setObjectName("attachments")
        self.attachments.setRange(0, 999)
        self.attachments.setValue(detail.attachments if detail else 0)
        self.memo = QLineEdit(detail.memo if detail else "")
        self.memo.setObjectName("memo")
        self.memo.setPlaceholderText(_("摘要 — what happened"))
        head = QGridLayout()
        head.addWidget(QLabel(_("Date")), 0, 0)
        head.addWidget(self.date, 0, 1)
        head.addWidget(QLabel(_("Attachments")), 0, 2)
        head.addWidget(self.attachments, 0, 3)
        number = (
            f"{detail.label}  ·  {term(VoucherState, detail.state)}"
            if detail
            else _("记 voucher; numbered when posted")
        )
        number_label = QLabel(number)
        number_label.setStyleSheet("color: #555;")
        head.addWidget(number_label, 0, 5, Qt.AlignmentFlag.AlignRight)
        head.setColumnStretch(4, 1)
        head.addWidget(QLabel(_("摘要 Summary")), 1, 0)
        head.addWidget(self.memo, 1, 1, 1, 5)

        self.lines = LinesTable(0, 5)
        self.lines.setObjectName("lines")
        self.lines.setHorizontalHeaderLabels(
            [
                _("摘要 Summary"),
                _("科目 Account"),
                _("成员 Member"),
                _("借方 Debit"),
                _("贷方 Credit"),
            ]
        )
        hh = self.lines.horizontalHeader()
        hh.setSectionResizeMode(MEMO, QHeaderView.ResizeMode.Stretch)
        self.lines.setColumnWidth(ACCOUNT, 230)
        self.lines.setColumnWidth(MEMBER, 150)
        self.lines.setColumnWidth(DEBIT, 130)
        self.lines.setColumnWidth(CREDIT, 130)
        self.lines.verticalHeader().setDefaultSectionSize(28)
        self.lines.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.delegate = _Delegate(self)
        self.lines.setItemDelegate(self.delegate)
        self.lines.itemChanged.connect(self._item_changed)
        self.lines.enter_pressed.connect(self._enter_on_cell)

        self.totals = QLabel()
        self.totals.setObjectName("totals")
        self.capitals = QLabel()
        self.capitals.setObjectName("capitals")
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b00000;")
        self.problem.setWordWrap(True)

        self.add_line_button = QPushButton(_("Add line"))
        self.add_line_button.clicked.connect(lambda: self.add_row())
        self.remove_line_button = QPushButton(_("Remove line"))
        self.remove_line_button.clicked.connect(self.remove_current_row)
        self.save_button = QPushButton(_("Save draft"))
        self.save_button.setObjectName("saveDraft")
        self.save_button.setToolTip(_("Ctrl+S"))
        self.save_button.clicked.connect(self.save_draft)
        self.post_button = QPushButton(_("Save and post"))
        self.post_button.setObjectName("post")
        self.post_button.setToolTip(_("Save, review and post in one step (Ctrl+Enter)"))
        self.post_button.clicked.connect(self.save_and_post)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)

        for b in (
            self.add_line_button,
            self.remove_line_button,
            self.save_button,
            self.post_button,
            close,
        ):
            # Enter belongs to the grid and the fields (it moves on); it never presses a
            # button by default, which added a stray line on each Enter in the 摘要.
            b.setAutoDefault(False)
            b.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_line_button)
        buttons.addWidget(self.remove_line_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.post_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.totals)
        layout.addWidget(self.capitals)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)

        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save_draft)
        QShortcut(QKeySequence("Ctrl+Return"), self).activated.connect(self.save_and_post)
        QShortcut(QKeySequence("Ctrl+Enter"), self).activated.connect(self.save_and_post)

        self._loading = True
        if detail:
            for ln in detail.lines:
                self.add_row(
                    ln.memo,
                    f"{ln.account_code} {ln.account_name}",
                    f"{ln.member_code} {ln.member_name}".strip(),
                    fen_to_str(ln.debit) if ln.debit else "",
                    fen_to_str(ln.credit) if ln.credit else "",
                )
        else:
            self.add_row()
            self.add_row()
        self._loading = False
        if self.readonly:
            self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            for w in (self.date, self.memo, self.attachments):
                w.setEnabled(False)
            for b in (
                self.add_line_button,
                self.remove_line_button,
                self.save_button,
                self.post_button,
            ):
                b.hide()
        self.memo.returnPressed.connect(
            lambda: self.edit_cell(0, MEMO if not self.memo.text() else ACCOUNT)
        )
        # Enter in the date goes on to the 摘要, as on paper; a fix clears its error at once.
        self.date.returnPressed.connect(self.memo.setFocus)
        attachments_field = self.attachments.lineEdit()
        if attachments_field is not None:
            attachments_field.returnPressed.connect(self.memo.setFocus)
        self.date.textChanged.connect(lambda _t: self.recompute())
        self.memo.textChanged.connect(lambda _t: self.recompute())
        self.attachments.valueChanged.connect(lambda _v: self.recompute())
        self._live: tuple[int, int, str] | None = None
        fit(self, 980, 600)
        self.recompute()
        self._saved_state = self.entered()

    def default_date(self) -> dt.date:
        """Where a new voucher is dated: in the period being worked on (the month after the
        last one closed): the date of the voucher entered before in this window when it is
        in that month, else today when today is, else the month's last day (or first, for
        a month still to come)."""
        today = dt.date.today()
        if self.period is None:
            return today
        year, month = self.period
        last = self.ctx.last_voucher_date
        if last is not None and (last.year, last.month) == (year, month):
            return last
        if (today.year, today.month) == (year, month):
            return today
        first = dt.date(year, month, 1)
        if first > today:
            return first
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    def entered(self) -> tuple[object, ...]:
        """Everything typed, to tell whether something was entered and not saved."""
        cells = tuple(
            tuple(self.cell(r, c) for c in range(self.lines.columnCount()))
            for r in range(self.lines.rowCount())
        )
        filled = tuple(row for row in cells if any(row[1:]))
        return (self.date.text(), self.memo.text().strip(), self.attachments.value(), filled)

    def is_dirty(self) -> bool:
        """Whether something was entered or changed since the voucher was opened or saved."""
        return not self.readonly and self.entered() != self._saved_state

    def reject(self) -> None:
        """Close (关闭, Esc, the window's ×): a voucher with edits not saved asks first."""
        if self.busy:
            return
        if self.is_dirty():
            self.lines.setFocus()  # commits the cell being edited
            answer = dialogs.ask_unsaved(
                self,
                self.windowTitle(),
                _("This voucher has entries that are not saved. Save it as a draft?"),
                can_save=self.save_button.isEnabled(),
            )
            if answer == dialogs.CANCEL:
                return
            if answer == dialogs.SAVE:
                self.save_draft()
                return
        super().reject()

    def live_edit(self, row: int, col: int, text: str) -> None:
        """A cell's editor changed (``row`` −1: closed): recompute with what it says now, so
        an error goes as soon as it is fixed, before Enter."""
        self._live = (row, col, text) if row >= 0 else None
        if row >= 0:
            self.recompute()

    # -- rows -------------------------------------------------------------------------------

    def add_row(
        self, memo: str = "", account: str = "", member: str = "", debit: str = "", credit: str = ""
    ) -> int:
        r = self.lines.rowCount()
        loading, self._loading = self._loading, True
        self.lines.insertRow(r)
        for c, text in enumerate((memo, account, member, debit, credit)):
            item = QTableWidgetItem(text)
            if c in (DEBIT, CREDIT):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.lines.setItem(r, c, item)
        self._loading = loading
        return r

    def remove_current_row(self) -> None:
        r = self.lines.currentRow()
        if r >= 0 and self.lines.rowCount() > 2:
            self.lines.removeRow(r)
            self.recompute()

    def cell(self, row: int, col: int) -> str:
        """What a cell says: what its open editor holds (an account only once it names
        one), else its text."""
        live = self._live if getattr(self, "_live", None) else None
        if live is not None and live[:2] == (row, col):
            text = live[2].strip()
            if col != ACCOUNT or text.split(" ", 1)[0] in self.by_code:
                return text
        item = self.lines.item(row, col)
        return item.text().strip() if item else ""

    def set_cell(self, row: int, col: int, text: str) -> None:
        while row >= self.lines.rowCount():
            self.add_row()
        item = self.lines.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            self.lines.setItem(row, col, item)
        item.setText(text)

    def edit_cell(self, row: int, col: int) -> None:
        """Put the cursor on a cell and open its editor."""
        while row >= self.lines.rowCount():
            self.add_row()
        self.lines.setFocus()
        self.lines.setCurrentCell(row, col)
        item = self.lines.item(row, col)
        if item is not None and not self.readonly:
            self.lines.editItem(item)
            editor = self.lines.indexWidget(self.lines.model().index(row, col))
            if editor is not None:
                editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _enter_on_cell(self, row: int, col: int) -> None:
        if row < 0:
            self.edit_cell(0, MEMO)
        else:
            self.advance(row, col)

    def advance(self, row: int, col: int) -> None:
        """Where Enter goes from (row, col)."""
        if col == MEMO:
            nxt = (row, ACCOUNT)
        elif col == ACCOUNT:
            choice = self.by_code.get(self.cell(row, ACCOUNT).split(" ", 1)[0])
            nxt = (
                (row, MEMBER)
                if choice is not None and choice.member_aux != MemberAux.NONE
                else (row, DEBIT)
            )
        elif col == MEMBER:
            nxt = (row, DEBIT)
        elif col == DEBIT and not self.cell(row, DEBIT):
            nxt = (row, CREDIT)
        else:
            nxt = (row + 1, MEMO)
        r, c = nxt
        if r >= self.lines.rowCount():
            # The end of the last line: a balanced voucher is done (on to Post), else a new
            # line is added for the rest.
            if self.complete():
                target = self.post_button if self.post_button.isEnabled() else self.save_button
                QTimer.singleShot(0, lambda: target.setFocus(Qt.FocusReason.OtherFocusReason))
                return
            self.add_row()
        if c == MEMO and not self.cell(r, MEMO):
            above = self.cell(r - 1, MEMO) if r > 0 else ""
            self.set_cell(r, MEMO, above or self.memo.text().strip())
        QTimer.singleShot(0, lambda: self.edit_cell(r, c))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        col = item.column()
        if col in (DEBIT, CREDIT) and item.text().strip():
            other = CREDIT if col == DEBIT else DEBIT
            self._loading = True
            try:
                fen = parse_money(item.text(), "amount", allow_zero=True)
                item.setText(fmt.money(fen).replace("¥", "") if fen else "")
                twin = self.lines.item(item.row(), other)
                if twin is not None and fen:
                    twin.setText("")
            except DomainError:
                pass
            finally:
                self._loading = False
        self.recompute()

    # -- parsing and totals ------------------------------------------------------------------

    def line_states(self) -> list[LineState]:
        out = []
        for r in range(self.lines.rowCount()):
            memo = self.cell(r, MEMO)
            account_text = self.cell(r, ACCOUNT)
            member = self.cell(r, MEMBER).split(" ", 1)[0]
            state = LineState(memo, "", member, 0, 0)
            path = f"voucher.lines[{r}]"
            try:
                state.debit = self._amount(r, DEBIT, f"{path}.debit")
                state.credit = self._amount(r, CREDIT, f"{path}.credit")
                if account_text:
                    state.account = self._account(account_text, f"{path}.account")
            except DomainError as exc:
                state.error = exc
                state.account = state.account or account_text
            out.append(state)
        return out

    def _amount(self, row: int, col: int, path: str) -> int:
        text = self.cell(row, col).replace(",", "")
        return parse_money(text, path, allow_zero=True) if text else 0

    def _account(self, text: str, path: str) -> str:
        code = text.split(" ", 1)[0]
        choice = self.by_code.get(code)
        if choice is None:
            raise DomainError(path, N_("no account {code} in this book"), code=code)
        if not choice.is_leaf:
            raise DomainError(
                path,
                N_("{code} {name} has sub-accounts; post to one of them"),
                code=code,
                name=choice.name,
            )
        return code

    def voucher_input(self) -> VoucherInput:
        """The voucher as entered (raises the first `DomainError`)."""
        lines = []
        for r, st in enumerate(self.line_states()):
            if st.error is not None:
                raise st.error
            if st.empty:
                continue
            if not st.account:
                raise DomainError(f"voucher.lines[{r}].account", N_("an account is required"))
            choice = self.by_code[st.account]
            if choice.member_aux == MemberAux.REQUIRED and not st.member:
                raise DomainError(
                    f"voucher.lines[{r}].member",
                    N_("{code} {name} keeps a ledger per member: say which member"),
                    code=choice.code,
                    name=choice.name,
                )
            lines.append(LineInput(st.account, st.debit, st.credit, st.member or None, st.memo))
        v = VoucherInput(
            self.date.date_value(), self.memo.text().strip(), tuple(lines), self.attachments.value()
        )
        if not v.memo:
            raise DomainError("voucher.memo", N_("write the 摘要 (what happened)"))
        check_voucher(v)
        return v

    def complete(self) -> bool:
        """Whether the voucher as entered can be saved (it balances and every line reads)."""
        try:
            self.voucher_input()
        except DomainError:
            return False
        return True

    def totals_fen(self) -> tuple[int, int]:
        states = self.line_states()
        return sum(s.debit for s in states), sum(s.credit for s in states)

    def balancing_text(self, row: int, col: int) -> str:
        """The amount that makes the voucher balance when typed into (row, col)."""
        others = [
            LineInput("", s.debit, s.credit) for r, s in enumerate(self.line_states()) if r != row
        ]
        diff = difference(others)  # Σ debit − Σ credit of the other lines
        need = -diff if col == DEBIT else diff
        return fen_to_str(need) if need > 0 else ""

    def recompute(self) -> None:
        """Totals, difference, 大写, the first problem, and the buttons."""
        debit, credit = self.totals_fen()
        diff = debit - credit
        self.totals.setText(
            _("Debit total {debit}    Credit total {credit}    Difference {diff}").format(
                debit=fmt.money(debit), credit=fmt.money(credit), diff=fmt.money(diff)
            )
        )
        self.totals.setStyleSheet("color: #b00000;" if diff else "")
        self.capitals.setText(
            _("Total in words (大写): {capitals}").format(capitals=amount_in_capitals(debit))
        )
        for r, st in enumerate(self.line_states()):
            bad = st.error is not None
            for c in (ACCOUNT, DEBIT, CREDIT):
                item = self.lines.item(r, c)
                if item is None:
                    continue
                wrong = bad and st.error is not None and st.error.path.endswith(_COL_FIELD[c])
                self._loading = True
                item.setBackground(RED_BG if wrong else QBrush())
                item.setToolTip(st.error.text(_) if wrong and st.error else "")
                self._loading = False
        problem = ""
        try:
            self.voucher_input()
        except DomainError as exc:
            problem = self.describe(exc)
        self.problem.setText(problem)
        ready = (
            (not self.readonly, _("This voucher is no longer a draft: it cannot be changed.")),
            (not problem, problem),
            (not self.busy, _("Saving…")),
        )
        gate(self.save_button, self.ctx, Permission.PREPARE_VOUCHER, *ready)
        # Saving and posting at once is the single person's way (审核 and 记账 too).
        post_why = permission_reason(self.ctx, Permission.REVIEW_VOUCHER) or permission_reason(
            self.ctx, Permission.POST_VOUCHER
        )
        gate(
            self.post_button, self.ctx, Permission.PREPARE_VOUCHER, *ready, (not post_why, post_why)
        )

    @staticmethod
    def describe(exc: DomainError) -> str:
        """A domain error with its line number in words (``Line 2: …``)."""
        import re

        m = re.search(r"lines\[(\d+)\]", exc.path)
        text = exc.text(_)
        if m:
            return _("Line {n}: {problem}").format(n=int(m.group(1)) + 1, problem=text)
        return text

    # -- saving -----------------------------------------------------------------------------

    def _run(self, post: bool) -> bool:
        self.recompute()
        if self.busy or self.readonly:
            return False
        try:
            v = self.voucher_input()
        except DomainError as exc:
            self.problem.setText(self.describe(exc))
            return False
        if post and not self.post_button.isEnabled():
            return False
        if post and not dialogs.confirm(
            self,
            _("Post the voucher"),
            self.post_question(v),
            action=_("Post 记账"),
            default_yes=True,
        ):
            return False
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self._posting = post

        def work() -> int:
            vid = self.voucher_id
            if vid is None:
                vid = vouchers.add_voucher(ledger, org, v)
                # A later failure to post leaves a draft: saving again updates it.
                self.voucher_id = vid
            else:
                vouchers.update_draft(ledger, org, vid, v)
            if post:
                vouchers.review_voucher(ledger, org, vid)
                vouchers.post_voucher(ledger, org, vid)
            from coopledger.services.cash import warnings_for_voucher

            self.cash_warnings = [w.text(_) for w in warnings_for_voucher(ledger, org, vid)]
            return vid

        self.busy = True
        self.save_button.setEnabled(False)
        self.post_button.setEnabled(False)
        self.ctx.runner.run(
            work, on_done=self._saved, on_error=self._failed, title=_("Saving voucher…")
        )
        return True

    def save_draft(self) -> bool:
        """Save as a draft (制单); True when the save was started."""
        return self._run(post=False)

    def save_and_post(self) -> bool:
        """Save, review and post (单人模式); True when started."""
        return self._run(post=True)

    def post_question(self, v: VoucherInput) -> str:
        """What the question before posting says: the voucher line by line, and that a
        posted voucher is never changed again."""
        lines = [
            _(
                "Post this voucher? Once posted it cannot be changed or deleted; a mistake is"
                " corrected with a red reversal."
            ),
            "",
            _("Date {date}    摘要 {memo}").format(date=v.date.isoformat(), memo=v.memo),
        ]
        for ln in v.lines:
            choice = self.by_code.get(ln.account)
            name = f"{ln.account} {choice.name if choice else ''}".strip()
            if ln.member:
                name += f"（{ln.member}）"
            side = _("Dr") if ln.debit_fen else _("Cr")
            lines.append(f"{side}  {name}  {fmt.money(ln.debit_fen or ln.credit_fen)}")
        total = sum(ln.debit_fen for ln in v.lines)
        lines.append(
            _("Total {total} ({capitals})").format(
                total=fmt.money(total, currency=True), capitals=amount_in_capitals(total)
            )
        )
        return "\n".join(lines)

    def _saved(self, vid: int) -> None:
        self.busy = False
        self._saved_state = self.entered()
        try:
            self.ctx.last_voucher_date = self.date.date_value()
            label = views.voucher_detail(self.ctx.ledger, self.ctx.org_id, vid).label
        except DomainError:
            label = ""
        parent = self.parentWidget() or self
        if getattr(self, "_posting", False):
            notify(parent, _("Voucher {label} posted.").format(label=label))
        else:
            notify(parent, _("Voucher saved as a draft."))
        warnings = getattr(self, "cash_warnings", [])
        if warnings:  # cash discipline: a warning, never a refusal
            from coopledger.ui.views.base import status_message

            status_message(self.parentWidget() or self, "⚠ " + "；".join(warnings), 15000)
        self.saved.emit(vid)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.recompute()
        if isinstance(exc, DomainError):
            # A draft saved before posting failed stays a draft: the list has heard of it.
            self.problem.setText(self.describe(exc))
        else:
            errors.show_error(self, exc)


_COL_FIELD = {ACCOUNT: ".account", DEBIT: ".debit", CREDIT: ".credit"}


def open_voucher(ctx: AppContext, parent: QWidget, voucher_id: int) -> VoucherEditor:
    """Open a voucher (a draft to edit, a posted one to read)."""
    detail = views.voucher_detail(ctx.ledger, ctx.org_id, voucher_id)
    editor = VoucherEditor(ctx, parent, detail=detail)
    editor.open()
    return editor
