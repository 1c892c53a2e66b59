"""quality: controlled documents (versions, sign-offs, acknowledgements, links) and nonconformities with CAPA

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-08 03:11:16.378414
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "document",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("effective_version", sa.Integer(), nullable=True),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("review_interval_months", sa.Integer(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_document_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_document_owner_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("organisation_id", "number", name=op.f("uq_document_organisation_id")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index("ix_document_org_title", ["organisation_id", "title", "number"], unique=False)
        batch_op.create_index("ix_document_org_updated", ["organisation_id", "updated_at", "number"], unique=False)

    op.create_table(
        "document_link",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_link_document_id_document"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_document_link_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_link")),
        sa.UniqueConstraint("document_id", "target_kind", "target", name=op.f("uq_document_link_document_id")),
    )
    with op.batch_alter_table("document_link", schema=None) as batch_op:
        batch_op.create_index("ix_document_link_target", ["organisation_id", "target_kind", "target"], unique=False)

    op.create_table(
        "document_version",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("change_reason", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_document_version_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_version_document_id_document"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_document_version_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_document_version_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "version", name=op.f("uq_document_version_document_id")),
    )
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_version_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "document_acknowledgement",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_document_acknowledgement_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_document_acknowledgement_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_version.id"],
            name=op.f("fk_document_acknowledgement_version_id_document_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_acknowledgement")),
        sa.UniqueConstraint("version_id", "user_id", name=op.f("uq_document_acknowledgement_version_id")),
    )
    with op.batch_alter_table("document_acknowledgement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_document_acknowledgement_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_document_acknowledgement_user_id"), ["user_id"], unique=False)

    op.create_table(
        "document_sign_off",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "signed_state", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_document_sign_off_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"], ["signature.id"], name=op.f("fk_document_sign_off_signature_id_signature")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_document_sign_off_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_version.id"],
            name=op.f("fk_document_sign_off_version_id_document_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_sign_off")),
        sa.UniqueConstraint("version_id", "part", "user_id", name=op.f("uq_document_sign_off_version_id")),
    )
    with op.batch_alter_table("document_sign_off", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_sign_off_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "nonconformity",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("process", sa.String(length=200), nullable=False),
        sa.Column("detected_on", sa.Date(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("containment", sa.Text(), nullable=False),
        sa.Column("cause_method", sa.String(length=30), nullable=False),
        sa.Column(
            "whys", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "cause_categories",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("effectiveness_criteria", sa.Text(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_signature_id", sa.Integer(), nullable=True),
        sa.Column(
            "closure_state",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closure_signature_id"], ["signature.id"], name=op.f("fk_nonconformity_closure_signature_id_signature")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_nonconformity_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user_account.id"], name=op.f("fk_nonconformity_owner_id_user_account")),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_nonconformity_product_id_product")),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["user_account.id"], name=op.f("fk_nonconformity_raised_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nonconformity")),
        sa.UniqueConstraint("organisation_id", "number", name=op.f("uq_nonconformity_organisation_id")),
    )
    with op.batch_alter_table("nonconformity", schema=None) as batch_op:
        batch_op.create_index("ix_nonconformity_org_status", ["organisation_id", "status", "number"], unique=False)
        batch_op.create_index(batch_op.f("ix_nonconformity_product_id"), ["product_id"], unique=False)

    op.create_table(
        "corrective_action",
        sa.Column("nonconformity_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformity.id"],
            name=op.f("fk_corrective_action_nonconformity_id_nonconformity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_corrective_action_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user_account.id"], name=op.f("fk_corrective_action_owner_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrective_action")),
    )
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_corrective_action_nonconformity_id"), ["nonconformity_id"], unique=False)
        batch_op.create_index(
            "ix_corrective_action_owner_open", ["organisation_id", "owner_id", "done_on", "due_on"], unique=False
        )

    op.create_table(
        "effectiveness_check",
        sa.Column("nonconformity_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column(
            "signed_state",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["user_account.id"], name=op.f("fk_effectiveness_check_checked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformity.id"],
            name=op.f("fk_effectiveness_check_nonconformity_id_nonconformity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_effectiveness_check_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"], ["signature.id"], name=op.f("fk_effectiveness_check_signature_id_signature")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_effectiveness_check")),
    )
    with op.batch_alter_table("effectiveness_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_effectiveness_check_nonconformity_id"), ["nonconformity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_effectiveness_check_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "nonconformity_link",
        sa.Column("nonconformity_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nonconformity_id"],
            ["nonconformity.id"],
            name=op.f("fk_nonconformity_link_nonconformity_id_nonconformity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_nonconformity_link_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nonconformity_link")),
        sa.UniqueConstraint(
            "nonconformity_id", "target_kind", "target", name=op.f("uq_nonconformity_link_nonconformity_id")
        ),
    )
    with op.batch_alter_table("nonconformity_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nonconformity_link_organisation_id"), ["organisation_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("nonconformity_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nonconformity_link_organisation_id"))

    op.drop_table("nonconformity_link")
    with op.batch_alter_table("effectiveness_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_effectiveness_check_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_effectiveness_check_nonconformity_id"))

    op.drop_table("effectiveness_check")
    with op.batch_alter_table("corrective_action", schema=None) as batch_op:
        batch_op.drop_index("ix_corrective_action_owner_open")
        batch_op.drop_index(batch_op.f("ix_corrective_action_nonconformity_id"))

    op.drop_table("corrective_action")
    with op.batch_alter_table("nonconformity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nonconformity_product_id"))
        batch_op.drop_index("ix_nonconformity_org_status")

    op.drop_table("nonconformity")
    with op.batch_alter_table("document_sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_sign_off_organisation_id"))

    op.drop_table("document_sign_off")
    with op.batch_alter_table("document_acknowledgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_acknowledgement_user_id"))
        batch_op.drop_index(batch_op.f("ix_document_acknowledgement_organisation_id"))

    op.drop_table("document_acknowledgement")
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_version_organisation_id"))

    op.drop_table("document_version")
    with op.batch_alter_table("document_link", schema=None) as batch_op:
        batch_op.drop_index("ix_document_link_target")

    op.drop_table("document_link")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index("ix_document_org_updated")
        batch_op.drop_index("ix_document_org_title")

    op.drop_table("document")
