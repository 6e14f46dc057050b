"""The schema comes only from the migrations, and they agree with the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
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
    database_wide |= {"township_village", "township_package", "township_package_file"}
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


def test_the_same_migrations_on_postgresql(pg_url: str) -> None:
    """The head migration agrees with the models on PostgreSQL too (types included)."""
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    engine.dispose()
    assert diff == [], f"models and migrations disagree on PostgreSQL: {diff}"


def test_an_older_server_ledger_is_dumped_then_migrated(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alembic import command

    from coopledger.services.ledger import open_ledger
    from coopledger.store.engine import alembic_config

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    engine = make_engine(pg_url)
    command.upgrade(alembic_config(engine), "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()
    led = open_ledger(pg_url, user="accountant")
    led.close()
    dumps = list((tmp_path / "data").rglob("*.before-migrate-0001-*.dump"))
    assert len(dumps) == 1 and dumps[0].stat().st_size > 0
    engine = make_engine(pg_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _book_with_land_shares() -> dict[str, object]:
    """A small book whose land share amounts need the rounding (half a fen goes up)."""
    member = {"code": "H0001", "name": "苏子柏", "kind": "household"}
    contracts = [
        # (area, share value per mu, the land share in fen by round_half_up)
        ("0.5", "0.01", 1),  # 0.5 fen
        ("0.0001", "50.00", 1),  # 0.5 fen
        ("1.3333", "800.00", 106664),  # exact
        ("2", "0", 0),  # no land shares
        ("0.0003", "0.01", 0),  # 0.0003 fen
    ]
    return {
        "format": "coopledger-book",
        "version": 1,
        "organisation": {"name": "迁移测试社"},
        "members": [member],
        "contracts": [
            {
                "code": f"L{i:04d}",
                "member": "H0001",
                "parcel": f"P-{i}",
                "area_mu": area,
                "rent_per_mu": "800.00",
                "share_value_per_mu": value,
                "start": "2014-01-01",
                "end": "2028-12-31",
            }
            for i, (area, value, _) in enumerate(contracts, start=1)
        ],
        "expected": [fen for _, _, fen in contracts],
    }


def _record_states_as_the_first_version_did(engine: object) -> None:
    """Record the contracts' states as they are now (without the new column), the way the
    first version's audit entries recorded them."""
    import sqlalchemy as sa

    from coopledger.store.audit import BULK_KEY, append, digest, row_snapshot

    with engine.begin() as conn:  # type: ignore[attr-defined]
        table = sa.Table("land_contract", sa.MetaData(), autoload_with=conn)
        rows = {
            str(r["id"]): digest(row_snapshot(table, r))
            for r in conn.execute(sa.select(table)).mappings()
        }
        append(
            conn,
            user="first version",
            action="edit contracts",
            org_id=1,
            entity="land_contract",
            entity_id="*",
            after={BULK_KEY: True, "summary": {}, "rows": rows},
        )


def test_struct1_stores_the_land_share_of_existing_contracts(tmp_path: Path) -> None:
    """An older ledger (before struct1, no stored land share) opened by this program: the amounts
    are filled by the one rounding rule, and verify still proves every contract."""
    from alembic import command

    from coopledger.services import bookfile
    from coopledger.services.ledger import open_ledger, verify
    from coopledger.store.engine import alembic_config

    book = _book_with_land_shares()
    expected = book.pop("expected")
    path = tmp_path / "old.sqlite3"
    led = open_ledger(path, create=True)
    bookfile.import_book(led, book)
    assert verify(led).ok
    command.downgrade(alembic_config(led.engine), "dist_v2")  # the revision before struct1
    _record_states_as_the_first_version_did(led.engine)
    led.close()
    con = sqlite3.connect(path)
    columns = {r[1] for r in con.execute("PRAGMA table_info(land_contract)")}
    assert "land_share_amount_fen" not in columns  # as a ledger of the first version
    con.close()

    led = open_ledger(path)  # migrates (after copying the old file aside)
    con = sqlite3.connect(path)
    stored = [
        r[0] for r in con.execute("SELECT land_share_amount_fen FROM land_contract ORDER BY code")
    ]
    entries = con.execute(
        "SELECT user, action, entity, entity_id FROM audit_log"
        " WHERE user = 'migration struct1' ORDER BY id DESC"
    ).fetchall()
    con.close()
    assert stored == expected
    assert entries == [("migration struct1", "store land share amounts", "land_contract", "*")]
    report = verify(led)
    assert report.ok, report.problems
    led.close()
