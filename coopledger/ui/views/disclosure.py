"""公开 Disclosure: the 村级财务公开表 of a month or a quarter (printed A3 for the notice board
or A4), which periods were published and by whom, and the share certificates (股权证)
issued, with the cash position against its limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_, DomainError
from coopledger.domain.vocabulary import CertificateKind, PeriodKind, Permission
from coopledger.i18n import _, term
from coopledger.services import cash, certificates, disclosure
from coopledger.ui import errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book
from coopledger.ui.forms import FormDialog
from coopledger.ui.models import Column, ListTableModel
from coopledger.ui.views.base import View, button, export_rows, status_message
from coopledger.ui.widgets import DateEdit, fill_combo, make_table, size_columns


def _local(when: dt.datetime) -> str:
    """A time stored in UTC as the user's local time."""
    aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def _state(r: disclosure.PeriodStatus) -> str:
    if r.latest is None:
        return _("Not published")
    if r.unchanged is False:
        return _("Changed since published")
    return _("Published")


PERIOD_COLUMNS: list[Column[disclosure.PeriodStatus]] = [
    Column(N_("Period"), lambda r: r.title, width=120),
    Column(N_("State"), _state, width=130),
    Column(
        N_("Posted on"), lambda r: r.latest.published_on if r.latest else None, "date", width=95
    ),
    Column(
        N_("Reviewed by (民主理财小组)"),
        lambda r: r.latest.reviewed_by if r.latest else "",
        width=190,
    ),
    Column(N_("Recorded by"), lambda r: r.latest.recorded_by if r.latest else "", width=90),
    Column(
        N_("Recorded at"),
        lambda r: _local(r.latest.recorded_at) if r.latest else "",
        width=130,
    ),
    Column(
        N_("Receipts of the period"),
        lambda r: r.latest.receipts_fen if r.latest else None,
        "money",
        width=100,
    ),
    Column(
        N_("Payments of the period"),
        lambda r: r.latest.payments_fen if r.latest else None,
        "money",
        width=100,
    ),
    Column(
        N_("Balance carried on"),
        lambda r: r.latest.closing_fen if r.latest else None,
        "money",
        width=110,
    ),
    Column(N_("Times"), lambda r: len(r.publications), "int", width=50),
]

CERTIFICATE_COLUMNS: list[Column[certificates.CertificateRow]] = [
    Column(N_("Number"), lambda r: r.label, sort="label", width=80),
    Column(N_("Printing"), lambda r: r.print_no, "int", sort="print_no", width=60),
    Column(N_("Kind"), lambda r: term(CertificateKind, r.kind), width=70),
    Column(N_("Member"), lambda r: r.member_code, sort="member_code", width=80),
    Column(N_("Name"), lambda r: r.member_name, sort="member_name", width=110),
    Column(N_("村民小组 Group"), lambda r: r.group, width=100),
    Column(N_("Issued on"), lambda r: r.issued_on, "date", sort="issued_on", width=95),
    Column(N_("Shares"), lambda r: r.total_fen, "money", sort="total_fen", width=110),
    Column(N_("Reason"), lambda r: r.reason, width=120),
    Column(N_("Issued by"), lambda r: r.issued_by, width=80),
]


