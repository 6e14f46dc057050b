"""The few questions that wait for an answer: confirmations and file choosers.

They are plain module functions so that tests replace them (``monkeypatch.setattr``) and
never block on a modal dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from coopledger.i18n import _


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question; True for yes."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


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
