"""numbering: one counter per organisation and kind of record gives human reference numbers (R-0042)

Numbers were `max(number) + 1`, which gave concurrent creations the same number. The counters start where each
organisation's risks stand now; downgrading drops them (the older code reads the highest number again).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 23:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

RISK = sa.table("risk", sa.column("organisation_id", sa.Integer), sa.column("number", sa.Integer))


def upgrade() -> None:
    counter = op.create_table(
        "reference_counter",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_reference_counter_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("organisation_id", "kind", name=op.f("pk_reference_counter")),
    )
    highest = sa.select(RISK.c.organisation_id, sa.literal("risk"), sa.func.max(RISK.c.number)).group_by(
        RISK.c.organisation_id
    )
    op.execute(sa.insert(counter).from_select(["organisation_id", "kind", "last_number"], highest))


def downgrade() -> None:
    op.drop_table("reference_counter")
