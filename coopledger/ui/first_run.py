"""The window without a book, and when to open the set-up wizard: kept apart from the wizard
itself (``ui/setup_wizard.py``, which brings the password hasher, the registers and the
opening balances with it), so that a window opening on a ledger that is set up pays for none
of that."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coopledger.domain.vocabulary import Permission
from coopledger.i18n import _
from coopledger.services import accounts, setup
from coopledger.ui.context import AppContext
from coopledger.ui.disabled import enable

__all__ = ["EmptyLedgerPanel", "books_to_set_up"]


class EmptyLedgerPanel(QWidget):
    """What the window shows while the ledger holds no book: set one up (the wizard) or
    import a book file — never "go to Settings"."""

    def __init__(
        self,
        ctx: AppContext,
        on_setup: Callable[[], object],
        on_import: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("emptyLedger")
        text = QLabel(
            _(
                "This ledger holds no book yet. The set-up wizard makes one step by step: the organisation and its chart, the first period, the people, sub-accounts, members and opening balances. A book kept in coopledger elsewhere can be imported from its book file instead."
            )
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setup_button = QPushButton(_("Set up a book (建账向导)…"))
        self.setup_button.setObjectName("emptySetup")
        self.setup_button.clicked.connect(lambda: on_setup())
        self.import_button = QPushButton(_("Import a book file…"))
        self.import_button.setObjectName("emptyImport")
        self.import_button.clicked.connect(lambda: on_import())
        read_only = _("The ledger is open read-only: nothing can be changed in this window.")
        for b in (self.setup_button, self.import_button):
            enable(b, not ctx.ledger.readonly, read_only)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.setup_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addStretch(2)
        layout.setContentsMargins(80, 20, 80, 20)


def books_to_set_up(ctx: AppContext) -> int | None:
    """What the window should open the wizard on when it starts: 0 for a new book (the ledger
    holds none), a book whose set-up was left unfinished (when the user is the one to finish
    it: who may prepare vouchers), or None (nothing to do, or the ledger is read-only)."""
    if ctx.ledger.readonly:
        return None
    if not accounts.list_organisations(ctx.ledger):
        return 0
    if not ctx.can(Permission.PREPARE_VOUCHER):
        return None  # a reviewer or the administrator is not asked at every start
    unfinished = setup.unfinished_books(ctx.ledger)
    return unfinished[0] if unfinished else None
