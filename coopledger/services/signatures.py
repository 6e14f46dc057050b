"""The names printed on papers: who prepared (制单), reviewed (审核), posted (记账) and paid
(出纳).

Papers name people by the display names of the users who did each act, as the ledger
recorded them; a user without a display name leaves the line empty, to be signed by hand. A
login name (``root``, ``kuaiji``) is never printed. A ledger with no users (single-user mode)
never knew who did what: its papers say 单机模式 in the first signature place and leave the
others empty for hand signatures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.services.ledger import Ledger
from coopledger.store.models import AppUser

__all__ = ["SINGLE_USER", "People", "Signatures", "people"]

#: What the papers of a ledger without users print where a name would be.
SINGLE_USER = "单机模式"


@dataclass(frozen=True, slots=True)
class Signatures:
    """The names on one paper (display names, or empty)."""

    preparer: str = ""
    reviewer: str = ""
    poster: str = ""
    cashier: str = ""


class People:
    """The ledger's users by login name, to put their display names on paper."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names

    @property
    def single_user(self) -> bool:
        """Whether the ledger has no users (single-user mode)."""
        return not self._names

    def name(self, username: str) -> str:
        """The display name of ``username`` ("" for no one, an unknown name, or a user without
        a display name: never the login name itself)."""
        return self._names.get(username, "") if username else ""

    def sign(
        self, preparer: str = "", reviewer: str = "", poster: str = "", cashier: str = ""
    ) -> Signatures:
        """The names of who did each act (login names in, display names out); 单机模式 in the
        first place in single-user mode."""
        if self.single_user:
            return Signatures(preparer=SINGLE_USER)
        return Signatures(
            self.name(preparer), self.name(reviewer), self.name(poster), self.name(cashier)
        )

    @classmethod
    def read(cls, session: Session) -> People:
        """Every user of the ledger."""
        rows = session.execute(select(col(AppUser.username), col(AppUser.display_name))).all()
        return cls({str(u): str(d or "").strip() for u, d in rows})


def people(ledger: Ledger) -> People:
    """The users of ``ledger``, for the names on its papers."""
    with ledger.read() as s:
        return People.read(s)


def printed_by(ledger: Ledger) -> str:
    """The name for 制表 on a paper that records no act of its own (a statement, a book):
    the display name of the user printing it, or 单机模式."""
    found = people(ledger)
    if found.single_user:
        return SINGLE_USER
    return found.name(ledger.user)
