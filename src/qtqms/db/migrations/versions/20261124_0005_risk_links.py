"""risk: scenarios linked to catalogue requirements and controls by foreign key; Mosca's y per product from the
PQC migration plan

The links that 0002 kept as 'pack-id:REQ-ID' strings become rows pointing at the requirement of the framework
edition current at upgrade time. A string that names no such requirement is not dropped: it is appended to the
risk's description, so nothing is lost. Downgrading writes the requirement links back as strings; control links
and plan years have no place in the older schema and are dropped.

The risk table is altered in place (ALTER TABLE … DROP/ADD COLUMN, SQLite 3.35 or later), never rebuilt in batch
mode: with foreign keys enforced, SQLite's DROP TABLE of the old copy would cascade to every assessment,
acceptance, treatment action and link of every risk.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 18:18:21.845723
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
RISK = sa.table(
    "risk", sa.column("id", sa.Integer), sa.column("description", sa.Text), sa.column("linked_requirements", JSON)
)
LINK = sa.table("risk_requirement_link", sa.column("risk_id", sa.Integer), sa.column("requirement_id", sa.Integer))
VERSION = sa.table(
    "framework_version", sa.column("id", sa.Integer), sa.column("pack_id", sa.String), sa.column("is_current")
)
REQUIREMENT = sa.table(
    "catalog_requirement",
    sa.column("id", sa.Integer),
    sa.column("framework_version_id", sa.Integer),
    sa.column("ref", sa.String),
)
UNRESOLVED_NOTE = "Catalogue links not found when links became references (migration 0005): "


def upgrade() -> None:
    op.create_table(
        "product_migration_years",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("years", sa.Float(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_product_migration_years_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_product_migration_years_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_migration_years")),
        sa.UniqueConstraint("product_id", name=op.f("uq_product_migration_years_product_id")),
    )
    with op.batch_alter_table("product_migration_years", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_migration_years_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "risk_control_link",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["control_id"], ["control.id"], name=op.f("fk_risk_control_link_control_id_control")),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_control_link_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_control_link")),
        sa.UniqueConstraint("risk_id", "control_id", name=op.f("uq_risk_control_link_risk_id")),
    )
    with op.batch_alter_table("risk_control_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_control_link_control_id"), ["control_id"], unique=False)

    op.create_table(
        "risk_requirement_link",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["catalog_requirement.id"],
            name=op.f("fk_risk_requirement_link_requirement_id_catalog_requirement"),
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_requirement_link_risk_id_risk"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_requirement_link")),
        sa.UniqueConstraint("risk_id", "requirement_id", name=op.f("uq_risk_requirement_link_risk_id")),
    )
    with op.batch_alter_table("risk_requirement_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_requirement_link_requirement_id"), ["requirement_id"], unique=False)

    _links_to_rows()
    op.drop_column("risk", "linked_requirements")


def _current_requirements(connection: sa.Connection) -> dict[str, int]:
    """'pack-id:REQ-ID' -> id of that requirement in the pack's current edition."""
    stmt = (
        sa.select(VERSION.c.pack_id, REQUIREMENT.c.ref, REQUIREMENT.c.id)
        .join(VERSION, VERSION.c.id == REQUIREMENT.c.framework_version_id)
        .where(VERSION.c.is_current == sa.true())
    )
    return {f"{pack}:{ref}": requirement_id for pack, ref, requirement_id in connection.execute(stmt)}


def _links_to_rows() -> None:
    connection = op.get_bind()
    risks = connection.execute(sa.select(RISK.c.id, RISK.c.description, RISK.c.linked_requirements)).all()
    linked = [(risk_id, description, links) for risk_id, description, links in risks if links]
    if not linked:
        return
    known = _current_requirements(connection)
    for risk_id, description, links in linked:
        found = sorted({known[link] for link in links if link in known})
        if found:
            connection.execute(sa.insert(LINK), [{"risk_id": risk_id, "requirement_id": r} for r in found])
        missing = [link for link in links if link not in known]
        if missing:
            note = UNRESOLVED_NOTE + ", ".join(missing)
            text = f"{description}\n\n{note}" if description else note
            connection.execute(sa.update(RISK).where(RISK.c.id == risk_id).values(description=text))


def _rows_to_links() -> None:
    connection = op.get_bind()
    stmt = (
        sa.select(LINK.c.risk_id, VERSION.c.pack_id, REQUIREMENT.c.ref)
        .join(REQUIREMENT, REQUIREMENT.c.id == LINK.c.requirement_id)
        .join(VERSION, VERSION.c.id == REQUIREMENT.c.framework_version_id)
    )
    by_risk: dict[int, list[str]] = {}
    for risk_id, pack, ref in connection.execute(stmt):
        by_risk.setdefault(risk_id, []).append(f"{pack}:{ref}")
    for risk_id, links in by_risk.items():
        connection.execute(sa.update(RISK).where(RISK.c.id == risk_id).values(linked_requirements=sorted(links)))


def downgrade() -> None:
    # SQLite adds a NOT NULL column in place only with a default; the default stays, as removing it would mean
    # rebuilding the table (see the module docstring). Every row is filled below, so it is never used.
    op.add_column("risk", sa.Column("linked_requirements", JSON, nullable=False, server_default="[]"))
    _rows_to_links()

    with op.batch_alter_table("risk_requirement_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_requirement_link_requirement_id"))
    op.drop_table("risk_requirement_link")
    with op.batch_alter_table("risk_control_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_control_link_control_id"))
    op.drop_table("risk_control_link")
    with op.batch_alter_table("product_migration_years", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_migration_years_organisation_id"))
    op.drop_table("product_migration_years")
