"""凭证 Vouchers: the list, and the workflow 制单 → 审核 → 记账, red reversal, month close."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from coopledger.domain.changes import Changes
from coopledger.domain.errors import N_
from coopledger.domain.vocabulary import Permission, VoucherSource, VoucherState
from coopledger.i18n import _, term
from coopledger.services import views as view_queries
from coopledger.services import vouchers
from coopledger.services.views import VoucherFilter, VoucherListRow
from coopledger.ui import dialogs, errors, fmt
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import gate, need_book
from coopledger.ui.models import Column, Source
from coopledger.ui.views.base import TableView, list_source, status_message
from coopledger.ui.views.voucher_editor import VoucherEditor, open_voucher
from coopledger.ui.widgets import fill_combo

VOUCHER_COLUMNS: list[Column[VoucherListRow]] = [
    Column(N_("Date"), lambda r: r.date, kind="date", sort="date", width=95),
    Column(N_("Number"), lambda r: r.label, sort="number", width=130),
    Column(N_("摘要 Summary"), lambda r: r.memo, sort="memo", width=300),
    Column(N_("Amount"), lambda r: r.total, kind="money", sort="total", width=120),
    Column(N_("State"), lambda r: term(VoucherState, r.state), sort="state", width=80),
    Column(N_("Source"), lambda r: term(VoucherSource, r.source), sort="source", width=90),
    Column(N_("Attachments"), lambda r: r.attachments, kind="int", width=70),
    Column(N_("Prepared by"), lambda r: r.prepared_by, sort="prepared_by", width=90),
    Column(N_("Reviewed by"), lambda r: r.reviewed_by, width=90),
    Column(
        N_("Note"),
        lambda r: (
            _("reversed") if r.reversed_by_id else (_("red reversal") if r.reverses_id else "")
        ),
    ),
]


class VouchersView(TableView):
    """Vouchers of the current book, newest month first by default."""

    changes = Changes.VOUCHERS | Changes.DISTRIBUTION | Changes.PAYMENTS | Changes.PERIODS
    export_name = "vouchers"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, VOUCHER_COLUMNS, _("Search the 摘要"), parent, sort="date")
        self.new_button = self.add_action(
            _("New voucher…"), "newVoucher", self.new_voucher, _("Ctrl+N")
        )
        self.open_button = self.add_action(_("Open…"), "openVoucher", self.open_selected)
        self.delete_button = self.add_action(_("Delete draft"), "deleteDraft", self.delete_drafts)
        self.review_button = self.add_action(_("Review 审核"), "review", self.review)
        self.post_button = self.add_action(_("Post 记账"), "postVouchers", self.post)
        self.reverse_button = self.add_action(_("Red reversal…"), "reverse", self.reverse)
        self.print_button = self.add_action(_("Print…"), "printVoucher", self.print_voucher)
        self.close_button = self.add_action(_("Close month…"), "closeMonth", self.close_month)
        self.end_actions()
        self.bar.add_filter(
            "state",
            _("State"),
            [(_("All"), None)] + [(term(VoucherState, s), s) for s in VoucherState],
        )
        self.year_filter = self.bar.add_filter("year", _("Year"), [(_("All years"), None)])
        self.bar.add_filter(
            "month", _("Month"), [(_("All months"), None)] + [(str(m), m) for m in range(1, 13)]
        )
        self.bar.finish()
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.new_voucher)

    def make_source(self) -> Source[VoucherListRow]:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        f = VoucherFilter(
            search=self.bar.text(),
            state=self.bar.value("state"),
            year=self.bar.value("year"),
            month=self.bar.value("month"),
        )
        return list_source(ledger, org, f)

    def refresh(self) -> None:
        if self.ctx.org_id:
            years = [
                y.year for y in view_queries.distribution_years(self.ctx.ledger, self.ctx.org_id)
            ]
            fill_combo(self.year_filter, [(_("All years"), None)] + [(str(y), y) for y in years])
        super().refresh()

    def update_actions(self) -> None:
        rows: list[VoucherListRow] = self.selected_rows()
        states = {r.state for r in rows}
        ctx, book = self.ctx, need_book(self.ctx)
        pick = (bool(rows), _("Select one or more vouchers in the list first."))
        drafts = (states <= {VoucherState.DRAFT}, _("Only drafts (草稿) can be changed."))
        gate(self.new_button, ctx, Permission.PREPARE_VOUCHER, book)
        gate(self.open_button, ctx, None, (len(rows) == 1, _("Select one voucher first.")))
        gate(self.delete_button, ctx, Permission.PREPARE_VOUCHER, pick, drafts)
        gate(self.review_button, ctx, Permission.REVIEW_VOUCHER, pick, drafts)
        gate(
            self.post_button,
            ctx,
            Permission.POST_VOUCHER,
            pick,
            (
                states <= {VoucherState.DRAFT, VoucherState.REVIEWED},
                _("Some of the selected vouchers are posted already."),
            ),
        )
        one = rows[0] if len(rows) == 1 else None
        gate(
            self.reverse_button,
            ctx,
            Permission.REVERSE_VOUCHER,
            (one is not None, _("Select one posted voucher first.")),
            (
                one is not None and one.state == VoucherState.POSTED,
                _("Only a posted voucher is reversed; a draft is edited or deleted."),
            ),
            (
                one is not None and one.reverses_id is None and one.reversed_by_id is None,
                _("This voucher is a red reversal or has been reversed already."),
            ),
            (
                one is not None
                and one.source not in (VoucherSource.DISTRIBUTION, VoucherSource.CLOSING),
                _(
                    "Vouchers of a distribution or a year-end close are reversed with it (收益分配 or 年终结账)."
                ),
            ),
        )
        gate(self.print_button, ctx, Permission.PRINT, pick)
        gate(self.close_button, ctx, Permission.CLOSE_PERIOD, book)

    def activated(self) -> None:
        self.open_selected()

    def new_voucher(self) -> VoucherEditor | None:
        if not self.new_button.isEnabled():
            return None
        editor = VoucherEditor(self.ctx, self)
        editor.open()
        editor.memo.setFocus()
        return editor

    def open_selected(self) -> VoucherEditor | None:
        row = self.selected()
        if row is None:
            return None
        return open_voucher(self.ctx, self, row.id)

    def _batch(self, title: str, work: Any, done_text: str) -> None:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        ids = [r.id for r in self.selected_rows()]

        def task(progress: Any) -> int:
            done = 0
            for vid in ids:
                work(ledger, org, vid)
                done += 1
                if not progress(done, len(ids)):
                    break
            return done

        def done(n: int) -> None:
            status_message(self, done_text.format(n=n))

        self.ctx.runner.run(
            task, on_done=done, on_error=lambda exc: errors.show_error(self, exc), title=title
        )

    def delete_drafts(self) -> None:
        if not dialogs.confirm(
            self, _("Delete draft"), _("Delete the selected drafts?"), action=_("Delete draft")
        ):
            return
        self._batch(_("Deleting drafts…"), vouchers.delete_draft, _("{n} drafts deleted"))

    def review(self) -> None:
        self._batch(_("Reviewing…"), vouchers.review_voucher, _("{n} vouchers reviewed"))

    def post(self) -> None:
        rows: list[VoucherListRow] = self.selected_rows()
        if not rows:
            return
        total = sum(r.total for r in rows)
        listed = [
            f"{r.date.isoformat()}  {r.memo}  {fmt.money(r.total, currency=True)}" for r in rows
        ]
        more = len(listed) - 12
        text = (
            _(
                "Post {n} vouchers, {total} in all? They are numbered in date order within each"
                " month; once posted they cannot be changed or deleted, a mistake is corrected"
                " with a red reversal."
            ).format(n=len(rows), total=fmt.money(total, currency=True))
            + "\n\n"
            + "\n".join(listed[:12] + ([_("… and {n} more").format(n=more)] if more > 0 else []))
        )
        if not dialogs.confirm(
            self, _("Post vouchers"), text, action=_("Post 记账"), details="\n".join(listed)
        ):
            return

        def review_and_post(ledger: Any, org: int, vid: int) -> None:
            if _state_of(ledger, org, vid) == VoucherState.DRAFT:
                vouchers.review_voucher(ledger, org, vid)
            vouchers.post_voucher(ledger, org, vid)

        self._batch(_("Posting…"), review_and_post, _("{n} vouchers posted"))

    def reverse(self) -> None:
        row = self.selected()
        if row is None:
            return
        from coopledger.ui.views.periods import ReverseDialog

        dialog = ReverseDialog(self.ctx, row.id, row.label, row.date, self)
        dialog.saved.connect(
            lambda _vid: status_message(
                self, _("{label} reversed with a red voucher.").format(label=row.label)
            )
        )
        dialog.open()

    def print_voucher(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        from coopledger.ui.views.printing import preview_report

        ledger, org, ids = self.ctx.ledger, self.ctx.org_id, [r.id for r in rows]

        def make(out: Any, progress: Any) -> Any:
            from coopledger.services import printing

            return printing.print_voucher(ledger, org, ids, out)

        title = (
            _("Voucher {label}").format(label=rows[0].label)
            if len(rows) == 1
            else _("{n} vouchers").format(n=len(rows))
        )
        preview_report(self.ctx, self, title, make)

    def close_month(self) -> None:
        from coopledger.ui.views.periods import ClosePeriodDialog

        dialog = ClosePeriodDialog(self.ctx, self)
        dialog.open()


def _state_of(ledger: Any, org: int, vid: int) -> str:
    from coopledger.services.views import voucher_detail

    return voucher_detail(ledger, org, vid).state
