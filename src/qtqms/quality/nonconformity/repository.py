"""Nonconformity and CAPA queries, each within the scope's organisation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, exists, func, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.kit.paging import keyset_page
from qtqms.models.identity import User
from qtqms.models.org import Product
from qtqms.models.quality import CorrectiveAction, Nonconformity, NonconformityLink


def nonconformity(session: Session, scope: OrgScope, number: int, ref: str) -> Nonconformity:
    stmt = scoped(select(Nonconformity), Nonconformity, scope).where(Nonconformity.number == number)
    return one_or_404(session, stmt, f"nonconformity {ref}")


def action(session: Session, scope: OrgScope, action_id: int) -> CorrectiveAction:
    stmt = scoped(select(CorrectiveAction), CorrectiveAction, scope).where(CorrectiveAction.id == action_id)
    return one_or_404(session, stmt, f"action {action_id}")


def links(session: Session, scope: OrgScope, nonconformity_id: int) -> list[NonconformityLink]:
    stmt = scoped(select(NonconformityLink), NonconformityLink, scope).where(
        NonconformityLink.nonconformity_id == nonconformity_id
    )
    return list(session.scalars(stmt.order_by(NonconformityLink.target_kind, NonconformityLink.target)))


def names(session: Session, scope: OrgScope, ids: Sequence[int | None]) -> dict[int, tuple[str, str]]:
    """(username, printed name) by user id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = scoped(select(User.id, User.username, User.display_name), User, scope).where(User.id.in_(wanted))
    return {row.id: (row.username, row.display_name or row.username) for row in session.execute(stmt)}


def member_id(session: Session, scope: OrgScope, username: str) -> int | None:
    stmt = scoped(select(User.id), User, scope).where(User.username == username, User.disabled.is_(False))
    return session.scalar(stmt)


def product_key(session: Session, scope: OrgScope, product_id: int | None) -> str | None:
    if product_id is None:
        return None
    return session.scalar(scoped(select(Product.key), Product, scope).where(Product.id == product_id))


@dataclass(frozen=True)
class ListFilter:
    status: str | None = None
    severity: str | None = None
    source: str | None = None
    product_id: int | None = None
    open_only: bool = False
    overdue_before: date | None = None


NEXT_DUE = (
    select(func.min(CorrectiveAction.due_on))
    .where(CorrectiveAction.nonconformity_id == Nonconformity.id, CorrectiveAction.done_on.is_(None))
    .correlate(Nonconformity)
    .scalar_subquery()
    .label("next_due")
)
ROW_COLUMNS = (
    Nonconformity.id,
    Nonconformity.number,
    Nonconformity.title,
    Nonconformity.source,
    Nonconformity.severity,
    Nonconformity.status,
    Nonconformity.detected_on,
    Product.key.label("product_key"),
    User.username.label("owner_name"),
    NEXT_DUE,
)


def _filtered(stmt: Any, scope: OrgScope, where: ListFilter) -> Any:
    stmt = scoped(stmt, Nonconformity, scope)
    for column, value in (
        (Nonconformity.status, where.status),
        (Nonconformity.severity, where.severity),
        (Nonconformity.source, where.source),
        (Nonconformity.product_id, where.product_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if where.open_only:
        stmt = stmt.where(Nonconformity.status != "closed")
    if where.overdue_before is not None:
        late = exists().where(
            CorrectiveAction.nonconformity_id == Nonconformity.id,
            CorrectiveAction.done_on.is_(None),
            CorrectiveAction.due_on < where.overdue_before,
        )
        stmt = stmt.where(late)
    return stmt


def _rows() -> Any:
    return (
        select(*ROW_COLUMNS)
        .join(User, User.id == Nonconformity.owner_id)
        .outerjoin(Product, Product.id == Nonconformity.product_id)
    )


def page(
    session: Session, scope: OrgScope, where: ListFilter, *, descending: bool, cursor: str | None, limit: int
) -> tuple[list[Row[Any]], str | None]:
    stmt = _filtered(_rows(), scope, where)
    return keyset_page(session, stmt, (Nonconformity.number,), descending=descending, cursor=cursor, limit=limit)


def all_rows(session: Session, scope: OrgScope, where: ListFilter, *, descending: bool) -> Any:
    order = Nonconformity.number.desc() if descending else Nonconformity.number.asc()
    return session.execute(_filtered(_rows(), scope, where).order_by(order)).yield_per(500)


def count(session: Session, scope: OrgScope, where: ListFilter, *, cap: int) -> int:
    inner = _filtered(select(Nonconformity.id), scope, where).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def _actions_of(scope: OrgScope, owner_id: int, *columns: Any) -> Any:
    return (
        scoped(select(*columns).select_from(CorrectiveAction), CorrectiveAction, scope)
        .join(Nonconformity, Nonconformity.id == CorrectiveAction.nonconformity_id)
        .where(CorrectiveAction.owner_id == owner_id, CorrectiveAction.done_on.is_(None))
    )


def actions_of(session: Session, scope: OrgScope, owner_id: int, limit: int) -> list[tuple[CorrectiveAction, int, str]]:
    """The user's actions not done, with their nonconformity's number and title, earliest due first."""
    stmt = _actions_of(scope, owner_id, CorrectiveAction, Nonconformity.number, Nonconformity.title)
    stmt = stmt.order_by(CorrectiveAction.due_on, CorrectiveAction.id).limit(limit)
    return [(row[0], row[1], row[2]) for row in session.execute(stmt)]


def count_actions_of(session: Session, scope: OrgScope, owner_id: int, due_before: date | None = None) -> int:
    """How many actions not done the user owns (due before a day, when given)."""
    stmt = _actions_of(scope, owner_id, func.count())
    if due_before is not None:
        stmt = stmt.where(CorrectiveAction.due_on < due_before)
    return session.scalar(stmt) or 0


def verifying(session: Session, scope: OrgScope, not_owned_by: int, limit: int) -> list[Nonconformity]:
    """Nonconformities waiting for their check or closure that the user does not own, by number."""
    stmt = scoped(select(Nonconformity), Nonconformity, scope).where(
        Nonconformity.status == "verifying", Nonconformity.owner_id != not_owned_by
    )
    return list(session.scalars(stmt.order_by(Nonconformity.number).limit(limit)))


def count_verifying(session: Session, scope: OrgScope, not_owned_by: int) -> int:
    stmt = scoped(select(func.count()).select_from(Nonconformity), Nonconformity, scope).where(
        Nonconformity.status == "verifying", Nonconformity.owner_id != not_owned_by
    )
    return session.scalar(stmt) or 0
