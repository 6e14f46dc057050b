"""Members, contracts and share lots the way a user enters them: type into the form, see
the error beside the field, Save only when valid, find the new row in the table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from coopledger.services import views
from coopledger.services.views import ContractFilter, MemberFilter, ShareLotFilter
from tests.ui.conftest import message_boxes, type_into


def test_add_a_member(qtbot, window, lotus) -> None:
    view = window.show_view("members")
    assert view.model.rowCount() == 177
    dialog = view.add_member()
    qtbot.waitExposed(dialog)
    code = dialog.fields["code"].widget
    assert code.text() == "H0177"  # the next free code
    assert not dialog.save_button.isEnabled()  # no name yet
    type_into(qtbot, dialog.fields["name"].widget, "杨春花")
    group = dialog.fields["group"].widget
    assert isinstance(group, QComboBox)
    group.setCurrentText("河边小组")
    # a wrong check digit is shown beside the field, and Save stays off
    type_into(qtbot, dialog.fields["id_number"].widget, "530521196503120014")
    assert "id_number" in dialog.errors_shown()
    assert not dialog.save_button.isEnabled()
    type_into(qtbot, dialog.fields["id_number"].widget, "530521196503120013")
    assert dialog.errors_shown() == {}
    type_into(qtbot, dialog.fields["bank_account"].widget, "6217 8182 9713 0299")
    assert dialog.save_button.isEnabled()
    # 苏子柏 (H0001) already has that ID number: one member, one ID number, as in a book file
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "H0001" in dialog.errors_shown()["id_number"]
    type_into(qtbot, dialog.fields["id_number"].widget, "530521197008010022")
    # a bank card is digits only, the same rule a book file and a roster follow
    type_into(qtbot, dialog.fields["bank_account"].widget, "6228-ABC 12")
    assert "bank_account" in dialog.errors_shown()
    assert not dialog.save_button.isEnabled()
    type_into(qtbot, dialog.fields["bank_account"].widget, "6217 8182 9713 0299")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert view.model.rowCount() == 178
    view.bar.search.setText("杨春花")
    view.bar.fire()
    assert view.model.rowCount() == 1
    row = view.model.row(0)
    assert (row.code, row.group, row.bank_account) == ("H0177", "河边小组", "6217818297130299")


def test_a_duplicate_code_comes_back_beside_the_field(qtbot, window) -> None:
    view = window.show_view("members")
    dialog = view.add_member()
    type_into(qtbot, dialog.fields["code"].widget, "H0001")
    type_into(qtbot, dialog.fields["name"].widget, "重复")
    dialog.submit()
    assert dialog.isVisible()
    assert "H0001" in dialog.errors_shown()["code"]
    assert not message_boxes()


def test_add_a_contract(qtbot, window, lotus) -> None:
    view = window.show_view("contracts")
    assert view.model.rowCount() == 176
    dialog = view.add_contract()
    assert dialog.fields["code"].widget.text() == "L0177"
    type_into(qtbot, dialog.member, "H0003")
    type_into(qtbot, dialog.fields["parcel"].widget, "山邑-177")
    type_into(qtbot, dialog.fields["area_mu"].widget, "1.2.5")
    assert "area_mu" in dialog.errors_shown()
    type_into(qtbot, dialog.fields["area_mu"].widget, "2.5")
    type_into(qtbot, dialog.fields["share_value_per_mu"].widget, "800")
    dialog.fields["start"].widget.set_date(__import__("datetime").date(2015, 7, 1))
    assert dialog.save_button.isEnabled(), dialog.errors_shown()
    # 2.5 mu × 800 × 184/365 days = 1,008.22; land shares 2.5 × 800 = 2,000
    assert "1,008.22" in dialog.fee_label.text()
    assert "2,000.00" in dialog.fee_label.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert views.count_rows(lotus, 1, ContractFilter(search="山邑-177")) == 1
    assert view.model.rowCount() == 177
    lots = views.page_rows(lotus, 1, ShareLotFilter(search="L0177"))
    assert [(x.share_class, x.amount_fen) for x in lots] == [("land", 200000)]


def test_an_overlapping_contract_is_refused_beside_the_parcel(qtbot, window) -> None:
    dialog = window.show_view("contracts").add_contract()
    type_into(qtbot, dialog.member, "H0001")
    type_into(qtbot, dialog.fields["parcel"].widget, "岩子脚-001")
    type_into(qtbot, dialog.fields["area_mu"].widget, "1")
    dialog.submit()
    assert dialog.isVisible()
    assert "L0001" in dialog.errors_shown()["parcel"]


def test_add_a_share_lot_and_transfer_it(qtbot, window, lotus) -> None:
    view = window.show_view("shares")
    dialog = view.add_lot()
    type_into(qtbot, dialog.holder, "H0002")
    type_into(qtbot, dialog.fields["amount"].widget, "10,000.00")
    combo = dialog.fields["class"].widget
    combo.setCurrentIndex(combo.findData("cash"))
    dialog.fields["start"].widget.set_date(__import__("datetime").date(2014, 1, 1))
    assert dialog.save_button.isEnabled(), dialog.errors_shown()
    dialog.submit()
    assert not dialog.isVisible()
    view.bar.search.setText("S0003")
    view.bar.fire()
    assert view.model.rowCount() == 1
    view.select_row(0)
    transfer = view.transfer()
    table = transfer.parts_table
    table.item(0, 1).setText("H0005")
    table.item(0, 2).setText("6000")
    assert "to" in transfer.errors_shown()  # 6,000 of 10,000 assigned
    assert "4,000.00" in transfer.remaining.text()
    table.add_part("S0005", "H0006", "4000")
    assert transfer.save_button.isEnabled(), transfer.errors_shown()
    transfer.submit()
    assert not transfer.isVisible()
    holders = {x.holder_code for x in views.page_rows(lotus, 1, ShareLotFilter(share_class="cash"))}
    assert holders == {"H0002", "H0005", "H0006"}


def test_member_filters(qtbot, window) -> None:
    view = window.show_view("members")
    group = view.bar.filters["group"]
    group.setCurrentIndex(group.findData("河边小组"))
    n = view.model.rowCount()
    assert 0 < n < 177
    assert all(view.model.row(i).group == "河边小组" for i in range(n))
    kind = view.bar.filters["kind"]
    kind.setCurrentIndex(kind.findData("collective"))
    assert view.model.rowCount() == 0
    assert views.count_rows(window.ctx.ledger, 1, MemberFilter(kind="collective")) == 1
