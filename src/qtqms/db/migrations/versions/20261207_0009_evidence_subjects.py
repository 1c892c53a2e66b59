"""evidence: attached to any record by (subject_type, subject_id) instead of to a control by foreign key; its kind
(file or URL) and who added it are kept

Every existing row becomes the evidence of its control: subject_type 'control', subject_id the control's key (keys
never change). Who added it comes from the trail's create event of the row, when the trail has one. Downgrading
turns control evidence back into rows pointing at their control; evidence of any other record has no place in
the older schema and is dropped.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

EVIDENCE = sa.table(
    "evidence",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("control_id", sa.Integer),
    sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("sha256", sa.String),
    sa.column("added_by_id", sa.Integer),
)
CONTROL = sa.table("control", sa.column("id", sa.Integer), sa.column("organisation_id", sa.Integer),
                   sa.column("key", sa.String))  # fmt: skip
USER = sa.table("user_account", sa.column("id", sa.Integer))
TRAIL = sa.table(
    "audit_event",
    sa.column("seq", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.String),
)
NEW_COLUMNS = (
    ("subject_type", sa.String(length=40)),
    ("subject_id", sa.String(length=200)),
    ("kind", sa.String(length=10)),
)
SUBJECT_INDEX = ("ix_evidence_subject_valid", ["organisation_id", "subject_type", "subject_id", "valid_until"])


def upgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        for name, kind in NEW_COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        batch_op.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
    _controls_to_subjects()
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        for name, kind in NEW_COLUMNS:
            batch_op.alter_column(name, existing_type=kind, nullable=False)
        batch_op.drop_index("ix_evidence_control_valid")
        batch_op.drop_index(batch_op.f("ix_evidence_organisation_id"))
        batch_op.drop_constraint(batch_op.f("fk_evidence_control_id_control"), type_="foreignkey")
        batch_op.drop_column("control_id")
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_added_by_id_user_account"), "user_account", ["added_by_id"], ["id"]
        )
        batch_op.create_index(*SUBJECT_INDEX, unique=False)


def _controls_to_subjects() -> None:
    key = sa.select(CONTROL.c.key).where(CONTROL.c.id == EVIDENCE.c.control_id).scalar_subquery()
    creator = (
        sa.select(TRAIL.c.actor_id)
        .where(
            TRAIL.c.entity_type == "evidence",
            TRAIL.c.action == "create",
            TRAIL.c.entity_id == sa.cast(EVIDENCE.c.id, sa.String(80)),
            TRAIL.c.actor_id.in_(sa.select(USER.c.id)),
        )
        .order_by(TRAIL.c.seq)
        .limit(1)
        .scalar_subquery()
    )
    kind = sa.case((EVIDENCE.c.sha256 == "", "url"), else_="file")
    op.get_bind().execute(
        sa.update(EVIDENCE).values(subject_type="control", subject_id=key, kind=kind, added_by_id=creator)
    )


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("control_id", sa.Integer(), nullable=True))
    control = (
        sa.select(CONTROL.c.id)
        .where(CONTROL.c.organisation_id == EVIDENCE.c.organisation_id, CONTROL.c.key == EVIDENCE.c.subject_id)
        .scalar_subquery()
    )
    connection = op.get_bind()
    connection.execute(sa.update(EVIDENCE).where(EVIDENCE.c.subject_type == "control").values(control_id=control))
    connection.execute(sa.delete(EVIDENCE).where(EVIDENCE.c.control_id.is_(None)))
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.alter_column("control_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(SUBJECT_INDEX[0])
        batch_op.drop_constraint(batch_op.f("fk_evidence_added_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("added_by_id")
        for name, _ in reversed(NEW_COLUMNS):
            batch_op.drop_column(name)
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_control_id_control"), "control", ["control_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index("ix_evidence_control_valid", ["control_id", "valid_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_organisation_id"), ["organisation_id"], unique=False)
