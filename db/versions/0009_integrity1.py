"""the audit chain vouches for every table: users, grants, periods, years, settings

Revision ID: integrity1
Revises: assets1

Until this revision the audit log recorded the state of the registers and
the ledger (organisations, accounts, members, contracts, share lots, vouchers, plans,
distributions, slips, balance checks) but not of the small tables many acts write: the
users and their roles, the organisations each user may work on, the closed months and
years, the settings. From now on the unit of work records them itself
(``store.tracked.snapshot_tables``); this migration records the state their rows have
now, one bulk entry per table, so that ``verify`` vouches for them from here on. (What was
changed in them before this upgrade cannot be told any more: the entries say when the
record began.)

The index ``ix_audit_entity`` finds a table's entries without reading the whole log: what the
chain last recorded of the users is compared with the users at every open.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from coopledger.store.tracked import record_snapshot_tables

revision: str = "integrity1"
down_revision: str | None = "assets1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id", "id"], unique=False)
    record_snapshot_tables(
        op.get_bind(),
        user="migration integrity1",
        action="record the tables vouched for from now on",
    )


def downgrade() -> None:
    # The entries stay: the audit log is append-only, and older programs ignore them.
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")
