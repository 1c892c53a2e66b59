"""Organisation queries, each within the scope's organisation but the two of setting one up."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import delete_unreferenced, one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.models.org import Jurisdiction, Organisation, Product, ScopeExclusion, Site

ScopeItem = TypeVar("ScopeItem", Site, Product, ScopeExclusion, Jurisdiction)


def organisation(session: Session, scope: OrgScope) -> Organisation:
    stmt = select(Organisation).where(Organisation.id == scope.organisation_id)
    return one_or_404(session, stmt, f"organisation {scope.organisation_id}")


def count_organisations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation)) or 0


def items(session: Session, model: type[ScopeItem], scope: OrgScope) -> list[ScopeItem]:
    return list(session.scalars(scoped(select(model), model, scope).order_by(model.id)))


def item(session: Session, model: type[ScopeItem], scope: OrgScope, item_id: int, what: str) -> ScopeItem:
    return one_or_404(session, scoped(select(model).where(model.id == item_id), model, scope), what)


def delete_item(session: Session, model: type[ScopeItem], scope: OrgScope, item_id: int, kind: str) -> None:
    """Remove the item, or say which records still cite it."""
    row = item(session, model, scope, item_id, f"{kind} {item_id}")
    delete_unreferenced(session, row, f"{kind} {row.audit_label()}")


def count_items(session: Session, model: type[ScopeItem], scope: OrgScope) -> int:
    return session.scalar(scoped(select(func.count()).select_from(model), model, scope)) or 0


def product_by_key(session: Session, scope: OrgScope, key: str) -> Product:
    return one_or_404(session, scoped(select(Product).where(Product.key == key), Product, scope), f"product '{key}'")


def products_by_keys(session: Session, scope: OrgScope, keys: Iterable[str]) -> list[Product]:
    return list(session.scalars(scoped(select(Product).where(Product.key.in_(list(keys))), Product, scope)))
