"""pqc: systems of a product, recorded crypto-inventory scans with their assets, migration tasks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 15:50:28.735722
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pqc_system",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_pqc_system_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_pqc_system_product_id_product")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pqc_system")),
        sa.UniqueConstraint("product_id", "name", name=op.f("uq_pqc_system_product_id")),
    )
    with op.batch_alter_table("pqc_system", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pqc_system_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pqc_system_product_id"), ["product_id"], unique=False)

    op.create_table(
        "pqc_scan",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scanned_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=300), nullable=False),
        sa.Column("policy_id", sa.String(length=60), nullable=False),
        sa.Column("policy_version", sa.String(length=40), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "summary", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_pqc_scan_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["scanned_by_id"], ["user_account.id"], name=op.f("fk_pqc_scan_scanned_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(["system_id"], ["pqc_system.id"], name=op.f("fk_pqc_scan_system_id_pqc_system")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pqc_scan")),
    )
    with op.batch_alter_table("pqc_scan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pqc_scan_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pqc_scan_system_id"), ["system_id"], unique=False)

    op.create_table(
        "pqc_task",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("asset_label", sa.String(length=200), nullable=False),
        sa.Column("replacement", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("effort_days", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_pqc_task_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_pqc_task_owner_id_user_account")),
        sa.ForeignKeyConstraint(["system_id"], ["pqc_system.id"], name=op.f("fk_pqc_task_system_id_pqc_system")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pqc_task")),
        sa.UniqueConstraint("system_id", "asset_label", name=op.f("uq_pqc_task_system_id")),
    )
    with op.batch_alter_table("pqc_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pqc_task_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pqc_task_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pqc_task_system_id"), ["system_id"], unique=False)

    op.create_table(
        "pqc_asset",
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("asset_type", sa.String(length=30), nullable=False),
        sa.Column("family", sa.String(length=40), nullable=False),
        sa.Column("primitive", sa.String(length=20), nullable=False),
        sa.Column("parameter", sa.String(length=60), nullable=True),
        sa.Column("classical_bits", sa.Integer(), nullable=True),
        sa.Column("quantum_vulnerable", sa.Boolean(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("rule_id", sa.String(length=60), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column(
            "locations", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["pqc_scan.id"], name=op.f("fk_pqc_asset_scan_id_pqc_scan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pqc_asset")),
        sa.UniqueConstraint("scan_id", "label", name=op.f("uq_pqc_asset_scan_id")),
    )
    with op.batch_alter_table("pqc_asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pqc_asset_scan_id"), ["scan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pqc_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pqc_asset_scan_id"))

    op.drop_table("pqc_asset")
    with op.batch_alter_table("pqc_task", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pqc_task_system_id"))
        batch_op.drop_index(batch_op.f("ix_pqc_task_owner_id"))
        batch_op.drop_index(batch_op.f("ix_pqc_task_organisation_id"))

    op.drop_table("pqc_task")
    with op.batch_alter_table("pqc_scan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pqc_scan_system_id"))
        batch_op.drop_index(batch_op.f("ix_pqc_scan_organisation_id"))

    op.drop_table("pqc_scan")
    with op.batch_alter_table("pqc_system", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pqc_system_product_id"))
        batch_op.drop_index(batch_op.f("ix_pqc_system_organisation_id"))

    op.drop_table("pqc_system")
