"""A grey button says why: the role the act needs and the user's own, a read-only ledger, or
the condition that is missing; its own tooltip is kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from coopledger.domain.vocabulary import Permission
from coopledger.services.ledger import open_ledger
from coopledger.services.users import add_user, create_first_admin
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import enable, gate, permission_reason, reason_shown
from coopledger.ui.tasks import SyncPool, TaskRunner


def _ctx(ledger: object) -> AppContext:
    runner = TaskRunner(SyncPool())
    return AppContext(ledger, runner)  # type: ignore[arg-type]


def test_the_role_needed_and_the_users_own_are_named(qtbot: QtBot, ledger_path: Path) -> None:
    setup = open_ledger(ledger_path, user="setup", create=True)
    create_first_admin(setup, "admin", "admin-pw", "管理员")
    add_user(setup, "kuaiji", "accountant", "kuaiji-pw", "张会计")
    setup.close()
    led = open_ledger(ledger_path, user="admin", password="admin-pw")
    try:
        ctx = _ctx(led)
        b = QPushButton("记账")
        qtbot.addWidget(b)
        b.setToolTip("Ctrl+P")
        assert not gate(b, ctx, Permission.POST_VOUCHER, (True, "unused"))
        assert not b.isEnabled()
        why = reason_shown(b)
        assert "审核" in why and "admin" in why and "管理员" in why, why
        assert b.toolTip().startswith("Ctrl+P\n")
        # allowed for the administrator, but a condition is missing: that reason is shown
        assert not gate(b, ctx, Permission.BACKUP, (False, "先选择一行"))
        assert reason_shown(b) == "先选择一行"
        assert gate(b, ctx, Permission.BACKUP, (True, "先选择一行"))
        assert b.isEnabled() and b.toolTip() == "Ctrl+P" and reason_shown(b) == ""
        assert permission_reason(ctx, Permission.MANAGE_USERS) == ""
    finally:
        led.close()


def test_read_only_is_the_reason_when_the_role_would_allow(qtbot: QtBot, ledger_path: Path) -> None:
    open_ledger(ledger_path, user="会计", create=True).close()
    led = open_ledger(ledger_path, user="会计", readonly=True)
    try:
        ctx = _ctx(led)
        b = QPushButton("新凭证")
        qtbot.addWidget(b)
        assert not gate(b, ctx, Permission.PREPARE_VOUCHER)
        assert "只读" in reason_shown(b)
        assert enable(b, True) and b.toolTip() == ""
    finally:
        led.close()


def _staff(lotus_template: Path, tmp_path: Path) -> Path:
    import shutil

    path = tmp_path / "staffed.sqlite3"
    shutil.copyfile(lotus_template, path)
    led = open_ledger(path, user="setup")
    create_first_admin(led, "admin", "admin-pw", "管理员")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw", "张会计")
    add_user(led, "shenhe", "reviewer", "shenhe-pw", "李审核")
    add_user(led, "chuna", "cashier", "chuna-pw", "王出纳")
    led.close()
    return path


def grey_without_reason(window: object) -> list[str]:
    """Every disabled button (and menu action) in the window that does not say why."""
    from PySide6.QtGui import QAction

    from coopledger.ui.main_window import TASKS

    silent = []
    for key, *_rest in TASKS:
        view = window.show_view(key)  # type: ignore[attr-defined]
        for b in view.findChildren(QPushButton):
            if b.isVisibleTo(view) and not b.isEnabled() and not reason_shown(b):
                silent.append(f"{key}: {b.objectName() or b.text()}")
    for a in window.findChildren(QAction):  # type: ignore[attr-defined]
        if a.text() and not a.isEnabled() and not reason_shown(a):
            silent.append(f"menu: {a.objectName() or a.text()}")
    return silent


def test_every_grey_button_says_why_for_each_role(
    qtbot: QtBot, lotus_template: Path, tmp_path: Path
) -> None:
    from tests.ui.conftest import make_window

    path = _staff(lotus_template, tmp_path)
    for user, password in (
        ("admin", "admin-pw"),
        ("kuaiji", "kuaiji-pw"),
        ("shenhe", "shenhe-pw"),
        ("chuna", "chuna-pw"),
    ):
        led = open_ledger(path, user=user, password=password)
        try:
            window = make_window(qtbot, led)
            assert grey_without_reason(window) == [], user
            vouchers = window.show_view("vouchers")  # type: ignore[attr-defined]
            if user == "admin":
                why = reason_shown(vouchers.new_button)
                assert "会计" in why and "管理员" in why, why
            window.close()  # type: ignore[attr-defined]
        finally:
            led.close()


def test_a_forms_grey_save_names_the_field_to_fix(qtbot: QtBot, window: object) -> None:
    from tests.ui.conftest import type_into

    dialog = window.show_view("members").add_member()  # type: ignore[attr-defined]
    assert not dialog.save_button.isEnabled()
    why = reason_shown(dialog.save_button)
    assert "：" in why, why  # "<the field>：<what is wrong>"
    name = dialog.fields["name"].widget
    type_into(qtbot, name, "苏子明")
    if dialog.save_button.isEnabled():
        assert reason_shown(dialog.save_button) == ""


def test_a_wizards_grey_next_says_what_the_step_needs(qtbot: QtBot, demo: object) -> None:
    from PySide6.QtWidgets import QWizard

    from coopledger.ui.views.distribution import DistributionWizard
    from tests.ui.conftest import make_window

    window = make_window(qtbot, demo)
    wizard = DistributionWizard(window.ctx, window, year=2014)  # type: ignore[attr-defined]
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert wizard.year_page.selected().committed  # 2014 is committed in the demo
    assert not next_button.isEnabled()
    assert "冲销" in reason_shown(next_button)
