"""risk: assets, data classes, risk scenarios, treatment, acceptance, Mosca exposure, heat-map counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 15:47:56.377318
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "risk_heat_cell",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("matrix_id", sa.String(length=64), nullable=False),
        sa.Column("matrix_version", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_risk_heat_cell_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_heat_cell")),
        sa.UniqueConstraint(
            "organisation_id",
            "matrix_id",
            "matrix_version",
            "kind",
            "likelihood",
            "impact",
            "domain",
            name=op.f("uq_risk_heat_cell_organisation_id"),
        ),
    )
    op.create_table(
        "risk_matrix_choice",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("matrix_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_risk_matrix_choice_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_matrix_choice")),
        sa.UniqueConstraint("organisation_id", "domain", name=op.f("uq_risk_matrix_choice_organisation_id")),
    )
    op.create_table(
        "risk_settings",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("mosca_scenario", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_risk_settings_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_settings")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_risk_settings_organisation_id")),
    )
    op.create_table(
        "asset",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("migration_years", sa.Float(), nullable=True),
        sa.Column("migration_years_source", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_asset_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_asset_owner_id_user_account")),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_asset_product_id_product")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset")),
        sa.UniqueConstraint("organisation_id", "key", name=op.f("uq_asset_organisation_id")),
    )
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_asset_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "data_class",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("shelf_life_years", sa.Float(), nullable=False),
        sa.Column("sensitivity", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_data_class_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_data_class_owner_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_class")),
        sa.UniqueConstraint("organisation_id", "key", name=op.f("uq_data_class_organisation_id")),
    )
    with op.batch_alter_table("data_class", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_class_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "risk",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("approach", sa.String(length=10), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("threat_ref", sa.String(length=120), nullable=False),
        sa.Column("vulnerabilities", sa.Text(), nullable=False),
        sa.Column("existing_controls", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("matrix_id", sa.String(length=64), nullable=False),
        sa.Column("matrix_version", sa.String(length=40), nullable=False),
        sa.Column("inherent_likelihood", sa.Integer(), nullable=True),
        sa.Column("inherent_impact", sa.Integer(), nullable=True),
        sa.Column("inherent_level", sa.Integer(), nullable=False),
        sa.Column("current_likelihood", sa.Integer(), nullable=True),
        sa.Column("current_impact", sa.Integer(), nullable=True),
        sa.Column("current_level", sa.Integer(), nullable=False),
        sa.Column("residual_likelihood", sa.Integer(), nullable=True),
        sa.Column("residual_impact", sa.Integer(), nullable=True),
        sa.Column("residual_level", sa.Integer(), nullable=False),
        sa.Column("treatment_option", sa.String(length=10), nullable=True),
        sa.Column("treatment_plan", sa.Text(), nullable=False),
        sa.Column("treatment_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("acceptance_status", sa.String(length=10), nullable=False),
        sa.Column("accepted_until", sa.Date(), nullable=True),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column(
            "linked_requirements",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("computation", sa.Text(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"], ["user_account.id"], name=op.f("fk_risk_assessed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_risk_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_risk_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_risk_owner_id_user_account")),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_risk_product_id_product")),
        sa.ForeignKeyConstraint(
            ["treatment_by_id"], ["user_account.id"], name=op.f("fk_risk_treatment_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk")),
        sa.UniqueConstraint("organisation_id", "number", name=op.f("uq_risk_organisation_id")),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index("ix_risk_org_current_level", ["organisation_id", "current_level", "number"], unique=False)
        batch_op.create_index("ix_risk_org_domain", ["organisation_id", "domain", "number"], unique=False)
        batch_op.create_index(
            "ix_risk_org_inherent_level", ["organisation_id", "inherent_level", "number"], unique=False
        )
        batch_op.create_index("ix_risk_org_status", ["organisation_id", "status", "number"], unique=False)
        batch_op.create_index("ix_risk_org_title", ["organisation_id", "title", "number"], unique=False)
        batch_op.create_index("ix_risk_org_updated", ["organisation_id", "updated_at", "number"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "mosca_exposure",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("data_class_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name=op.f("fk_mosca_exposure_asset_id_asset")),
        sa.ForeignKeyConstraint(
            ["data_class_id"], ["data_class.id"], name=op.f("fk_mosca_exposure_data_class_id_data_class")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_mosca_exposure_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_mosca_exposure_risk_id_risk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mosca_exposure")),
        sa.UniqueConstraint("data_class_id", "asset_id", name=op.f("uq_mosca_exposure_data_class_id")),
    )
    with op.batch_alter_table("mosca_exposure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mosca_exposure_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mosca_exposure_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "risk_assessment",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("matrix_id", sa.String(length=64), nullable=False),
        sa.Column("matrix_version", sa.String(length=40), nullable=False),
        sa.Column(
            "ratings", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"], ["user_account.id"], name=op.f("fk_risk_assessment_assessed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_assessment_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment")),
    )
    with op.batch_alter_table("risk_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_assessment_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_asset_link",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["asset.id"], name=op.f("fk_risk_asset_link_asset_id_asset")),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_asset_link_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_asset_link")),
        sa.UniqueConstraint("risk_id", "asset_id", name=op.f("uq_risk_asset_link_risk_id")),
    )
    with op.batch_alter_table("risk_asset_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_asset_link_asset_id"), ["asset_id"], unique=False)

    op.create_table(
        "treatment_action",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user_account.id"], name=op.f("fk_treatment_action_closed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_treatment_action_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_treatment_action_owner_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_treatment_action_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_action")),
    )
    with op.batch_alter_table("treatment_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_treatment_action_org_status_due", ["organisation_id", "status", "due_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_treatment_action_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_acceptance",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level_key", sa.String(length=40), nullable=False),
        sa.Column("level_label", sa.String(length=80), nullable=False),
        sa.Column(
            "state", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("invalidated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("invalidated_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user_account.id"], name=op.f("fk_risk_acceptance_accepted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_risk_acceptance_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_acceptance_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"], ["signature.id"], name=op.f("fk_risk_acceptance_signature_id_signature")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_acceptance")),
    )
    with op.batch_alter_table("risk_acceptance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_acceptance_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_acceptance_risk_id"), ["risk_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("risk_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_acceptance_risk_id"))
        batch_op.drop_index(batch_op.f("ix_risk_acceptance_organisation_id"))

    op.drop_table("risk_acceptance")
    with op.batch_alter_table("treatment_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_action_risk_id"))
        batch_op.drop_index("ix_treatment_action_org_status_due")

    op.drop_table("treatment_action")
    with op.batch_alter_table("risk_asset_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_asset_link_asset_id"))

    op.drop_table("risk_asset_link")
    with op.batch_alter_table("risk_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessment_risk_id"))

    op.drop_table("risk_assessment")
    with op.batch_alter_table("mosca_exposure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mosca_exposure_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_mosca_exposure_asset_id"))

    op.drop_table("mosca_exposure")
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_owner_id"))
        batch_op.drop_index("ix_risk_org_updated")
        batch_op.drop_index("ix_risk_org_title")
        batch_op.drop_index("ix_risk_org_status")
        batch_op.drop_index("ix_risk_org_inherent_level")
        batch_op.drop_index("ix_risk_org_domain")
        batch_op.drop_index("ix_risk_org_current_level")

    op.drop_table("risk")
    with op.batch_alter_table("data_class", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_class_organisation_id"))

    op.drop_table("data_class")
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_owner_id"))
        batch_op.drop_index(batch_op.f("ix_asset_organisation_id"))

    op.drop_table("asset")
    op.drop_table("risk_settings")
    op.drop_table("risk_matrix_choice")
    op.drop_table("risk_heat_cell")
