"""The log-in dialog the window starts with when the ledger has users."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from coopledger.domain.errors import DomainError
from coopledger.i18n import _
from coopledger.services.ledger import Ledger, Location, open_ledger


class LoginDialog(QDialog):
    """User name and password; on OK the ledger is opened (and the password checked)."""

    def __init__(
        self,
        path: Path | Location,
        *,
        user: str = "",
        readonly: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = path
        self.readonly = readonly
        self.ledger: Ledger | None = None
        self.setWindowTitle(_("Log in to coopledger"))
        self.user_edit = QLineEdit(user)
        self.user_edit.setObjectName("loginUser")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("loginPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel("")
        self.message.setObjectName("loginMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        form = QFormLayout()
        where = path.path if isinstance(path, Location) else path
        form.addRow(
            QLabel(_("Ledger file") if where is not None else _("Ledger server")),
            QLabel(where.name if where is not None else path.shown()),
        )
        form.addRow(_("User"), self.user_edit)
        form.addRow(_("Password"), self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Log in"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password_edit if user else self.user_edit).setFocus()

    def try_login(self) -> None:
        """Open the ledger as the user typed; stay open with the reason when refused."""
        if not self.user_edit.text().strip():
            # (the ledger's own message speaks of the command line's --user)
            self.message.setText(_("Type your user name (the administrator gave it to you)."))
            self.user_edit.setFocus()
            return
        try:
            self.ledger = open_ledger(
                self.path,
                user=self.user_edit.text().strip(),
                password=self.password_edit.text(),
                readonly=self.readonly,
            )
        except DomainError as exc:
            self.message.setText(exc.text(_))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()


def login(path: Path | Location, *, user: str = "", readonly: bool = False) -> Ledger | None:
    """Ask who is working until the ledger opens; None when the user cancels."""
    from coopledger import i18n
    from coopledger.ui.app import install_translators, load_app_font, make_app

    app = make_app()
    load_app_font(app)
    install_translators(app, i18n.current_language())
    dialog = LoginDialog(path, user=user, readonly=readonly)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.ledger
    return None
