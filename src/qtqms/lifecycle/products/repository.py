"""Queries over the lifecycle's product records (private to the products sub-slice)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.kit.paging import keyset_page
from qtqms.models.lifecycle import LifecycleProduct, LifecycleSignoff


def by_key(session: Session, scope: OrgScope, key: str) -> LifecycleProduct | None:
    stmt = scoped(select(LifecycleProduct), LifecycleProduct, scope).where(LifecycleProduct.product_key == key)
    return session.scalars(stmt).first()


def by_id(session: Session, scope: OrgScope, product_id: int) -> LifecycleProduct:
    stmt = scoped(select(LifecycleProduct), LifecycleProduct, scope).where(LifecycleProduct.id == product_id)
    return one_or_404(session, stmt, f"lifecycle product {product_id}")


def by_keys(session: Session, scope: OrgScope, keys: Sequence[str]) -> list[LifecycleProduct]:
    stmt = scoped(select(LifecycleProduct), LifecycleProduct, scope).where(LifecycleProduct.product_key.in_(keys))
    return list(session.scalars(stmt))


def by_ids(session: Session, scope: OrgScope, ids: Sequence[int]) -> list[LifecycleProduct]:
    stmt = scoped(select(LifecycleProduct), LifecycleProduct, scope).where(LifecycleProduct.id.in_(ids))
    return list(session.scalars(stmt))


def page(
    session: Session,
    scope: OrgScope,
    *,
    stage: str | None,
    domain: str | None,
    search: str | None,
    sort: str,
    descending: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[LifecycleProduct], str | None, int]:
    """One page of the organisation's lifecycle products, the next cursor and how many match."""
    stmt = scoped(
        select(LifecycleProduct.id, LifecycleProduct.product_key, LifecycleProduct.status), LifecycleProduct, scope
    )
    if stage:
        stmt = stmt.where(LifecycleProduct.status == stage)
    if domain:
        stmt = stmt.where(LifecycleProduct.domain == domain)
    if search:
        stmt = stmt.where(LifecycleProduct.product_key.contains(search.upper()))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = [LifecycleProduct.product_key] if sort == "key" else [LifecycleProduct.status, LifecycleProduct.product_key]
    rows, following = keyset_page(session, stmt, order, descending=descending, cursor=cursor, limit=limit)
    found = {p.id: p for p in by_ids(session, scope, [r.id for r in rows])}
    return [found[r.id] for r in rows], following, total


def signoffs(
    session: Session, scope: OrgScope, subject_type: str, subject_ids: Sequence[int]
) -> list[LifecycleSignoff]:
    stmt = (
        scoped(select(LifecycleSignoff), LifecycleSignoff, scope)
        .where(LifecycleSignoff.subject_type == subject_type, LifecycleSignoff.subject_id.in_(subject_ids))
        .order_by(LifecycleSignoff.id)
    )
    return list(session.scalars(stmt))
