"""The schema comes only from the migrations, and they agree with the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import coopledger.store.models  # noqa: F401
from coopledger.store.engine import current_revision, head_revision, make_engine, upgrade


def test_head_migration_matches_models(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.sqlite3")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    assert diff == [], f"models and migrations disagree: {diff}"
    assert current_revision(engine) == head_revision()


def test_pragmas(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "p.sqlite3")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_every_book_table_carries_its_organisation() -> None:
    database_wide = {"organisation", "app_user", "audit_log", "setting"}
    for name, table in SQLModel.metadata.tables.items():
        if name in database_wide:
            continue
        assert "org_id" in table.columns, f"{name} has no org_id"


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "i.sqlite3"
    engine = make_engine(path)
    upgrade(engine)
    upgrade(engine)
    names = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert {"voucher", "voucher_line", "audit_log", "member"} <= names


def test_head_revision_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from coopledger.store.engine import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_ledger_from_a_newer_program_is_refused_clearly(tmp_path: Path) -> None:
    import pytest

    from coopledger.domain.errors import DomainError
    from coopledger.services.ledger import open_ledger

    path = tmp_path / "new.sqlite3"
    open_ledger(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    for readonly in (False, True):
        with pytest.raises(DomainError, match="newer coopledger"):
            open_ledger(path, readonly=readonly)
    assert not list(tmp_path.glob("*.bak"))
