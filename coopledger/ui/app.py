"""Starting the Qt application: the shipped CJK font, translations, the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from coopledger import i18n
from coopledger.paths import resources_dir
from coopledger.services.ledger import Ledger
from coopledger.ui import errors
from coopledger.ui.collector import install_collector
from coopledger.ui.main_window import MainWindow

#: Qt's own catalog names for each of our languages (standard dialogs, buttons).
QT_LOCALES = {"zh_CN": "zh_CN", "zh_TW": "zh_TW", "en": "en"}


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


def qt_translation_folders() -> list[str]:
    """Where Qt's own ``.qm`` catalogs may be: Qt's configured folder, and the one inside
    the PySide6 package (where the bundle carries them; installer/coopledger.spec)."""
    import PySide6

    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    folders.append(str(Path(PySide6.__file__).resolve().parent / "Qt" / "translations"))
    return list(dict.fromkeys(folders))


def install_translators(app: QApplication, lang: str) -> list[QTranslator]:
    """Load Qt's own translations (``qtbase_zh_CN.qm``, or ``qt_zh_CN.qm``) so that its
    standard dialogs and buttons (查找范围, 取消, a field's right-click menu) speak the
    program's language; returns the translators installed (kept alive by the app). Once
    per application: a second call replaces the first."""
    qt_locale = QT_LOCALES.get(lang, lang)
    QLocale.setDefault(QLocale(qt_locale))
    for old in app.findChildren(QTranslator, "qtTranslator"):
        app.removeTranslator(old)
        old.deleteLater()
    installed: list[QTranslator] = []
    for folder in qt_translation_folders():
        for base in ("qtbase", "qt"):
            translator = QTranslator(app)
            translator.setObjectName("qtTranslator")
            if translator.load(f"{base}_{qt_locale}", folder):
                app.installTranslator(translator)
                installed.append(translator)
                return installed
            translator.deleteLater()
    return installed


def _language_given() -> bool:
    """Whether the language was chosen for this run (``--lang`` or ``COOPLEDGER_LANG``)."""
    return bool(os.environ.get("COOPLEDGER_LANG")) or any(
        a == "--lang" or a.startswith("--lang=") for a in sys.argv[1:]
    )


def apply_language_setting(ledger: Ledger) -> str:
    """Use the language saved in Settings unless one was given on the command line or in
    the environment (a change in Settings takes effect on restart)."""
    if not _language_given():
        from coopledger.services.settings import get_setting

        try:
            i18n.set_language(get_setting(ledger, "language"))
        except Exception as exc:
            errors.log_exception(exc)
    return i18n.current_language()


def make_app() -> QApplication:
    """The QApplication (made once), collecting garbage on its own thread only."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("coopledger")
    app.setOrganizationName("coopledger")
    install_collector(app)
    return app


def run(ledger: Ledger, org_name: str | None = None) -> int:
    """Open the main window on ``ledger`` and run the event loop."""
    app = make_app()
    lang = apply_language_setting(ledger)
    load_app_font(app)
    install_translators(app, lang)
    previous_hook = errors.install_excepthook()
    errors.set_ledger_shown(ledger.shown)
    window = MainWindow(ledger, org_name=org_name)
    window.show()
    from coopledger.ui.widgets import warm_up_pinyin

    QTimer.singleShot(1500, warm_up_pinyin)
    if ledger.damage is not None:  # opened read-only: say why
        from coopledger.services.faults import DamagedLedgerError

        errors.show_error(window, DamagedLedgerError(ledger.shown, ledger.damage))
    app.aboutToQuit.connect(window.shut_down)
    if os.environ.get("COOPLEDGER_QUIT_AFTER_MS"):
        QTimer.singleShot(int(os.environ["COOPLEDGER_QUIT_AFTER_MS"]), app.quit)
    try:
        return app.exec()
    finally:
        sys.excepthook = previous_hook
