"""资产 Fixed assets: the register (固定资产卡片), its import, the monthly depreciation, the
changes of a card, the card and the register on paper, and the check against the ledger."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.assets import AssetRecord
from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.fields import field_by_key
from coopledger.domain.money import rate_to_str
from coopledger.domain.vocabulary import (
    AssetCategory,
    AssetChangeKind,
    AssetSource,
    AssetStatus,
    DepreciationMethod,
    Permission,
)
from coopledger.i18n import _, term
from coopledger.services import accounts as accounts_service
from coopledger.services import assets
from coopledger.services.views import AssetFilter, AssetListRow
from coopledger.ui import dialogs, errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, ListTableModel, Source
from coopledger.ui.views.base import TableView, list_source, status_message
from coopledger.ui.widgets import (
    AccountChoice,
    AccountPicker,
    DateEdit,
    MoneyEdit,
    fill_combo,
    make_table,
    size_columns,
)

ASSET_COLUMNS: list[Column[AssetListRow]] = [
    Column(N_("Code"), lambda r: r.code, sort="code", width=80),
    Column(N_("Name"), lambda r: r.name, sort="name", width=170),
    Column(N_("Category"), lambda r: term(AssetCategory, r.category), sort="category", width=130),
    Column(N_("Location"), lambda r: r.location, sort="location", width=100),
    Column(N_("In service from"), lambda r: r.in_service, "date", sort="in_service", width=95),
    Column(N_("Value"), lambda r: r.value_fen, "money", sort="value", width=105),
    Column(N_("Depreciation"), lambda r: r.accumulated_fen, "money", sort="accumulated", width=100),
    Column(N_("Net value"), lambda r: r.net_fen, "money", width=105),
    Column(N_("Status"), lambda r: term(AssetStatus, r.status), sort="status", width=110),
    Column(N_("Poverty-relief"), lambda r: r.poverty_relief, "bool", width=70),
]


def _choices(ctx: AppContext) -> list[AccountChoice]:
    return [
        AccountChoice(a.code, a.name, a.kind, a.is_leaf, a.member_aux)
        for a in accounts_service.list_accounts(ctx.ledger, ctx.org_id)
    ]


def _month_text(month: tuple[int, int] | None) -> str:
    return f"{month[0]}-{month[1]:02d}" if month else "—"


class AssetsView(TableView):
    """The register, paged from the ledger, with the month's depreciation above it."""

    changes = Changes.ASSETS | Changes.VOUCHERS | Changes.PERIODS | Changes.ACCOUNTS
    export_name = "assets"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, ASSET_COLUMNS, _("Search code, name, location or keeper"), parent)
        self.add_button = self.add_action(_("Add card…"), "addAsset", self.add_asset)
        self.edit_button = self.add_action(_("Edit…"), "editAsset", self.edit_asset)
        self.import_button = self.add_action(
            _("Import register…"), "importAssets", lambda: self.import_register()
        )
        self.change_button = self.add_action(_("Change…"), "changeAsset", self.change_asset)
        self.card_button = self.add_action(_("Print card…"), "printCard", self.print_card)
        self.register_button = self.add_action(
            _("Print register…"), "printRegister", self.print_register
        )
        self.check_button = self.add_action(
            _("Check against the ledger"), "checkAssets", self.check_register
        )
        self.end_actions()
        self.bar.add_filter(
            "category",
            _("Category"),
            [(_("All categories"), None)]
            + [(term(AssetCategory, c), c.value) for c in AssetCategory],
        )
        self.bar.add_filter(
            "status",
            _("Status"),
            [(_("All"), None)] + [(term(AssetStatus, s), s.value) for s in AssetStatus],
        )
        self.bar.finish()
        # the month's depreciation
        row = QHBoxLayout()
        self.depreciation_label = QLabel()
        self.depreciation_label.setObjectName("depreciationState")
        row.addWidget(self.depreciation_label, 1)
        self.run_button = self._button(
            row, _("Run depreciation…"), "runDepreciation", self.run_depreciation
        )
        self.reverse_button = self._button(
            row, _("Reverse the last run…"), "reverseDepreciation", self.reverse_depreciation
        )
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertLayout(1, row)

    def _button(self, row: QHBoxLayout, text: str, name: str, slot: Any) -> Any:
        from coopledger.ui.views.base import button

        b = button(text, name)
        b.clicked.connect(lambda _c=False: slot())
        row.addWidget(b)
        return b

    def make_source(self) -> Source[AssetListRow]:
        f = AssetFilter(
            search=self.bar.text(),
            category=self.bar.value("category"),
            status=self.bar.value("status"),
        )
        return list_source(self.ctx.ledger, self.ctx.org_id, f)

    def refresh(self) -> None:
        super().refresh()
        if not self.ctx.org_id:
            self.depreciation_label.setText("")
            return
        runs = assets.depreciation_runs(self.ctx.ledger, self.ctx.org_id)
        last = next((r for r in runs if r.state == "posted"), None)
        nxt = assets.next_depreciation_month(self.ctx.ledger, self.ctx.org_id)
        if last is None:
            text = _("No depreciation posted yet; next month due: {next}").format(
                next=_month_text(nxt)
            )
        else:
            text = _("Depreciation posted up to {month} ({label}, {total}); next: {next}").format(
                month=f"{last.year}-{last.month:02d}",
                label=last.voucher_label or _("nothing due"),
                total=fmt.money(last.total_fen),
                next=_month_text(nxt),
            )
        self.depreciation_label.setText(text)
        self.next_month = nxt
        self.last_run = last
        self.update_actions()

    def update_actions(self) -> None:
        row = self.selected()
        ctx, book = self.ctx, need_book(self.ctx)
        card = (row is not None, _("Select a card first."))
        gate(self.add_button, ctx, Permission.MANAGE_ASSETS, book)
        gate(self.import_button, ctx, Permission.MANAGE_ASSETS, book)
        gate(self.edit_button, ctx, Permission.MANAGE_ASSETS, book, card)
        gate(
            self.change_button,
            ctx,
            Permission.MANAGE_ASSETS,
            book,
            card,
            (
                row is not None and row.status in (AssetStatus.IN_USE, AssetStatus.LOSS_PENDING),
                _("This card has left the books: nothing more is recorded on it."),
            ),
        )
        gate(self.card_button, ctx, None, card)
        gate(self.register_button, ctx, None, book)
        gate(self.run_button, ctx, Permission.RUN_DEPRECIATION, book)
        gate(
            self.reverse_button,
            ctx,
            Permission.RUN_DEPRECIATION,
            book,
            (
                getattr(self, "last_run", None) is not None,
                _("No month's depreciation has been posted yet."),
            ),
        )

    def activated(self) -> None:
        if self.edit_button.isEnabled():
            self.edit_asset()

    # -- cards ------------------------------------------------------------------------------

    def add_asset(self) -> AssetDialog:
        dialog = AssetDialog(self.ctx, None, self)
        dialog.open()
        return dialog

    def edit_asset(self) -> AssetDialog | None:
        row = self.selected()
        if row is None:
            return None
        card = assets.asset_card(self.ctx.ledger, self.ctx.org_id, row.code)
        dialog = AssetDialog(self.ctx, card.record, self)
        dialog.open()
        return dialog

    def change_asset(self) -> ChangeDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = ChangeDialog(self.ctx, row, self)
        dialog.open()
        return dialog

    def import_register(self, path: Any = None, *, ask: bool = True) -> None:
        """Import the register from .xlsx/.csv: every row checked first, then all or none."""
        if path is None:
            path = dialogs.open_file(self, _("Import register"), _("Spreadsheets (*.xlsx *.csv)"))
            if path is None:
                return
        ledger, org = self.ctx.ledger, self.ctx.org_id

        def checked(report: Any) -> None:
            if report.errors:
                from coopledger.domain.errors import DomainErrors

                errors.show_error(self, DomainErrors(report.errors))
                return
            if ask and not dialogs.confirm(
                self, _("Import"), _("{n} cards are fine. Import them all?").format(n=report.count)
            ):
                return
            self.ctx.runner.run(
                lambda: assets.import_assets(ledger, org, path, commit=True),
                on_done=lambda r: status_message(self, _("{n} cards imported").format(n=r.count)),
                on_error=lambda exc: errors.show_error(self, exc),
                title=_("Importing…"),
            )

        self.ctx.runner.run(
            lambda: assets.import_assets(ledger, org, path),
            on_done=checked,
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Checking the rows…"),
        )

    # -- papers and checks ------------------------------------------------------------------

    def print_card(self) -> Any:
        row = self.selected()
        if row is None:
            return None
        from coopledger.ui.views.printing import preview_report

        ledger, org, code = self.ctx.ledger, self.ctx.org_id, row.code
        return preview_report(
            self.ctx,
            self,
            _("Card {code}").format(code=code),
            lambda out, _p: assets.print_card(ledger, org, code, out),
        )

    def print_register(self, on: dt.date | None = None) -> Any:
        from coopledger.ui.views.printing import preview_report

        ledger, org = self.ctx.ledger, self.ctx.org_id
        when = on or dt.date.today()
        return preview_report(
            self.ctx,
            self,
            _("Fixed-asset register"),
            lambda out, _p: assets.print_register(ledger, org, when, out),
        )

    def check_register(self, on: dt.date | None = None) -> QDialog:
        when = on or dt.date.today()
        rows = assets.reconcile_assets(self.ctx.ledger, self.ctx.org_id, when)
        columns: list[Column[Any]] = [
            Column(N_("Account"), lambda r: r.code, width=70),
            Column(N_("Name"), lambda r: r.name, width=200),
            Column(N_("Register"), lambda r: r.register_fen, "money", width=110),
            Column(N_("Ledger"), lambda r: r.ledger_fen, "money", width=110),
            Column(N_("Difference"), lambda r: r.difference, "money0", width=100),
        ]
        bad = sum(1 for r in rows if r.difference)
        text = (
            _("The register agrees with the ledger on {date}.").format(date=fmt.date(when))
            if not bad
            else _("The register and the ledger disagree on {n} accounts on {date}.").format(
                n=bad, date=fmt.date(when)
            )
        )
        dialog = _TableDialog(_("Register against the ledger"), text, columns, rows, self)
        dialog.open()
        return dialog

    # -- the month's depreciation -----------------------------------------------------------

    def run_depreciation(self) -> DepreciationDialog | None:
        if not self.ctx.org_id:
            return None
        dialog = DepreciationDialog(self.ctx, getattr(self, "next_month", None), self)
        dialog.open()
        return dialog

    def reverse_depreciation(self, reason: str | None = None) -> None:
        last = getattr(self, "last_run", None)
        if last is None:
            return
        if reason is None:
            reason = dialogs.ask_text(
                self,
                _("Reverse depreciation"),
                _("Why is the depreciation of {month} reversed?").format(
                    month=f"{last.year}-{last.month:02d}"
                ),
            )
            if not reason:
                return
        ledger, org = self.ctx.ledger, self.ctx.org_id
        self.ctx.runner.run(
            lambda: assets.reverse_depreciation(ledger, org, last.year, last.month, reason or ""),
            on_done=lambda _r: status_message(self, _("Depreciation reversed")),
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Reverse depreciation"),
        )


