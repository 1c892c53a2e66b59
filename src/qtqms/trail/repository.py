"""Audit trail queries: an organisation's events within its scope; the hash chain, which links every
organisation's events in one sequence, whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from qtqms.db.audit import CHAINED_FIELDS, AuditEvent, TrailHead
from qtqms.db.scoping import scoped
from qtqms.kernel.rbac import OrgScope

VERIFY_BATCH = 2000
CHAIN_BATCH = 10_000


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
    after = 0
    while True:
        stmt = scoped(select(AuditEvent).where(AuditEvent.seq > after), AuditEvent, scope)
        batch = list(session.scalars(stmt.order_by(AuditEvent.seq).limit(VERIFY_BATCH)))
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


_CHAIN_COLUMNS = [getattr(AuditEvent, name) for name in CHAINED_FIELDS]


def chain_rows(session: Session, after_seq: int = 0) -> Iterator[tuple[int, str, str, dict]]:
    """(seq, prev_hash, hash, hashed body) of every event of every organisation after `after_seq`, oldest first:
    the chain links them all in one sequence, so only walking it whole verifies it. Plain rows in keyset batches,
    not ORM objects: verification reads every event, and building objects cost as much as hashing."""
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
