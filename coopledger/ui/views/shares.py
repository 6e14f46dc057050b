"""股本 Share register: share lots (land lots follow from the contracts), new lots, transfers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.money import parse_money
from coopledger.domain.records import ShareLotRecord
from coopledger.domain.vocabulary import Permission, ShareClass, TransferKind
from coopledger.i18n import _, term
from coopledger.services import registers, views
from coopledger.services.views import ShareLotFilter, ShareLotListRow
from coopledger.ui import fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, Source
from coopledger.ui.views.base import TableView, list_source
from coopledger.ui.views.contracts import member_search
from coopledger.ui.widgets import DateEdit, MemberPicker, fill_combo

SHARE_COLUMNS: list[Column[ShareLotListRow]] = [
    Column(N_("Lot"), lambda r: r.code, sort="code", width=80),
    Column(N_("Holder"), lambda r: f"{r.holder_code} {r.holder_name}", sort="holder", width=200),
    Column(N_("村民小组 Group"), lambda r: r.group, sort="group", width=100),
    Column(
        N_("Class"),
        lambda r: term(ShareClass, r.share_class),
        sort="class",
        width=110,
    ),
    Column(N_("Amount"), lambda r: r.amount_fen, kind="money", sort="amount", width=120),
    Column(N_("Start"), lambda r: r.start, kind="date", sort="start", width=95),
    Column(N_("End"), lambda r: r.end, kind="date", sort="end", width=95),
    Column(
        N_("Transfer"),
        lambda r: (
            (term(TransferKind, r.transfer_kind) + f" ← {r.from_code}") if r.transfer_kind else ""
        ),
        width=140,
    ),
    Column(N_("Lender"), lambda r: r.lender_code),
]


class SharesView(TableView):
    """The share register: every lot, land lots included."""

    changes = Changes.SHARES | Changes.CONTRACTS | Changes.MEMBERS
    export_name = "share-register"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, SHARE_COLUMNS, _("Search lot, holder code or name"), parent)
        self.add_button = self.add_action(_("Add share lot…"), "addShareLot", self.add_lot)
        self.transfer_button = self.add_action(_("Transfer…"), "transferShares", self.transfer)
        self.end_actions()
        self.bar.add_filter(
            "class",
            _("Class"),
            [(_("All classes"), None)] + [(term(ShareClass, c), c) for c in ShareClass],
        )
        self.group_filter = self.bar.add_filter("group", _("村民小组"), [(_("All groups"), None)])
        self.bar.add_filter("on", _("In force"), [(_("Any time"), None), (_("Today"), "today")])
        self.bar.finish()

    def make_source(self) -> Source[ShareLotListRow]:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        f = ShareLotFilter(
            search=self.bar.text(),
            share_class=self.bar.value("class"),
            group=self.bar.value("group"),
            on=dt.date.today() if self.bar.value("on") == "today" else None,
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
        gate(self.add_button, ctx, Permission.MANAGE_REGISTERS, need_book(ctx))
        gate(
            self.transfer_button,
            ctx,
            Permission.MANAGE_REGISTERS,
            (row is not None, _("Select a share lot in the list first.")),
            (
                row is None or row.share_class != ShareClass.LAND,
                _("Land shares follow their contract: renew or end the contract instead."),
            ),
        )

    def add_lot(self) -> ShareLotDialog:
        dialog = ShareLotDialog(self.ctx, self)
        dialog.open()
        return dialog

    def transfer(self) -> TransferDialog | None:
        row = self.selected()
        if row is None or row.share_class == ShareClass.LAND:
            return None
        dialog = TransferDialog(self.ctx, row, self)
        dialog.open()
        return dialog


def _not_empty(field: str) -> Any:
    def parse(w: QLineEdit) -> str:
        if not w.text().strip():
            raise DomainError(field, N_("must not be empty"))
        return w.text().strip()

    return parse


class ShareLotDialog(FormDialog):
    """Add a share lot (self-raised funds, project funds, red fund, cash, other); every
    field is read by the share lot's field table (``domain.records.ShareLotRecord``)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Add share lot"), parent)
        self.add_record_field(
            ShareLotRecord,
            "code",
            QLineEdit(views.next_code(ctx.ledger, ctx.org_id, "share_lot", "S")),
        )
        self.holder = MemberPicker(member_search(ctx))
        self.add_field(
            "holder", _("Holder"), self.holder, lambda _w: self._code(self.holder, "holder")
        )
        cls = QComboBox()
        fill_combo(cls, [(term(ShareClass, c), c) for c in ShareClass.stored()], keep=False)
        self.add_record_field(ShareLotRecord, "class", cls)
        self.add_record_field(ShareLotRecord, "amount", QLineEdit())
        self.add_record_field(ShareLotRecord, "start", DateEdit(dt.date.today()))
        self.has_end = QCheckBox(_("Has an end date (maturity, redemption)"))
        self.add_field("has_end", "", self.has_end, lambda w: w.isChecked())
        self.end = DateEdit(dt.date.today().replace(month=12, day=31))
        self.add_record_field(ShareLotRecord, "end", self.end)
        self.lender = MemberPicker(member_search(ctx))
        self.add_field(
            "lender",
            _("Lender (red fund)"),
            self.lender,
            lambda _w: self.lender.member_code() or None,
        )
        self.add_record_field(ShareLotRecord, "notes", QLineEdit())
        self.has_end.toggled.connect(self.end.setEnabled)
        self.end.setEnabled(False)
        self.finish(width=480)

    @staticmethod
    def _code(picker: MemberPicker, field: str) -> str:
        code = picker.member_code()
        if not code:
            raise DomainError(field, N_("say which member"))
        return code

    def build(self, values: dict[str, Any]) -> ShareLotRecord:
        fields = self.record_values(ShareLotRecord, values)
        if not values["has_end"]:
            fields["end"] = None
        return registers.check_share_lot(ShareLotRecord(**fields))

    def save(self, value: ShareLotRecord) -> int:
        return registers.add_share_lot(self.ctx.ledger, self.ctx.org_id, value)


