"""资产 and 公开 the way a user works them: a card typed into its form (a bad value shown
beside the field), the month's depreciation previewed and posted from its dialog (and
refused the second time, beside the month), a disposal, the register checked against the
ledger; the 财务公开表 printed and its publication recorded and listed with who recorded
it; a certificate issued; the cash limit warned of in the status bar."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from coopledger.services import assets
from coopledger.services.settings import set_setting
from tests.ui.conftest import make_window, message_boxes, type_into

VILLAGE = "山邑村股份经济合作社"


def _window(qtbot, demo):  # type: ignore[no-untyped-def]
    return make_window(qtbot, demo, org_name=VILLAGE)


def test_a_card_from_its_form_then_a_month_of_depreciation(qtbot, demo) -> None:
    window = _window(qtbot, demo)
    org = window.ctx.org_id
    view = window.show_view("assets")
    assert view.model.rowCount() == 0
    assert "—" in view.depreciation_label.text()  # nothing depreciates yet
    dialog = view.add_asset()
    qtbot.waitExposed(dialog)
    type_into(qtbot, dialog.fields["code"].widget, "KY-001")
    type_into(qtbot, dialog.fields["name"].widget, "1号烤烟房")
    dialog.fields["in_service"].widget.set_date(dt.date(2013, 12, 20))
    type_into(qtbot, dialog.fields["value"].widget, "-12000")
    assert "value" in dialog.errors_shown()
    assert not dialog.save_button.isEnabled()
    type_into(qtbot, dialog.fields["value"].widget, "12000")
    dialog.fields["life_months"].widget.setValue(0)
    assert "life_months" in dialog.errors_shown() or not dialog.save_button.isEnabled()
    dialog.fields["life_months"].widget.setValue(240)
    type_into(qtbot, dialog.fields["residual_rate"].widget, "4%")
    type_into(qtbot, dialog.fields["expense_account"].widget, "51301")
    dialog.fields["expense_account"].widget.resolve_text()
    # 151 has a sub-account (烤烟房) in this book: the card names it
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "asset_account" in dialog.errors_shown()
    type_into(qtbot, dialog.fields["asset_account"].widget, "15101")
    dialog.fields["asset_account"].widget.resolve_text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.errors_shown()
    assert view.model.rowCount() == 1
    assert "2014-01" in view.depreciation_label.text()
    run = view.run_depreciation()
    assert run is not None
    qtbot.waitExposed(run)
    assert run.model.rowCount() == 1 and run.model.row(0).amount_fen == 48_00
    assert "48.00" in run.preview_label.text()
    qtbot.mouseClick(run.save_button, Qt.MouseButton.LeftButton)
    assert not run.isVisible()
    assert (
        "2014-01" in view.depreciation_label.text() and "2014-02" in view.depreciation_label.text()
    )
    again = view.run_depreciation()
    assert again is not None
    type_into(qtbot, again.month_edit, "2014-01")
    assert (
        "already posted" in again.errors_shown()["month"]
        or "已经计提" in again.errors_shown()["month"]
    )
    assert not again.save_button.isEnabled()
    again.close()
    assert view.model.row(0).accumulated_fen == 48_00
    # the register against the ledger: the card and 152 agree, the stakes have no cards
    check = view.check_register(dt.date(2014, 1, 31))
    rows = {r.code: r for r in check.model.rows}
    assert rows["152"].difference == 0 and rows["14101"].difference == 180_000_00
    check.close()
    # a disposal from the change dialog
    view.select_row(0)
    change = view.change_asset()
    assert change is not None
    combo = change.fields["kind"].widget
    combo.setCurrentIndex(combo.findData("disposal"))
    change.fields["on"].widget.set_date(dt.date(2014, 1, 31))
    type_into(qtbot, change.fields["amount"].widget, "12500")
    qtbot.mouseClick(change.save_button, Qt.MouseButton.LeftButton)
    assert not change.isVisible(), change.errors_shown()
    card = assets.asset_card(demo, org, "KY-001")
    assert card.status.value == "disposed" and card.changes[0].result_fen == 548_00
    assert not message_boxes(), [b.text() for b in message_boxes()]


def test_publication_and_certificates_from_the_window(qtbot, demo) -> None:
    window = _window(qtbot, demo)
    view = window.show_view("disclosure")
    view.year.setValue(2014)
    assert view.periods.rowCount() == 4  # by quarter
    view.select_period(4)
    job = view.print_table("A4")
    assert job is not None and job.dialog is not None and job.dialog.pages >= 1
    job.dialog.close()
    dialog = view.publish()
    assert dialog is not None
    type_into(qtbot, dialog.fields["reviewed_by"].widget, "杨文华、李德兴")
    dialog.fields["on"].widget.set_date(dt.date(2015, 1, 6))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.errors_shown()
    q4 = view.periods.row(3)
    assert q4.latest is not None
    assert (q4.latest.reviewed_by, q4.latest.recorded_by) == ("杨文华、李德兴", "accountant")
    view.tabs.setCurrentIndex(1)
    issue = view.issue()
    type_into(qtbot, issue.fields["members"].widget, "H0001")
    qtbot.mouseClick(issue.save_button, Qt.MouseButton.LeftButton)
    assert not issue.isVisible(), issue.errors_shown()
    issue.preview.close()
    assert view.certificates.rowCount() == 1
    assert view.certificates.row(0).member_code == "H0001"
    assert not message_boxes()


def test_the_status_bar_warns_when_cash_is_above_its_limit(qtbot, demo) -> None:
    window = _window(qtbot, demo)
    assert window.cash_label.text() == ""
    set_setting(demo, "cash_limit", "5000", window.ctx.org_id)
    qtbot.waitUntil(lambda: "5000.00" in window.cash_label.text(), timeout=3000)
    assert "6400.00" in window.cash_label.text()


def test_a_voucher_that_overdraws_cash_is_saved_with_a_warning(qtbot, demo) -> None:
    from coopledger.ui.views.voucher_editor import ACCOUNT, CREDIT, DEBIT

    window = _window(qtbot, demo)
    view = window.show_view("vouchers")
    editor = view.new_voucher()
    editor.date.set_date(dt.date(2014, 12, 31))
    type_into(qtbot, editor.memo, "支付维修费")
    editor.set_cell(0, ACCOUNT, "51301 管理费用—办公")
    editor.set_cell(0, DEBIT, "7000")
    editor.set_cell(1, ACCOUNT, "101 库存现金")
    editor.set_cell(1, CREDIT, "7000")
    assert editor.save_draft()
    assert not editor.isVisible()
    shown = window.statusBar().currentMessage()
    assert "-600.00" in shown and "库存现金" in shown
