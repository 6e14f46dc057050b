"""审批与复核: the second person's desk. Requests one person made that another approves
(reversals of a distribution or a payment, a reopened year), and the batches of imported
vouchers a reviewer reviews as a whole. A button the user may not press stays disabled and
says in its tooltip which role presses it (or that someone else must)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_
from coopledger.domain.vocabulary import Permission, RequestState
from coopledger.i18n import _, term
from coopledger.services import approvals, imports
from coopledger.services.approvals import RequestInfo
from coopledger.services.imports import BatchInfo
from coopledger.ui import dialogs, errors
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate
from coopledger.ui.models import Column, ListTableModel
from coopledger.ui.views.base import View, button, status_message
from coopledger.ui.widgets import make_table, size_columns


def request_summary(r: RequestInfo) -> str:
    """What a request is about, in the current language."""
    return _(r.summary).format(**r.summary_params)


def request_message(r: RequestInfo) -> str:
    """One line on what became of a request just made or decided."""
    if r.done:
        text = _("Request #{id}: {what} — done.").format(id=r.id, what=request_summary(r))
        if r.note == approvals.SINGLE_USER_NOTE:
            text += " " + _("(single-user mode: nobody else can approve it)")
        return text
    if r.state == RequestState.PENDING:
        return _(
            "Request #{id} recorded: {what}. A reviewer or supervisor other than you approves"
            " it (审批与复核)."
        ).format(id=r.id, what=request_summary(r))
    return _("Request #{id}: {what} — {state}.").format(
        id=r.id, what=request_summary(r), state=term(RequestState, r.state)
    )


def _when(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else ""


REQUEST_COLUMNS: list[Column[RequestInfo]] = [
    Column(N_("No."), lambda r: r.id, "int", width=50),
    Column(N_("Request"), request_summary, width=220),
    Column(N_("Reason"), lambda r: r.reason, width=220),
    Column(N_("Asked by"), lambda r: r.requested_by, width=90),
    Column(N_("Asked on"), lambda r: _when(r.requested_at), width=120),
    Column(N_("State"), lambda r: term(RequestState, r.state), width=100),
    Column(N_("Decided by"), lambda r: r.decided_by, width=90),
    Column(N_("Note"), lambda r: r.note, width=160),
]

BATCH_COLUMNS: list[Column[BatchInfo]] = [
    Column(N_("No."), lambda b: b.id, "int", width=50),
    Column(N_("Kind"), lambda b: _(b.kind_label), width=100),
    Column(N_("File"), lambda b: b.file_name or "—", width=220),
    Column(N_("Vouchers"), lambda b: b.vouchers, "int", width=70),
    Column(N_("Imported by"), lambda b: b.imported_by, width=90),
    Column(N_("Imported on"), lambda b: _when(b.imported_at), width=120),
    Column(N_("Reviewed by"), lambda b: b.reviewed_by or _("not reviewed"), width=90),
    Column(N_("Reviewed on"), lambda b: _when(b.reviewed_at), width=120),
]


class ApprovalsView(View):
    """Requests waiting for a second person, and import batches waiting for review."""

    changes = Changes.APPROVALS | Changes.VOUCHERS | Changes.PERIODS | Changes.DISTRIBUTION

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.requests: ListTableModel[RequestInfo] = ListTableModel(REQUEST_COLUMNS, parent=self)
        self.batches: ListTableModel[BatchInfo] = ListTableModel(BATCH_COLUMNS, parent=self)
        self.request_table = self._table(self.requests, REQUEST_COLUMNS, "requestTable")
        self.batch_table = self._table(self.batches, BATCH_COLUMNS, "batchTable")

        self.all_requests = QCheckBox(_("Also the decided ones"))
        self.all_requests.setObjectName("allRequests")
        self.all_requests.toggled.connect(lambda _on: self.refresh())
        self.approve_button = button(_("Approve (the act is done now)"), "approveRequest")
        self.approve_button.clicked.connect(lambda: self.approve())
        self.reject_button = button(_("Reject…"), "rejectRequest")
        self.reject_button.clicked.connect(lambda: self.reject())
        self.withdraw_button = button(_("Withdraw"), "withdrawRequest")
        self.withdraw_button.clicked.connect(lambda: self.withdraw())
        self.all_batches = QCheckBox(_("Also the reviewed ones"))
        self.all_batches.setObjectName("allBatches")
        self.all_batches.toggled.connect(lambda _on: self.refresh())
        self.review_button = button(_("Review the batch (复核)…"), "reviewBatch")
        self.review_button.clicked.connect(lambda: self.review())

        requests = QGroupBox(_("Requests a second person approves"))
        lay = QVBoxLayout(requests)
        lay.addWidget(
            QLabel(
                _(
                    "A reversal of a distribution or of a payment, and a reopened year, are asked"
                    " for by one person and approved by a reviewer or supervisor who did not ask;"
                    " approving does it."
                )
            )
        )
        row = QHBoxLayout()
        for w in (self.approve_button, self.reject_button, self.withdraw_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.all_requests)
        lay.addLayout(row)
        lay.addWidget(self.request_table, 1)

        batches = QGroupBox(_("Imported vouchers waiting for review"))
        lay = QVBoxLayout(batches)
        lay.addWidget(
            QLabel(
                _(
                    "Vouchers imported from a file are posted at once; they count as reviewed on"
                    " paper once a reviewer who did not import them reviews the batch."
                )
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.review_button)
        row.addStretch(1)
        row.addWidget(self.all_batches)
        lay.addLayout(row)
        lay.addWidget(self.batch_table, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(requests, 1)
        layout.addWidget(batches, 1)

    def _table(self, model: ListTableModel[Any], columns: list[Any], name: str) -> QTableView:
        table = make_table()
        table.setObjectName(name)
        table.setModel(model)
        table.selectionModel().selectionChanged.connect(lambda *_a: self.update_actions())
        size_columns(table, [c.width for c in columns])
        return table

    def refresh(self) -> None:
        org = self.ctx.org_id
        if not org:
            self.requests.set_rows([])
            self.batches.set_rows([])
        else:
            ledger = self.ctx.ledger
            self.requests.set_rows(
                approvals.list_requests(ledger, org, pending_only=not self.all_requests.isChecked())
            )
            self.batches.set_rows(
                imports.list_batches(ledger, org, unreviewed_only=not self.all_batches.isChecked())
            )
        self.update_actions()

    def selected_request(self) -> RequestInfo | None:
        rows = self.request_table.selectionModel().selectedRows()
        return self.requests.row(rows[0].row()) if rows else None

    def selected_batch(self) -> BatchInfo | None:
        rows = self.batch_table.selectionModel().selectedRows()
        return self.batches.row(rows[0].row()) if rows else None

    def update_actions(self) -> None:
        me = self.ctx.ledger.user
        single = self.ctx.ledger.role is None
        r = self.selected_request()
        pending = r is not None and r.state == RequestState.PENDING
        other = r is not None and (single or r.requested_by != me)
        for b in (self.approve_button, self.reject_button):
            gate(
                b,
                self.ctx,
                Permission.APPROVE_REQUEST,
                (pending, _("Select a request that waits for approval first.")),
                (other, _("You asked for this: another person decides.")),
            )
        gate(
            self.withdraw_button,
            self.ctx,
            None,
            (not self.ctx.ledger.readonly, _("The ledger is open read-only.")),
            (pending, _("Select a request that waits for approval first.")),
            (r is not None and r.requested_by == me, _("Only the person who asked withdraws it.")),
        )
        b = self.selected_batch()
        waiting = b is not None and not b.reviewed
        not_mine = b is not None and (single or b.imported_by != me)
        gate(
            self.review_button,
            self.ctx,
            Permission.REVIEW_IMPORT,
            (waiting, _("Select an import batch that waits for review first.")),
            (not_mine, _("You imported these: another person reviews them.")),
        )

    def _run(self, work: Any, done: Any) -> None:
        self.ctx.runner.run(
            work,
            on_done=done,
            on_error=lambda exc: errors.show_error(self, exc),
        )

    def approve(self) -> None:
        r = self.selected_request()
        if r is None:
            return
        if not dialogs.confirm(
            self,
            _("Approve"),
            _("Approve request #{id} ({what})? It is done at once, in your name.").format(
                id=r.id, what=request_summary(r)
            ),
        ):
            return
        ledger = self.ctx.ledger
        self._run(
            lambda: approvals.approve_request(ledger, r.id),
            lambda res: status_message(self, request_message(res)),
        )

    def reject(self) -> None:
        r = self.selected_request()
        if r is None:
            return
        note = dialogs.ask_text(
            self, _("Reject"), _("Why is request #{id} rejected?").format(id=r.id)
        )
        if not note:
            return
        ledger = self.ctx.ledger
        self._run(
            lambda: approvals.reject_request(ledger, r.id, note),
            lambda res: status_message(self, request_message(res)),
        )

    def withdraw(self) -> None:
        r = self.selected_request()
        if r is None:
            return
        ledger = self.ctx.ledger
        self._run(
            lambda: approvals.withdraw_request(ledger, r.id),
            lambda res: status_message(self, request_message(res)),
        )

    def review(self) -> None:
        b = self.selected_batch()
        if b is None:
            return
        note = dialogs.ask_text(
            self,
            _("Review the batch (复核)"),
            _(
                "Review the {n} vouchers of batch #{id} ({file}) as a whole? Say what was checked"
                " (optional)."
            ).format(n=b.vouchers, id=b.id, file=b.file_name or _(b.kind_label)),
        )
        if note is None:
            return
        ledger = self.ctx.ledger
        self._run(
            lambda: imports.review_batch(ledger, b.id, note),
            lambda res: status_message(
                self,
                _("Import batch #{id} reviewed: its {n} vouchers count as reviewed.").format(
                    id=res.id, n=res.vouchers
                ),
            ),
        )
