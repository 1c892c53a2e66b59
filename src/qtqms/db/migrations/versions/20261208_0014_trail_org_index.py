"""trail: indexes on (organisation_id, seq) and (organisation_id, entity, seq), for reading an organisation's
events, and one record's, newest first

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_organisation_id_seq", ["organisation_id", "seq"], unique=False)
        batch_op.create_index(
            "ix_audit_event_organisation_id_entity",
            ["organisation_id", "entity_type", "entity_id", "seq"],
            unique=False,
        )
        batch_op.drop_index(batch_op.f("ix_audit_event_organisation_id"))


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_organisation_id"), ["organisation_id"], unique=False)
        batch_op.drop_index("ix_audit_event_organisation_id_entity")
        batch_op.drop_index("ix_audit_event_organisation_id_seq")
