"""Copying a whole ledger between backends, row for row: every table, every id, the audit
chain as it is. What the audit log recorded stays true of the copy, so ``verify`` passes on it
and every figure computed from it is the same.

The source is read in one consistent snapshot (a read transaction on SQLite, REPEATABLE READ
on PostgreSQL) while others may go on writing; the target is written in one transaction that
also creates its schema, so a copy that fails leaves the target as empty as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select, text, update
from sqlmodel import SQLModel

import coopledger.store.models  # noqa: F401  (registers the tables)
from coopledger.store.engine import is_postgres, sync_sequences, table_names, upgrade_on

#: Rows per batch when streaming a table.
BATCH = 20_000

#: (table, rows copied so far) as the copy goes.
CopyProgress = Callable[[str, int], None]


@dataclass
class CopyCounts:
    """How many rows each table of the copy holds."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables_in_order() -> list[Table]:
    """Every ledger table, each after the tables it refers to."""
    return list(SQLModel.metadata.sorted_tables)


def is_empty(engine: Engine) -> bool:
    """Whether the database holds no tables at all (a target a copy may write into)."""
    return not table_names(engine)


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that reads one consistent state of the ledger while others write."""
    with engine.connect() as conn:
        if is_postgres(conn):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        else:
            conn.exec_driver_sql("SELECT 1")  # a writable engine begins its transaction here
            if not conn.connection.driver_connection.in_transaction:  # type: ignore[union-attr]
                conn.exec_driver_sql("BEGIN")  # a read-only engine's driver does not
        try:
            yield conn
        finally:
            conn.rollback()


def _self_refs(table: Table) -> list[str]:
    """Columns that point at rows of the same table (filled in after every row is in)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _rows(src: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns)
    result = src.execution_options(stream_results=True, yield_per=BATCH).execute(
        select(table).order_by(*order)
    )
    for part in result.mappings().partitions(BATCH):
        yield [dict(r) for r in part]


def _write_postgres(dst: Connection, table: Table, batch: list[dict[str, Any]]) -> None:
    from psycopg import sql

    raw: Any = dst.connection.driver_connection
    names = [c.name for c in table.columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    with raw.cursor() as cur, cur.copy(statement) as copy:
        for row in batch:
            copy.write_row([row[n] for n in names])


def _set_aside_checks(dst: Connection) -> list[str]:
    """On PostgreSQL, drop the foreign keys, unique constraints and secondary indexes of the
    (empty) target before the rows go in, and return the statements that put each back
    exactly as it was: checking and indexing five million lines once at the end costs a
    fraction of doing it row by row. Everything happens inside the copy's one transaction,
    and the constraints are validated when they are added back."""
    rows = dst.execute(
        text(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype"
            " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = current_schema() AND c.contype IN ('f', 'u')"
        )
    ).all()
    restore: list[str] = []
    # Unique constraints first, then foreign keys (which may rely on them).
    # DDL names its tables and constraints in the text: these come from PostgreSQL's own
    # catalog (never from a user), quoted as the catalog gives them.
    for table, name, definition, _kind in sorted(rows, key=lambda r: r[3] == "f"):
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for table, name, _definition, _kind in sorted(rows, key=lambda r: r[3] != "f"):
        dst.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    indexes = dst.execute(
        text(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
            " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        )
    ).all()
    for name, definition in indexes:
        dst.execute(text(f"DROP INDEX {name}"))
        restore.insert(0, definition)
    return restore


def _copy_raw(
    src: Connection,
    dst: Connection,
    table: Table,
    later: list[str],
    pending: list[dict[str, Any]],
    progress: CopyProgress | None,
) -> int:
    """From SQLite, the fast way: the rows as SQLite holds them (dates and times as the text
    SQLAlchemy wrote, booleans as 0/1) go straight into PostgreSQL's ``COPY``, which parses
    them into its own types, or into another SQLite file as they are; no Python object per
    value. ``verify`` on the copy proves every row reads back as the audit log recorded it."""
    from psycopg import sql

    names = [c.name for c in table.columns]
    cols = ", ".join(f'"{n}"' for n in names)  # names from the program's own tables
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    cursor = src.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f'SELECT {cols} FROM "{table.name}" ORDER BY {order}')
    at = [names.index(c) for c in later]
    id_at = names.index("id") if later else -1
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    target: Any = dst.connection.driver_connection
    if not is_postgres(dst):
        # SQLite to SQLite: the same storage formats on both sides.
        marks = ", ".join("?" for _ in names)
        insert_sql = f'INSERT INTO "{table.name}" ({cols}) VALUES ({marks})'
        out = target.cursor()
        n = 0
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                break
            rows = []
            for row in batch:
                if at and any(row[i] is not None for i in at):
                    pending.append(
                        {"_id": row[id_at], **{c: row[i] for c, i in zip(later, at, strict=True)}}
                    )
                    row = list(row)
                    for i in at:
                        row[i] = None
                rows.append(row)
            out.executemany(insert_sql, rows)
            n += len(batch)
            if progress is not None:
                progress(table.name, n)
        out.close()
        cursor.close()
        return n
    n = 0
    with target.cursor() as cur, cur.copy(statement) as copy:
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                break
            for row in batch:
                if at and any(row[i] is not None for i in at):
                    pending.append(
                        {"_id": row[id_at], **{c: row[i] for c, i in zip(later, at, strict=True)}}
                    )
                    row = list(row)
                    for i in at:
                        row[i] = None
                copy.write_row(row)
            n += len(batch)
            if progress is not None:
                progress(table.name, n)
    cursor.close()
    return n


def copy_tables(
    src: Connection, dst: Connection, progress: CopyProgress | None = None
) -> CopyCounts:
    """Copy every row of every table from ``src`` to ``dst`` (whose schema is at the same
    revision and empty), ids included; then move the target's id sequences past them."""
    counts = CopyCounts()
    to_postgres = is_postgres(dst)
    restore = _set_aside_checks(dst) if to_postgres else []
    # From a SQLite file, rows go as SQLite holds them (no Python object per value).
    raw = not is_postgres(src)
    for table in tables_in_order():
        later = _self_refs(table)
        pending: list[dict[str, Any]] = []
        n = 0
        if raw:
            n = _copy_raw(src, dst, table, later, pending, progress)
        for batch in [] if raw else _rows(src, table):
            if later:
                for row in batch:
                    if any(row[c] is not None for c in later):
                        pending.append({"_id": row["id"], **{c: row[c] for c in later}})
                        for c in later:
                            row[c] = None
            if to_postgres:
                _write_postgres(dst, table, batch)
            else:
                dst.execute(insert(table), batch)
            n += len(batch)
            if progress is not None:
                progress(table.name, n)
        if pending:
            from sqlalchemy import bindparam

            stmt = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in later})
            )
            dst.execute(stmt, pending)
        counts.rows[table.name] = n
    for statement in restore:
        dst.execute(text(statement))
    sync_sequences(dst, SQLModel.metadata.tables)
    if to_postgres:
        # Fresh tables have no statistics yet: without them the planner scans millions of
        # lines where an index would do (posting, previews) until autovacuum gets round to it.
        dst.execute(text("ANALYZE"))
    return counts


def count_rows(conn: Connection) -> CopyCounts:
    """How many rows each table holds."""
    counts = CopyCounts()
    for table in tables_in_order():
        counts.rows[table.name] = int(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
        )
    return counts


def create_schema(dst: Connection) -> None:
    """Create the schema (the migrations, to the head) inside ``dst``'s transaction."""
    upgrade_on(dst)
