"""UI fixtures: real ledgers (the lotus cooperative book, 2014 not yet committed) copied from
one built per session, a main window on a synchronous task pool, and no blocking dialogs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopledger import i18n
from coopledger.paths import resources_dir

LOTUS = resources_dir() / "demo" / "lotus-cooperative.book.json"
VILLAGE = resources_dir() / "demo" / "village-collective.book.json"


def _build(path: Path, books: tuple[Path, ...], commit: bool = False) -> None:
    from coopledger.formats.book_json import read_book_file
    from coopledger.services import bookfile
    from coopledger.services.distribution import commit_distribution
    from coopledger.services.ledger import open_ledger

    ledger = open_ledger(path, user="accountant", create=True)
    try:
        for book in books:
            org = bookfile.import_book(ledger, read_book_file(book))
            if commit:
                commit_distribution(ledger, org, 2014)
    finally:
        ledger.close()


@pytest.fixture(scope="package", autouse=True)
def _program_font(qapp: object) -> Iterator[None]:
    """The window's tests see the program's own font (Noto Sans SC 10 pt, ``make_app``), as
    the village's screen will: sizes depend on it, and a test that sets it (test_window's)
    must not decide the others' by running first."""
    from PySide6.QtGui import QFont

    from coopledger.ui.app import load_app_font

    before = QFont(qapp.font())  # type: ignore[attr-defined]
    assert load_app_font(qapp) == "Noto Sans SC"  # type: ignore[arg-type]
    yield
    qapp.setFont(before)  # type: ignore[attr-defined]


@pytest.fixture(scope="package", autouse=True)
def _gui_thread_collector(qapp: object) -> Iterator[None]:
    """Garbage collected on the GUI thread only, as the program does (``make_app``): the
    cycle collector running in a task's thread destroyed Qt objects there and crashed the
    test process now and then (after the slip-printing test). Collection goes back to
    Python when the window's tests are done."""
    from coopledger.ui.collector import GuiThreadCollector, install_collector

    install_collector(qapp)  # type: ignore[arg-type]
    yield
    # every collector still there (a test may have put a new one in place of this one)
    for collector in qapp.findChildren(GuiThreadCollector):  # type: ignore[attr-defined]
        collector.stop()
        collector.deleteLater()


@pytest.fixture(scope="session")
def lotus_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("templates") / "lotus.sqlite3"
    _build(path, (LOTUS,))
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both demo books, 2014 committed (like ``coopledger demo``)."""
    path = tmp_path_factory.mktemp("templates") / "demo.sqlite3"
    _build(path, (LOTUS, VILLAGE), commit=True)
    return path


def _open_copy(template: Path, tmp_path: Path) -> object:
    from coopledger.services.ledger import open_ledger

    target = tmp_path / template.name
    shutil.copyfile(template, target)
    return open_ledger(target, user="accountant")


@pytest.fixture
def lotus(lotus_template: Path, tmp_path: Path) -> Iterator[object]:
    ledger = _open_copy(lotus_template, tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()  # type: ignore[attr-defined]


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[object]:
    ledger = _open_copy(demo_template, tmp_path)
    try:
        yield ledger
    finally:
        ledger.close()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _quiet_ui(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Confirmations say yes, errors are logged under tmp_path, the language is zh_CN."""
    from coopledger.ui import dialogs, errors

    monkeypatch.setattr(dialogs, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(dialogs, "ask_unsaved", lambda *a, **k: dialogs.DISCARD)
    monkeypatch.setattr(errors, "log_dir", lambda: tmp_path)
    previous = i18n.current_language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(previous)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """The questions asked before irreversible acts (title, text, action, details), each
    answered yes."""
    from coopledger.ui import dialogs

    questions: list[dict[str, object]] = []

    def confirm(parent: object, title: str, text: str, **kwargs: object) -> bool:
        questions.append({"title": title, "text": text, **kwargs})
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return questions


def make_window(qtbot: object, ledger: object, **kwargs: object) -> object:
    from coopledger.ui.main_window import MainWindow
    from coopledger.ui.tasks import SyncPool

    window = MainWindow(ledger, pool=SyncPool(), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    return window


@pytest.fixture
def window(qtbot: object, lotus: object) -> object:
    return make_window(qtbot, lotus)


def message_boxes() -> list[object]:
    """The message boxes open now (errors and notices open without blocking)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def type_into(qtbot: object, widget: object, text: str) -> None:
    """Type ``text`` into a field the way a user does: replace what is there; Latin text as
    key presses, Chinese text committed by the input method (as a pinyin IME does)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication, QLineEdit

    widget.setFocus()  # type: ignore[attr-defined]
    if isinstance(widget, QLineEdit):
        widget.selectAll()
        if not text:
            widget.del_()
    for chunk in _chunks(text):
        if chunk.isascii():
            qtbot.keyClicks(widget, chunk)  # type: ignore[attr-defined]
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def _chunks(text: str) -> list[str]:
    out: list[str] = []
    for ch in text:
        if out and out[-1][-1].isascii() == ch.isascii():
            out[-1] += ch
        else:
            out.append(ch)
    return out


#: The screen every window must fit: 1366×768 less a 40 px taskbar (issue 16).
SCREEN_W, SCREEN_H = 1366, 728
#: Offscreen windows have no frame; on a desktop a title bar about this tall is added.
TITLE_BAR = 32
_LEFT_OVER: set[int] = set()


def _address(widget: object) -> int:
    import shiboken6

    return int(shiboken6.getCppPointer(widget)[0])  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _windows_of_earlier_tests() -> None:
    """Note the windows other tests left open (freed later), so that a test checks its own."""
    from PySide6.QtWidgets import QApplication

    _LEFT_OVER.clear()
    _LEFT_OVER.update(_address(w) for w in QApplication.topLevelWidgets() if w.isVisible())


def too_big() -> list[str]:
    """Every visible top-level window of this test that would not fit the screen (with its
    frame): ``name W×H`` for each."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    out = []
    for w in QApplication.topLevelWidgets():
        if not w.isVisible() or _address(w) in _LEFT_OVER:
            continue
        if w.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            continue
        outer = w.frameGeometry()
        height = outer.height() + (TITLE_BAR if outer == w.geometry() else 0)
        if outer.width() > SCREEN_W or height > SCREEN_H:
            out.append(f"{w.objectName() or type(w).__name__} {outer.width()}×{height}")
    return out


@pytest.fixture(autouse=True)
def village_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every window test runs on the screen of a village office (1366×768 less its taskbar),
    whatever the test machine's (the offscreen platform's is 800×800): ``screen.available``
    is what every window sizes itself by. A test may put a smaller screen in its place."""
    from PySide6.QtCore import QSize

    from coopledger.ui import screen

    monkeypatch.setattr(screen, "available", lambda widget=None: QSize(screen.SCREEN))
