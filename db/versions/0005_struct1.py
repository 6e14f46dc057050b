"""land contracts store their land share amount

Revision ID: struct1
Revises: 0001

``land_contract.land_share_amount_fen``: the land share capital a contract brings,
round_half_up(area × share value per mu), worked out once when the contract is saved and read
by the share register, the distribution and the statements (before, four places computed it,
one of them in SQL). Existing contracts get it here, by the same rule
(``coopledger.domain.shares.land_share_of``).

The audit log vouches for every contract's state, and that state now has one more column:
the migration appends one bulk entry per book recording the new state of its contracts, so
that ``verify`` still proves the table holds what the program (here: this migration) wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coopledger.domain.shares import land_share_of
from coopledger.store.audit import BULK_KEY, append, digest, row_snapshot

revision: str = "struct1"
down_revision: str | None = "dist_v2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("land_contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("land_share_amount_fen", sa.BigInteger(), nullable=False, server_default="0")
        )
    conn = op.get_bind()
    contracts = sa.Table("land_contract", sa.MetaData(), autoload_with=conn)
    rows = conn.execute(
        sa.select(contracts.c.id, contracts.c.area_e4, contracts.c.share_value_per_mu_fen)
    ).all()
    amounts = [
        {"row_id": rid, "amount": land_share_of(area, value)}
        for rid, area, value in rows
        if land_share_of(area, value)
    ]
    if amounts:
        conn.execute(
            contracts.update()
            .where(contracts.c.id == sa.bindparam("row_id"))
            .values(land_share_amount_fen=sa.bindparam("amount")),
            amounts,
        )
    # The new state of every contract, one bulk audit entry per book.
    digests: dict[int | None, dict[str, str]] = defaultdict(dict)
    for row in conn.execute(sa.select(contracts).order_by(contracts.c.id)).mappings():
        digests[row["org_id"]][str(row["id"])] = digest(row_snapshot(contracts, row))
    for org_id, rows_of_org in sorted(digests.items(), key=lambda kv: kv[0] or 0):
        append(
            conn,
            user="migration struct1",
            action="store land share amounts",
            org_id=org_id,
            entity="land_contract",
            entity_id="*",
            after={
                BULK_KEY: True,
                "summary": {"contracts": len(rows_of_org), "migration": revision},
                "rows": rows_of_org,
            },
        )


def downgrade() -> None:
    with op.batch_alter_table("land_contract", schema=None) as batch_op:
        batch_op.drop_column("land_share_amount_fen")
