"""Controlled-document queries, each within the scope's organisation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from qtqms.db.scoping import one_or_404, scoped
from qtqms.kernel.rbac import OrgScope
from qtqms.kit.paging import keyset_page
from qtqms.models.identity import User
from qtqms.models.quality import Document, DocumentAcknowledgement, DocumentLink, DocumentSignOff, DocumentVersion


def document(session: Session, scope: OrgScope, number: int, ref: str) -> Document:
    return one_or_404(session, scoped(select(Document), Document, scope).where(Document.number == number),
                      f"document {ref}")  # fmt: skip


def documents_by_numbers(session: Session, scope: OrgScope, numbers: Iterable[int]) -> list[Document]:
    stmt = scoped(select(Document), Document, scope).where(Document.number.in_(set(numbers)))
    return list(session.scalars(stmt))


def versions(session: Session, scope: OrgScope, document_id: int) -> list[DocumentVersion]:
    stmt = scoped(select(DocumentVersion), DocumentVersion, scope).where(DocumentVersion.document_id == document_id)
    return list(session.scalars(stmt.order_by(DocumentVersion.version)))


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    name: str
    role: str
    disabled: bool


def _person(user: User) -> Person:
    return Person(user.id, user.username, user.display_name or user.username, user.role, user.disabled)


def people_by_ids(session: Session, scope: OrgScope, ids: Iterable[int | None]) -> dict[int, Person]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = scoped(select(User), User, scope).where(User.id.in_(wanted))
    return {user.id: _person(user) for user in session.scalars(stmt)}


def people_by_usernames(session: Session, scope: OrgScope, usernames: Iterable[str]) -> dict[str, Person]:
    wanted = set(usernames)
    if not wanted:
        return {}
    stmt = scoped(select(User), User, scope).where(User.username.in_(wanted))
    return {user.username: _person(user) for user in session.scalars(stmt)}


def active_people(session: Session, scope: OrgScope) -> list[Person]:
    stmt = scoped(select(User), User, scope).where(User.disabled.is_(False)).order_by(User.username)
    return [_person(user) for user in session.scalars(stmt)]


def links(session: Session, scope: OrgScope, document_ids: Sequence[int]) -> list[DocumentLink]:
    stmt = scoped(select(DocumentLink), DocumentLink, scope).where(DocumentLink.document_id.in_(document_ids))
    return list(session.scalars(stmt.order_by(DocumentLink.target_kind, DocumentLink.target)))


def acknowledgements(session: Session, scope: OrgScope, version_id: int) -> dict[int, datetime]:
    stmt = scoped(select(DocumentAcknowledgement), DocumentAcknowledgement, scope).where(
        DocumentAcknowledgement.version_id == version_id
    )
    return {row.user_id: row.acknowledged_at for row in session.scalars(stmt)}


@dataclass(frozen=True)
class ListFilter:
    kind: str | None = None
    status: str | None = None
    search: str | None = None
    number: int | None = None
    review_before: date | None = None
    requirement: str | None = None


ROW_COLUMNS = (
    Document.id,
    Document.number,
    Document.kind,
    Document.title,
    Document.status,
    Document.effective_version,
    Document.latest_version,
    Document.next_review_on,
    Document.updated_at,
    User.username.label("owner_name"),
)
SORT_COLUMNS = {
    "ref": (Document.number,),
    "title": (Document.title, Document.number),
    "updated": (Document.updated_at, Document.number),
}


def _filtered(stmt: Any, scope: OrgScope, where: ListFilter) -> Any:
    stmt = scoped(stmt, Document, scope)
    if where.kind:
        stmt = stmt.where(Document.kind == where.kind)
    if where.status:
        stmt = stmt.where(Document.status == where.status)
    if where.search:
        words = Document.title.ilike(f"%{where.search}%")
        stmt = stmt.where(or_(words, Document.number == where.number) if where.number is not None else words)
    if where.review_before is not None:
        stmt = stmt.where(Document.effective_version.is_not(None), Document.next_review_on <= where.review_before)
    if where.requirement:
        serving = select(DocumentLink.document_id).where(
            DocumentLink.organisation_id == scope.organisation_id,
            DocumentLink.target_kind == "requirement",
            DocumentLink.target == where.requirement,
        )
        stmt = stmt.where(Document.id.in_(serving))
    return stmt


def document_page(
    session: Session, scope: OrgScope, where: ListFilter, *, sort: str, descending: bool, cursor: str | None,
    limit: int,
) -> tuple[list[Row[Any]], str | None]:  # fmt: skip
    stmt = _filtered(select(*ROW_COLUMNS).join(User, User.id == Document.owner_id), scope, where)
    return keyset_page(session, stmt, SORT_COLUMNS[sort], descending=descending, cursor=cursor, limit=limit)


def document_rows(session: Session, scope: OrgScope, where: ListFilter, *, sort: str, descending: bool) -> Any:
    """Every matching row, streamed in the sort's order (an export)."""
    stmt = _filtered(select(*ROW_COLUMNS).join(User, User.id == Document.owner_id), scope, where)
    order = SORT_COLUMNS[sort]
    return session.execute(stmt.order_by(*(c.desc() if descending else c.asc() for c in order))).yield_per(500)


