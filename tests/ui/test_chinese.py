"""All Chinese: Qt's own dialogs and buttons, the audit trail's acts, the role names, and
who is working (the logged-in user's full name, or 单机模式), in the window and on paper."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from coopledger.services import printing, users, views
from coopledger.services.ledger import open_ledger
from coopledger.services.views import VoucherFilter
from coopledger.ui.app import install_translators
from tests.ui.conftest import make_window

ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def test_qt_own_dialogs_and_buttons_are_chinese(qtbot) -> None:
    app = QApplication.instance()
    installed = install_translators(app, "zh_CN")
    try:
        assert installed
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
        # a second call replaces the first (the log-in installs them, then the window)
        again = install_translators(app, "zh_CN")
        assert len(again) == 1
        installed = again
    finally:
        for t in installed:
            app.removeTranslator(t)


def test_single_user_mode_is_said_and_no_login_name_is_printed(
    qtbot, lotus, tmp_path: Path
) -> None:
    window = make_window(qtbot, lotus)
    assert window.user_label.text() == "单机模式"
    assert lotus.person == ""
    vid = views.page_rows(lotus, 1, VoucherFilter(state="posted"))[0].id
    out = printing.print_voucher(lotus, 1, [vid], tmp_path / "v.pdf")
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "accountant" not in text  # the name the ledger was opened with names nobody


def test_the_logged_in_user_is_named_by_full_name(qtbot, lotus, tmp_path: Path) -> None:
    users.create_first_admin(lotus, "admin", "admin-secret", "王管理")
    path = lotus.path
    lotus.close()
    admin = open_ledger(path, user="admin", password="admin-secret")
    users.add_user(admin, "kuaiji", "accountant", "kuaiji-secret", "李会计")
    users.add_user(admin, "shenhe", "reviewer", "shenhe-secret", "赵审核")
    admin.close()
    ledger = open_ledger(path, user="kuaiji", password="kuaiji-secret")
    try:
        assert ledger.person == "李会计"
        window = make_window(qtbot, ledger)
        assert "李会计" in window.user_label.text() and "会计" in window.user_label.text()
        assert "kuaiji" not in window.user_label.text()
        settings = window.show_view("settings")
        roles = [settings.users_model.data(settings.users_model.index(r, 2)) for r in range(3)]
        assert set(roles) == {"管理员", "会计", "审核"}  # no English codes beside them
        # a paper the accountant prints is signed with their name
        view = window.show_view("printing")
        job = view.print_statements()
        assert job.error is None
        text = "".join(page.extract_text() for page in PdfReader(job.path).pages)
        assert "李会计" in text and "kuaiji" not in text
        window.close()
    finally:
        ledger.close()


def test_the_audit_trail_reads_in_chinese(qtbot, demo) -> None:
    window = make_window(qtbot, demo)
    view = window.show_view("audit")
    model = view.model
    acts = [model.data(model.index(r, 3)) for r in range(model.rowCount())]
    records = [model.data(model.index(r, 4)) for r in range(model.rowCount())]
    assert acts and not any(ASCII_WORD.search(a) for a in acts), acts
    assert "收益分配入账：2014" in acts
    assert any(r.startswith("凭证") for r in records)
    # searching in Chinese finds the acts by their Chinese names
    view.bar.search.setText("导入凭证")
    view.bar.fire()
    found = [model.row(r).action for r in range(model.rowCount())]
    assert found and set(found) == {"import vouchers"}
    view.bar.search.setText("收益分配")
    view.bar.fire()
    assert {model.row(r).action for r in range(model.rowCount())} == {"commit distribution 2014"}
