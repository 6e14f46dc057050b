"""When the machine, not the data, stops an act: one sentence for the person at the desk.

A full disk, a damaged ledger file, a read-only memory card, a number too big for the
database: each is an exception from deep inside SQLite, the operating system or a library,
and each gets one clear sentence saying what happened and what to do, instead of an
apology and a log file. Nothing was written in any of these cases: a unit of work rolls back
whole, and every output goes through a temporary file (``coopledger.outfiles``).

`fault_of` is used by both shells (``cli`` and ``ui/errors.py``); it returns None for an
exception it does not know, which stays a program error.
"""

from __future__ import annotations

import errno
import sqlite3

from coopledger.domain.errors import N_, DomainError
from coopledger.domain.faults import MSG_DISK_FULL, MSG_READ_ONLY

__all__ = ["DAMAGED", "DamagedLedgerError", "fault_of", "is_damage"]

#: What SQLite says of a file whose pages are not what it wrote.
_DAMAGE_WORDS = (
    "database disk image is malformed",
    "file is not a database",
    "file is encrypted or is not a database",
    "database corruption",
    "malformed database schema",
)

DAMAGED = N_(
    "The ledger file {file} is damaged ({detail}). Nothing was written. Run coopledger"
    " verify, and restore the newest backup (coopledger restore)."
)


MSG_DISK_FULL_NO_FILE = N_("The disk is full. Nothing was changed; free some space and try again.")
MSG_READ_ONLY_NO_FILE = N_("The file is on a read-only disk or card: nothing can be written there.")


class DamagedLedgerError(DomainError):
    """The ledger file is damaged: it may be read (as far as it can be), never written."""

    def __init__(self, file: str, detail: str) -> None:
        super().__init__("--db", DAMAGED, file=file, detail=detail)


def _message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)  # SQLAlchemy wraps the driver's exception
    return str(orig if orig is not None else exc).strip().splitlines()[0] if str(exc) else ""


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the ledger file is damaged."""
    text = _message(exc).lower()
    return any(word in text for word in _DAMAGE_WORDS)


def fault_of(exc: BaseException, where: str = "") -> DomainError | None:
    """The sentence for ``exc`` when it is a fault of the machine or of the file (``where``:
    the ledger as it may be shown), or None."""
    if isinstance(exc, DomainError):
        return exc
    text = _message(exc)
    low = text.lower()
    sqlite_error = isinstance(exc, sqlite3.Error) or isinstance(
        getattr(exc, "orig", None), sqlite3.Error
    )
    if sqlite_error or "sqlite" in type(exc).__module__:
        if is_damage(exc):
            return DamagedLedgerError(where or "?", text)
        if "database or disk is full" in low:
            return DomainError("--db", MSG_DISK_FULL, file=where or "?", error=text)
        if "readonly database" in low or "read-only" in low:
            return DomainError(
                "--db",
                N_(
                    "{file} cannot be written: it is on a read-only disk or card, or this user may"
                    " not write it. Open it with --readonly, or copy it to a writable disk."
                ),
                file=where or "?",
            )
        if "unable to open database file" in low:
            return DomainError(
                "--db",
                N_(
                    "{file} cannot be opened: its folder is missing, read-only or not allowed to"
                    " this user."
                ),
                file=where or "?",
            )
        if "disk i/o error" in low:
            return DomainError(
                "--db",
                N_(
                    "The disk holding {file} failed to read or write (a disk I/O error). Nothing"
                    " was written; check the disk or card, and restore the newest backup if it"
                    " is damaged."
                ),
                file=where or "?",
            )
    if isinstance(exc, OverflowError) or "too large to convert" in low:
        return DomainError(
            "", N_("A number given is far too large (the largest is 9,223,372,036,854,775,807).")
        )
    if isinstance(exc, OSError):
        # An operating system's refusal names the file it concerns, or none: then it is not
        # the ledger's (whose refusals SQLite reports), and no file is named.
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            if exc.filename is None:
                return DomainError("", MSG_DISK_FULL_NO_FILE)
            return DomainError("", MSG_DISK_FULL, file=exc.filename, error=text)
        if exc.errno == errno.EROFS:
            if exc.filename is None:
                return DomainError("", MSG_READ_ONLY_NO_FILE)
            return DomainError("", MSG_READ_ONLY, file=exc.filename)
    if isinstance(exc, MemoryError):
        return DomainError(
            "",
            N_(
                "The computer ran out of memory for this. Nothing was written; close other"
                " programs and try again."
            ),
        )
    return None
