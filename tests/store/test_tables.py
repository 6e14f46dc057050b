"""``store/tables.py`` (Core tables for the light paths) is generated from the models: it must
be current, and give exactly the DDL the models give."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

import coopledger.store.models  # noqa: F401  (fills SQLModel.metadata)
from coopledger.store import tables
from tests.conftest import REPO


def test_tables_py_is_current() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "tables.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr


def _ddl(table: object, dialect: object) -> list[str]:
    statements = [str(CreateTable(table).compile(dialect=dialect)).strip()]  # type: ignore[arg-type]
    statements += sorted(
        str(CreateIndex(i).compile(dialect=dialect)).strip()  # type: ignore[arg-type]
        for i in table.indexes  # type: ignore[attr-defined]
    )
    return statements


def test_the_core_tables_are_the_models_tables() -> None:
    assert set(tables.TABLES) == set(SQLModel.metadata.tables)
    for name, core in tables.TABLES.items():
        model = SQLModel.metadata.tables[name]
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            assert _ddl(core, dialect) == _ddl(model, dialect), name
        for a, b in zip(core.columns, model.columns, strict=True):
            assert (a.name, a.nullable, a.primary_key) == (b.name, b.nullable, b.primary_key)
            assert (a.default.arg if a.default else None) == (  # type: ignore[attr-defined]
                b.default.arg if b.default else None  # type: ignore[attr-defined]
            ), (name, a.name)


def test_utc_datetimes_read_back_alike(tmp_path: object) -> None:
    """The one type the Core tables spell themselves: aware datetimes, returned in UTC."""
    import datetime as dt

    from sqlalchemy import create_engine, insert, select

    engine = create_engine(f"sqlite:///{tmp_path}/t.sqlite3")
    tables.metadata.create_all(engine, tables=[tables.organisation])
    at = dt.datetime(2014, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with engine.begin() as conn:
        conn.execute(insert(tables.organisation).values(name="x", created_at=at))
        got = conn.execute(select(tables.organisation.c.created_at)).scalar_one()
    assert got == at and got.tzinfo == dt.UTC
    engine.dispose()
