"""maker–checker: requests approved by a second person, import batches reviewed as a whole

Revision ID: controls1
Revises: package1

``approval_request``: one person asks for an act that a second person approves (reversing a
distribution or a payment, reopening a closed year); approving performs it.
``import_batch``: vouchers that came in already posted from a file (a book import, an opening
entry) with who brought them in, when and from which file, and the reviewer's batch review;
``voucher.import_batch_id`` ties each such voucher to its batch.

Vouchers imported before this migration belong to no batch: their ``import_batch_id`` is
null, the value for which the recorded state leaves the column out
(``models.added_later``), so ``verify`` finds every recorded state unchanged. The column is
added in place (no table rebuild: other tables hold foreign keys to ``voucher``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "controls1"
down_revision: str | None = "package1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("file_sha256", sa.String(), nullable=False),
        sa.Column("vouchers", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(), nullable=False),
        sa.Column("reviewed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("review_note", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_import_batch_org_id"), "import_batch", ["org_id"], unique=False)
    op.create_table(
        "approval_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("act", sa.String(), nullable=False),
        sa.Column("subject_json", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("requested_by", sa.String(), nullable=False),
        sa.Column("requested_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("result_json", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_approval_request_org_id"), "approval_request", ["org_id"], unique=False
    )
    # ADD COLUMN with its reference inline: SQLite allows it for a column whose default is
    # null, and it keeps the table (and the foreign keys into it) as it is; Alembic would
    # rebuild the table to add the reference there.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE voucher ADD COLUMN import_batch_id INTEGER REFERENCES import_batch (id)"
        )
    else:
        op.add_column(
            "voucher",
            sa.Column(
                "import_batch_id", sa.Integer(), sa.ForeignKey("import_batch.id"), nullable=True
            ),
        )
    op.create_index(op.f("ix_voucher_import_batch_id"), "voucher", ["import_batch_id"])


def downgrade() -> None:
    # The audit chain vouches for the batches, the requests and the imported vouchers' states:
    # going back records them as the older schema leaves them (the batches and requests gone,
    # the vouchers without their batch), one bulk entry per book and kind, so that ``verify``
    # still holds on the downgraded ledger.
    from coopledger.store.audit import BULK_KEY, append, digest
    from coopledger.store.tracked import voucher_state

    conn = op.get_bind()
    meta = sa.MetaData()
    gone: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for name in ("import_batch", "approval_request"):
        table = sa.Table(name, meta, autoload_with=conn)
        for rid, org_id in conn.execute(sa.select(table.c.id, table.c.org_id)):
            gone[(org_id, name)][str(rid)] = ""
    voucher = sa.Table("voucher", meta, autoload_with=conn)
    batched = [
        (int(rid), int(org_id))
        for rid, org_id in conn.execute(
            sa.select(voucher.c.id, voucher.c.org_id).where(voucher.c.import_batch_id.is_not(None))
        )
    ]

    op.drop_index(op.f("ix_voucher_import_batch_id"), table_name="voucher")
    with op.batch_alter_table("voucher", schema=None) as batch_op:
        batch_op.drop_column("import_batch_id")

    op.drop_index(op.f("ix_approval_request_org_id"), table_name="approval_request")
    op.drop_table("approval_request")
    op.drop_index(op.f("ix_import_batch_org_id"), table_name="import_batch")
    op.drop_table("import_batch")

    from coopledger.store import tables

    # The program's own column types (a reflected table reads dates and times back differently),
    # without the column just dropped.
    voucher = tables.voucher
    lines = tables.voucher_line
    kept = [c for c in voucher.c if c.name != "import_batch_id"]
    states: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for rid, org_id in batched:
        header = conn.execute(sa.select(*kept).where(voucher.c.id == rid)).mappings().one()
        own = conn.execute(sa.select(lines).where(lines.c.voucher_id == rid)).mappings().all()
        states[(org_id, "voucher")][str(rid)] = digest(voucher_state(header, list(own)))
    for (org_id, entity), rows in sorted({**gone, **states}.items()):
        append(
            conn,
            user="migration controls1",
            action="downgrade",
            org_id=org_id,
            entity=entity,
            entity_id="*",
            after={
                BULK_KEY: True,
                "summary": {"rows": len(rows), "migration": revision},
                "rows": rows,
            },
        )