class DisclosureView(View):
    """Two tabs: the 财务公开表 and its publications; the share certificates."""

    changes = Changes.PUBLISHED | Changes.VOUCHERS | Changes.SETTINGS | Changes.SHARES

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("disclosureTabs")
        layout = QVBoxLayout(self)
        self.cash_label = QLabel()
        self.cash_label.setObjectName("cashPosition")
        self.cash_label.setWordWrap(True)
        layout.addWidget(self.cash_label)
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._disclosure_tab(), _("财务公开 Public finances"))
        self.tabs.addTab(self._certificates_tab(), _("股权证 Share certificates"))

    # -- the 财务公开表 -----------------------------------------------------------------------

    def _disclosure_tab(self) -> QWidget:
        tab = QWidget()
        col = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("periodKind")
        fill_combo(
            self.kind,
            [(term(PeriodKind, k), k.value) for k in (PeriodKind.QUARTER, PeriodKind.MONTH)],
            keep=False,
        )
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(1990, 2100)
        self.year.setValue(dt.date.today().year)
        row.addWidget(QLabel(_("Year")))
        row.addWidget(self.year)
        row.addWidget(QLabel(_("By")))
        row.addWidget(self.kind)
        self.check_button = button(_("Check against the ledger"), "checkPublished")
        self.check_button.clicked.connect(lambda _c=False: self.refresh_periods(check=True))
        row.addWidget(self.check_button)
        row.addStretch(1)
        col.addLayout(row)
        self.periods = ListTableModel(PERIOD_COLUMNS, (), self)
        self.period_table: QTableView = make_table(tab, sortable=False)
        self.period_table.setObjectName("periodTable")
        self.period_table.setModel(self.periods)
        size_columns(self.period_table, [c.width for c in PERIOD_COLUMNS])
        self.period_table.selectionModel().selectionChanged.connect(lambda *_a: self._update())
        self.period_table.doubleClicked.connect(lambda _i: self.print_table("A3"))
        col.addWidget(self.period_table, 1)
        actions = QHBoxLayout()
        self.a3_button = button(_("Print A3 (notice board)…"), "printA3")
        self.a3_button.clicked.connect(lambda _c=False: self.print_table("A3"))
        self.a4_button = button(_("Print A4…"), "printA4")
        self.a4_button.clicked.connect(lambda _c=False: self.print_table("A4"))
        self.publish_button = button(_("Record publication…"), "publish")
        self.publish_button.clicked.connect(lambda _c=False: self.publish())
        for b in (self.a3_button, self.a4_button, self.publish_button):
            actions.addWidget(b)
        actions.addStretch(1)
        col.addLayout(actions)
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh_periods())
        self.year.valueChanged.connect(lambda _v: self.refresh_periods())
        return tab

    def refresh(self) -> None:
        if not self.ctx.org_id:
            return
        if not getattr(self, "_year_set", False):
            from coopledger.services.views import current_period

            self.year.blockSignals(True)
            self.year.setValue(current_period(self.ctx.ledger, self.ctx.org_id)[0])
            self.year.blockSignals(False)
            self._year_set = True
        self.refresh_periods()
        self.refresh_certificates()
        self.refresh_cash()

    def _org_changed(self) -> None:
        self._year_set = False
        super()._org_changed()

    def refresh_periods(self, *, check: bool = False) -> None:
        if not self.ctx.org_id:
            return
        kind = PeriodKind(self.kind.currentData())
        ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.year.value()
        if not check:
            self.periods.set_rows(disclosure.period_statuses(ledger, org, kind, year))
            self._update()
            return
        self.ctx.runner.run(
            lambda: disclosure.period_statuses(ledger, org, kind, year, check=True),
            on_done=lambda rows: (self.periods.set_rows(rows), self._update()),
            on_error=lambda exc: errors.show_error(self, exc),
            title=_("Checking the published periods…"),
        )

    def refresh_cash(self) -> None:
        position = cash.cash_position(self.ctx.ledger, self.ctx.org_id)
        warnings = cash.position_warnings(position)
        limit = fmt.money(position.limit_fen) if position.limit_fen is not None else _("none")
        text = _("On {date}: cash on hand {cash} (limit {limit}), bank {bank}").format(
            date=fmt.date(position.on),
            cash=fmt.money(position.cash_fen),
            limit=limit,
            bank=fmt.money(position.bank_fen),
        )
        if warnings:
            text += "\n" + "\n".join("⚠ " + w.text(_) for w in warnings)
        self.cash_label.setText(text)
        self.cash_label.setStyleSheet("color: #b00000;" if warnings else "")

    def selected_period(self) -> disclosure.PeriodStatus | None:
        rows = self.period_table.selectionModel().selectedRows()
        return self.periods.row(rows[0].row()) if rows else None

    def _update(self) -> None:
        chosen = (self.selected_period() is not None, _("Select a month or a quarter first."))
        gate(self.a3_button, self.ctx, Permission.PRINT, chosen)
        gate(self.a4_button, self.ctx, Permission.PRINT, chosen)
        gate(self.publish_button, self.ctx, Permission.PUBLISH_FINANCES, chosen)

    def select_period(self, period: int) -> None:
        self.period_table.selectRow(period - 1)

    def print_table(self, paper: str) -> Any:
        p = self.selected_period()
        if p is None:
            return None
        from coopledger.ui.views.printing import preview_report

        ledger, org = self.ctx.ledger, self.ctx.org_id
        return preview_report(
            self.ctx,
            self,
            _("财务公开表 {period} ({paper})").format(period=p.title, paper=paper),
            lambda out, _p: disclosure.print_disclosure(
                ledger, org, p.kind, p.year, p.period, out, paper=paper
            ),
        )

    def publish(self) -> PublishDialog | None:
        p = self.selected_period()
        if p is None:
            return None
        dialog = PublishDialog(self.ctx, p, self)
        dialog.open()
        return dialog

    # -- certificates -----------------------------------------------------------------------

    def _certificates_tab(self) -> QWidget:
        tab = QWidget()
        col = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.issue_button = button(_("Issue certificates…"), "issueCertificates")
        self.issue_button.clicked.connect(lambda _c=False: self.issue())
        self.reprint_button = button(_("Reprint…"), "reprintCertificate")
        self.reprint_button.clicked.connect(lambda _c=False: self.reprint())
        self.export_button = button(_("Export to Excel…"), "exportCertificates")
        self.export_button.clicked.connect(
            lambda _c=False: export_rows(self.ctx, self, self.certificates, "certificates")
        )
        for b in (self.issue_button, self.reprint_button, self.export_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        self.certificates = ListTableModel(CERTIFICATE_COLUMNS, (), self)
        self.certificate_table: QTableView = make_table(tab)
        self.certificate_table.setObjectName("certificateTable")
        self.certificate_table.setModel(self.certificates)
        size_columns(self.certificate_table, [c.width for c in CERTIFICATE_COLUMNS])
        self.certificate_table.selectionModel().selectionChanged.connect(
            lambda *_a: self._update_certificates()
        )
        col.addWidget(self.certificate_table, 1)
        self.certificate_count = QLabel()
        col.addWidget(self.certificate_count)
        return tab

    def refresh_certificates(self) -> None:
        rows = certificates.certificate_register(self.ctx.ledger, self.ctx.org_id)
        self.certificates.set_rows(rows)
        households = len({r.member_code for r in rows})
        self.certificate_count.setText(
            _("{n} households hold certificates; {m} printings").format(n=households, m=len(rows))
        )
        self._update_certificates()

    def selected_certificate(self) -> certificates.CertificateRow | None:
        rows = self.certificate_table.selectionModel().selectedRows()
        return self.certificates.row(rows[0].row()) if rows else None

    def _update_certificates(self) -> None:
        book = need_book(self.ctx)
        gate(self.issue_button, self.ctx, Permission.ISSUE_CERTIFICATES, book)
        gate(
            self.reprint_button,
            self.ctx,
            Permission.ISSUE_CERTIFICATES,
            book,
            (self.selected_certificate() is not None, _("Select a certificate first.")),
        )

    def issue(self) -> CertificateDialog:
        dialog = CertificateDialog(self.ctx, None, self)
        dialog.open()
        return dialog

    def reprint(self) -> CertificateDialog | None:
        row = self.selected_certificate()
        if row is None:
            return None
        dialog = CertificateDialog(self.ctx, row, self)
        dialog.open()
        return dialog


class PublishDialog(FormDialog):
    """Record that a period's table was posted on the notice board: the day, and the
    民主理财小组 members who reviewed it."""

    def __init__(
        self, ctx: AppContext, period: disclosure.PeriodStatus, parent: QWidget | None = None
    ):
        super().__init__(ctx, _("Publication of {period}").format(period=period.title), parent)
        self.period = period
        from coopledger.services.settings import get_setting

        end = disclosure.period_span(period.kind, period.year, period.period)[1]
        self.add_field(
            "on",
            _("Posted on the notice board on"),
            DateEdit(max(end, dt.date.today())),
            lambda w: w.date_value(),
        )
        self.add_field(
            "reviewed_by",
            _("Reviewed by (民主理财小组)"),
            QLineEdit(get_setting(ctx.ledger, "finance_reviewers", ctx.org_id)),
            lambda w: w.text().strip(),
        )
        self.add_field("notes", _("Notes"), QLineEdit(), lambda w: w.text().strip())
        self.save_button.setText(_("Record"))
        self.resize(480, 0)
        self.finish()

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        if not values["reviewed_by"]:
            raise DomainError(
                "reviewed_by",
                N_("name the 民主理财小组 members who reviewed the table before it was posted"),
            )
        return values

    def save(self, value: dict[str, Any]) -> int:
        p = self.period
        return disclosure.publish_period(
            self.ctx.ledger,
            self.ctx.org_id,
            p.kind,
            p.year,
            p.period,
            value["on"],
            value["reviewed_by"],
            notes=value["notes"],
        )


class CertificateDialog(FormDialog):
    """Issue certificates (to every household holding shares without one, or to the
    members named), or reprint one with its reason; the PDF is shown when it is ready."""

    def __init__(
        self,
        ctx: AppContext,
        row: certificates.CertificateRow | None,
        parent: QWidget | None = None,
    ) -> None:
        title = (
            _("Reprint certificate {number}").format(number=row.label)
            if row
            else _("Issue certificates")
        )
        super().__init__(ctx, title, parent)
        self.row = row
        self.add_field("on", _("Date"), DateEdit(dt.date.today()), lambda w: w.date_value())
        if row is None:
            self.add_field(
                "members",
                _("Members"),
                QLineEdit(),
                lambda w: [c.strip() for c in w.text().replace("，", ",").split(",") if c.strip()],
                hint=_(
                    "codes separated by commas; empty: every household holding shares without a certificate"
                ),
            )
        else:
            self.add_field(
                "reason",
                _("Reason"),
                QLineEdit(),
                lambda w: w.text().strip(),
                hint=_("lost, damaged, the holding changed …"),
            )
        self.save_button.setText(_("Print"))
        self.resize(480, 0)
        self.finish()

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        if self.row is not None and not values["reason"]:
            raise DomainError("reason", N_("say why the certificate is printed again"))
        return values

    def save(self, value: dict[str, Any]) -> Any:
        from coopledger.ui.views.printing import print_folder

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = print_folder() / f"certificates-{stamp}.pdf"
        ledger, org = self.ctx.ledger, self.ctx.org_id
        if self.row is None:
            certificates.issue_certificates(
                ledger, org, value["on"], out, members=value["members"] or None
            )
        else:
            certificates.reprint_certificate(
                ledger, org, self.row.member_code, value["on"], value["reason"], out
            )
        return out

    def _saved(self, result: Any) -> None:
        super()._saved(result)
        from coopledger.ui.views.printing import PdfPreviewDialog

        parent = self.parentWidget()
        status_message(parent or self, _("Printed to {path}").format(path=result))
        self.preview = PdfPreviewDialog(result, self.windowTitle(), parent)
        self.preview.open()
