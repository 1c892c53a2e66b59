"""Audit trail queries: an organisation's events within its scope; the hash chain, which links every
organisation's events in one sequence, whole."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from qtqms.db.audit import AuditEvent, TrailHead
from qtqms.db.scoping import scoped
from qtqms.kernel.rbac import OrgScope

VERIFY_BATCH = 2000


def head(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(TrailHead.last_seq, TrailHead.last_hash).where(TrailHead.id == 1)).one_or_none()
    return (row[0], row[1]) if row else None


def page(
    session: Session,
    scope: OrgScope,
    *,
    limit: int,
    before_seq: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
) -> list[AuditEvent]:
    """The organisation's events, newest first, keyset-paginated on seq."""
    stmt = page_statement(scope, limit=limit, before_seq=before_seq, entity_type=entity_type, entity_id=entity_id,
                          actor_name=actor_name)  # fmt: skip
    return list(session.scalars(stmt))


def page_statement(
    scope: OrgScope,
    *,
    limit: int,
    before_seq: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
) -> Select:
    """The query of `page`, apart so that its plan can be checked."""
    stmt = scoped(select(AuditEvent), AuditEvent, scope).order_by(AuditEvent.seq.desc()).limit(limit)
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_name:
        stmt = stmt.where(AuditEvent.actor_name == actor_name)
    return stmt


def events_in_order(session: Session, scope: OrgScope) -> Iterator[AuditEvent]:
    """The organisation's events oldest first, in batches so memory stays flat on long trails."""
    return _in_order(session, lambda stmt: scoped(stmt, AuditEvent, scope))


def whole_chain(session: Session) -> Iterator[AuditEvent]:
    """Every event of every organisation oldest first: the hash chain links them all in one sequence, so only
    walking it whole verifies it (the verification reports sequence numbers and reasons, no event's content)."""
    return _in_order(session, lambda stmt: stmt)


def _in_order(session: Session, limited: Callable[[Select], Select]) -> Iterator[AuditEvent]:
    after = 0
    while True:
        stmt = limited(select(AuditEvent).where(AuditEvent.seq > after)).order_by(AuditEvent.seq).limit(VERIFY_BATCH)
        batch = list(session.scalars(stmt))
        if not batch:
            return
        yield from batch
        after = batch[-1].seq
        session.expunge_all()


def count(session: Session, scope: OrgScope, since: datetime | None = None) -> int:
    stmt = scoped(select(func.count()).select_from(AuditEvent), AuditEvent, scope)
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    return session.scalar(stmt) or 0
