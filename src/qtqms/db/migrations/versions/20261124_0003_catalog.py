"""catalog: framework editions, requirements, mapping sets, controls, evidence and the Statement of Applicability

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 15:49:28.822723
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "framework_version",
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("edition", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("shipped", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework_version")),
        sa.UniqueConstraint("pack_id", "version", name=op.f("uq_framework_version_pack_id")),
    )
    with op.batch_alter_table("framework_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_framework_version_pack_id"), ["pack_id"], unique=False)

    op.create_table(
        "mapping_set_version",
        sa.Column("set_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source_pack", sa.String(length=64), nullable=False),
        sa.Column("target_pack", sa.String(length=64), nullable=False),
        sa.Column("shipped", sa.Boolean(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_set_version")),
        sa.UniqueConstraint("set_id", "version", name=op.f("uq_mapping_set_version_set_id")),
    )
    with op.batch_alter_table("mapping_set_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mapping_set_version_set_id"), ["set_id"], unique=False)

    op.create_table(
        "catalog_mapping",
        sa.Column("mapping_set_version_id", sa.Integer(), nullable=False),
        sa.Column("source_ref", sa.String(length=120), nullable=False),
        sa.Column("target_ref", sa.String(length=120), nullable=False),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("strength", sa.Float(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mapping_set_version_id"],
            ["mapping_set_version.id"],
            name=op.f("fk_catalog_mapping_mapping_set_version_id_mapping_set_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_mapping")),
        sa.UniqueConstraint(
            "mapping_set_version_id", "source_ref", "target_ref", name=op.f("uq_catalog_mapping_mapping_set_version_id")
        ),
    )
    op.create_table(
        "catalog_requirement",
        sa.Column("framework_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=False),
        sa.Column("parent_ref", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("assessable", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "tags", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_version_id"],
            ["framework_version.id"],
            name=op.f("fk_catalog_requirement_framework_version_id_framework_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_requirement")),
        sa.UniqueConstraint("framework_version_id", "ref", name=op.f("uq_catalog_requirement_framework_version_id")),
    )
    op.create_table(
        "soa_entry",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=64), nullable=False),
        sa.Column("requirement_ref", sa.String(length=120), nullable=False),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("implementation_status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_soa_entry_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soa_entry")),
        sa.UniqueConstraint(
            "organisation_id", "framework", "requirement_ref", name=op.f("uq_soa_entry_organisation_id")
        ),
    )
    op.create_table(
        "control",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("implementation", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_control_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_control_owner_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control")),
        sa.UniqueConstraint("organisation_id", "key", name=op.f("uq_control_organisation_id")),
    )
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.create_index("ix_control_org_status", ["organisation_id", "status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_control_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "control_requirement",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("framework", sa.String(length=64), nullable=False),
        sa.Column("requirement_ref", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_control_requirement_control_id_control"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_control_requirement_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_requirement")),
        sa.UniqueConstraint(
            "control_id", "framework", "requirement_ref", name=op.f("uq_control_requirement_control_id")
        ),
    )
    with op.batch_alter_table("control_requirement", schema=None) as batch_op:
        batch_op.create_index(
            "ix_control_requirement_org_ref",
            ["organisation_id", "framework", "requirement_ref", "control_id"],
            unique=False,
        )

    op.create_table(
        "evidence",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_evidence_control_id_control"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_evidence_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_control_valid", ["control_id", "valid_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_organisation_id"))
        batch_op.drop_index("ix_evidence_control_valid")

    op.drop_table("evidence")
    with op.batch_alter_table("control_requirement", schema=None) as batch_op:
        batch_op.drop_index("ix_control_requirement_org_ref")

    op.drop_table("control_requirement")
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_owner_id"))
        batch_op.drop_index("ix_control_org_status")

    op.drop_table("control")
    op.drop_table("soa_entry")
    op.drop_table("catalog_requirement")
    op.drop_table("catalog_mapping")
    with op.batch_alter_table("mapping_set_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mapping_set_version_set_id"))

    op.drop_table("mapping_set_version")
    with op.batch_alter_table("framework_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_version_pack_id"))

    op.drop_table("framework_version")
