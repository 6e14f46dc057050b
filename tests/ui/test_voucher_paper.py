"""Voucher entry as from paper: dates typed short in the open period, one Enter per cell
(an account picked from its list with one Enter), no stray lines, errors that go as soon as
they are fixed, a question before posting and before dropping what was typed."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from coopledger.services import views
from coopledger.services.views import VoucherFilter, current_period
from coopledger.ui import dialogs
from coopledger.ui.views.voucher_editor import ACCOUNT, CREDIT, DEBIT, MEMO
from coopledger.ui.widgets import AccountPicker
from tests.ui.conftest import type_into


def cell_editor(qtbot, editor) -> QLineEdit:
    qtbot.waitUntil(
        lambda: editor.lines.indexWidget(editor.lines.currentIndex()) is not None, timeout=2000
    )
    widget = editor.lines.indexWidget(editor.lines.currentIndex())
    assert isinstance(widget, QLineEdit)
    return widget


def press_enter(qtbot, widget) -> None:
    """Enter as the keyboard sends it: to the list of matches when it is open."""
    popup = QApplication.activePopupWidget()
    qtbot.keyClick(popup if popup is not None else widget, Qt.Key.Key_Return)


def new_editor(qtbot, window):
    editor = window.show_view("vouchers").new_voucher()
    editor.activateWindow()
    qtbot.waitActive(editor)
    return editor


def test_a_new_voucher_is_dated_in_the_open_period(qtbot, window, lotus) -> None:
    year, month = current_period(lotus, 1)
    editor = new_editor(qtbot, window)
    date = editor.date.date_value()
    assert (date.year, date.month) == (year, month)
    # typed short, the date is in the period's year (and month)
    type_into(qtbot, editor.date, "0120")
    assert editor.date.date_value() == dt.date(year, 1, 20)
    type_into(qtbot, editor.date, "1-20")
    assert editor.date.date_value() == dt.date(year, 1, 20)
    type_into(qtbot, editor.date, "15")
    assert editor.date.date_value() == dt.date(year, month, 15)
    type_into(qtbot, editor.date, "20150120")
    assert editor.date.date_value() == dt.date(2015, 1, 20)
    qtbot.keyClick(editor.date, Qt.Key.Key_Up)  # a day later, as a date field does
    assert editor.date.date_value() == dt.date(2015, 1, 21)
    qtbot.keyClick(editor.date, Qt.Key.Key_Down)
    qtbot.keyClick(editor.date, Qt.Key.Key_Return)  # on to the 摘要, the date tidied
    assert editor.date.text() == "2015-01-20"
    assert editor.focusWidget() is editor.memo
    # a wrong date is shown at once, and goes as soon as it is right
    type_into(qtbot, editor.date, "2015-2-30")
    assert "2015-2-30" in editor.date.toolTip()
    assert "2015-2-30" in editor.problem.text()
    type_into(qtbot, editor.date, "2015-2-28")
    assert editor.date.toolTip() == ""
    assert "2015-2-30" not in editor.problem.text()


def test_one_enter_picks_an_account_and_moves_on(qtbot, window) -> None:
    editor = new_editor(qtbot, window)
    type_into(qtbot, editor.memo, "收到莲藕款")
    qtbot.keyClick(editor.memo, Qt.Key.Key_Return)
    picker = cell_editor(qtbot, editor)
    assert isinstance(picker, AccountPicker)
    type_into(qtbot, picker, "yh")  # several accounts match: the first is highlighted
    popup = QApplication.activePopupWidget()
    assert popup is not None and popup.isVisible()
    qtbot.waitUntil(lambda: popup.currentIndex().data() == "102 银行存款", timeout=2000)
    press_enter(qtbot, picker)
    assert editor.cell(0, ACCOUNT) == "102 银行存款"
    amount = cell_editor(qtbot, editor)
    assert (editor.lines.currentRow(), editor.lines.currentColumn()) == (0, DEBIT)
    assert amount is not picker


def test_enter_adds_a_line_only_at_the_end_of_the_last_one(qtbot, window) -> None:
    editor = new_editor(qtbot, window)
    type_into(qtbot, editor.memo, "收到莲藕款")
    qtbot.keyClick(editor.memo, Qt.Key.Key_Return)
    steps = [("102", DEBIT), ("1600", MEMO), (None, ACCOUNT), ("50101", DEBIT), (None, CREDIT)]
    for text, lands_on in steps:
        widget = cell_editor(qtbot, editor)
        if text is not None:
            type_into(qtbot, widget, text)
        press_enter(qtbot, widget)
        qtbot.waitUntil(lambda c=lands_on: editor.lines.currentColumn() == c, timeout=2000)
    assert editor.lines.rowCount() == 2  # no line added on the way
    credit = cell_editor(qtbot, editor)
    qtbot.keyClick(credit, Qt.Key.Key_Equal)
    press_enter(qtbot, credit)
    # the voucher balances: the end of its last line goes to Post, not to a new line
    qtbot.waitUntil(lambda: editor.focusWidget() is editor.post_button, timeout=2000)
    assert editor.lines.rowCount() == 2
    assert editor.totals_fen() == (160000, 160000)
    # unbalanced, the end of the last line adds one
    editor.set_cell(1, CREDIT, "1000")
    editor.edit_cell(1, CREDIT)
    credit = cell_editor(qtbot, editor)
    press_enter(qtbot, credit)
    qtbot.waitUntil(
        lambda: (editor.lines.currentRow(), editor.lines.currentColumn()) == (2, MEMO),
        timeout=2000,
    )
    assert editor.lines.rowCount() == 3
    assert editor.cell(2, MEMO) == "收到莲藕款"


def test_an_error_goes_as_soon_as_it_is_fixed(qtbot, window) -> None:
    editor = new_editor(qtbot, window)
    type_into(qtbot, editor.memo, "测试")
    editor.set_cell(0, ACCOUNT, "999")
    editor.set_cell(0, DEBIT, "10")
    editor.set_cell(1, ACCOUNT, "101 库存现金")
    editor.set_cell(1, CREDIT, "10")
    assert "999" in editor.problem.text()
    assert editor.lines.item(0, ACCOUNT).toolTip()
    editor.edit_cell(0, ACCOUNT)
    picker = cell_editor(qtbot, editor)
    type_into(qtbot, picker, "102")  # not yet Enter
    assert editor.problem.text() == ""
    assert editor.lines.item(0, ACCOUNT).toolTip() == ""
    assert editor.post_button.isEnabled()
    # an amount too
    press_enter(qtbot, picker)
    amount = cell_editor(qtbot, editor)
    type_into(qtbot, amount, "10.001")
    assert editor.problem.text()
    type_into(qtbot, amount, "10.00")
    assert editor.problem.text() == ""


def test_posting_asks_first_and_says_what_is_posted(qtbot, window, lotus, asked) -> None:
    editor = new_editor(qtbot, window)
    editor.date.set_date(dt.date(2014, 11, 3))
    type_into(qtbot, editor.memo, "销售莲藕")
    editor.set_cell(0, ACCOUNT, "102")
    editor.set_cell(0, DEBIT, "1600")
    editor.set_cell(1, ACCOUNT, "50101")
    editor.set_cell(1, CREDIT, "1600")
    before = views.count_rows(lotus, 1, VoucherFilter(state="posted"))
    assert editor.save_and_post()
    assert len(asked) == 1
    text = str(asked[0]["text"])
    for part in ("2014-11-03", "销售莲藕", "102 银行存款", "1,600.00", "壹仟陆佰元整"):
        assert part in text
    assert views.count_rows(lotus, 1, VoucherFilter(state="posted")) == before + 1
    # the message bar says so, where the eye is
    assert "记字第" in window.message_bar.text()


def test_saying_no_posts_nothing(qtbot, window, lotus, monkeypatch) -> None:
    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: False)
    editor = new_editor(qtbot, window)
    type_into(qtbot, editor.memo, "销售莲藕")
    editor.set_cell(0, ACCOUNT, "102")
    editor.set_cell(0, DEBIT, "1600")
    editor.set_cell(1, ACCOUNT, "50101")
    editor.set_cell(1, CREDIT, "1600")
    count = views.count_rows(lotus, 1, VoucherFilter())
    assert not editor.save_and_post()
    assert editor.isVisible()
    assert views.count_rows(lotus, 1, VoucherFilter()) == count


def test_closing_a_half_entered_voucher_asks(qtbot, window, lotus, monkeypatch) -> None:
    answers: list[str] = []

    def ask(parent, title, text, **kwargs) -> str:
        answers.append(text)
        return reply

    monkeypatch.setattr(dialogs, "ask_unsaved", ask)
    editor = new_editor(qtbot, window)
    reply = dialogs.CANCEL
    editor.reject()  # nothing typed: closes without a question
    assert not editor.isVisible() and not answers

    editor = new_editor(qtbot, window)
    type_into(qtbot, editor.memo, "购买种苗")
    editor.set_cell(0, ACCOUNT, "52102")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert answers and editor.isVisible()  # go on editing
    reply = dialogs.DISCARD
    editor.reject()
    assert not editor.isVisible()

    editor = new_editor(qtbot, window)
    type_into(qtbot, editor.memo, "购买种苗")
    editor.set_cell(0, ACCOUNT, "52102")
    editor.set_cell(0, DEBIT, "300")
    editor.set_cell(1, ACCOUNT, "101")
    editor.set_cell(1, CREDIT, "300")
    count = views.count_rows(lotus, 1, VoucherFilter(state="draft"))
    reply = dialogs.SAVE
    editor.reject()
    assert not editor.isVisible()
    assert views.count_rows(lotus, 1, VoucherFilter(state="draft")) == count + 1
