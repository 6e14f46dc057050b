"""The message bar: a band at the top of the view, where the eye is, saying what just
happened (已记账, 已备份, 已导入) or what went wrong in the background.

The status bar at the bottom of the window is easy to miss (and off the screen when a
window is too tall for it); what matters is said here too. A success or a note fades after
a while; a warning stays until the user closes it or the next message comes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from coopledger.i18n import _

#: Background, border and text colour of each kind of message.
STYLES = {
    "success": ("#e6f4ea", "#7cb98c", "#124d22"),
    "info": ("#e8f0fb", "#8aaee0", "#123a6b"),
    "warning": ("#fff4d6", "#e0b84c", "#5c4200"),
    "error": ("#fde7e7", "#e08a8a", "#7a0c0c"),
}
#: How long a message of each kind stays (ms); 0: until closed.
LIFETIMES = {"success": 12000, "info": 12000, "warning": 0, "error": 0}
ICONS = {"success": "✓", "info": "ℹ", "warning": "⚠", "error": "✗"}


class MessageBar(QFrame):
    """One message at a time, with its kind's colour and a close button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.kind = ""
        self.icon = QLabel()
        self.icon.setObjectName("messageIcon")
        self.label = QLabel()
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setObjectName("messageClose")
        self.close_button.setText("×")
        self.close_button.setToolTip(_("Close this message"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 4, 4)
        row.addWidget(self.icon)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_message(self, text: str, kind: str = "success", msecs: int | None = None) -> None:
        """Say ``text``; ``kind`` is success, info, warning or error."""
        kind = kind if kind in STYLES else "info"
        background, border, colour = STYLES[kind]
        self.kind = kind
        self.setStyleSheet(
            f"QFrame#messageBar {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 3px; }} QLabel {{ color: {colour}; }}"
        )
        self.icon.setText(ICONS[kind])
        self.label.setText(text)
        self.show()
        lifetime = LIFETIMES[kind] if msecs is None else msecs
        if lifetime:
            self._timer.start(lifetime)
        else:
            self._timer.stop()

    def text(self) -> str:
        """The message shown now ("" when none)."""
        return self.label.text() if not self.isHidden() else ""

    def dismiss(self) -> None:
        self._timer.stop()
        self.kind = ""
        self.hide()
