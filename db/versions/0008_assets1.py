"""fixed assets, the 财务公开 publications, share certificates (issue 19)

Revision ID: assets1
Revises: controls1

New tables only: the fixed-asset register (``fixed_asset``), the changes recorded on its cards
(``asset_change``), the monthly depreciation runs and each card's share of them
(``depreciation_run``, ``asset_depreciation``), the periods published on the notice board
(``publication``) and the share certificates printed (``share_certificate``). Existing rows
are untouched, so the audit chain needs nothing recorded here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "assets1"
down_revision: str | None = "controls1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("reviewed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opening_fen", sa.BigInteger(), nullable=False),
        sa.Column("receipts_fen", sa.BigInteger(), nullable=False),
        sa.Column("payments_fen", sa.BigInteger(), nullable=False),
        sa.Column("closing_fen", sa.BigInteger(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.create_index(
            "ix_publication_period", ["org_id", "year", "period_kind", "period"], unique=False
        )

    op.create_table(
        "fixed_asset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("in_service_on", sa.Date(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("life_months", sa.Integer(), nullable=False),
        sa.Column("residual_rate_e4", sa.Integer(), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("custodian", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("poverty_relief", sa.Boolean(), nullable=False),
        sa.Column("total_work", sa.BigInteger(), nullable=False),
        sa.Column("work_unit", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("opening_depreciation_fen", sa.BigInteger(), nullable=False),
        sa.Column("opening_work", sa.BigInteger(), nullable=False),
        sa.Column("asset_account_id", sa.Integer(), nullable=False),
        sa.Column("depreciation_account_id", sa.Integer(), nullable=True),
        sa.Column("expense_account_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["depreciation_account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["expense_account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "code"),
    )
    with op.batch_alter_table("fixed_asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fixed_asset_org_id"), ["org_id"], unique=False)

    op.create_table(
        "share_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("print_no", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("issued_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("issued_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "number", "print_no"),
    )
    with op.batch_alter_table("share_certificate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_certificate_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_share_certificate_org_id"), ["org_id"], unique=False)

    op.create_table(
        "asset_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("costs_fen", sa.BigInteger(), nullable=False),
        sa.Column("result_fen", sa.BigInteger(), nullable=False),
        sa.Column("extra_months", sa.Integer(), nullable=False),
        sa.Column("counter_account_id", sa.Integer(), nullable=True),
        sa.Column("before_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("after_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("memo", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("made_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["fixed_asset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["counter_account_id"],
            ["account.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_change_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_change_org_id"), ["org_id"], unique=False)

    op.create_table(
        "depreciation_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("voucher_id", sa.Integer(), nullable=True),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("cards", sa.Integer(), nullable=False),
        sa.Column("run_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("run_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("reversal_voucher_id", sa.Integer(), nullable=True),
        sa.Column("reversed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reversal_voucher_id"],
            ["voucher.id"],
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            ["voucher.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("depreciation_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_depreciation_run_month", ["org_id", "year", "month"], unique=False
        )

    op.create_table(
        "asset_depreciation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("work", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["fixed_asset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["depreciation_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset_depreciation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_asset_depreciation_card", ["org_id", "asset_id", "amount_fen", "work"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_asset_depreciation_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("asset_depreciation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_depreciation_run_id"))
        batch_op.drop_index("ix_asset_depreciation_card")

    op.drop_table("asset_depreciation")
    with op.batch_alter_table("depreciation_run", schema=None) as batch_op:
        batch_op.drop_index("ix_depreciation_run_month")

    op.drop_table("depreciation_run")
    with op.batch_alter_table("asset_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_change_org_id"))
        batch_op.drop_index(batch_op.f("ix_asset_change_asset_id"))

    op.drop_table("asset_change")
    with op.batch_alter_table("share_certificate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_certificate_org_id"))
        batch_op.drop_index(batch_op.f("ix_share_certificate_member_id"))

    op.drop_table("share_certificate")
    with op.batch_alter_table("fixed_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fixed_asset_org_id"))

    op.drop_table("fixed_asset")
    with op.batch_alter_table("publication", schema=None) as batch_op:
        batch_op.drop_index("ix_publication_period")

    op.drop_table("publication")
