"""Alembic environment: runs migrations on the engine the program hands over
(``config.attributes["engine"]``) or connection (``["connection"]``, inside the caller's
transaction), or on ``-x db=PATH`` (a file or a PostgreSQL URL) when run by hand."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import coopledger.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from coopledger.store.engine import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        # The caller's connection, in the caller's transaction (a copy creates the schema
        # and fills it in one transaction): migrate, and leave the commit to the caller.
        context.configure(
            connection=given,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = config.attributes.get("engine")
    if engine is None:
        db = context.get_x_argument(as_dictionary=True).get("db")
        if not db:
            raise SystemExit("give the ledger with -x db=PATH")
        engine = make_engine(db)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch rebuild drops and renames a table that others point at: SQLite's own
            # procedure for it turns the foreign-key checks off outside the transaction and checks
            # every key once before the commit (a violation rolls the whole migration back).
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    connection.rollback()
                    raise RuntimeError(f"migration leaves broken foreign keys: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported")
run_migrations_online()
