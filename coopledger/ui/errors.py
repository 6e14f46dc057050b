"""The one place where an exception becomes something the user sees.

* A ``DomainError`` (bad input, a rule of the books, a missing permission) is shown as its
  translated message — beside the field when a form can place it, else in a message box.
  Never a traceback.
* A fault of the machine or of the file (a full disk, a damaged ledger file, a read-only
  card, a number too large: ``services.faults.fault_of``) is the user's too: one sentence.
* Anything else is unexpected: the traceback goes to the log file and the user gets a short
  apology naming that file. Services run each write in one transaction, so the data is left
  as it was.

Message boxes are opened window-modal with ``open()``, never ``exec()``: the event loop keeps
running (tests and background tasks are not blocked), and tests find the box among the
top-level widgets.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from coopledger.domain.errors import DomainError, DomainErrors
from coopledger.i18n import _
from coopledger.paths import log_dir
from coopledger.services.faults import fault_of

LOG_NAME = "coopledger-error.log"

_log = logging.getLogger("coopledger.ui")

#: The ledger the window works on, as its faults name it (`set_ledger_shown`).
_ledger_shown = ""


def set_ledger_shown(shown: str) -> None:
    """Name the ledger the window works on in the sentences of its faults."""
    global _ledger_shown
    _ledger_shown = shown


def log_file() -> Path:
    """Where unexpected errors are written."""
    return log_dir() / LOG_NAME


def log_exception(exc: BaseException) -> Path:
    """Append ``exc`` with its traceback to the log file; returns the file's path."""
    path = log_file()
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- unexpected error in the window\n{text}\n")
    except OSError:  # the log cannot be written: still tell the user, via stderr
        print(text, file=sys.stderr)
    _log.debug("unexpected error logged to %s", path)
    return path


def is_user_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the user's to fix (shown plainly) rather than a bug: a domain
    error, or a fault of the machine or the file."""
    return fault_of(exc, _ledger_shown) is not None


def user_text(exc: DomainError) -> str:
    """A domain error as the user reads it, translated (several lines for ``DomainErrors``)."""
    if isinstance(exc, DomainErrors):
        head = _("{n} problems; nothing was written:").format(n=len(exc.errors))
        return head + "\n" + "\n".join(e.describe(_) for e in exc.errors[:30])
    return exc.text(_)


def apology(path: Path) -> str:
    """The short message for an unexpected error."""
    return _(
        "Sorry, something went wrong inside coopledger. Your data was not changed. "
        "The details were written to {path}"
    ).format(path=path)


def message_for(exc: BaseException) -> str:
    """What the user is told about ``exc`` (logging it first when it is unexpected)."""
    fault = fault_of(exc, _ledger_shown)
    if fault is not None:
        return user_text(fault)
    return apology(log_exception(exc))


def show_error(parent: QWidget | None, exc: BaseException, *, title: str = "") -> QMessageBox:
    """Tell the user about ``exc`` in a message box (non-blocking); returns the box."""
    user = is_user_error(exc)
    box = QMessageBox(parent)
    box.setObjectName("errorBox" if not user else "userErrorBox")
    box.setIcon(QMessageBox.Icon.Warning if user else QMessageBox.Icon.Critical)
    box.setWindowTitle(title or (_("Cannot do that") if user else _("Unexpected error")))
    box.setText(message_for(exc))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_info(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A plain, non-blocking notice (a task finished, a file was written)."""
    box = QMessageBox(parent)
    box.setObjectName("infoBox")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def install_excepthook() -> ExceptHook:
    """Show exceptions that escape a Qt slot instead of letting them go to stderr only.

    Returns the previous hook (tests and the caller may put it back).
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        exc.__traceback__ = tb
        app = QApplication.instance()
        parent = app.activeWindow() if isinstance(app, QApplication) else None
        try:
            show_error(parent, exc)
        except Exception:
            previous(kind, exc, tb)

    sys.excepthook = hook
    return previous
