"""Starting the Qt application: the shipped CJK font, translations, the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from coopledger import __version__
from coopledger.i18n import _
from coopledger.paths import resources_dir
from coopledger.services.ledger import Ledger


def load_app_font(app: QApplication) -> str | None:
    """Make the shipped Noto Sans SC the application font; returns its family name."""
    family = None
    for name in ("NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf"):
        path = resources_dir() / "fonts" / name
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            family = family or (families[0] if families else None)
    if family:
        font = QFont(family)
        font.setPointSize(10)
        app.setFont(font)
    return family


class MainWindow(QMainWindow):
    """The main window (the full window comes with the desktop-app issue)."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self.ledger = ledger
        self.setWindowTitle(f"coopledger {__version__} — {ledger.path}")
        label = QLabel(
            _("coopledger: the ledger {path} is open. The full window is being built.").format(
                path=ledger.path
            )
        )
        label.setWordWrap(True)
        label.setMargin(24)
        self.setCentralWidget(label)
        self.resize(900, 600)


def run(ledger: Ledger, org_name: str | None = None) -> int:
    """Open the main window on ``ledger`` and run the event loop."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    load_app_font(app)
    window = MainWindow(ledger)
    window.show()
    if os.environ.get("COOPLEDGER_QUIT_AFTER_MS"):
        from PySide6.QtCore import QTimer

        QTimer.singleShot(int(os.environ["COOPLEDGER_QUIT_AFTER_MS"]), app.quit)
    return app.exec()
