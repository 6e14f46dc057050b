"""The 账簿 view as on paper: an account is picked by its pinyin initials with one Enter
(the ledgers too), the 明细账 and the 总账 show 上年结转 or 期初余额, 本月合计, 本年累计 and
each balance's 借/贷; they print from the view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import make_window, type_into

LOTUS = "山邑村红莲藕种植专业合作社"


def enter(qtbot, widget) -> None:
    popup = QApplication.activePopupWidget()
    qtbot.keyClick(popup if popup is not None else widget, Qt.Key.Key_Return)


def test_a_ledger_account_is_picked_by_pinyin_with_one_enter(qtbot, demo) -> None:
    window = make_window(qtbot, demo, org_name=LOTUS)
    view = window.show_view("books")
    view.tabs.setCurrentWidget(view.sl)
    view.sl_year.setValue(2014)
    type_into(qtbot, view.sl_account, "yhck")
    enter(qtbot, view.sl_account)
    assert view.sl_account.code() == "102"
    assert view.sl_account.text() == "102 银行存款"
    rows = [view.sl_model.row(i) for i in range(view.sl_model.rowCount())]
    assert rows and rows[0].kind == "opening"
    assert {r.memo for r in rows if r.kind != "entry"} >= {"本月合计", "本年累计"}
    # a parent account may have its book (its sub-accounts together)
    type_into(qtbot, view.sl_account, "jysr")  # 经营收入
    enter(qtbot, view.sl_account)
    assert view.sl_account.code() is not None
    assert view.sl_account.text().split(" ", 1)[1].startswith("经营收入")


def test_the_general_ledger_is_kept_as_on_paper(qtbot, demo) -> None:
    window = make_window(qtbot, demo, org_name=LOTUS)
    view = window.show_view("books")
    view.tabs.setCurrentWidget(view.gl)
    view.gl_year.setValue(2014)
    type_into(qtbot, view.gl_account, "102")
    enter(qtbot, view.gl_account)
    rows = [view.gl_model.row(i) for i in range(view.gl_model.rowCount())]
    assert rows[0].memo in ("上年结转", "期初余额")
    assert [r.memo for r in rows[1:3]] == ["本月合计", "本年累计"]
    assert rows[-1].memo == "本年累计"
    direction = view.gl_model.data(view.gl_model.index(len(rows) - 1, 4))
    assert direction in ("借", "贷", "平")
    assert "102" in view.gl.footer.text()
    job = view.print_general_ledger()
    assert job.dialog is not None and job.dialog.pages >= 1
    job.dialog.close()