class _TableDialog(QDialog):
    """A message above a table of rows, with a Close button."""

    def __init__(
        self,
        title: str,
        text: str,
        columns: list[Column[Any]],
        rows: list[Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("tableDialog")
        layout = QVBoxLayout(self)
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.table: QTableView = make_table(self, sortable=False)
        self.model: ListTableModel[Any] = ListTableModel(columns, rows, self)
        self.table.setModel(self.model)
        size_columns(self.table, [c.width for c in columns])
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(680, 360)


def _int(widget: QWidget) -> int:
    assert isinstance(widget, QSpinBox)
    return widget.value()


class AssetDialog(FormDialog):
    """Add a card, or edit one (its code stays; once depreciation or a change is posted
    only its description may change). Each field is read by the card's field table
    (``domain.assets.AssetRecord``), as the register's spreadsheet is."""

    def __init__(self, ctx: AppContext, record: AssetRecord | None, parent: QWidget | None = None):
        super().__init__(ctx, _("Edit card") if record else _("Add card"), parent)
        self.record = record
        r = record
        code = QLineEdit(r.code if r else "")
        code.setReadOnly(r is not None)
        self.add_record_field(AssetRecord, "code", code)
        self.add_record_field(AssetRecord, "name", QLineEdit(r.name if r else ""))
        category = QComboBox()
        fill_combo(category, [(term(AssetCategory, c), c.value) for c in AssetCategory], keep=False)
        if r:
            category.setCurrentIndex(max(category.findData(r.category.value), 0))
        self.add_record_field(AssetRecord, "category", category)
        source = QComboBox()
        fill_combo(source, [(term(AssetSource, c), c.value) for c in AssetSource], keep=False)
        if r:
            source.setCurrentIndex(max(source.findData(r.source.value), 0))
        self.add_record_field(AssetRecord, "source", source)
        self.add_record_field(
            AssetRecord, "in_service", DateEdit(r.in_service if r else dt.date.today())
        )
        value = MoneyEdit(field="value")
        value.set_fen(r.value_fen if r else None)
        self.add_record_field(AssetRecord, "value", value)
        method = QComboBox()
        fill_combo(
            method,
            [(_("(by category)"), "")]
            + [(term(DepreciationMethod, m), m.value) for m in DepreciationMethod],
            keep=False,
        )
        if r and r.method is not None:
            method.setCurrentIndex(max(method.findData(r.method.value), 0))
        self.add_record_field(AssetRecord, "method", method)
        life = QSpinBox()
        life.setRange(0, 1200)
        life.setSuffix(_(" months"))
        life.setValue(r.life_months if r else 120)
        self.add_field("life_months", _("Useful life (months)"), life, _int)
        self.add_record_field(
            AssetRecord,
            "residual_rate",
            QLineEdit(rate_to_str(r.residual_rate_e4) if r else "0.05"),
            hint=_("0.05 or 5%"),
        )
        choices = _choices(ctx)
        for key, code_now in (
            ("asset_account", r.asset_account if r else ""),
            ("depreciation_account", r.depreciation_account if r else ""),
            ("expense_account", r.expense_account if r else ""),
        ):
            picker = AccountPicker(choices)
            picker.setText(code_now or "")
            picker.resolve_text()
            self.add_field(
                key,
                _(field_by_key(AssetRecord)[key].label),
                picker,
                self._account(key),
                hint=_("empty: the chart's account for the category")
                if key != "expense_account"
                else _("empty: 管理费用"),
            )
        self.add_record_field(AssetRecord, "location", QLineEdit(r.location if r else ""))
        self.add_record_field(AssetRecord, "custodian", QLineEdit(r.custodian if r else ""))
        quantity = QSpinBox()
        quantity.setRange(1, 1_000_000)
        quantity.setValue(r.quantity if r else 1)
        self.add_field("quantity", _("Quantity"), quantity, _int)
        self.add_record_field(AssetRecord, "unit", QLineEdit(r.unit if r else ""))
        work = QSpinBox()
        work.setRange(0, 2_000_000_000)
        work.setValue(r.total_work if r else 0)
        self.add_field("total_work", _("Total work (units)"), work, _int)
        self.add_record_field(AssetRecord, "work_unit", QLineEdit(r.work_unit if r else ""))
        opening = MoneyEdit(field="opening_depreciation")
        opening.set_fen(r.opening_depreciation_fen if r else 0)
        self.add_record_field(
            AssetRecord,
            "opening_depreciation",
            opening,
            hint=_("what was depreciated before the card was entered (already in the ledger)"),
        )
        poverty = QCheckBox(_("扶贫项目资产"))
        poverty.setChecked(bool(r and r.poverty_relief))
        self.add_field(
            "poverty_relief", _("Poverty-relief project asset"), poverty, lambda w: w.isChecked()
        )
        notes = QPlainTextEdit(r.notes if r else "")
        notes.setMaximumHeight(50)
        self.add_record_field(AssetRecord, "notes", notes)
        self.resize(560, 0)
        self.finish()

    @staticmethod
    def _account(key: str) -> Any:
        def parse(widget: QWidget) -> str | None:
            assert isinstance(widget, AccountPicker)
            if not widget.text().strip():
                return None
            return widget.account(key)

        return parse

    def build(self, values: dict[str, Any]) -> AssetRecord:
        return assets.check_asset(AssetRecord(**self.record_values(AssetRecord, values)))

    def save(self, value: AssetRecord) -> str:
        if self.record is None:
            assets.add_asset(self.ctx.ledger, self.ctx.org_id, value)
        else:
            assets.edit_asset(self.ctx.ledger, self.ctx.org_id, value)
        return value.code


class ChangeDialog(FormDialog):
    """A change of a card: an improvement, a transfer, a loss reported, its write-off, a
    disposal; each posts its voucher (the transfer none)."""

    def __init__(self, ctx: AppContext, row: AssetListRow, parent: QWidget | None = None):
        super().__init__(
            ctx, _("Change of {code} {name}").format(code=row.code, name=row.name), parent
        )
        self.row = row
        kinds = (
            [AssetChangeKind.WRITE_OFF]
            if row.status is AssetStatus.LOSS_PENDING
            else [k for k in AssetChangeKind if k is not AssetChangeKind.WRITE_OFF]
        )
        kind = QComboBox()
        fill_combo(kind, [(term(AssetChangeKind, k), k.value) for k in kinds], keep=False)
        self.add_field("kind", _("Change"), kind, lambda w: AssetChangeKind(w.currentData()))
        self.add_field("on", _("Date"), DateEdit(dt.date.today()), lambda w: w.date_value())
        amount = MoneyEdit(field="amount")
        self.add_field(
            "amount",
            _("Amount"),
            amount,
            lambda w: w.fen() if w.text().strip() else 0,
            hint=_("improvement: its cost; disposal: the proceeds; write-off: what was recovered"),
        )
        costs = MoneyEdit(field="costs")
        self.add_field(
            "costs", _("Disposal costs"), costs, lambda w: w.fen() if w.text().strip() else 0
        )
        counter = AccountPicker(_choices(ctx))
        self.add_field(
            "counter",
            _("Paid from / into"),
            counter,
            lambda w: w.account("counter") if w.text().strip() else None,
            hint=_("empty: 银行存款"),
        )
        extra = QSpinBox()
        extra.setRange(0, 600)
        self.add_field("extra_months", _("Months added to its life"), extra, _int)
        self.add_field("location", _("New location"), QLineEdit(), lambda w: w.text().strip())
        self.add_field("custodian", _("New keeper"), QLineEdit(), lambda w: w.text().strip())
        expense = AccountPicker(_choices(ctx))
        self.add_field(
            "expense_account",
            _("New depreciation expense account"),
            expense,
            lambda w: w.account("expense_account") if w.text().strip() else None,
        )
        self.add_field("memo", _("What happened"), QLineEdit(), lambda w: w.text().strip())
        kind.currentIndexChanged.connect(lambda _i: self._show_fields())
        self.resize(520, 0)
        self.finish()
        self._show_fields()

    _WANTS: Final[Mapping[AssetChangeKind, frozenset[str]]] = {
        AssetChangeKind.IMPROVEMENT: frozenset({"amount", "counter", "extra_months", "memo"}),
        AssetChangeKind.TRANSFER: frozenset({"location", "custodian", "expense_account", "memo"}),
        AssetChangeKind.LOSS: frozenset({"memo"}),
        AssetChangeKind.WRITE_OFF: frozenset({"amount", "counter", "memo"}),
        AssetChangeKind.DISPOSAL: frozenset({"amount", "costs", "counter", "memo"}),
    }

    def _kind(self) -> AssetChangeKind:
        combo = self.fields["kind"].widget
        assert isinstance(combo, QComboBox)
        return AssetChangeKind(combo.currentData())

    def _show_fields(self) -> None:
        wanted = self._WANTS[self._kind()] | {"kind", "on"}
        for key, f in self.fields.items():
            self.form.setRowVisible(f.widget.parentWidget(), key in wanted)

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        kind = values["kind"]
        if kind is AssetChangeKind.IMPROVEMENT and values["amount"] <= 0:
            raise DomainError(
                "amount", N_("must be greater than 0 (got {got})"), got=fmt.money(values["amount"])
            )
        if kind is AssetChangeKind.LOSS and not values["memo"]:
            raise DomainError("memo", N_("say what happened to the asset"))
        return values

    def save(self, value: dict[str, Any]) -> Any:
        ledger, org, code = self.ctx.ledger, self.ctx.org_id, self.row.code
        kind, on = value["kind"], value["on"]
        if kind is AssetChangeKind.IMPROVEMENT:
            return assets.improve_asset(
                ledger,
                org,
                code,
                on,
                value["amount"],
                counter=value["counter"],
                extra_months=value["extra_months"],
                memo=value["memo"],
            )
        if kind is AssetChangeKind.TRANSFER:
            return assets.transfer_asset(
                ledger,
                org,
                code,
                on,
                location=value["location"] or None,
                custodian=value["custodian"] or None,
                expense_account=value["expense_account"],
                memo=value["memo"],
            )
        if kind is AssetChangeKind.LOSS:
            return assets.report_loss(ledger, org, code, on, value["memo"])
        if kind is AssetChangeKind.WRITE_OFF:
            return assets.write_off_asset(
                ledger,
                org,
                code,
                on,
                compensation_fen=value["amount"],
                counter=value["counter"],
                memo=value["memo"],
            )
        return assets.dispose_asset(
            ledger,
            org,
            code,
            on,
            proceeds_fen=value["amount"],
            costs_fen=value["costs"],
            counter=value["counter"],
            memo=value["memo"],
        )


class DepreciationDialog(FormDialog):
    """A month's depreciation: the month, the work of the units-of-work cards, a preview of
    every card's charge, then Post (one voucher)."""

    def __init__(
        self, ctx: AppContext, month: tuple[int, int] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, _("Run depreciation"), parent)
        today = dt.date.today()
        year, mon = month or (today.year, today.month)
        self.month_edit = QLineEdit(f"{year}-{mon:02d}")
        self.add_field("month", _("Month"), self.month_edit, self._month, hint="YYYY-MM")
        self.work_edit = QLineEdit()
        self.add_field(
            "work",
            _("Work of units-of-work cards"),
            self.work_edit,
            self._work,
            hint=_("CODE=UNITS, separated by commas: YS-001=30, YS-002=0"),
        )
        self.preview_label = QLabel()
        self.preview_label.setObjectName("previewTotal")
        box = QWidget()
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.preview_label)
        self.table: QTableView = make_table(box, sortable=False)
        self.model: ListTableModel[Any] = ListTableModel(
            [
                Column(N_("Code"), lambda c: c.code, width=80),
                Column(N_("Name"), lambda c: c.name, width=200),
                Column(N_("Work"), lambda c: c.work or "", width=60),
                Column(N_("Depreciation"), lambda c: c.amount_fen, "money", width=110),
            ],
            (),
            self,
        )
        self.table.setModel(self.model)
        size_columns(self.table, [80, 200, 60, 110])
        col.addWidget(self.table)
        self.save_button.setText(_("Post"))
        self.resize(560, 460)
        self.finish(box)

    @staticmethod
    def _month(widget: QWidget) -> tuple[int, int]:
        assert isinstance(widget, QLineEdit)
        text = widget.text().strip()
        parts = text.split("-")
        if len(parts) == 2 and all(p.isdigit() for p in parts) and 1 <= int(parts[1]) <= 12:
            return int(parts[0]), int(parts[1])
        raise DomainError("month", N_('write the month as YYYY-MM (got "{got}")'), got=text)

    @staticmethod
    def _work(widget: QWidget) -> dict[str, int]:
        assert isinstance(widget, QLineEdit)
        out: dict[str, int] = {}
        for item in widget.text().replace("，", ",").split(","):
            if not item.strip():
                continue
            code, sep, units = item.partition("=")
            if not sep or not units.strip().isdigit():
                raise DomainError(
                    "work",
                    N_('write the work as CODE=UNITS, such as YS-001=30 (got "{got}")'),
                    got=item.strip(),
                )
            out[code.strip()] = int(units)
        return out

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        year, month = values["month"]
        preview = assets.preview_depreciation(
            self.ctx.ledger, self.ctx.org_id, year, month, values["work"]
        )
        self.model.set_rows(preview.charges)
        self.preview_label.setText(
            _("{month}: {total} on {n} cards, in one voucher dated {date}").format(
                month=f"{year}-{month:02d}",
                total=fmt.money(preview.total_fen),
                n=len(preview.charges),
                date=fmt.date(preview.voucher.date) if preview.voucher else "—",
            )
        )
        return values

    def save(self, value: dict[str, Any]) -> Any:
        year, month = value["month"]
        return assets.run_depreciation(self.ctx.ledger, self.ctx.org_id, year, month, value["work"])
