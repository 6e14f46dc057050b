"""The screen the program is made for, and sizing windows to it.

A village office PC has a 1366×768 screen with a 40 px taskbar, at 100 % scaling: every
window, frame included, must fit in 1366×728 and stay usable on 1280×720. So no window asks
for more than the room its screen has (`fit`), long forms scroll rather than grow
(`scrolling`), and the main window's views sit in scroll areas so that no view can push
the window past the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

#: The screen every window fits: 1366×768 less a 40 px taskbar.
SCREEN = QSize(1366, 728)
#: The smallest screen the program stays usable on: 1280×720 less the taskbar.
SMALL_SCREEN = QSize(1280, 680)
#: What the system adds around a window: title bar and borders (Windows 10 at 100 %).
FRAME = QSize(16, 39)


def available(widget: QWidget | None = None) -> QSize:
    """The room on the screen a window is (or will be) shown on: the screen less its
    taskbar. `SCREEN` when there is no screen to ask (tests replace this function)."""
    screen = widget.screen() if widget is not None else None
    if screen is None:
        screen = QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(SCREEN)
    return screen.availableGeometry().size()


def room(widget: QWidget | None = None) -> QSize:
    """The largest size a window's contents may have: the screen's room less the frame."""
    space = available(widget)
    return QSize(space.width() - FRAME.width(), space.height() - FRAME.height())


def fit(widget: QWidget, width: int, height: int) -> QSize:
    """Give a top-level window the size it prefers, or less when its screen is smaller, so
    that frame and all it fits above the taskbar. Returns the size given."""
    limit = room(widget)
    size = QSize(min(width, limit.width()), min(height, limit.height()))
    widget.resize(size)
    return size


def fits(size: QSize, screen: QSize = SCREEN) -> bool:
    """Whether a window of ``size`` (its contents) fits ``screen`` once framed."""
    return (
        size.width() + FRAME.width() <= screen.width()
        and size.height() + FRAME.height() <= screen.height()
    )


class ScrollArea(QScrollArea):
    """A frameless scroll area that hands its widget all the room there is and scrolls
    only when the room is less than the widget needs. It asks for the widget's own size
    (plus a scroll bar's width), up to the screen's room: a long form scrolls instead of
    making its dialog taller than the screen."""

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setWidget(widget)

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        hint = inner.sizeHint().expandedTo(inner.minimumSizeHint())
        bar = self.verticalScrollBar().sizeHint().width()
        limit = room(self)
        return QSize(
            min(hint.width() + bar, limit.width() - 40),
            min(hint.height(), limit.height() - 120),
        )

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 80)


def scrolling(widget: QWidget) -> ScrollArea:
    """``widget`` in a scroll area (see `ScrollArea`)."""
    return ScrollArea(widget)
