"""Anchors of the audit chain outside the ledger: where a chain was seen, so that a chain
later cut short or rewritten can be told.

An anchor is a chain head: how many entries the chain had and the hash of the last one. The
audit chain proves each entry follows the one before it, but someone who can write the file
can also rewrite the whole chain, or cut its tail off together with the rows it recorded,
and the file alone cannot show it. A head kept elsewhere can:

* every backup manifest holds the head of the copy (``store.backup``);
* statements, the public notice and the slips print it as a short fingerprint (账套指纹,
  ``1234-9F3A-C2D1-7E55-0B12``: the entry count, then the first 16 hex digits of the hash);
* the program notes the last head it saw of each ledger in the user's data folder
  (`SeenHeads`), when it closes a ledger it wrote and when ``verify`` passes.

A chain *agrees* with an anchor when its entry number ``entries`` has that hash: the chain
is that one, or extends it. It is *shorter* when it has fewer entries, and *diverges* when
the entry at that place has another hash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from coopledger.store.tables import audit_log as _LOG

# (Core tables, not the models: a ledger notes its head when it closes, and a read-only
# command must not pay for the ORM to do it.)
GENESIS = "0" * 64

#: Hex digits of the head's hash a fingerprint prints (64 bits: too many to forge by trying).
FINGERPRINT_DIGITS = 16


@dataclass(frozen=True, slots=True)
class ChainHead:
    """A chain head: ``entries`` entries, the last one's ``hash`` (GENESIS for none)."""

    entries: int
    hash: str

    @property
    def fingerprint(self) -> str:
        """The head as printed on paper: ``1234-9F3A-C2D1-7E55-0B12``."""
        digits = self.hash[:FINGERPRINT_DIGITS].upper()
        groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
        return "-".join([str(self.entries), *groups])


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A fingerprint as typed back (``verify --fingerprint``): the count and a hash prefix."""

    entries: int
    prefix: str  # lower-case hex, 16 to 64 digits


_FINGERPRINT = re.compile(r"^\s*(\d{1,12})\s*[-:·.\s]\s*([0-9A-Fa-f\-\s]{16,80})\s*$")


def parse_fingerprint(text: str) -> Fingerprint | None:
    """A fingerprint as printed (separators and case as you like), or None if it is not one."""
    match = _FINGERPRINT.match(text)
    if match is None:
        return None
    digits = re.sub(r"[\-\s]", "", match.group(2)).lower()
    if not FINGERPRINT_DIGITS <= len(digits) <= 64:
        return None
    return Fingerprint(int(match.group(1)), digits)


def chain_head(conn: Connection) -> ChainHead:
    """The head of the ledger's chain now."""
    entries = int(conn.execute(select(func.count()).select_from(_LOG)).scalar_one())
    if not entries:
        return ChainHead(0, GENESIS)
    last = conn.execute(select(_LOG.c.hash).order_by(_LOG.c.id.desc()).limit(1)).scalar_one()
    return ChainHead(entries, str(last))


def hash_at(conn: Connection, entries: int) -> str | None:
    """The hash of the chain's entry number ``entries`` (counting from 1; GENESIS for 0), or
    None when the chain is shorter."""
    if entries <= 0:
        return GENESIS
    row = conn.execute(
        select(_LOG.c.hash).order_by(_LOG.c.id).offset(entries - 1).limit(1)
    ).scalar_one_or_none()
    return None if row is None else str(row)


#: How a chain compares with an anchor.
AGREES = "agrees"
SHORTER = "shorter"
DIVERGES = "diverges"


def compare(conn: Connection, entries: int, prefix: str) -> str:
    """`AGREES`, `SHORTER` or `DIVERGES`: the chain against a head seen elsewhere
    (``prefix``: its hash, or the first digits of it)."""
    found = hash_at(conn, entries)
    if found is None:
        return SHORTER
    return AGREES if found.startswith(prefix.lower()) else DIVERGES


# -- the heads this computer has seen --------------------------------------------------------


def ledger_key(where: str) -> str:
    """The name a ledger's seen head is kept under: a digest of its resolved path (or of its
    server URL without the password)."""
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class SeenHead:
    """The last head this computer saw of one ledger."""

    head: ChainHead
    seen_at: str
    where: str


class SeenHeads:
    """The heads this computer has seen, one per ledger, in ``<user data>/seen-heads.json``.
    A convenience, not a proof: whoever controls the computer can edit it (see the user
    guide); it catches a chain cut short or rewritten by someone who had only the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, where: str) -> SeenHead | None:
        """The last head seen of the ledger at ``where``."""
        item = self._load().get(ledger_key(where))
        if not isinstance(item, dict):
            return None
        try:
            return SeenHead(
                ChainHead(int(item["entries"]), str(item["hash"])),
                str(item.get("seen_at", "")),
                str(item.get("where", where)),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, where: str, head: ChainHead) -> None:
        """Note ``head`` as the last seen of the ledger at ``where`` (best effort: a data
        folder that cannot be written is not the ledger's problem)."""
        data = self._load()
        item = data.get(ledger_key(where))
        item = item if isinstance(item, dict) else {}
        item.update(
            {
                "entries": head.entries,
                "hash": head.hash,
                "seen_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "where": where,
            }
        )
        data[ledger_key(where)] = item
        self._save(data)

    #: How many backups of each ledger are remembered.
    BACKUPS_KEPT = 20

    def add_backup(self, where: str, backup: Path) -> None:
        """Remember where a backup of the ledger at ``where`` was written."""
        data = self._load()
        item = data.get(ledger_key(where))
        if not isinstance(item, dict) or "hash" not in item:
            return  # nothing seen of this ledger yet: noted with its head at close
        known = [str(p) for p in item.get("backups", []) if str(p) != str(backup)]
        item["backups"] = [*known, str(backup)][-self.BACKUPS_KEPT :]
        self._save(data)

    def backups(self, where: str) -> list[Path]:
        """The backups of the ledger at ``where`` this computer wrote (the newest last)."""
        item = self._load().get(ledger_key(where))
        if not isinstance(item, dict):
            return []
        return [Path(str(p)) for p in item.get("backups", []) if isinstance(p, str)]

    def _save(self, data: dict[str, Any]) -> None:
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            tmp.unlink()
