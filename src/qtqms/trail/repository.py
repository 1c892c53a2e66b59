"""Audit trail queries."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from qtqms.db.audit import AuditEvent, TrailHead

VERIFY_BATCH = 2000


def head(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(TrailHead.last_seq, TrailHead.last_hash).where(TrailHead.id == 1)).one_or_none()
    return (row[0], row[1]) if row else None


def page(
    session: Session,
    *,
    limit: int,
    before_seq: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
) -> list[AuditEvent]:
    """Newest first, keyset-paginated on seq."""
    stmt = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_name:
        stmt = stmt.where(AuditEvent.actor_name == actor_name)
    return list(session.scalars(stmt))


def all_in_order(session: Session) -> Iterator[AuditEvent]:
    """Every event oldest first, in batches so memory stays flat on long trails."""
    after = 0
    while True:
        batch = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(VERIFY_BATCH)
            )
        )
        if not batch:
            return
        yield from batch
        after = batch[-1].seq
        session.expunge_all()


def count_since(session: Session, since) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).where(AuditEvent.occurred_at >= since)) or 0
