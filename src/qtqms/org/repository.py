"""Organisation queries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.models.org import Jurisdiction, Organisation, Product, ScopeExclusion, Site

ScopeItem = TypeVar("ScopeItem", Site, Product, ScopeExclusion, Jurisdiction)


def organisation(session: Session, organisation_id: int) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def count_organisations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Organisation)) or 0


def items(session: Session, model: type[ScopeItem], organisation_id: int) -> list[ScopeItem]:
    stmt = select(model).where(model.organisation_id == organisation_id).order_by(model.id)
    return list(session.scalars(stmt))


def item(session: Session, model: type[ScopeItem], organisation_id: int, item_id: int) -> ScopeItem | None:
    found = session.get(model, item_id)
    return found if found is not None and found.organisation_id == organisation_id else None


def count_items(session: Session, model: type[ScopeItem], organisation_id: int) -> int:
    return session.scalar(select(func.count()).where(model.organisation_id == organisation_id)) or 0


def product_by_key(session: Session, organisation_id: int, key: str) -> Product | None:
    return session.scalar(select(Product).where(Product.organisation_id == organisation_id, Product.key == key))


def products_by_keys(session: Session, organisation_id: int, keys: Iterable[str]) -> list[Product]:
    stmt = select(Product).where(Product.organisation_id == organisation_id, Product.key.in_(list(keys)))
    return list(session.scalars(stmt))
