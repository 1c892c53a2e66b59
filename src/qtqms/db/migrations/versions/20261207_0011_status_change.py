"""workflow: the history of every workflow record's status

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 23:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=80), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("workflow", sa.String(length=80), nullable=False),
        sa.Column("transition", sa.String(length=80), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=False),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_status_change_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name=op.f("fk_status_change_actor_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
    )
    op.create_index(
        "ix_status_change_subject", "status_change", ["organisation_id", "subject_type", "subject_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_status_change_subject", table_name="status_change")
    op.drop_table("status_change")
