"""What every view is given: the open ledger, the chosen book, the task runner, and the
change signal (no global singletons: the main window makes one and hands it down)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal

from coopledger.domain.changes import Changes
from coopledger.domain.roles import can
from coopledger.domain.vocabulary import Permission
from coopledger.services.accounts import OrgInfo
from coopledger.services.ledger import Ledger
from coopledger.ui.tasks import TaskRunner

#: What a read-only ledger still allows.
_READ_ONLY_ACTS = frozenset(
    {Permission.READ, Permission.PRINT, Permission.VERIFY, Permission.BACKUP}
)


class AppContext(QObject):
    """The ledger, the current book and the runner, with signals for changes.

    Every write that commits on the ledger, whoever made it (a dialog, an import, a task
    in the background), is heard here as its `Changes` and sent on as `changed`, in the
    window's thread; views refresh on the kinds they show."""

    #: These kinds of record changed (a `Changes`).
    changed = Signal(object)
    #: Another book was chosen.
    org_changed = Signal()

    def __init__(self, ledger: Ledger, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.runner = runner
        self.org: OrgInfo | None = None
        #: The date of the voucher entered last in this window (the next one starts there).
        self.last_voucher_date: dt.date | None = None
        # Emitted from the thread that wrote; Qt queues it to the views' thread.
        self._unsubscribe = ledger.subscribe(self.changed.emit)
        self.destroyed.connect(lambda *_a: self._unsubscribe())

    def set_ledger(self, ledger: Ledger) -> None:
        """Work on another open ledger (the same file after a restore): every view hears
        that everything changed."""
        self._unsubscribe()
        self.ledger = ledger
        self._unsubscribe = ledger.subscribe(self.changed.emit)
        self.org = None
        self.changed.emit(Changes.ALL)

    @property
    def org_id(self) -> int:
        """The current book's id (0 when the ledger holds none yet)."""
        return self.org.id if self.org else 0

    def set_org(self, org: OrgInfo | None) -> None:
        if org != self.org:
            self.org = org
            self.org_changed.emit()

    def can(self, permission: Permission) -> bool:
        """Whether the user may do ``permission`` (everything in single-user mode)."""
        if self.ledger.readonly and permission not in _READ_ONLY_ACTS:
            return False
        return can(self.ledger.role, permission)
