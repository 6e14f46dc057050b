"""statements: find a book's opening entry (and other vouchers by source) on an index

The opening entry (建账, ``source = "opening"``) is looked up by every balance, ledger page
and statement; without an index that look-up scanned all of a book's vouchers.

Revision ID: statements1
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "statements1"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.create_index("ix_voucher_org_source", ["org_id", "source"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_org_source")
