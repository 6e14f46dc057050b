"""What every view is given: the open ledger, the chosen book, the task runner, and the
change signal (no global singletons: the main window makes one and hands it down)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from coopledger.domain.roles import can
from coopledger.services.accounts import OrgInfo
from coopledger.services.ledger import Ledger
from coopledger.ui.tasks import TaskRunner

#: Kinds of record a write can change; each view refreshes only on the flags it shows.
FLAGS = frozenset(
    {
        "orgs",
        "members",
        "contracts",
        "shares",
        "vouchers",
        "accounts",
        "distribution",
        "payments",
        "settings",
        "users",
        "township",
    }
)


class AppContext(QObject):
    """The ledger, the current book and the runner, with signals for changes."""

    #: A write changed these kinds of record (a frozenset of `FLAGS`).
    changed = Signal(object)
    #: Another book was chosen.
    org_changed = Signal()

    def __init__(self, ledger: Ledger, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger = ledger
        self.runner = runner
        self.org: OrgInfo | None = None

    @property
    def org_id(self) -> int:
        """The current book's id (0 when the ledger holds none yet)."""
        return self.org.id if self.org else 0

    def set_org(self, org: OrgInfo | None) -> None:
        if org != self.org:
            self.org = org
            self.org_changed.emit()

    def notify(self, *flags: str | Iterable[str]) -> None:
        """Tell the views that these kinds of record changed."""
        out: set[str] = set()
        for f in flags:
            out.update([f] if isinstance(f, str) else f)
        self.changed.emit(frozenset(out))

    def can(self, permission: str) -> bool:
        """Whether the user may do ``permission`` (everything in single-user mode)."""
        if self.ledger.readonly and permission not in ("read", "print", "verify", "backup"):
            return False
        return can(self.ledger.role, permission)
