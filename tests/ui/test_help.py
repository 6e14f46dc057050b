"""帮助: the user guide opens offline inside the program, at the section of the view the user
is on; every view has its "how do I" line, and every line names a section the guide has."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from coopledger.paths import user_guide
from coopledger.ui.help import VIEW_HELP, HelpWindow
from coopledger.ui.main_window import TASKS
from tests.ui.conftest import too_big


def test_the_guide_is_shipped_and_has_every_section_a_view_names(qtbot: QtBot) -> None:
    assert user_guide().exists()
    window = HelpWindow()
    qtbot.addWidget(window)
    headings = [text for _level, text in window.headings()]
    assert len(headings) > 8
    for key, (_question, section) in VIEW_HELP.items():
        assert any(section in h for h in headings), (key, section)
    assert {key for key, *_r in TASKS} <= set(VIEW_HELP)


def test_each_view_links_to_its_section(qtbot: QtBot, window: object) -> None:
    for key in ("vouchers", "members", "accounts", "settings"):
        window.show_view(key)  # type: ignore[attr-defined]
        line = window.help_line  # type: ignore[attr-defined]
        _question, section = VIEW_HELP[key]
        assert f'href="help:{section}"' in line.text()
        assert "怎样" in line.text() or "什么" in line.text()  # in Chinese
        line.linkActivated.emit(f"help:{section}")
        guide = window.findChild(HelpWindow)  # type: ignore[attr-defined]
        assert guide is not None and guide.isVisible()
        assert section in guide.current_heading(), (key, guide.current_heading())
        assert too_big() == []
    # one guide window, raised again rather than opened twice
    assert len(window.findChildren(HelpWindow)) == 1  # type: ignore[attr-defined]


def test_f1_opens_the_guide_at_the_current_view(qtbot: QtBot, window: object) -> None:
    window.show_view("distribution")  # type: ignore[attr-defined]
    action = next(
        a
        for a in window.findChildren(type(window.switch_action))  # type: ignore[attr-defined]
        if a.objectName() == "userGuide"
    )
    assert action.shortcut().toString() == "F1"
    action.trigger()
    guide = window.findChild(HelpWindow)  # type: ignore[attr-defined]
    assert guide is not None and "年终收益分配" in guide.current_heading()
    assert guide.windowTitle() == "使用手册"


def test_a_missing_guide_is_said_in_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    window = HelpWindow(path=tmp_path / "nowhere.md")
    qtbot.addWidget(window)
    assert "nowhere.md" in window.browser.toPlainText()
    assert window.show_section("凭证") is False
    QApplication.processEvents()


def test_a_view_without_its_own_line_links_to_the_guide() -> None:
    from coopledger.ui.help import help_link

    assert help_link("no-such-view") == '<a href="help:">使用手册</a>'
