"""The append-only audit log and its hash chain.

Every write appends an entry in the same transaction: who, when, what, the state before and
after. Each entry's hash covers its own fields and the previous entry's hash, so changing or
deleting any entry breaks every hash after it. Entries that record the state of a tracked
record (member, contract, voucher, ...) let ``verify`` prove the tables still hold exactly
what the program wrote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.store.engine import is_postgres, lock_and_read_chain_head, lock_chain_head
from coopledger.store.models import STATE_OMITS, AuditLog, table_of

_AUDIT = table_of(AuditLog)

GENESIS = "0" * 64

#: ``after_json`` of a bulk entry: ``{"bulk": true, "rows": {"<id>": "<digest>", ...}}``.
BULK_KEY = "bulk"


def _default(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def canonical_json(obj: object) -> str:
    """One byte-exact JSON text for a value: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(
        obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    )


def digest(obj: object) -> str:
    """SHA-256 of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def entry_hash(
    prev_hash: str,
    *,
    org_id: int | None,
    at: str,
    user: str,
    action: str,
    entity: str,
    entity_id: str,
    before_json: str,
    after_json: str,
) -> str:
    """The chained hash of one entry."""
    payload = [prev_hash, org_id, at, user, action, entity, entity_id, before_json, after_json]
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def now_utc_text() -> str:
    """The timestamp written into entries (UTC, microseconds)."""
    return dt.datetime.now(dt.UTC).isoformat()


def chain_head(session: Session | Connection) -> tuple[int, str]:
    """(id, hash) of the newest entry, or (0, GENESIS)."""
    row = session.execute(
        select(col(AuditLog.id), col(AuditLog.hash)).order_by(col(AuditLog.id).desc()).limit(1)
    ).first()
    if row is None:
        return 0, GENESIS
    head_id, head_hash = row
    assert head_id is not None  # the primary key
    return int(head_id), str(head_hash)


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """An audit entry written by a unit of work, chained when the unit commits."""

    user: str
    action: str
    org_id: int | None
    entity: str
    entity_id: str
    before_json: str
    after_json: str


def pending(
    *,
    user: str,
    action: str,
    org_id: int | None = None,
    entity: str = "",
    entity_id: str | int = "",
    before: object = None,
    after: object = None,
) -> PendingEntry:
    """An entry to chain later (its state is serialised now, as it is at this moment)."""
    return PendingEntry(
        user=user,
        action=action,
        org_id=org_id,
        entity=entity,
        entity_id=str(entity_id),
        before_json="" if before is None else canonical_json(before),
        after_json="" if after is None else canonical_json(after),
    )


def chain(session: Session | Connection, entries: Sequence[PendingEntry]) -> None:
    """Chain ``entries`` to the current head and insert them, inside the caller's transaction.

    On PostgreSQL the chain head is held (an advisory lock) from here until the transaction
    ends, so that concurrent writers append one after the other and the chain never forks;
    the lock is taken as late as possible, so writers in different organisations only wait
    for each other's last moments.
    """
    if not entries:
        return
    if is_postgres(session):  # the lock and the head in one round trip
        _, prev = lock_and_read_chain_head(session) or (0, GENESIS)
    else:
        lock_chain_head(session)
        _, prev = chain_head(session)
    at = now_utc_text()
    rows: list[dict[str, Any]] = []
    for e in entries:
        h = entry_hash(
            prev,
            org_id=e.org_id,
            at=at,
            user=e.user,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            before_json=e.before_json,
            after_json=e.after_json,
        )
        rows.append(
            {
                "org_id": e.org_id,
                "at": at,
                "user": e.user,
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "before_json": e.before_json,
                "after_json": e.after_json,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    # One statement per entry keeps the ids in chain order on every backend.
    for row in rows:
        session.execute(insert(_AUDIT), row)


def append(
    session: Session | Connection,
    *,
    user: str,
    action: str,
    org_id: int | None = None,
    entity: str = "",
    entity_id: str | int = "",
    before: object = None,
    after: object = None,
) -> None:
    """Append one entry chained to the current head, inside the caller's transaction (a
    session's, or a bare connection's, as a migration has)."""
    chain(
        session,
        [
            pending(
                user=user,
                action=action,
                org_id=org_id,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
        ],
    )


def row_snapshot(table: Table, row: Mapping[Any, Any]) -> dict[str, Any]:
    """The recorded state of one row: every column, in JSON-friendly form. ``row`` is a dict
    or a SQLAlchemy ``RowMapping`` (keyed by column name or column, hence ``Mapping[Any, Any]``).

    A column added after rows were recorded (``models.added_later``) is left out while it
    holds the value the migration gave those rows, so their states are unchanged."""
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row.get(column.name)
        if STATE_OMITS in column.info and value == column.info[STATE_OMITS]:
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = bool(value)
        out[column.name] = value
    return out
