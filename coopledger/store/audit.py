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
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session
from sqlmodel import col

from coopledger.store.models import AuditLog, table_of

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
    _, prev = chain_head(session)
    fields: dict[str, Any] = {
        "org_id": org_id,
        "at": now_utc_text(),
        "user": user,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "before_json": "" if before is None else canonical_json(before),
        "after_json": "" if after is None else canonical_json(after),
    }
    session.execute(
        insert(table_of(AuditLog)).values(**fields, prev_hash=prev, hash=entry_hash(prev, **fields))
    )


def row_snapshot(table: Table, row: Mapping[Any, Any]) -> dict[str, Any]:
    """The recorded state of one row: every column, in JSON-friendly form. ``row`` is a dict
    or a SQLAlchemy ``RowMapping`` (keyed by column name or column, hence ``Mapping[Any, Any]``)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row.get(column.name)
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = bool(value)
        out[column.name] = value
    return out
