"""土地流转 Land contracts: the land transfer contracts, their fees, termination."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.land import ContractInput, contract_fee
from coopledger.domain.records import ContractRecord
from coopledger.domain.shares import land_share_amount
from coopledger.domain.vocabulary import ContractStatus, MemberKind, Permission
from coopledger.i18n import _, term
from coopledger.services import registers, views
from coopledger.services.registers import FeeYear
from coopledger.services.views import ContractFilter, ContractListRow
from coopledger.ui import errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, ListTableModel, Source
from coopledger.ui.screen import fit
from coopledger.ui.views.base import TableView, list_source
from coopledger.ui.widgets import DateEdit, MemberPicker, fill_combo, make_table

CONTRACT_COLUMNS: list[Column[ContractListRow]] = [
    Column(N_("Contract"), lambda r: r.code, sort="code", width=80),
    Column(N_("Household"), lambda r: f"{r.member} {r.member_name}", sort="member", width=150),
    Column(N_("村民小组 Group"), lambda r: r.group, sort="group", width=100),
    Column(N_("Parcel"), lambda r: r.parcel, sort="parcel", width=110),
    Column(N_("Area (mu)"), lambda r: r.area_e4, kind="area", sort="area", width=90),
    Column(N_("Rent per mu"), lambda r: r.rent_per_mu_fen, kind="money", sort="rent", width=100),
    Column(N_("Share value per mu"), lambda r: r.share_value_per_mu_fen, kind="money", width=120),
    Column(N_("Start"), lambda r: r.start, kind="date", sort="start", width=95),
    Column(N_("End"), lambda r: r.effective_end, kind="date", sort="end", width=95),
    Column(N_("Status"), lambda r: term(ContractStatus, r.status), sort="status", width=80),
    Column(N_("Location"), lambda r: r.location),
]


def member_search(ctx: AppContext, kind: str | None = None) -> Any:
    """A picker's search function over the current book's members."""

    def search(text: str) -> list[tuple[str, str, str]]:
        return [
            (m.code, m.name, m.group)
            for m in views.find_members(ctx.ledger, ctx.org_id, text, kind=kind)
        ]

    return search


class ContractsView(TableView):
    """The land transfer contracts."""

    changes = Changes.CONTRACTS | Changes.MEMBERS
    export_name = "contracts"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, CONTRACT_COLUMNS, _("Search contract, parcel or household"), parent)
        self.add_button = self.add_action(_("Add contract…"), "addContract", self.add_contract)
        self.terminate_button = self.add_action(
            _("Terminate…"), "terminateContract", self.terminate_contract
        )
        self.fees_button = self.add_action(_("Fee schedule"), "feeSchedule", self.show_fees)
        self.end_actions()
        self.group_filter = self.bar.add_filter("group", _("村民小组"), [(_("All groups"), None)])
        self.bar.add_filter(
            "status",
            _("Status"),
            [(_("All"), None)] + [(term(ContractStatus, s), s) for s in ContractStatus],
        )
        self.bar.finish()

    def make_source(self) -> Source[ContractListRow]:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        f = ContractFilter(
            search=self.bar.text(), group=self.bar.value("group"), status=self.bar.value("status")
        )
        return list_source(ledger, org, f)

    def refresh(self) -> None:
        if self.ctx.org_id:
            groups = registers.group_names(self.ctx.ledger, self.ctx.org_id)
            fill_combo(self.group_filter, [(_("All groups"), None)] + [(g, g) for g in groups])
        super().refresh()

    def update_actions(self) -> None:
        row = self.selected()
        ctx = self.ctx
        pick = (row is not None, _("Select a contract in the list first."))
        gate(self.add_button, ctx, Permission.MANAGE_REGISTERS, need_book(ctx))
        gate(
            self.terminate_button,
            ctx,
            Permission.MANAGE_REGISTERS,
            pick,
            (
                row is None or row.status == ContractStatus.ACTIVE,
                _("Only a contract in force can be ended early."),
            ),
        )
        gate(self.fees_button, ctx, None, pick)

    def activated(self) -> None:
        self.show_fees()

    def add_contract(self) -> ContractDialog:
        dialog = ContractDialog(self.ctx, self)
        dialog.open()
        return dialog

    def terminate_contract(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = TerminateDialog(self.ctx, row, self)
        dialog.open()

    def show_fees(self) -> None:
        row = self.selected()
        if row is None:
            return
        ledger, org, code = self.ctx.ledger, self.ctx.org_id, row.code
        self.ctx.runner.run(
            lambda: registers.fee_schedule(ledger, org, code),
            on_done=lambda fees: FeeScheduleDialog(row, fees, self).open(),
            on_error=lambda exc: errors.show_error(self, exc),
        )


class ContractDialog(FormDialog):
    """Add a land transfer contract; shows the first year's fee as you type. Every field is
    read by the contract's field table (``domain.records.ContractRecord``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Add land transfer contract"), parent)
        year = dt.date.today().year
        self.add_record_field(
            ContractRecord,
            "code",
            QLineEdit(views.next_code(ctx.ledger, ctx.org_id, "contract", "L")),
        )
        self.member = MemberPicker(member_search(ctx, MemberKind.HOUSEHOLD))
        self.add_field("member", _("Household"), self.member, self._member)
        self.add_record_field(ContractRecord, "parcel", QLineEdit())
        self.add_record_field(ContractRecord, "location", QLineEdit())
        self.add_record_field(ContractRecord, "area_mu", QLineEdit())
        self.add_record_field(
            ContractRecord, "rent_per_mu", QLineEdit("800.00"), label=_("Rent per mu per year")
        )
        self.add_record_field(
            ContractRecord,
            "share_value_per_mu",
            QLineEdit("0.00"),
            label=_("Share value per mu (0: no land shares)"),
        )
        self.add_record_field(ContractRecord, "start", DateEdit(dt.date(year, 1, 1)))
        self.add_record_field(ContractRecord, "end", DateEdit(dt.date(year + 14, 12, 31)))
        notes = QPlainTextEdit()
        notes.setMaximumHeight(60)
        self.add_record_field(ContractRecord, "notes", notes)
        self.fee_label = QLabel()
        self.fee_label.setObjectName("feePreview")
        self.finish(self.fee_label, width=520)

    def _member(self, widget: QWidget) -> str:
        code = self.member.member_code()
        if not code:
            raise DomainError("member", N_("say which household"))
        return code

    def build(self, values: dict[str, Any]) -> ContractRecord:
        form = registers.check_contract(
            ContractRecord(**self.record_values(ContractRecord, values))
        )
        c = ContractInput(
            form.code,
            form.member,
            form.area_e4,
            form.rent_per_mu_fen,
            form.share_value_per_mu_fen,
            form.start,
            form.end,
        )
        year = form.start.year
        self.fee_label.setText(
            _("Fee for {year}: {fee}; land shares: {shares}").format(
                year=year,
                fee=fmt.money(contract_fee(c, year), currency=True),
                shares=fmt.money(land_share_amount(c), currency=True),
            )
        )
        return form

    def save(self, value: ContractRecord) -> int:
        return registers.add_contract(self.ctx.ledger, self.ctx.org_id, value)


