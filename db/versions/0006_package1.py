"""year-end packages: each organisation's Ed25519 signing key; the township's villages and
the packages it received

Revision ID: package1
Revises: dist_v2

Every organisation that exists gets its key here, so that every statement and notice
printed after the upgrade (read-only prints included) carries the key's fingerprint, and
the paper and the first package agree. The key row is not a tracked record (its state
would put the private key into the audit log), so no recorded state changes and ``verify``
stays clean; the program logs the public key when it first signs with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "package1"
down_revision: str | None = "struct1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fingerprint(public: bytes) -> str:
    # The same as coopledger.domain.package.fingerprint (kept here: a migration must not
    # change when the program does).
    digest = hashlib.sha256(public).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def upgrade() -> None:
    key = op.create_table(
        "organisation_key",
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("algorithm", sa.String(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("private_key", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_table(
        "township_village",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("village", sa.String(), nullable=False),
        sa.Column("township", sa.String(), nullable=False),
        sa.Column("county", sa.String(), nullable=False),
        sa.Column("chart", sa.String(), nullable=False),
        sa.Column("public_key", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("first_received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("township_village", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_township_village_county"), ["county"], unique=False)
    op.create_table(
        "township_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column("manifest_sha256", sa.String(), nullable=False),
        sa.Column("package_sha256", sa.String(), nullable=False),
        sa.Column("package_bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("chain_head_id", sa.BigInteger(), nullable=False),
        sa.Column("chain_head_hash", sa.String(), nullable=False),
        sa.Column("year_closed", sa.Boolean(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("households_paid", sa.Integer(), nullable=False),
        sa.Column("operating_income_fen", sa.BigInteger(), nullable=False),
        sa.Column("net_income_fen", sa.BigInteger(), nullable=False),
        sa.Column("land_fees_fen", sa.BigInteger(), nullable=False),
        sa.Column("welfare_fen", sa.BigInteger(), nullable=False),
        sa.Column("reserve_fen", sa.BigInteger(), nullable=False),
        sa.Column("transaction_returns_fen", sa.BigInteger(), nullable=False),
        sa.Column("dividends_fen", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("received_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["village_id"], ["township_village.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("village_id", "year", "revision"),
    )
    with op.batch_alter_table("township_package", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_township_package_village_id"), ["village_id"])
        batch_op.create_index(batch_op.f("ix_township_package_year"), ["year"])
    op.create_table(
        "township_package_file",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["township_package.id"]),
        sa.PrimaryKeyConstraint("package_id"),
    )

    # A key for every organisation already in the ledger.
    from nacl.signing import SigningKey

    conn = op.get_bind()
    orgs = [int(r[0]) for r in conn.execute(sa.text("SELECT id FROM organisation ORDER BY id"))]
    now = dt.datetime.now(dt.UTC)
    rows = []
    for org_id in orgs:
        private = SigningKey.generate()  # Ed25519; raw 32-byte keys
        secret, public = bytes(private), bytes(private.verify_key)
        rows.append(
            {
                "org_id": org_id,
                "algorithm": "ed25519",
                "public_key": public.hex(),
                "private_key": secret.hex(),
                "fingerprint": _fingerprint(public),
                "created_at": now,
            }
        )
    if rows:
        op.bulk_insert(key, rows)


def downgrade() -> None:
    op.drop_table("township_package_file")
    with op.batch_alter_table("township_package", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_township_package_year"))
        batch_op.drop_index(batch_op.f("ix_township_package_village_id"))
    op.drop_table("township_package")
    with op.batch_alter_table("township_village", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_township_village_county"))
    op.drop_table("township_village")
    op.drop_table("organisation_key")
