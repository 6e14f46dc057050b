"""账簿 Books: trial balance (科目余额表), general ledger (总账), the books (明细账, 现金日记账,
银行存款日记账: 上年结转, 本月合计, 本年累计 and a 借/贷 column, as they print), the journal
(序时账) and member statements (成员往来); each prints from here and exports to Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.i18n import _
from coopledger.reports.data import BookLine, direction
from coopledger.services import accounts as accounts_service
from coopledger.services import books, ledger_books, views
from coopledger.services.books import (
    LedgerRow,
    MemberStatementData,
    TrialBalanceRow,
)
from coopledger.services.ledger_books import GeneralBook, LedgerBook
from coopledger.ui import errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.models import Column, Index, ListTableModel, PagedTableModel, Source
from coopledger.ui.views.base import View, button, export_rows
from coopledger.ui.views.contracts import member_search
from coopledger.ui.widgets import (
    AccountChoice,
    AccountPicker,
    DateEdit,
    MemberPicker,
    fill_combo,
    make_table,
    size_columns,
)

TB_COLUMNS: list[Column[TrialBalanceRow]] = [
    Column(N_("Code"), lambda r: r.code, sort="code", width=90),
    Column(N_("Account"), lambda r: "    " * r.level + r.name, width=200),
    Column(N_("Opening debit"), lambda r: r.opening_debit, kind="money0", width=120),
    Column(N_("Opening credit"), lambda r: r.opening_credit, kind="money0", width=120),
    Column(N_("Debit"), lambda r: r.debit, kind="money0", width=120),
    Column(N_("Credit"), lambda r: r.credit, kind="money0", width=120),
    Column(N_("Closing debit"), lambda r: r.closing_debit, kind="money0", width=120),
    Column(N_("Closing credit"), lambda r: r.closing_credit, kind="money0", width=120),
]

#: 总账 as on paper: 上年结转 (or 期初余额), then 本月合计 and 本年累计 of each month with
#: postings; each balance with its 借/贷.
GL_COLUMNS: list[Column[BookLine]] = [
    Column(N_("Date"), lambda r: r.date, kind="date", width=95),
    Column(N_("摘要 Summary"), lambda r: r.memo, width=220),
    Column(
        N_("Debit"), lambda r: r.debit if r.kind != "opening" else None, kind="money0", width=140
    ),
    Column(
        N_("Credit"), lambda r: r.credit if r.kind != "opening" else None, kind="money0", width=140
    ),
    Column(N_("Dr/Cr"), lambda r: r.direction, width=50),
    Column(N_("Balance"), lambda r: abs(r.balance), kind="money", width=140),
]


def _ledger_columns(running: bool) -> list[Column[LedgerRow]]:
    cols: list[Column[LedgerRow]] = [
        Column(N_("Date"), lambda r: r.date, kind="date", width=95),
        Column(N_("Voucher"), lambda r: r.voucher_no, width=120),
        Column(N_("摘要 Summary"), lambda r: r.memo, width=230),
        Column(N_("Account"), lambda r: f"{r.account_code} {r.account_name}", width=180),
        Column(N_("Member"), lambda r: f"{r.member_code} {r.member_name}".strip(), width=130),
        Column(N_("Debit"), lambda r: r.debit, kind="money0", width=120),
        Column(N_("Credit"), lambda r: r.credit, kind="money0", width=120),
    ]
    if running:
        cols.append(
            Column(N_("Balance (debit − credit)"), lambda r: r.balance, kind="money", width=140)
        )
    return cols


LEDGER_COLUMNS = _ledger_columns(True)

#: 明细账 / 日记账 lines: 上年结转, the entries, 本月合计, 本年累计; balance with 借/贷.
BOOK_COLUMNS: list[Column[BookLine]] = [
    Column(N_("Date"), lambda r: r.date, kind="date", width=92),
    Column(N_("Voucher"), lambda r: r.voucher, width=110),
    Column(N_("摘要 Summary"), lambda r: r.memo, width=220),
    Column(N_("对方科目 Counter account"), lambda r: r.counter, width=160),
    Column(
        N_("Debit"), lambda r: r.debit if r.kind != "opening" else None, kind="money0", width=115
    ),
    Column(
        N_("Credit"), lambda r: r.credit if r.kind != "opening" else None, kind="money0", width=115
    ),
    Column(N_("Dr/Cr"), lambda r: r.direction, width=50),
    Column(N_("Balance"), lambda r: abs(r.balance), kind="money", width=130),
]


class BookModel(PagedTableModel[BookLine]):
    """A book's lines, paged from the ledger; totals and the opening line in bold."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            row = self.row(index.row())
            if row is not None and row.is_total:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return None  # balances show their side in 借/贷, not in red
        return super().data(index, role)