def count(session: Session, scope: OrgScope, where: ListFilter, *, cap: int) -> int:
    inner = _filtered(select(Document.id), scope, where).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(inner)) or 0


def serving(session: Session, scope: OrgScope, kind: str, targets: Sequence[str]) -> list[tuple[str, Document]]:
    """(target, document) for the documents with an effective version linked to these targets."""
    if not targets:
        return []
    stmt = (
        scoped(select(DocumentLink.target, Document), Document, scope)
        .join(DocumentLink, DocumentLink.document_id == Document.id)
        .where(
            DocumentLink.target_kind == kind,
            DocumentLink.target.in_(set(targets)),
            Document.effective_version.is_not(None),
        )
        .order_by(Document.number)
    )
    return [(target, doc) for target, doc in session.execute(stmt)]


def _sign_offs_waiting(scope: OrgScope, user_id: int, *columns: Any) -> Any:
    return (
        scoped(select(*columns).select_from(DocumentSignOff), DocumentSignOff, scope)
        .join(DocumentVersion, DocumentVersion.id == DocumentSignOff.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(
            DocumentSignOff.user_id == user_id,
            DocumentSignOff.signature_id.is_(None),
            DocumentVersion.status == "in_review",
        )
    )


def sign_offs_waiting(
    session: Session, scope: OrgScope, user_id: int, limit: int
) -> list[tuple[DocumentSignOff, Document]]:
    """The user's sign-offs waiting on versions in review, with their document, by document number."""
    stmt = _sign_offs_waiting(scope, user_id, DocumentSignOff, Document).order_by(Document.number).limit(limit)
    return [(row[0], row[1]) for row in session.execute(stmt)]


def count_sign_offs_waiting(session: Session, scope: OrgScope, user_id: int) -> int:
    return session.scalar(_sign_offs_waiting(scope, user_id, func.count())) or 0


def _acknowledgements_due(scope: OrgScope, user_id: int, role: str, *columns: Any) -> Any:
    """Effective documents applying to the role (or to everyone) whose effective version the user has not
    acknowledged."""
    applies = select(DocumentLink.document_id).where(
        DocumentLink.organisation_id == scope.organisation_id,
        DocumentLink.target_kind == "audience",
        DocumentLink.target.in_((role, "all")),
    )
    acknowledged = (
        select(DocumentAcknowledgement.id)
        .join(DocumentVersion, DocumentVersion.id == DocumentAcknowledgement.version_id)
        .where(
            DocumentAcknowledgement.user_id == user_id,
            DocumentVersion.document_id == Document.id,
            DocumentVersion.version == Document.effective_version,
        )
        .correlate(Document)
    )
    return scoped(select(*columns).select_from(Document), Document, scope).where(
        Document.effective_version.is_not(None), Document.id.in_(applies), ~acknowledged.exists()
    )


def acknowledgements_due(session: Session, scope: OrgScope, user_id: int, role: str, limit: int) -> list[Document]:
    stmt = _acknowledgements_due(scope, user_id, role, Document).order_by(Document.number).limit(limit)
    return list(session.scalars(stmt))


def count_acknowledgements_due(session: Session, scope: OrgScope, user_id: int, role: str) -> int:
    return session.scalar(_acknowledgements_due(scope, user_id, role, func.count())) or 0


def _reviews_due(scope: OrgScope, owner_id: int, by: date, *columns: Any) -> Any:
    return scoped(select(*columns).select_from(Document), Document, scope).where(
        Document.owner_id == owner_id, Document.effective_version.is_not(None), Document.next_review_on <= by
    )


def reviews_due(session: Session, scope: OrgScope, owner_id: int, by: date, limit: int) -> list[Document]:
    """The owner's documents in effect whose periodic review falls due by `by`, earliest first."""
    stmt = _reviews_due(scope, owner_id, by, Document).order_by(Document.next_review_on, Document.number)
    return list(session.scalars(stmt.limit(limit)))


def count_reviews_due(session: Session, scope: OrgScope, owner_id: int, by: date) -> int:
    return session.scalar(_reviews_due(scope, owner_id, by, func.count())) or 0
