"""The unit of work: one transaction, its audit entries, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from coopledger.store import audit
from coopledger.store.engine import lock_organisation
from coopledger.store.tracked import digests_in_range, record_state


class Tx:
    """An open write transaction. Services do their writes through ``session`` and say what
    they did with ``track``/``log``; the audit entries commit or vanish with the writes."""

    def __init__(self, session: Session, user: str, org_id: int | None) -> None:
        self.session = session
        self.user = user
        self.org_id = org_id
        self._pending: list[audit.PendingEntry] = []

    def log(
        self,
        action: str,
        *,
        entity: str = "",
        entity_id: str | int = "",
        before: object = None,
        after: object = None,
        org_id: int | None = None,
    ) -> None:
        """Append a plain audit entry (an act that changes no tracked record's state).

        The entry is chained when the unit of work commits (or at ``chain_audit``)."""
        self._pending.append(
            audit.pending(
                user=self.user,
                action=action,
                org_id=self.org_id if org_id is None else org_id,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
        )

    def chain_audit(self) -> None:
        """Chain the entries logged so far now (the unit of work does it before it commits;
        call it to read the new chain head inside the transaction)."""
        self.session.flush()
        entries, self._pending = self._pending, []
        audit.chain(self.session, entries)

    def state(self, entity: str, row_id: int) -> dict[str, Any] | None:
        """The current state of a tracked record, as the audit log records it."""
        self.session.flush()
        return record_state(self.session.connection(), entity, row_id)

    def track(
        self,
        action: str,
        entity: str,
        row_id: int,
        before: Mapping[str, Any] | None = None,
        org_id: int | None = None,
    ) -> dict[str, Any] | None:
        """Record the new state of one tracked record (None after a delete)."""
        after = self.state(entity, row_id)
        self.log(action, entity=entity, entity_id=row_id, before=before, after=after, org_id=org_id)
        return after

    def track_bulk(
        self, action: str, entity: str, digests: Mapping[int, str], summary: Mapping[str, Any]
    ) -> None:
        """Record many new records at once by the digests of their states."""
        self.log(
            action,
            entity=entity,
            entity_id="*",
            after={
                audit.BULK_KEY: True,
                "summary": dict(summary),
                "rows": {str(k): v for k, v in digests.items()},
            },
        )

    def track_many(
        self, action: str, entity: str, ids: Sequence[int], summary: Mapping[str, Any]
    ) -> None:
        """Record the new state of many records written in bulk (one audit entry)."""
        if not ids:
            return
        self.session.flush()
        wanted = set(ids)
        digests = digests_in_range(self.session.connection(), entity, min(ids), max(ids))
        self.track_bulk(action, entity, {k: v for k, v in digests.items() if k in wanted}, summary)


@contextmanager
def unit_of_work(engine: Engine, user: str, org_id: int | None = None) -> Iterator[Tx]:
    """One write transaction: commits when the block ends, rolls back (leaving no trace,
    audit entries included) when it raises. With ``org_id``, the organisation is held for
    the transaction (on PostgreSQL, where several clients write at once)."""
    session = Session(engine, expire_on_commit=False)
    try:
        session.begin()
        if org_id is not None:
            lock_organisation(session, org_id)
        tx = Tx(session, user, org_id)
        yield tx
        tx.chain_audit()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; it never commits."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        # close() ends the transaction without expiring what was read, so rows read
        # inside the block stay usable after it.
        session.close()
