"""lifecycle: products as the lifecycle sees them, gate decisions, ELSPI assessments, red-line hits, export
classifications and role sign-offs

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-08 02:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lifecycle_product",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("product_key", sa.String(length=40), nullable=False),
        sa.Column("domain", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "intended_uses",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "intended_users",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "foreseeable_misuses",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("trl", sa.Integer(), nullable=True),
        sa.Column(
            "developed_in",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "sold_in", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "used_in", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "customer_classes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("safety_critical", sa.Boolean(), nullable=False),
        sa.Column(
            "parameters", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_lifecycle_product_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_lifecycle_product_product_id_product")),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user_account.id"], name=op.f("fk_lifecycle_product_updated_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_product")),
        sa.UniqueConstraint("organisation_id", "product_key", name=op.f("uq_lifecycle_product_organisation_id")),
        sa.UniqueConstraint("product_id", name=op.f("uq_lifecycle_product_product_id")),
    )
    op.create_table(
        "lifecycle_signoff",
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column(
            "state", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_lifecycle_signoff_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_lifecycle_signoff_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_signoff")),
    )
    op.create_index(
        "ix_lifecycle_signoff_subject",
        "lifecycle_signoff",
        ["organisation_id", "subject_type", "subject_id"],
        unique=False,
    )
    op.create_table(
        "lifecycle_elspi_assessment",
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("lifecycle_product_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("bank_id", sa.String(length=80), nullable=False),
        sa.Column("bank_version", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "answers", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("raw", sa.Integer(), nullable=False),
        sa.Column("max_raw", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Integer(), nullable=False),
        sa.Column("max_mitigation", sa.Integer(), nullable=False),
        sa.Column("current", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=4), nullable=False),
        sa.Column(
            "floors", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "required_roles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "profile", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("rescored_from", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["user_account.id"], name=op.f("fk_lifecycle_elspi_assessment_assessor_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["lifecycle_product_id"],
            ["lifecycle_product.id"],
            name=op.f("fk_lifecycle_elspi_assessment_lifecycle_product_id_lifecycle_product"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_lifecycle_elspi_assessment_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_elspi_assessment")),
        sa.UniqueConstraint("organisation_id", "ref", name=op.f("uq_lifecycle_elspi_assessment_organisation_id")),
    )
    op.create_index(
        op.f("ix_lifecycle_elspi_assessment_lifecycle_product_id"),
        "lifecycle_elspi_assessment",
        ["lifecycle_product_id"],
        unique=False,
    )
    op.create_table(
        "lifecycle_export_classification",
        sa.Column("lifecycle_product_id", sa.Integer(), nullable=False),
        sa.Column(
            "parameters", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "packs", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "candidates", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "missing", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "changes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("classified_by", sa.Integer(), nullable=True),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["classified_by"],
            ["user_account.id"],
            name=op.f("fk_lifecycle_export_classification_classified_by_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["lifecycle_product_id"],
            ["lifecycle_product.id"],
            name=op.f("fk_lifecycle_export_classification_lifecycle_product_id_lifecycle_product"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_lifecycle_export_classification_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_export_classification")),
    )
    op.create_index(
        op.f("ix_lifecycle_export_classification_lifecycle_product_id"),
        "lifecycle_export_classification",
        ["lifecycle_product_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lifecycle_export_classification_organisation_id"),
        "lifecycle_export_classification",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "lifecycle_gate_decision",
        sa.Column("lifecycle_product_id", sa.Integer(), nullable=False),
        sa.Column("gate", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column(
            "conditions", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "required_roles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "criteria", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "relied_on", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("proposed_by", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lifecycle_product_id"],
            ["lifecycle_product.id"],
            name=op.f("fk_lifecycle_gate_decision_lifecycle_product_id_lifecycle_product"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_lifecycle_gate_decision_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["user_account.id"], name=op.f("fk_lifecycle_gate_decision_proposed_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_gate_decision")),
    )
    op.create_index(
        op.f("ix_lifecycle_gate_decision_lifecycle_product_id"),
        "lifecycle_gate_decision",
        ["lifecycle_product_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lifecycle_gate_decision_organisation_id"), "lifecycle_gate_decision", ["organisation_id"], unique=False
    )
    op.create_table(
        "lifecycle_red_line_hit",
        sa.Column("lifecycle_product_id", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=80), nullable=False),
        sa.Column("pack_version", sa.String(length=20), nullable=False),
        sa.Column("red_line", sa.String(length=20), nullable=False),
        sa.Column("use_case", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "escalated_to",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("raised_by", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lifecycle_product_id"],
            ["lifecycle_product.id"],
            name=op.f("fk_lifecycle_red_line_hit_lifecycle_product_id_lifecycle_product"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_lifecycle_red_line_hit_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by"], ["user_account.id"], name=op.f("fk_lifecycle_red_line_hit_raised_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_red_line_hit")),
    )
    op.create_index(
        op.f("ix_lifecycle_red_line_hit_lifecycle_product_id"),
        "lifecycle_red_line_hit",
        ["lifecycle_product_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_lifecycle_red_line_hit_organisation_id"), "lifecycle_red_line_hit", ["organisation_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lifecycle_red_line_hit_organisation_id"), table_name="lifecycle_red_line_hit")
    op.drop_index(op.f("ix_lifecycle_red_line_hit_lifecycle_product_id"), table_name="lifecycle_red_line_hit")
    op.drop_table("lifecycle_red_line_hit")
    op.drop_index(op.f("ix_lifecycle_gate_decision_organisation_id"), table_name="lifecycle_gate_decision")
    op.drop_index(op.f("ix_lifecycle_gate_decision_lifecycle_product_id"), table_name="lifecycle_gate_decision")
    op.drop_table("lifecycle_gate_decision")
    op.drop_index(
        op.f("ix_lifecycle_export_classification_organisation_id"), table_name="lifecycle_export_classification"
    )
    op.drop_index(
        op.f("ix_lifecycle_export_classification_lifecycle_product_id"), table_name="lifecycle_export_classification"
    )
    op.drop_table("lifecycle_export_classification")
    op.drop_index(op.f("ix_lifecycle_elspi_assessment_lifecycle_product_id"), table_name="lifecycle_elspi_assessment")
    op.drop_table("lifecycle_elspi_assessment")
    op.drop_index("ix_lifecycle_signoff_subject", table_name="lifecycle_signoff")
    op.drop_table("lifecycle_signoff")
    op.drop_table("lifecycle_product")
