"""Queries over ELSPI assessments and red-line hits (private to the ELSPI sub-slice)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.kit.paging import keyset_page
from qtqms.models.lifecycle import ElspiAssessment, RedLineHit


def assessment(session: Session, scope: OrgScope, ref: str) -> ElspiAssessment:
    stmt = scoped(select(ElspiAssessment), ElspiAssessment, scope).where(ElspiAssessment.ref == ref.upper())
    return one_or_404(session, stmt, f"ELSPI assessment {ref}")


def assessments(session: Session, scope: OrgScope, refs: Sequence[str]) -> list[ElspiAssessment]:
    stmt = scoped(select(ElspiAssessment), ElspiAssessment, scope).where(ElspiAssessment.ref.in_(refs))
    return list(session.scalars(stmt))


def latest(session: Session, scope: OrgScope, product_ids: Sequence[int]) -> dict[int, ElspiAssessment]:
    """The newest assessment of each product, in one query."""
    newest = (
        scoped(select(func.max(ElspiAssessment.id)), ElspiAssessment, scope)
        .where(ElspiAssessment.lifecycle_product_id.in_(product_ids))
        .group_by(ElspiAssessment.lifecycle_product_id)
    )
    stmt = scoped(select(ElspiAssessment), ElspiAssessment, scope).where(ElspiAssessment.id.in_(newest))
    return {a.lifecycle_product_id: a for a in session.scalars(stmt)}


def assessment_page(
    session: Session,
    scope: OrgScope,
    *,
    product_id: int | None,
    status: str | None,
    descending: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[ElspiAssessment], str | None, int]:
    stmt = scoped(select(ElspiAssessment.id, ElspiAssessment.ref), ElspiAssessment, scope)
    if product_id is not None:
        stmt = stmt.where(ElspiAssessment.lifecycle_product_id == product_id)
    if status:
        stmt = stmt.where(ElspiAssessment.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows, following = keyset_page(
        session, stmt, [ElspiAssessment.ref], descending=descending, cursor=cursor, limit=limit
    )
    found = {a.ref: a for a in assessments(session, scope, [r.ref for r in rows])}
    return [found[r.ref] for r in rows], following, total


def hit(session: Session, scope: OrgScope, hit_id: int) -> RedLineHit:
    stmt = scoped(select(RedLineHit), RedLineHit, scope).where(RedLineHit.id == hit_id)
    return one_or_404(session, stmt, f"red-line hit {hit_id}")


def open_hits(session: Session, scope: OrgScope, product_ids: Sequence[int]) -> list[RedLineHit]:
    stmt = scoped(select(RedLineHit), RedLineHit, scope).where(
        RedLineHit.lifecycle_product_id.in_(product_ids), RedLineHit.status == "open"
    )
    return list(session.scalars(stmt.order_by(RedLineHit.id)))


def hit_page(
    session: Session,
    scope: OrgScope,
    *,
    product_id: int | None,
    status: str | None,
    descending: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[RedLineHit], str | None, int]:
    stmt = scoped(select(RedLineHit.id), RedLineHit, scope)
    if product_id is not None:
        stmt = stmt.where(RedLineHit.lifecycle_product_id == product_id)
    if status:
        stmt = stmt.where(RedLineHit.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows, following = keyset_page(session, stmt, [RedLineHit.id], descending=descending, cursor=cursor, limit=limit)
    ids = [r.id for r in rows]
    found = {
        h.id: h for h in session.scalars(scoped(select(RedLineHit), RedLineHit, scope).where(RedLineHit.id.in_(ids)))
    }
    return [found[i] for i in ids], following, total


def refs_by_ids(session: Session, scope: OrgScope, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = scoped(select(ElspiAssessment.id, ElspiAssessment.ref), ElspiAssessment, scope).where(
        ElspiAssessment.id.in_(ids)
    )
    return {row.id: row.ref for row in session.execute(stmt)}
