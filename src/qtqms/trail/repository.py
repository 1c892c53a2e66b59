"""Audit trail queries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qtqms.db.audit import CHAINED_FIELDS, AuditEvent, TrailHead

VERIFY_BATCH = 2000
CHAIN_BATCH = 10_000


def head(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(TrailHead.last_seq, TrailHead.last_hash).where(TrailHead.id == 1)).one_or_none()
    return (row[0], row[1]) if row else None


def page(
    session: Session,
    organisation_id: int,
    *,
    limit: int,
    before_seq: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
) -> list[AuditEvent]:
    """The organisation's events, newest first, keyset-paginated on seq."""
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation_id)
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    if before_seq is not None:
        stmt = stmt.where(AuditEvent.seq < before_seq)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_name:
        stmt = stmt.where(AuditEvent.actor_name == actor_name)
    return list(session.scalars(stmt))


def all_in_order(session: Session, organisation_id: int | None = None) -> Iterator[AuditEvent]:
    """Every event oldest first (only the organisation's when one is given), in batches so memory stays flat on
    long trails. The chain itself spans every organisation, so verification walks it whole."""
    after = 0
    while True:
        stmt = select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(VERIFY_BATCH)
        if organisation_id is not None:
            stmt = stmt.where(AuditEvent.organisation_id == organisation_id)
        batch = list(session.scalars(stmt))
        if not batch:
            return
        yield from batch
        after = batch[-1].seq
        session.expunge_all()


def count(session: Session, organisation_id: int, since: datetime | None = None) -> int:
    stmt = select(func.count()).where(AuditEvent.organisation_id == organisation_id)
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    return session.scalar(stmt) or 0


_CHAIN_COLUMNS = [getattr(AuditEvent, name) for name in CHAINED_FIELDS]


def chain_rows(session: Session, after_seq: int = 0) -> Iterator[tuple[int, str, str, dict]]:
    """(seq, prev_hash, hash, hashed body) of every event after `after_seq`, oldest first. Plain rows in keyset
    batches, not ORM objects: verification reads every event, and building objects cost as much as hashing."""
    stmt = select(AuditEvent.prev_hash, AuditEvent.hash, *_CHAIN_COLUMNS).order_by(AuditEvent.seq)
    while True:
        batch = session.connection().execute(stmt.where(AuditEvent.seq > after_seq).limit(CHAIN_BATCH)).all()
        if not batch:
            return
        for prev_hash, stored_hash, *values in batch:
            body = dict(zip(CHAINED_FIELDS, values, strict=True))
            yield body["seq"], prev_hash, stored_hash, body
        after_seq = batch[-1][2]


def hash_of(session: Session, seq: int) -> str | None:
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
