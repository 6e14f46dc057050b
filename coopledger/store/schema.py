"""The schema a ledger must have, and what a file has that it should not.

``verify`` compares the database's tables, columns, keys, indexes, triggers and views with
the schema its migration revision defines: the migrations up to that revision are run once
per process into an empty in-memory SQLite database, and both are read back the same way
(SQLAlchemy's inspector; column types by name, so a PostgreSQL ledger compares with the
same description).

Anything extra is a finding, because the program never makes it: a trigger (SQLite or
PostgreSQL) can change what the program writes as it writes it, so the audit chain records
the altered value as if the program had written it; a view or a rule can do the same on
PostgreSQL; row-level security can hide rows from ``verify`` itself. Anything missing or
changed (a column, a key, a unique constraint, an index) is a finding too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, create_engine, inspect, text

from coopledger.store.engine import is_postgres


@dataclass(frozen=True)
class _Column:
    name: str
    type: str
    nullable: bool


@dataclass(frozen=True)
class _TableShape:
    columns: tuple[_Column, ...]
    primary_key: tuple[str, ...]
    uniques: frozenset[tuple[str, ...]]
    indexes: frozenset[tuple[str, tuple[str, ...], bool]]
    foreign_keys: frozenset[tuple[tuple[str, ...], str, tuple[str, ...]]]


#: The same type under the names SQLite and PostgreSQL reflect it by.
_TYPE_NAMES = {"DATETIME": "TIMESTAMP", "CHARACTER VARYING": "VARCHAR", "BYTEA": "BLOB"}


def _type_name(type_: Any) -> str:
    name = type(type_).__name__.upper()
    return _TYPE_NAMES.get(name, name)


def _table_shape(insp: Any, name: str) -> _TableShape:
    pk = tuple(insp.get_pk_constraint(name).get("constrained_columns") or ())
    columns = tuple(
        _Column(
            str(c["name"]),
            _type_name(c["type"]),
            bool(c["nullable"]) and c["name"] not in pk,
        )
        for c in insp.get_columns(name)
    )
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints(name)}
    indexes: set[tuple[str, tuple[str, ...], bool]] = set()
    for index in insp.get_indexes(name):
        cols = tuple(str(c) for c in index["column_names"])
        if index.get("duplicates_constraint"):
            uniques.add(cols)  # PostgreSQL reports a unique constraint's index too
            continue
        indexes.add((str(index["name"]), cols, bool(index["unique"])))
    fks = frozenset(
        (
            tuple(fk["constrained_columns"]),
            str(fk["referred_table"]),
            tuple(fk["referred_columns"]),
        )
        for fk in insp.get_foreign_keys(name)
    )
    return _TableShape(
        columns=columns,
        primary_key=pk,
        uniques=frozenset(uniques),
        indexes=frozenset(indexes),
        foreign_keys=fks,
    )


def _triggers(conn: Connection) -> list[str]:
    if is_postgres(conn):
        rows = conn.execute(
            text(
                "SELECT c.relname || '.' || t.tgname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
            )
        )
    else:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return sorted(str(r[0]) for r in rows)


def _postgres_extras(conn: Connection) -> Iterator[str]:
    """Rules (which rewrite writes like a trigger) and row-level security (which can hide
    rows from verify) on the ledger's own schema."""
    for (name,) in conn.execute(
        text(
            "SELECT tablename || '.' || rulename FROM pg_rules WHERE schemaname = current_schema()"
        )
    ):
        yield f"the rule {name} is not part of the ledger's schema"
    for (name,) in conn.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND (c.relrowsecurity OR c.relforcerowsecurity)"
        )
    ):
        yield f"the table {name} has row-level security, which can hide rows"


_EXPECTED: dict[str, dict[str, _TableShape]] = {}


def expected_schema(revision: str) -> dict[str, _TableShape]:
    """The tables the migrations up to ``revision`` make (run once per process into an
    in-memory database)."""
    shapes = _EXPECTED.get(revision)
    if shapes is None:
        from alembic import command

        from coopledger.store.engine import alembic_config

        engine = create_engine("sqlite://")
        try:
            with engine.begin() as conn:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                insp = inspect(conn)
                shapes = {name: _table_shape(insp, name) for name in insp.get_table_names()}
        finally:
            engine.dispose()
        _EXPECTED[revision] = shapes
    return shapes


def schema_problems(conn: Connection, revision: str) -> list[str]:
    """What the database's schema has that the schema of ``revision`` does not, and what it
    lacks or has otherwise. Empty when they agree."""
    out: list[str] = []
    insp = inspect(conn)
    expected = expected_schema(revision)
    present = set(insp.get_table_names())
    for name in sorted(present - set(expected)):
        out.append(f"the table {name} is not part of the ledger's schema")
    for name in sorted(set(expected) - present):
        out.append(f"the table {name} is missing")
    for name in sorted(set(expected) & present):
        out.extend(_table_differences(name, expected[name], _table_shape(insp, name)))
    views = list(insp.get_view_names())
    if is_postgres(conn):
        views += list(insp.get_materialized_view_names())
    out.extend(f"the view {v} is not part of the ledger's schema" for v in sorted(views))
    out.extend(f"the trigger {t} is not part of the ledger's schema" for t in _triggers(conn))
    if is_postgres(conn):
        out.extend(_postgres_extras(conn))
    return out


def _table_differences(name: str, want: _TableShape, got: _TableShape) -> Iterator[str]:
    want_cols = {c.name: c for c in want.columns}
    got_cols = {c.name: c for c in got.columns}
    for col in sorted(set(got_cols) - set(want_cols)):
        yield f"the column {name}.{col} is not part of the ledger's schema"
    for col in sorted(set(want_cols) - set(got_cols)):
        yield f"the column {name}.{col} is missing"
    for col in sorted(set(want_cols) & set(got_cols)):
        w, g = want_cols[col], got_cols[col]
        if w.type != g.type:
            yield f"the column {name}.{col} is {g.type}, not {w.type}"
        if w.nullable != g.nullable:
            yield f"the column {name}.{col} {'allows' if g.nullable else 'refuses'} empty values"
    if want.primary_key != got.primary_key:
        yield f"the primary key of {name} is {list(got.primary_key)}, not {list(want.primary_key)}"
    for cols in sorted(want.uniques - got.uniques):
        yield f"the unique constraint on {name}{list(cols)} is missing"
    for cols in sorted(got.uniques - want.uniques):
        yield f"the unique constraint on {name}{list(cols)} is not part of the ledger's schema"
    for idx in sorted(want.indexes - got.indexes):
        yield f"the index {idx[0]} on {name}{list(idx[1])} is missing or changed"
    for idx in sorted(got.indexes - want.indexes):
        yield f"the index {idx[0]} on {name}{list(idx[1])} is not part of the ledger's schema"
    for fk in sorted(want.foreign_keys - got.foreign_keys):
        yield f"the reference {name}{list(fk[0])} → {fk[1]} is missing"
    for fk in sorted(got.foreign_keys - want.foreign_keys):
        yield f"the reference {name}{list(fk[0])} → {fk[1]} is not part of the ledger's schema"