class GeneralBookModel(ListTableModel[BookLine]):
    """The 总账 lines of one account and year; the totals in bold, as on paper."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            row = self.row(index.row())
            if row is not None and row.is_total:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        return super().data(index, role)


JOURNAL_COLUMNS = _ledger_columns(False)

#: The member statement: 借/贷 and the balance on the member's current and payable
#: accounts; an information line (wages) shows no balance.
MEMBER_COLUMNS: list[Column[LedgerRow]] = [
    *JOURNAL_COLUMNS[:4],
    Column(N_("Debit"), lambda r: r.debit, kind="money0", width=120),
    Column(N_("Credit"), lambda r: r.credit, kind="money0", width=120),
    Column(N_("Dr/Cr"), lambda r: "" if r.information else r.side, width=60),
    Column(
        N_("Balance"),
        lambda r: None if r.information else abs(r.balance),
        kind="money",
        width=130,
    ),
    Column(
        N_("Note"),
        lambda r: _("information only, not in the balance") if r.information else "",
        width=200,
    ),
]


class _Tab(QWidget):
    """A tab: a row of controls, a table, a footer."""

    def __init__(self, model: Any, *, sortable: bool | None = None) -> None:
        super().__init__()
        self.controls = QHBoxLayout()
        if sortable is None:
            sortable = isinstance(model, ListTableModel)
        self.table: QTableView = make_table(sortable=sortable)
        self.table.setModel(model)
        size_columns(self.table, [c.width for c in model.columns])
        self.footer = QLabel()
        self.footer.setObjectName("footer")
        layout = QVBoxLayout(self)
        layout.addLayout(self.controls)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.footer)


class BooksView(View):
    """The books, each on its tab; every table exports to Excel."""

    changes = (
        Changes.VOUCHERS
        | Changes.DISTRIBUTION
        | Changes.PAYMENTS
        | Changes.ACCOUNTS
        | Changes.PERIODS
        | Changes.CHECKS
    )

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        year = dt.date.today().year
        self.tabs = QTabWidget()
        self.tabs.setObjectName("booksTabs")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

        # trial balance
        self.tb_model: ListTableModel[TrialBalanceRow] = ListTableModel(TB_COLUMNS, [], self)
        self.tb = _Tab(self.tb_model)
        self.tb_start = DateEdit(dt.date(year, 1, 1))
        self.tb_end = DateEdit(dt.date(year, 12, 31))
        self.tb_empty = QCheckBox(_("Show accounts without postings"))
        self._controls(
            self.tb,
            [(_("From"), self.tb_start), (_("to"), self.tb_end), ("", self.tb_empty)],
            self.show_trial_balance,
            self.tb_model,
            "trial-balance",
        )
        self._print_button(self.tb, "printTrialBalance", self.print_trial_balance)
        self.tabs.addTab(self.tb, _("Trial balance 科目余额表"))

        # general ledger
        self.gl_model = GeneralBookModel(GL_COLUMNS, [], self)
        self.gl = _Tab(self.gl_model, sortable=False)
        self.gl_account = _account_picker("glAccount")
        self.gl_year = QSpinBox()
        self.gl_year.setRange(1900, 9999)
        self.gl_year.setValue(year)
        self._controls(
            self.gl,
            [(_("Account"), self.gl_account), (_("Year"), self.gl_year)],
            self.show_general_ledger,
            self.gl_model,
            "general-ledger",
        )
        self._print_button(self.gl, "printGeneralLedger", self.print_general_ledger)
        self.tabs.addTab(self.gl, _("General ledger 总账"))

        # the books: 明细账, 现金日记账, 银行存款日记账 (paged)
        self.sl_model = BookModel(BOOK_COLUMNS, parent=self)
        self.sl = _Tab(self.sl_model)
        self.sl.table.setObjectName("bookTable")
        self.sl_kind = QComboBox()
        self.sl_kind.setObjectName("bookKind")
        fill_combo(
            self.sl_kind,
            [
                (_("Subsidiary ledger 明细账"), "detail"),
                (_("Cash journal 现金日记账"), "cash"),
                (_("Bank journal 银行存款日记账"), "bank"),
            ],
            keep=False,
        )
        self.sl_kind.currentIndexChanged.connect(self._book_kind_changed)
        self.sl_account = _account_picker("bookAccount")
        self.sl_year = QSpinBox()
        self.sl_year.setRange(1900, 9999)
        self.sl_year.setValue(year)
        self.sl_member = MemberPicker(member_search(ctx))
        self.sl_member.setObjectName("bookMember")
        self.sl_member.setMaximumWidth(160)
        self._controls(
            self.sl,
            [
                ("", self.sl_kind),
                (_("Account"), self.sl_account),
                (_("Year"), self.sl_year),
                (_("Member"), self.sl_member),
            ],
            self.show_subsidiary_ledger,
            self.sl_model,
            "book",
        )
        self._print_button(self.sl, "printBook", self.print_book)
        for picker, show in (
            (self.gl_account, self.show_general_ledger),
            (self.sl_account, self.show_subsidiary_ledger),
        ):
            picker.picked.connect(lambda _code, show=show: show())
            picker.returnPressed.connect(
                lambda picker=picker, show=show: (picker.resolve_text(take_first=True), show())
            )
        self.tabs.addTab(self.sl, _("Books 明细账 / 日记账"))

        # journal (paged)
        self.jn_model: PagedTableModel[LedgerRow] = PagedTableModel(JOURNAL_COLUMNS, parent=self)
        self.jn = _Tab(self.jn_model)
        self.jn_start = DateEdit(dt.date(year, 1, 1))
        self.jn_end = DateEdit(dt.date(year, 12, 31))
        self._controls(
            self.jn,
            [(_("From"), self.jn_start), (_("to"), self.jn_end)],
            self.show_journal,
            self.jn_model,
            "journal",
        )
        self.tabs.addTab(self.jn, _("Journal 序时账"))

        # member statement
        self.ms_model: ListTableModel[LedgerRow] = ListTableModel(MEMBER_COLUMNS, [], self)
        self.ms = _Tab(self.ms_model)
        self.ms_member = MemberPicker(member_search(ctx))
        self.ms_member.setObjectName("statementMember")
        self.ms_member.returnPressed.connect(self.show_member_statement)
        self._controls(
            self.ms,
            [(_("Member"), self.ms_member)],
            self.show_member_statement,
            self.ms_model,
            "member-statement",
        )
        print_ms = button(_("Print…"), "printMemberStatement")
        print_ms.clicked.connect(self.print_member_statement)
        self.ms.controls.insertWidget(self.ms.controls.count() - 1, print_ms)
        self.tabs.addTab(self.ms, _("Member statements 成员往来"))
        self._stale_tabs: set[QWidget] = set()
        self.tabs.currentChanged.connect(lambda i: self._load_tab(self.tabs.widget(i)))

    def _print_button(self, tab: _Tab, name: str, slot: Any) -> None:
        b = button(_("Print…"), name)
        b.clicked.connect(lambda: slot())
        tab.controls.insertWidget(tab.controls.count() - 1, b)

    def _book_kind_changed(self) -> None:
        kind = self.sl_kind.currentData()
        if kind in ("cash", "bank") and self.ctx.org is not None:
            from coopledger.services.accounts import role_account

            self.sl_account.set_code(role_account(self.ctx.org.chart, kind))

    def _controls(
        self,
        tab: _Tab,
        fields: list[tuple[str, QWidget]],
        show: Any,
        model: Any,
        name: str,
    ) -> None:
        for label, widget in fields:
            if label:
                tab.controls.addWidget(QLabel(label))
            tab.controls.addWidget(widget)
        go = button(_("Show"), f"show_{name}")
        go.clicked.connect(show)
        tab.controls.addWidget(go)
        tab.controls.addStretch(1)
        export = button(_("Export to Excel…"), f"export_{name}")
        export.clicked.connect(lambda: export_rows(self.ctx, self, model, name))
        tab.controls.addWidget(export)

    def refresh(self) -> None:
        if not self.ctx.org_id:
            return
        from coopledger.services.views import current_period

        year, _month = current_period(self.ctx.ledger, self.ctx.org_id)
        accounts = accounts_service.list_accounts(self.ctx.ledger, self.ctx.org_id)
        choices = [AccountChoice(a.code, a.name, a.kind, a.is_leaf, a.member_aux) for a in accounts]
        for picker in (self.gl_account, self.sl_account):
            kept = picker.code()
            picker.set_accounts(choices)
            picker.set_code(kept if kept else (choices[0].code if choices else None))
        if self._first_load():
            for start, end in (
                (self.tb_start, self.tb_end),
                (self.jn_start, self.jn_end),
            ):
                start.set_date(dt.date(year, 1, 1))
                end.set_date(dt.date(year, 12, 31))
            self.gl_year.setValue(year)
            self.sl_year.setValue(year)
        # Only the tab in front is read now; the others when they are shown.
        self._stale_tabs = {self.tb, self.gl, self.sl, self.jn}
        self._load_tab(self.tabs.currentWidget())

    def _load_tab(self, tab: QWidget | None) -> None:
        if tab is None or tab not in self._stale_tabs:
            return
        self._stale_tabs.discard(tab)
        if tab is self.tb:
            self.show_trial_balance()
        elif tab is self.jn:
            self.show_journal()
        elif tab is self.sl and self.sl_account.code():
            self.show_subsidiary_ledger()
        elif tab is self.gl and self.gl_account.code():
            self.show_general_ledger()

    def _first_load(self) -> bool:
        first = not getattr(self, "_loaded_once", False)
        self._loaded_once = True
        return first

    def show_trial_balance(self) -> None:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        try:
            start, end = self.tb_start.date_value(), self.tb_end.date_value()
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        empty = self.tb_empty.isChecked()

        def done(rows: list[TrialBalanceRow]) -> None:
            self.tb_model.set_rows(rows)
            t = books.trial_balance_totals(rows)
            ok = t["debit"] == t["credit"] and t["closing_debit"] == t["closing_credit"]
            self.tb.footer.setText(
                _(
                    "Totals — opening {od} / {oc}; period {d} / {c}; closing {cd} / {cc}. {state}"
                ).format(
                    od=fmt.money(t["opening_debit"]),
                    oc=fmt.money(t["opening_credit"]),
                    d=fmt.money(t["debit"]),
                    c=fmt.money(t["credit"]),
                    cd=fmt.money(t["closing_debit"]),
                    cc=fmt.money(t["closing_credit"]),
                    state=_("Debits equal credits.") if ok else _("Debits and credits differ!"),
                )
            )

        self.ctx.runner.run(
            lambda: books.trial_balance(ledger, org, start, end, include_empty=empty),
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def show_general_ledger(self) -> None:
        code = self.gl_account.code()
        if not code:
            return
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.gl_year.value()

        def done(found: list[GeneralBook]) -> None:
            lines = list(found[0].lines) if found else []
            self.gl_model.set_rows(lines)
            last = lines[-1] if lines else None
            self.gl.footer.setText(
                _("{code} {name}: closing {closing} {side}").format(
                    code=found[0].code,
                    name=found[0].name,
                    closing=fmt.money(abs(last.balance)),
                    side=last.direction,
                )
                if found and last is not None
                else ""
            )

        self.ctx.runner.run(
            lambda: ledger_books.general_book(ledger, org, year, code=code),
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def book(self) -> LedgerBook | None:
        """The book the 明细账 tab shows (account, year, member)."""
        code = self.sl_account.code()
        if not code:
            return None
        return ledger_books.ledger_book(
            self.ctx.ledger,
            self.ctx.org_id,
            code,
            self.sl_year.value(),
            member=self.sl_member.member_code() or None,
            kind=self.sl_kind.currentData() or "detail",
        )

    def show_subsidiary_ledger(self) -> None:
        try:
            book = self.book()
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        if book is None:
            return
        self.sl_model.set_source(
            Source(lambda: book.row_count, lambda offset, limit, _s, _d: book.rows(offset, limit))
        )
        self.sl.footer.setText(
            _("{n} entries; opening {opening} {odir}, closing {closing} {cdir}").format(
                n=book.entries,
                opening=fmt.money(abs(book.opening)),
                odir=direction(book.opening),
                closing=fmt.money(abs(book.closing)),
                cdir=direction(book.closing),
            )
        )

    def print_book(self) -> Any:
        code = self.sl_account.code()
        if not code:
            return None
        from coopledger.ui.views.printing import preview_report

        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.sl_year.value()
        kind = self.sl_kind.currentData() or "detail"
        member = self.sl_member.member_code() or None

        def make(out: Any, progress: Any) -> Any:
            return ledger_books.print_book(
                ledger, org, kind, year, out, code=code, member=member, progress=progress
            )

        title = ledger_books.TITLES[kind]
        return preview_report(self.ctx, self, f"{title} {code} {year}", make)

    def print_general_ledger(self) -> Any:
        from coopledger.ui.views.printing import preview_report

        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.gl_year.value()
        code = self.gl_account.code()

        def make(out: Any, progress: Any) -> Any:
            return ledger_books.print_book(ledger, org, "general", year, out, code=code)

        return preview_report(self.ctx, self, f"总账 {year}", make)

    def print_trial_balance(self) -> Any:
        from coopledger.ui.views.printing import preview_report

        ledger, org = self.ctx.ledger, self.ctx.org_id
        try:
            start, end = self.tb_start.date_value(), self.tb_end.date_value()
        except DomainError as exc:
            errors.show_error(self, exc)
            return None

        def make(out: Any, progress: Any) -> Any:
            return ledger_books.print_trial_balance(ledger, org, start, end, out)

        return preview_report(self.ctx, self, f"科目余额表 {start} {end}", make)

    def show_journal(self) -> None:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        try:
            start, end = self.jn_start.date_value(), self.jn_end.date_value()
        except DomainError as exc:
            errors.show_error(self, exc)
            return
        self.jn_model.set_source(
            Source(
                lambda: views.count_journal(ledger, org, start, end),
                lambda offset, limit, _s, _d: books.journal(
                    ledger, org, start, end, offset=offset, limit=limit
                ),
            )
        )
        self.jn.footer.setText(_("{n} lines").format(n=self.jn_model.rowCount()))

    def show_member_statement(self) -> None:
        code = self.ms_member.member_code()
        if not code:
            return
        ledger, org = self.ctx.ledger, self.ctx.org_id

        def done(ms: MemberStatementData) -> None:
            self.ms_model.set_rows(ms.rows)
            balance = ms.closing
            self.ms.footer.setText(
                _("{n} lines; balance {balance} ({side})").format(
                    n=len(ms.rows),
                    balance=fmt.money(abs(balance)),
                    side=_("owed to the member")
                    if balance < 0
                    else (_("owed by the member") if balance else _("settled")),
                )
            )

        self.ctx.runner.run(
            lambda: books.member_statement(ledger, org, code),
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def print_member_statement(self) -> None:
        code = self.ms_member.member_code()
        if not code:
            return
        from coopledger.ui.views.printing import preview_report

        ledger, org = self.ctx.ledger, self.ctx.org_id

        def make(out: Any, progress: Any) -> Any:
            from coopledger.services import printing

            return printing.print_member_statement(ledger, org, code, out)

        preview_report(self.ctx, self, _("Statement of {code}").format(code=code), make)


def _account_picker(name: str) -> AccountPicker:
    """An account to keep a book of: any account (a parent's book sums its sub-accounts),
    found by code, name or pinyin initials (``yhck``) and taken with one Enter."""
    picker = AccountPicker(leaves_only=False)
    picker.setObjectName(name)
    picker.setMinimumWidth(220)
    return picker
