"""catalog: a mapping set keeps its publisher, source, licence and check date

Exporting a mapping set loaded into the database gave `not kept in the database` for these four; sets loaded
before this revision keep that answer (the columns stay empty for them).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 21:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("publisher", sa.String(length=200)),
    ("source", sa.Text()),
    ("licence", sa.Text()),
    ("verified_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("mapping_set_version", schema=None) as batch_op:
        for name, kind in _COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mapping_set_version", schema=None) as batch_op:
        for name, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
