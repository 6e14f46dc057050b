"""成员 Members: the member register (households, the collective, organisations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.records import MemberRecord
from coopledger.domain.vocabulary import MemberKind, Permission
from coopledger.i18n import _, term
from coopledger.services import registers
from coopledger.services.views import MemberFilter, MemberListRow
from coopledger.ui import fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, Source
from coopledger.ui.views.base import TableView, list_source
from coopledger.ui.widgets import DateEdit, fill_combo

MEMBER_COLUMNS: list[Column[MemberListRow]] = [
    Column(N_("Code"), lambda r: r.code, sort="code", width=80),
    Column(N_("Name"), lambda r: r.name, sort="name", width=180),
    Column(N_("Kind"), lambda r: term(MemberKind, r.kind), sort="kind", width=90),
    Column(N_("村民小组 Group"), lambda r: r.group, sort="group", width=110),
    Column(N_("ID number"), lambda r: r.id_number, sort="id_number", width=170),
    Column(N_("Phone"), lambda r: r.phone, sort="phone", width=110),
    Column(N_("Bank card"), lambda r: r.bank_account, width=170),
    Column(
        N_("Status"),
        lambda r: (
            _("Active") if r.active else _("Left {date}").format(date=fmt.date(r.inactive_on))
        ),
        sort="active",
        width=110,
    ),
    Column(N_("Address"), lambda r: r.address),
]


class MembersView(TableView):
    """The member register, paged from the ledger, with search and filters."""

    changes = Changes.MEMBERS
    export_name = "members"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, MEMBER_COLUMNS, _("Search code, name, ID number or phone"), parent)
        self.add_button = self.add_action(_("Add member…"), "addMember", self.add_member)
        self.edit_button = self.add_action(_("Edit…"), "editMember", self.edit_member)
        self.deactivate_button = self.add_action(
            _("Member leaves…"), "deactivateMember", self.deactivate_member
        )
        self.statement_button = self.add_action(
            _("Print statement…"), "memberStatement", self.print_statement
        )
        self.end_actions()
        self.group_filter = self.bar.add_filter("group", _("村民小组"), [(_("All groups"), None)])
        self.bar.add_filter(
            "kind",
            _("Kind"),
            [(_("All kinds"), None)] + [(term(MemberKind, k), k) for k in MemberKind],
        )
        self.bar.add_filter(
            "status", _("Status"), [(_("Active"), True), (_("Left"), False), (_("All"), None)]
        )
        self.bar.finish()

    def make_source(self) -> Source[MemberListRow]:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        f = MemberFilter(
            search=self.bar.text(),
            group=self.bar.value("group"),
            kind=self.bar.value("kind"),
            active=self.bar.value("status"),
        )
        return list_source(ledger, org, f)

    def refresh(self) -> None:
        if self.ctx.org_id:
            groups = registers.group_names(self.ctx.ledger, self.ctx.org_id)
            fill_combo(self.group_filter, [(_("All groups"), None)] + [(g, g) for g in groups])
        super().refresh()

    def update_actions(self) -> None:
        row = self.selected()
        ctx, registers_ = self.ctx, Permission.MANAGE_REGISTERS
        pick = (row is not None, _("Select a member in the list first."))
        gate(self.add_button, ctx, registers_, need_book(ctx))
        gate(self.edit_button, ctx, registers_, pick)
        gate(
            self.deactivate_button,
            ctx,
            registers_,
            pick,
            (row is not None and row.active, _("This member is inactive already.")),
        )
        gate(self.statement_button, ctx, None, pick)

    def activated(self) -> None:
        if self.edit_button.isEnabled():
            self.edit_member()

    def add_member(self) -> MemberDialog:
        dialog = MemberDialog(self.ctx, None, self)
        dialog.open()
        return dialog

    def edit_member(self) -> MemberDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = MemberDialog(self.ctx, row, self)
        dialog.open()
        return dialog

    def deactivate_member(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = LeaveDialog(self.ctx, row, self)
        dialog.open()

    def print_statement(self) -> None:
        row = self.selected()
        if row is None:
            return
        from coopledger.ui.views.printing import preview_report

        ledger, org, code = self.ctx.ledger, self.ctx.org_id, row.code

        def make(out: Any, progress: Any) -> Any:
            from coopledger.services import printing

            return printing.print_member_statement(ledger, org, code, out)

        preview_report(self.ctx, self, _("Statement of {name}").format(name=row.name), make)


def _required(widget: QWidget, field: str) -> str:
    text = widget.text() if isinstance(widget, QLineEdit) else ""
    if not text.strip():
        raise DomainError(field, N_("must not be empty"))
    return text.strip()


class MemberDialog(FormDialog):
    """Add a member, or edit one (the code and kind stay). Every field is read by the
    member's field table (``domain.records.MemberRecord``), the rules a book file and a
    roster go through too."""

    def __init__(self, ctx: AppContext, row: MemberListRow | None, parent: QWidget | None = None):
        super().__init__(ctx, _("Edit member") if row else _("Add member"), parent)
        self.row = row
        code = QLineEdit(row.code if row else registers.next_member_code(ctx.ledger, ctx.org_id))
        code.setReadOnly(row is not None)
        self.add_record_field(MemberRecord, "code", code)
        self.add_record_field(MemberRecord, "name", QLineEdit(row.name if row else ""))
        kind = QComboBox()
        fill_combo(kind, [(term(MemberKind, k), k) for k in MemberKind], keep=False)
        if row:
            kind.setCurrentIndex(max(kind.findData(row.kind), 0))
            kind.setEnabled(False)
        self.add_record_field(MemberRecord, "kind", kind)
        group = QComboBox()
        group.setEditable(True)
        group.addItems(["", *registers.group_names(ctx.ledger, ctx.org_id)])
        group.setCurrentText(row.group if row else "")
        self.add_record_field(MemberRecord, "group", group)
        self.add_record_field(
            MemberRecord,
            "id_number",
            QLineEdit((row.id_number or "") if row else ""),
            hint=_("18 characters; the last one is a check digit (may be X)"),
        )
        self.add_record_field(MemberRecord, "phone", QLineEdit(row.phone if row else ""))
        self.add_record_field(
            MemberRecord, "bank_account", QLineEdit(row.bank_account if row else "")
        )
        self.add_record_field(MemberRecord, "address", QLineEdit(row.address if row else ""))
        notes = QPlainTextEdit(row.notes if row else "")
        notes.setMaximumHeight(60)
        self.add_record_field(MemberRecord, "notes", notes)
        self.finish(width=520)

    def build(self, values: dict[str, Any]) -> MemberRecord:
        return registers.check_member(MemberRecord(**self.record_values(MemberRecord, values)))

    def save(self, value: MemberRecord) -> str:
        if self.row is None:
            registers.add_member(self.ctx.ledger, self.ctx.org_id, value)
        else:
            registers.update_member(self.ctx.ledger, self.ctx.org_id, value)
        return value.code


class LeaveDialog(FormDialog):
    """A member leaves (moved away, household merged): members are never deleted."""

    save_on_close = False

    def __init__(self, ctx: AppContext, row: MemberListRow, parent: QWidget | None = None):
        super().__init__(ctx, _("{name} leaves").format(name=row.name), parent)
        self.row = row
        self.add_field("on", _("Date"), DateEdit(dt.date.today()), lambda w: w.date_value())
        self.add_field(
            "reason",
            _("Reason"),
            QLineEdit(),
            lambda w: _required(w, "reason"),
            hint=_("moved away, household merged, …"),
        )
        self.finish()

    def save(self, value: dict[str, Any]) -> None:
        registers.deactivate_member(
            self.ctx.ledger, self.ctx.org_id, self.row.code, value["on"], value["reason"]
        )
