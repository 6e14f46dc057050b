"""Voucher entry from the keyboard: Enter moves on, the account picker finds 银行存款 by its
pinyin initials, ``=`` balances, 大写 of the total; a balanced voucher posts, an
unbalanced one cannot."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from coopledger.services import views
from coopledger.services.views import VoucherFilter
from coopledger.ui.views.voucher_editor import ACCOUNT, CREDIT, DEBIT, MEMO
from coopledger.ui.widgets import AccountPicker
from tests.ui.conftest import type_into


def cell_editor(qtbot, editor) -> QLineEdit:
    """The editor open in the current cell (after the queued move)."""
    qtbot.waitUntil(
        lambda: editor.lines.indexWidget(editor.lines.currentIndex()) is not None, timeout=2000
    )
    widget = editor.lines.indexWidget(editor.lines.currentIndex())
    assert isinstance(widget, QLineEdit), "no cell editor open"
    return widget


def enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_enter_and_post_a_balanced_voucher(qtbot, window, lotus) -> None:
    view = window.show_view("vouchers")
    before = views.count_rows(lotus, 1, VoucherFilter(state="posted"))
    editor = view.new_voucher()
    editor.activateWindow()
    qtbot.waitActive(editor)
    editor.date.set_date(dt.date(2014, 11, 3))
    type_into(qtbot, editor.memo, "销售莲藕")
    enter(qtbot, editor.memo)

    # line 1: 102 银行存款, found by typing its pinyin initials
    picker = cell_editor(qtbot, editor)
    assert isinstance(picker, AccountPicker)
    assert editor.lines.currentColumn() == ACCOUNT
    type_into(qtbot, picker, "yhck")
    assert picker.matches("yhck") == ["102 银行存款"]
    enter(qtbot, picker)
    assert editor.cell(0, ACCOUNT) == "102 银行存款"
    amount = cell_editor(qtbot, editor)
    assert editor.lines.currentColumn() == DEBIT
    type_into(qtbot, amount, "1600")
    enter(qtbot, amount)
    assert editor.cell(0, DEBIT) == "1,600.00"

    # line 2 starts on its 摘要, copied from the voucher
    memo = cell_editor(qtbot, editor)
    assert (editor.lines.currentRow(), editor.lines.currentColumn()) == (1, MEMO)
    assert memo.text() == "销售莲藕"
    assert "Difference" in editor.totals.text() or "差额" in editor.totals.text()
    assert "1,600.00" in editor.totals.text()
    assert not editor.post_button.isEnabled()
    enter(qtbot, memo)
    picker = cell_editor(qtbot, editor)
    type_into(qtbot, picker, "50101")
    enter(qtbot, picker)
    debit = cell_editor(qtbot, editor)
    enter(qtbot, debit)  # nothing on the debit side: on to the credit
    credit = cell_editor(qtbot, editor)
    assert editor.lines.currentColumn() == CREDIT
    qtbot.keyClick(credit, Qt.Key.Key_Equal)
    assert credit.text() == "1600.00"
    enter(qtbot, credit)
    assert editor.cell(1, CREDIT) == "1,600.00"

    assert editor.totals_fen() == (160000, 160000)
    assert "壹仟陆佰元整" in editor.capitals.text()
    assert editor.problem.text() == ""
    assert editor.post_button.isEnabled()
    qtbot.mouseClick(editor.post_button, Qt.MouseButton.LeftButton)
    assert not editor.isVisible()
    assert views.count_rows(lotus, 1, VoucherFilter(state="posted")) == before + 1
    posted = views.page_rows(lotus, 1, VoucherFilter(search="销售莲藕", month=11, year=2014))
    assert [(v.state, v.total) for v in posted] == [("posted", 160000)]
    assert posted[0].label.startswith("记字第")
    # the list shows it
    view.bar.search.setText("销售莲藕")
    view.bar.fire()
    labels = [view.model.row(i).label for i in range(view.model.rowCount())]
    assert posted[0].label in labels


def test_an_unbalanced_voucher_cannot_be_posted(qtbot, window, lotus) -> None:
    view = window.show_view("vouchers")
    count = views.count_rows(lotus, 1, views.VoucherFilter())
    editor = view.new_voucher()
    editor.date.set_date(dt.date(2014, 11, 4))
    type_into(qtbot, editor.memo, "支付务工工资")
    editor.set_cell(0, ACCOUNT, "52101 经营支出—务工工资")  # the cooperative chart
    editor.set_cell(0, DEBIT, "1600")
    editor.set_cell(1, ACCOUNT, "101 库存现金")
    editor.set_cell(1, CREDIT, "1500")
    assert editor.totals_fen() == (160000, 150000)
    assert "100.00" in editor.totals.text()  # the difference is shown
    assert "100.00" in editor.problem.text()
    assert not editor.post_button.isEnabled()
    assert not editor.save_button.isEnabled()
    assert editor.save_and_post() is False  # Ctrl+Enter does nothing either
    assert editor.isVisible()
    assert views.count_rows(lotus, 1, views.VoucherFilter()) == count
    # '=' offers the 100.00 that is missing on the credit side
    assert editor.balancing_text(1, CREDIT) == "1600.00"
    editor.set_cell(1, CREDIT, editor.balancing_text(1, CREDIT))
    assert editor.post_button.isEnabled()


def test_a_bad_account_is_shown_on_its_line(qtbot, window) -> None:
    editor = window.show_view("vouchers").new_voucher()
    type_into(qtbot, editor.memo, "测试")
    editor.set_cell(0, ACCOUNT, "501 经营收入")  # has sub-accounts
    editor.set_cell(0, DEBIT, "10")
    editor.set_cell(1, ACCOUNT, "101 库存现金")
    editor.set_cell(1, CREDIT, "10")
    assert editor.problem.text().startswith(("Line 1", "第"))
    assert "501" in editor.problem.text()
    assert not editor.save_button.isEnabled()


def test_drafts_are_reviewed_and_posted_from_the_list(qtbot, window, lotus) -> None:
    view = window.show_view("vouchers")
    editor = view.new_voucher()
    editor.date.set_date(dt.date(2014, 11, 5))
    type_into(qtbot, editor.memo, "购买种苗")
    editor.set_cell(0, ACCOUNT, "52102")  # 经营支出—种苗肥料 (cooperative chart)
    editor.set_cell(0, DEBIT, "300")
    editor.set_cell(1, ACCOUNT, "101")
    editor.set_cell(1, CREDIT, "300")
    assert editor.save_draft()
    view.bar.filters["state"].setCurrentIndex(view.bar.filters["state"].findData("draft"))
    assert view.model.rowCount() == 1
    view.select_row(0)
    assert view.post_button.isEnabled()
    view.post()
    assert view.model.rowCount() == 0
    assert views.page_rows(lotus, 1, VoucherFilter(search="购买种苗"))[0].state == "posted"


def test_reverse_print_and_close_a_month(qtbot, window, lotus) -> None:
    view = window.show_view("vouchers")
    view.bar.search.setText("销售莲藕")
    view.bar.fire()
    n = view.model.rowCount()
    assert n >= 1
    view.select_row(0)
    original = view.model.row(0)
    assert view.reverse_button.isEnabled()
    # red reversal, dated in the original's month
    from coopledger.ui.views.periods import ClosePeriodDialog, ReverseDialog

    view.reverse()
    dialog = next(w for w in view.findChildren(ReverseDialog) if w.isVisible())
    dialog.submit()
    assert not dialog.isVisible()
    assert view.model.row(0).reversed_by_id is not None
    view.bar.search.setText("注销")
    view.bar.fire()
    red = [view.model.row(i) for i in range(view.model.rowCount())]
    assert [(r.total, r.reverses_id) for r in red] == [(-original.total, original.id)]
    view.bar.search.setText("销售莲藕")
    view.bar.fire()
    # print the original voucher
    view.select_row(0)
    view.print_voucher()
    from coopledger.ui.views.printing import PdfPreviewDialog

    previews = [w for w in view.findChildren(PdfPreviewDialog) if w.isVisible()]
    assert previews and previews[0].pages == 1
    # close January 2014 (everything in it is posted)
    view.close_month()
    close = next(w for w in view.findChildren(ClosePeriodDialog) if w.isVisible())
    close.fields["year"].widget.setValue(2014)
    close.fields["month"].widget.setValue(1)
    close.submit()
    assert not close.isVisible()
    import pytest

    from coopledger.domain.errors import DomainError
    from coopledger.services.vouchers import close_period

    with pytest.raises(DomainError):
        close_period(lotus, 1, 2014, 1)  # already closed
