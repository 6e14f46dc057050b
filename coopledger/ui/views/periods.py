"""Month close (结账), reopening (反结账), year-end close and red reversal: small forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox, QWidget

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.numerals import amount_in_capitals
from coopledger.i18n import _
from coopledger.services import views, vouchers
from coopledger.services.views import VoucherDetail, current_period
from coopledger.ui import fmt
from coopledger.ui.context import AppContext
from coopledger.ui.forms import FormDialog
from coopledger.ui.widgets import DateEdit, fill_combo


class ClosePeriodDialog(FormDialog):
    """Close a month, reopen the latest closed one, or close the year."""

    ask_on_close = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Close or reopen a period"), parent)
        year, month = current_period(ctx.ledger, ctx.org_id)
        action = QComboBox()
        fill_combo(
            action,
            [
                (_("Close the month (结账)"), "close"),
                (_("Reopen the month (反结账)"), "reopen"),
                (_("Close the year (年终结账)"), "close_year"),
            ],
            keep=False,
        )
        self.add_field("action", _("What"), action, lambda w: w.currentData())
        y = QSpinBox()
        y.setRange(1900, 9999)
        y.setValue(year)
        self.add_field("year", _("Year"), y, lambda w: w.value())
        m = QSpinBox()
        m.setRange(1, 12)
        m.setValue(month)
        self.add_field("month", _("Month"), m, lambda w: w.value())
        self.add_field(
            "reason", _("Reason (for reopening)"), QLineEdit(), lambda w: w.text().strip()
        )
        self.save_button.setText(_("Do it"))
        self.finish()

    def build(self, values: dict[str, Any]) -> dict[str, Any]:
        if values["action"] == "reopen" and not values["reason"]:
            raise DomainError("reason", N_("say why the month is reopened"))
        return values

    def submit(self) -> None:
        """Closing a year asks first (the check's findings in the question)."""
        if self.revalidate() and self.value and self.value["action"] == "close_year":
            from coopledger.services import yearend
            from coopledger.ui import dialogs
            from coopledger.ui.views.statements import close_question

            ledger, org, year = self.ctx.ledger, self.ctx.org_id, self.value["year"]

            def checked(check: yearend.YearCheck) -> None:
                if dialogs.confirm(
                    self, _("Close the year"), close_question(check), action=_("Close the year")
                ):
                    super(ClosePeriodDialog, self).submit()

            self.ctx.runner.run(
                lambda: yearend.year_check(ledger, org, year),
                on_done=checked,
                on_error=self._failed,
                title=_("Year-end check…"),
            )
            return
        super().submit()

    def save(self, value: dict[str, Any]) -> object:
        ledger, org = self.ctx.ledger, self.ctx.org_id
        if value["action"] == "close":
            vouchers.close_period(ledger, org, value["year"], value["month"])
        elif value["action"] == "reopen":
            vouchers.reopen_period(ledger, org, value["year"], value["month"], value["reason"])
        else:
            return vouchers.close_year(ledger, org, value["year"])
        return None


class ReverseDialog(FormDialog):
    """红字冲销: post the red mirror of a posted voucher, dated in an open month."""

    ask_on_close = False

    def __init__(
        self,
        ctx: AppContext,
        voucher_id: int,
        label: str,
        date: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, _("Red reversal of {label}").format(label=label), parent)
        self.voucher_id = voucher_id
        self.original = date
        detail = views.voucher_detail(ctx.ledger, ctx.org_id, voucher_id)
        self.what = QLabel(reversal_text(detail))
        self.what.setObjectName("reversalText")
        self.what.setWordWrap(True)
        self.form.addRow(self.what)
        self.add_field(
            "on",
            _("Date of the red voucher"),
            DateEdit(date),
            lambda w: w.date_value(),
            hint=_(
                "The original's date when its month is still open; else a date in an open month."
            ),
        )
        self.save_button.setText(_("Post red voucher"))
        self.finish()

    def save(self, value: dict[str, Any]) -> int:
        return vouchers.reverse_voucher(
            self.ctx.ledger, self.ctx.org_id, self.voucher_id, on=value["on"]
        )


def reversal_text(d: VoucherDetail) -> str:
    """What a red reversal does, said before it is posted."""
    total = sum(ln.debit for ln in d.lines)
    lines = [
        _(
            "A red voucher with every amount of {label} negated is posted: it cancels {label}"
            " in the books, which keep both. This cannot be undone (a red voucher is never"
            " reversed)."
        ).format(label=d.label),
        "",
        _("{label} of {date}: {memo}, {total} ({capitals})").format(
            label=d.label,
            date=d.date.isoformat(),
            memo=d.memo,
            total=fmt.money(total, currency=True),
            capitals=amount_in_capitals(total),
        ),
    ]
    for ln in d.lines[:8]:
        side = _("Dr") if ln.debit else _("Cr")
        who = f"（{ln.member_name}）" if ln.member_name else ""
        amount = fmt.money(ln.debit or ln.credit)
        lines.append(f"    {side}  {ln.account_code} {ln.account_name}{who}  {amount}")
    if len(d.lines) > 8:
        lines.append("    " + _("… and {n} more").format(n=len(d.lines) - 8))
    return "\n".join(lines)
