"""The window starts with a log-in when the ledger has users."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from coopledger.services.ledger import open_ledger
from coopledger.services.users import add_user, create_first_admin
from coopledger.ui.login import LoginDialog


@pytest.fixture
def staffed(ledger_path: Path) -> Path:
    led = open_ledger(ledger_path, user="setup", create=True)
    create_first_admin(led, "admin", "admin-pw", "管理员")
    add_user(led, "kuaiji", "accountant", "kuaiji-pw")
    led.close()
    return ledger_path


def test_wrong_password_keeps_the_dialog_right_one_opens(qtbot: QtBot, staffed: Path) -> None:
    dialog = LoginDialog(staffed, user="kuaiji")
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("wrong")
    dialog.try_login()
    assert dialog.ledger is None
    assert dialog.message.text()  # the reason, in the user's language
    assert dialog.password_edit.text() == ""
    dialog.password_edit.setText("kuaiji-pw")
    dialog.try_login()
    assert dialog.ledger is not None
    assert (dialog.ledger.user, dialog.ledger.role) == ("kuaiji", "accountant")
    dialog.ledger.close()


def test_an_empty_user_name_is_asked_for_in_words(qtbot: QtBot, staffed: Path) -> None:
    dialog = LoginDialog(staffed)
    qtbot.addWidget(dialog)
    dialog.password_edit.setText("kuaiji-pw")
    dialog.try_login()
    assert dialog.ledger is None
    assert dialog.message.text() and "--user" not in dialog.message.text()
