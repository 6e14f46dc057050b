"""Persistence: SQLModel tables, the engine and its pragmas, migrations, queries, the audit chain.

May import ``coopledger.domain``, SQLAlchemy/SQLModel and Alembic. Never Qt, services or UI.
"""
