"""Queries over export-control classifications (private to the export-control sub-slice)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.lifecycle import ExportClassification


def latest(session: Session, scope: OrgScope, product_ids: Sequence[int]) -> dict[int, ExportClassification]:
    newest = (
        scoped(select(func.max(ExportClassification.id)), ExportClassification, scope)
        .where(ExportClassification.lifecycle_product_id.in_(product_ids))
        .group_by(ExportClassification.lifecycle_product_id)
    )
    stmt = scoped(select(ExportClassification), ExportClassification, scope).where(ExportClassification.id.in_(newest))
    return {c.lifecycle_product_id: c for c in session.scalars(stmt)}
