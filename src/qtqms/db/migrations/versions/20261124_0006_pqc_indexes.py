"""pqc: a covering index for the inventory pages

The inventory page groups, counts, filters and sorts a product's assets (tens of thousands) in SQL; this index holds
every column it needs but the locations, so those queries read the index instead of the whole rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 19:50:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pqc_asset", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pqc_asset_inventory",
            ["scan_id", "family", "verdict", "rule_id", "deadline", "occurrences", "label"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("pqc_asset", schema=None) as batch_op:
        batch_op.drop_index("ix_pqc_asset_inventory")
