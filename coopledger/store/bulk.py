"""Bulk inserts for the big writes (a book import, a distribution's slips): many rows given
as tuples, handed to the driver's ``executemany`` in one call per chunk.

A Core ``insert`` with a list of dicts costs SQLAlchemy a few microseconds per row to turn each
dict into parameters; for the half a million lines of a township book that is most of the
time the database itself needs. Here the statement is compiled once by SQLAlchemy for the
connection's dialect, every value goes through its column type's own bind processor (so
what is stored is exactly what a Core insert would store: dates, UTC datetimes …), and the
rows go to the driver as they are. A dialect whose parameters are named (not positional)
gets the plain Core insert: the same result, portably.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, insert

from coopledger.store.engine import core_connection

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["BEFORE_WRITE", "TOUCHED", "insert_rows", "note_write"]

#: The key, in a connection's ``info``, of the set of tables the open unit of work wrote.
TOUCHED = "coopledger.touched"
#: The key, in a connection's ``info``, of the open unit of work's hook called before each
#: write with (connection, table name) (``uow.Tx.before_write``).
BEFORE_WRITE = "coopledger.before_write"


def note_write(conn: Connection, table: str) -> None:
    """Note that ``table`` was written in the open unit of work (if one is watching)."""
    touched = conn.info.get(TOUCHED)
    if touched is not None:
        touched.add(table)


_POSITIONAL = frozenset({"qmark", "format", "numeric"})


def _processor(table: Table, column: str, conn: Connection) -> Callable[[Any], Any] | None:
    """The bind processor of a column's type for this dialect, memoised per distinct value
    (a book has a few hundred dates and one timestamp, repeated millions of times)."""
    dialect = conn.dialect
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    seen: dict[Any, Any] = {}

    def memo(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = process(value)
            return out
        except TypeError:  # unhashable: never the case for our column types
            return process(value)

    return memo


def insert_rows(
    session: Session | Connection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` within the caller's
    transaction. Returns how many rows were inserted."""
    conn = core_connection(session)
    hook = conn.info.get(BEFORE_WRITE)
    if hook is not None:  # the driver's executemany below is no Core statement
        hook(conn, table.name)
    note_write(conn, table.name)
    stmt = insert(table)
    compiled = stmt.compile(dialect=conn.dialect, column_keys=list(columns))
    positional = conn.dialect.paramstyle in _POSITIONAL and list(
        compiled.positiontup or []
    ) == list(columns)
    if not positional:
        batch = [dict(zip(columns, row, strict=True)) for row in rows]
        if batch:
            conn.execute(stmt, batch)
        return len(batch)
    processors = [(i, p) for i, c in enumerate(columns) if (p := _processor(table, c, conn))]
    if processors:
        out: list[Sequence[Any]] = []
        for row in rows:
            values = list(row)
            for i, process in processors:
                value = values[i]
                if value is not None:
                    values[i] = process(value)
            out.append(tuple(values))
    else:
        out = [tuple(row) for row in rows]
    if out:
        conn.exec_driver_sql(compiled.string, out)
    return len(out)
