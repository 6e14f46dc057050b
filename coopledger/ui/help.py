"""帮助 Help inside the program: the user guide (``docs/user-guide.md``, shipped with the
program and read offline as Markdown by a `QTextBrowser`), opened at the section a view's
"how do I" line names.

Each task view has one short question and the heading of its section in the guide
(`VIEW_HELP`); the main window shows the question above the view as a link. Headings are
found by their text (without the numbering), so the guide may be renumbered freely; a test
checks that every section named here exists.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.errors import N_
from coopledger.i18n import _
from coopledger.paths import user_guide

__all__ = ["VIEW_HELP", "HelpWindow", "help_link", "open_help"]

#: Each task's "how do I" question (msgid) and the heading of its section in the guide.
VIEW_HELP: dict[str, tuple[str, str]] = {
    "members": (N_("How do I add members, or import them from Excel?"), "成员、土地流转合同和股本"),
    "contracts": (
        N_("How do I enter a land contract, end it early or renew it?"),
        "成员、土地流转合同和股本",
    ),
    "shares": (
        N_("How do I record shares, a transfer or an inheritance?"),
        "成员、土地流转合同和股本",
    ),
    "vouchers": (
        N_("How do I enter a voucher, have it reviewed and posted, or correct one?"),
        "凭证与账簿",
    ),
    "books": (N_("How do I read and print the ledgers?"), "凭证与账簿"),
    "statements": (N_("How do I print the statements and close the year?"), "报表与打印"),
    "distribution": (N_("How do I run the year-end distribution?"), "年终收益分配"),
    "printing": (N_("How do I print the slips and the public notice?"), "年终收益分配"),
    "audit": (N_("How do I prove that nothing was altered?"), "安全与备份"),
    "accounts": (
        N_("How do I add sub-accounts and enter the opening balances?"),
        "建账（期初余额）",
    ),
    "settings": (N_("How do I add people, back up, or set up another book?"), "用户与角色"),
    "wizard": (N_("What does each step of the set-up wizard do?"), "建账向导"),
    "approvals": (
        N_("How do I approve a plan, a reversal or imported vouchers?"),
        "两人把关（制单 ≠ 审核）",
    ),
    "assets": (
        N_("How do I keep the asset cards and run the month's depreciation?"),
        "固定资产、财务公开和股权证",
    ),
    "disclosure": (
        N_("How do I print and publish the 财务公开表, or issue share certificates?"),
        "固定资产、财务公开和股权证",
    ),
    "township": (
        N_("How do I take in the villages' year-end packages?"),
        "年终报送包与乡镇汇总",
    ),
}

#: Pictures wider than this are shown smaller (the window must fit a 1366×768 screen).
MAX_IMAGE_WIDTH = 760


def help_link(key: str) -> str:
    """The "how do I" line of a task as rich text: a link that opens its section (a task
    without its own line opens the guide at its start)."""
    question, section = VIEW_HELP.get(key, (N_("User guide"), ""))
    return f'<a href="help:{section}">{_(question)}</a>'


class HelpWindow(QDialog):
    """The user guide, with its headings in a list to jump to."""

    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HelpWindow")
        self.setWindowTitle(_("User guide"))
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.path = path or user_guide()
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenExternalLinks(True)
        self.contents = QComboBox()
        self.contents.setObjectName("helpContents")
        self.contents.activated.connect(lambda i: self.show_section(self.contents.itemData(i)))
        close = QPushButton(_("Close"))
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Contents")))
        top.addWidget(self.contents, 1)
        top.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.browser, 1)
        self.resize(900, 620)
        self.load()

    def load(self) -> None:
        """Read the guide (a missing guide is said in the window, not raised)."""
        if not self.path.exists():
            self.browser.setPlainText(
                _("The user guide is missing from this installation: {path}").format(path=self.path)
            )
            return
        self.browser.setSearchPaths([str(self.path.parent)])
        self.browser.setSource(
            QUrl.fromLocalFile(str(self.path)), QTextDocument.ResourceType.MarkdownResource
        )
        self._shrink_images()
        self.contents.clear()
        for level, text in self.headings():
            self.contents.addItem("　" * (level - 1) + text, text)

    def headings(self) -> list[tuple[int, str]]:
        """The guide's headings: (level, text), in order."""
        out = []
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                out.append((level, block.text().strip()))
            block = block.next()
        return out

    def show_section(self, section: str) -> bool:
        """Scroll to the first heading that contains ``section``; False if there is none."""
        block = self.browser.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and section in block.text():
                self.browser.setTextCursor(QTextCursor(block))
                layout = self.browser.document().documentLayout()
                top = layout.blockBoundingRect(block).top()
                self.browser.verticalScrollBar().setValue(int(top))
                index = self.contents.findData(block.text().strip())
                if index >= 0:
                    self.contents.setCurrentIndex(index)
                return True
            block = block.next()
        return False

    def current_heading(self) -> str:
        """The heading at the top of what is shown (tests)."""
        cursor = self.browser.cursorForPosition(self.browser.viewport().rect().topLeft())
        block = cursor.block()
        while block.isValid() and not block.blockFormat().headingLevel():
            block = block.previous()
        return block.text().strip() if block.isValid() else ""

    def _shrink_images(self) -> None:
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image_format = fmt.toImageFormat()
                    image = QImage(str(self.path.parent / image_format.name()))
                    if not image.isNull() and image.width() > MAX_IMAGE_WIDTH:
                        image_format.setWidth(MAX_IMAGE_WIDTH)
                        image_format.setHeight(image.height() * MAX_IMAGE_WIDTH / image.width())
                        cursor = QTextCursor(doc)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(),
                            QTextCursor.MoveMode.KeepAnchor,
                        )
                        cursor.setCharFormat(image_format)
                it += 1
            block = block.next()


def open_help(parent: QWidget | None, section: str = "") -> HelpWindow:
    """Show the user guide (one window per parent, raised when already open), at
    ``section`` when given."""
    existing = parent.findChild(HelpWindow) if parent is not None else None
    window = existing if isinstance(existing, HelpWindow) else HelpWindow(parent)
    window.show()
    window.raise_()
    window.activateWindow()
    if section:
        window.show_section(section)
    return window