class TerminateDialog(FormDialog):
    """End a contract early (its last day; that year's fee is pro-rated)."""

    save_on_close = False

    def __init__(self, ctx: AppContext, row: ContractListRow, parent: QWidget | None = None):
        super().__init__(ctx, _("Terminate contract {code}").format(code=row.code), parent)
        self.row = row
        last = min(max(dt.date.today(), row.start), row.effective_end)
        self.add_field("date", _("Last day"), DateEdit(last), lambda w: w.date_value())
        self.add_field("reason", _("Reason"), QLineEdit())
        self.finish()

    def save(self, value: dict[str, Any]) -> None:
        registers.terminate_contract(
            self.ctx.ledger, self.ctx.org_id, self.row.code, value["date"], value["reason"].strip()
        )


FEE_COLUMNS: list[Column[FeeYear]] = [
    Column(N_("Year"), lambda r: r.year, kind="int"),
    Column(N_("Days under contract"), lambda r: r.active_days, kind="int"),
    Column(N_("Days in year"), lambda r: r.days_in_year, kind="int"),
    Column(N_("Fee"), lambda r: r.fee_fen, kind="money"),
]


class FeeScheduleDialog(QDialog):
    """A contract's fee for each year it runs."""

    def __init__(self, row: ContractListRow, fees: list[FeeYear], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Fee schedule of {code}").format(code=row.code))
        self.model = ListTableModel(FEE_COLUMNS, fees, self)
        table = make_table(self, sortable=False)
        table.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _("{member} {name}, parcel {parcel}, {area} mu").format(
                    member=row.member,
                    name=row.member_name,
                    parcel=row.parcel,
                    area=fmt.area(row.area_e4),
                )
            )
        )
        layout.addWidget(table)
        total = sum(f.fee_fen for f in fees)
        layout.addWidget(
            QLabel(_("Total over the term: {total}").format(total=fmt.money(total, currency=True)))
        )
        fit(self, 480, 420)
