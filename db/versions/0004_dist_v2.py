"""distribution version 2: the plan's split method and cooperative transaction fields, the
undistributed balance carried in, returns by transactions

Revision ID: dist_v2
Revises: 0001

Existing plans keep ``largest-remainder``, the only method version 1 had: a plan the
members adopted is never changed by an upgrade, and committed results stay exactly as
they were. The new columns hold, on existing rows, the values for which
``audit.row_snapshot`` leaves them out of a record's state (``models.added_later``), so
``verify`` finds every recorded state unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "dist_v2"
down_revision: str | None = "pg1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only ADD COLUMN (no table rebuild: other tables hold foreign keys to these, and a
    # rebuild would drop a referenced table). The server defaults are version 2's own
    # defaults; the plans that already exist are then set to version 1's method.
    with op.batch_alter_table("distribution_plan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dividend_method", sa.String(), nullable=False, server_default="per-share")
        )
        batch_op.add_column(sa.Column("transaction_rate_e4", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("transaction_basis", sa.String(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("transactions_json", sa.String(), nullable=False, server_default="")
        )
    op.execute("UPDATE distribution_plan SET dividend_method = 'largest-remainder'")

    with op.batch_alter_table("distribution", schema=None) as batch_op:
        for name in ("undistributed_in_fen", "transaction_returns_fen"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
            )

    with op.batch_alter_table("distribution_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "transaction_return_fen", sa.BigInteger(), nullable=False, server_default="0"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("distribution_item", schema=None) as batch_op:
        batch_op.drop_column("transaction_return_fen")
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_column("transaction_returns_fen")
        batch_op.drop_column("undistributed_in_fen")
    with op.batch_alter_table("distribution_plan", schema=None) as batch_op:
        batch_op.drop_column("transactions_json")
        batch_op.drop_column("transaction_basis")
        batch_op.drop_column("transaction_rate_e4")
        batch_op.drop_column("dividend_method")
