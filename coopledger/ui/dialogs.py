"""The few questions that wait for an answer: confirmations and file choosers.

They are plain module functions so that tests replace them (``monkeypatch.setattr``) and
never block on a modal dialog.

A question before something that cannot be undone says what will happen (who, how much,
what is written) and names its buttons by the act (记账, 付款, 取消) rather than Yes and No.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from coopledger.i18n import _

#: The answers `ask_unsaved` gives.
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    action: str = "",
    details: str = "",
    default_yes: bool = False,
) -> bool:
    """Ask before an act; True when the user chose to go ahead.

    ``action`` names the button that goes ahead (``记账``; "Yes" when empty); the other is
    Cancel. ``details`` (a list of what is affected) can be unfolded. The safe answer is
    the default unless ``default_yes``."""
    box = confirm_box(parent, title, text, action=action, details=details, default_yes=default_yes)
    box.exec()
    return box.clickedButton() is box.yes_button  # type: ignore[attr-defined]


def confirm_box(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    action: str = "",
    details: str = "",
    default_yes: bool = False,
) -> QMessageBox:
    """The question `confirm` asks, not yet shown (its go-ahead button is ``yes_button``)."""
    box = QMessageBox(parent)
    box.setObjectName("confirmBox")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    yes = box.addButton(action or _("Yes"), QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes if default_yes else no)
    box.setEscapeButton(no)
    box.yes_button = yes  # type: ignore[attr-defined]
    return box


def ask_unsaved(parent: QWidget | None, title: str, text: str, *, can_save: bool = True) -> str:
    """What to do with edits not saved yet: `SAVE`, `DISCARD` or `CANCEL` (go on editing)."""
    box = QMessageBox(parent)
    box.setObjectName("unsavedBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    save = box.addButton(_("Save"), QMessageBox.ButtonRole.AcceptRole) if can_save else None
    discard = box.addButton(_("Discard"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Go on editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if save is not None and clicked is save:
        return SAVE
    if clicked is discard:
        return DISCARD
    return CANCEL


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """Ask for a line of text; None when cancelled."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def save_file(parent: QWidget | None, title: str, suggested: str, filter_text: str) -> Path | None:
    """Ask where to save a file; None when cancelled."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filter_text)
    return Path(name) if name else None


def open_file(parent: QWidget | None, title: str, filter_text: str) -> Path | None:
    """Ask for a file to open; None when cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, title, "", filter_text)
    return Path(name) if name else None


def choose_folder(parent: QWidget | None, title: str) -> Path | None:
    """Ask for a folder; None when cancelled."""
    name = QFileDialog.getExistingDirectory(parent, title)
    return Path(name) if name else None


def xlsx_filter() -> str:
    return _("Excel workbook (*.xlsx)")


def pdf_filter() -> str:
    return _("PDF document (*.pdf)")