class PartsTable(QTableWidget):
    """Who receives a transferred lot: new lot code, holder code, amount."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([_("New lot code"), _("Receiving member"), _("Amount")])
        self.horizontalHeader().setStretchLastSection(True)
        self.setMinimumHeight(120)

    def add_part(self, code: str = "", holder: str = "", amount: str = "") -> None:
        r = self.rowCount()
        self.insertRow(r)
        for c, text in enumerate((code, holder, amount)):
            self.setItem(r, c, QTableWidgetItem(text))

    def parts(self) -> list[tuple[str, str, int]]:
        out = []
        for r in range(self.rowCount()):
            cells = [(self.item(r, c).text().strip() if self.item(r, c) else "") for c in range(3)]
            if not any(cells):
                continue
            code, holder, amount = cells
            if not code:
                raise DomainError(f"to[{r}].code", N_("must not be empty"))
            if not holder:
                raise DomainError(f"to[{r}].holder", N_("say which member"))
            out.append((code, holder, parse_money(amount, f"to[{r}].amount", allow_zero=False)))
        if not out:
            raise DomainError("to", N_("say who receives the shares"))
        return out


class TransferDialog(FormDialog):
    """Transfer a lot (inheritance, gift, household split): the parts add up to the lot."""

    save_on_close = False

    def __init__(self, ctx: AppContext, row: ShareLotListRow, parent: QWidget | None = None):
        super().__init__(ctx, _("Transfer share lot {code}").format(code=row.code), parent)
        self.row = row
        self.form.addRow(
            _("Lot"),
            QLabel(
                f"{row.code}  {row.holder_code} {row.holder_name}  "
                f"{term(ShareClass, row.share_class)}  {fmt.money(row.amount_fen, currency=True)}"
            ),
        )
        self.add_field(
            "date", _("Transfer date"), DateEdit(dt.date.today()), lambda w: w.date_value()
        )
        kind = QComboBox()
        fill_combo(
            kind,
            [(term(TransferKind, k), k) for k in TransferKind],
            keep=False,
        )
        self.add_field("kind", _("Kind"), kind, lambda w: w.currentData())
        self.parts_table = PartsTable()
        first = views.next_code(ctx.ledger, ctx.org_id, "share_lot", "S")
        self.parts_table.add_part(first, "", fmt.money(row.amount_fen).replace(",", ""))
        self.add_field("to", _("Received by"), self.parts_table, lambda w: w.parts())
        self.parts_table.itemChanged.connect(lambda _i: self._parts_edited())
        more = QPushButton(_("Add a receiver"))
        more.clicked.connect(lambda: self.parts_table.add_part())
        self.remaining = QLabel()
        self.remaining.setObjectName("remaining")
        extra = QWidget()
        row_layout = QHBoxLayout(extra)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(more)
        row_layout.addWidget(self.remaining, 1)
        self.finish(extra, width=560)

    def _parts_edited(self) -> None:
        self.fields["to"].touched = True
        self.revalidate()

    def key_for(self, path: str) -> str | None:
        if path.startswith("to") or path == "amount":
            return "to"
        return super().key_for(path)

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        total = sum(p[2] for p in values["to"])
        left = self.row.amount_fen - total
        self.remaining.setText(
            _("Still to assign: {left}").format(left=fmt.money(left, currency=True)) if left else ""
        )
        if left:
            raise DomainError(
                "amount",
                N_("the parts add up to {got}, but the lot holds {want}"),
                got=fmt.money(total),
                want=fmt.money(self.row.amount_fen),
            )
        return values

    def save(self, value: dict[str, Any]) -> list[int]:
        return registers.transfer_shares(
            self.ctx.ledger,
            self.ctx.org_id,
            self.row.code,
            value["date"],
            value["kind"],
            value["to"],
        )
