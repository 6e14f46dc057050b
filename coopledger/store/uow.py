"""The unit of work: one transaction, its audit entries, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from coopledger.domain.changes import Changes
from coopledger.domain.gcpause import gc_paused
from coopledger.store import audit
from coopledger.store.bulk import BEFORE_WRITE, TOUCHED, insert_rows, note_write
from coopledger.store.engine import bulk_cache, lock_chain_head, lock_organisation
from coopledger.store.tracked import (
    TRACKED,
    StateDigester,
    digests_in_range,
    record_state,
    snapshot_tables,
    table_digests,
)

#: The kinds of record each table holds (`Changes`); a table written in a unit of work
#: reports its kinds (``tests/store/test_changes.py`` checks that every table is here).
TABLE_CHANGES: Mapping[str, Changes] = {
    "organisation": Changes.ORGS,
    "account": Changes.ACCOUNTS,
    "member": Changes.MEMBERS,
    # A contract's land share lot is part of the share register.
    "land_contract": Changes.CONTRACTS | Changes.SHARES,
    "share_lot": Changes.SHARES,
    "voucher": Changes.VOUCHERS,
    "voucher_line": Changes.VOUCHERS,
    # A batch's review is the review of its vouchers.
    "import_batch": Changes.VOUCHERS,
    "period_balance": Changes.VOUCHERS,
    "period": Changes.PERIODS,
    "fiscal_year": Changes.PERIODS,
    "balance_check": Changes.CHECKS,
    "distribution_plan": Changes.DISTRIBUTION,
    "distribution": Changes.DISTRIBUTION,
    # A slip is made by a distribution and paid later.
    "distribution_item": Changes.DISTRIBUTION | Changes.PAYMENTS,
    "approval_request": Changes.APPROVALS,
    "setting": Changes.SETTINGS,
    "app_user": Changes.USERS,
    "user_organisation": Changes.USERS,
    "organisation_key": Changes.ORGS,
    "township_village": Changes.TOWNSHIP,
    "township_package": Changes.TOWNSHIP,
    "township_package_file": Changes.TOWNSHIP,
    "audit_log": Changes.AUDIT,
    "fixed_asset": Changes.ASSETS,
    "asset_change": Changes.ASSETS,
    "depreciation_run": Changes.ASSETS,
    "asset_depreciation": Changes.ASSETS,
    "publication": Changes.PUBLISHED,
    "share_certificate": Changes.PUBLISHED,
}


def changes_of(tables: Iterable[str]) -> Changes:
    """The kinds of record behind some tables (an unknown table counts as everything)."""
    out = Changes.NONE
    for table in tables:
        out |= TABLE_CHANGES.get(table, Changes.ALL)
    return out


def _note_statement(
    conn: Connection,
    clauseelement: object,
    _multiparams: object,
    _params: object,
    _execution_options: object,
    _result: object,
) -> None:
    """After a statement: note the table an insert, update or delete wrote (ORM flushes and
    Core statements alike)."""
    if isinstance(clauseelement, UpdateBase):
        table = getattr(clauseelement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            note_write(conn, name)


def _before_statement(
    conn: Connection,
    clauseelement: object,
    _multiparams: object,
    _params: object,
    _execution_options: object,
) -> None:
    """Before an insert, update or delete: let the open unit of work read the digests of a
    snapshot table before its first write (see `Tx.before_write`)."""
    if isinstance(clauseelement, UpdateBase):
        hook = conn.info.get(BEFORE_WRITE)
        name = getattr(getattr(clauseelement, "table", None), "name", None)
        if hook is not None and isinstance(name, str):
            hook(conn, name)


def _watch(engine: Engine) -> None:
    if not event.contains(engine, "after_execute", _note_statement):
        event.listen(engine, "after_execute", _note_statement)
    if not event.contains(engine, "before_execute", _before_statement):
        event.listen(engine, "before_execute", _before_statement)


class Tx:
    """An open write transaction. Services do their writes through ``session`` and say what
    they did with ``track``/``log``; the audit entries commit or vanish with the writes.
    `changes` says what kinds of record it has written so far."""

    def __init__(self, session: Session, user: str, org_id: int | None) -> None:
        self.session = session
        self.user = user
        self.org_id = org_id
        self._pending: list[audit.PendingEntry] = []
        self.tables: set[str] = set()
        #: The digests of each snapshot table this transaction writes, as they were before
        #: its first write (or at the last ``chain_audit``).
        self._snapshots: dict[str, dict[str, str]] = {}

    def before_write(self, conn: Connection, table: str) -> None:
        """Called before every insert, update or delete of this transaction (Core, ORM and
        bulk alike): the first write to a snapshot table reads its digests first."""
        if table in self._snapshots:
            return
        snap = snapshot_tables().get(table)
        if snap is not None:
            self._snapshots[table] = table_digests(conn, snap)

    def _record_snapshots(self) -> None:
        """One bulk entry per snapshot table written: the digest of every row that was
        added or altered since its first write, ``""`` for a row deleted."""
        if not self._snapshots:
            return
        conn = self.session.connection()
        tables = snapshot_tables()
        for name, before in sorted(self._snapshots.items()):
            after = table_digests(conn, tables[name])
            changed = {
                key: after.get(key, "")
                for key in sorted(before.keys() | after.keys())
                if before.get(key) != after.get(key)
            }
            self._snapshots[name] = after
            if not changed:
                continue
            self._pending.append(
                audit.pending(
                    user=self.user,
                    action=f"record {name}",
                    org_id=self.org_id,
                    entity=name,
                    entity_id="*",
                    after={
                        audit.BULK_KEY: True,
                        "summary": {
                            "added": sum(1 for k in changed if k not in before),
                            "changed": sum(1 for k in changed if k in before and k in after),
                            "deleted": sum(1 for k in changed if k not in after),
                        },
                        "rows": changed,
                    },
                )
            )
            self.tables.add("audit_log")

    @property
    def changes(self) -> Changes:
        """The kinds of record this transaction wrote."""
        return changes_of(self.tables)

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
        self.tables.add("audit_log")  # written at commit: reported as written already
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
        if self._snapshots:
            # Held from here to the commit (PostgreSQL): a snapshot read now is not
            # overtaken by another writer's entries.
            lock_chain_head(self.session)
            self._record_snapshots()
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

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """A block of bulk writes (a book import): the database may use more memory for its
        page cache meanwhile, and Python's cyclic garbage collector pauses. The rows and
        records of a bulk write hold no reference cycles, and a collection every few hundred
        new objects would walk every record held (a big book's millions) each time;
        reference counting still frees everything as usual."""
        with gc_paused(), bulk_cache(self.session.connection()):
            yield

    def track_inserted(
        self,
        action: str,
        entity: str,
        rows: Sequence[Mapping[str, Any]],
        summary: Mapping[str, Any],
    ) -> None:
        """Insert many new records of one kind (each a mapping of every column to its value,
        ``id`` included) in bulk, and record their states by digest in one audit entry,
        digested from the rows themselves (what ``verify`` recomputes from the stored rows)."""
        if not rows:
            return
        table = TRACKED[entity].table
        columns = tuple(table.columns.keys())
        missing = set(columns) - set(rows[0])
        if missing:  # a programming error: a row must give every column
            raise ValueError(f"{entity} rows lack {sorted(missing)}")
        tuples = [tuple(r[c] for c in columns) for r in rows]
        insert_rows(self.session, table, columns, tuples)
        state_digest = StateDigester(table, columns)
        self.track_bulk(action, entity, {int(t[0]): state_digest(t) for t in tuples}, summary)

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
    the transaction (on PostgreSQL, where several clients write at once). The `Tx` notes the
    tables written (see `Tx.changes`)."""
    _watch(engine)
    session = Session(engine, expire_on_commit=False)
    # The DBAPI connection's own info: it outlives the Connection, which commit closes.
    info: dict[Any, Any] | None = None
    try:
        session.begin()
        if org_id is not None:
            lock_organisation(session, org_id)
        tx = Tx(session, user, org_id)
        info = session.connection().info
        info[TOUCHED] = tx.tables
        info[BEFORE_WRITE] = tx.before_write
        yield tx
        tx.chain_audit()
        session.commit()  # flushes the last ORM changes: their tables are noted too
    except BaseException:
        session.rollback()
        raise
    finally:
        if info is not None:
            info.pop(TOUCHED, None)
            info.pop(BEFORE_WRITE, None)
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
