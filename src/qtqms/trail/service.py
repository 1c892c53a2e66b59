"""Audit trail use cases: browse, export and verify the hash chain."""

from __future__ import annotations

from collections.abc import Iterator

from qtqms.db.uow import UnitOfWork
from qtqms.kernel import hashchain
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.paging import following
from qtqms.trail import repository as repo
from qtqms.trail.schemas import EventPage, EventRead, VerifyResult

MAX_PAGE = 500


def list_events(
    uow: UnitOfWork,
    actor: Actor,
    *,
    limit: int = 50,
    before_seq: int | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
) -> EventPage:
    scope = authorize(actor, Permission.TRAIL_READ)
    limit = max(1, min(limit, MAX_PAGE))
    found = repo.page(
        uow.session,
        scope,
        limit=limit + 1,
        before_seq=before_seq,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_name=actor_name,
    )
    rows, last = following(found, limit)
    events = [EventRead.model_validate(row) for row in rows]
    return EventPage(events=events, next_before_seq=last.seq if last else None)


def history(uow: UnitOfWork, actor: Actor, entity_type: str, entity_id: object, limit: int = 50) -> list[EventRead]:
    """A record's own history, for its page; readable by anyone who can read the record."""
    scope = authorize(actor, Permission.READ)
    rows = repo.page(uow.session, scope, limit=limit, entity_type=entity_type, entity_id=str(entity_id))
    return [EventRead.model_validate(row) for row in rows]


def export_events(uow: UnitOfWork, actor: Actor) -> Iterator[EventRead]:
    scope = authorize(actor, Permission.TRAIL_READ)
    for row in repo.events_in_order(uow.session, scope):
        yield EventRead.model_validate(row)


def verify(uow: UnitOfWork, actor: Actor) -> VerifyResult:
    """Recompute every link of the chain; name the first event that was altered, removed or moved."""
    authorize(actor, Permission.TRAIL_READ)
    counted = 0

    def rows():
        nonlocal counted
        for event in repo.whole_chain(uow.session):
            counted += 1
            yield event.seq, event.prev_hash, event.hash, event.chained_body()

    head = repo.head(uow.session)
    found = hashchain.verify_chain(rows(), head)
    head_seq = head[0] if head else 0
    if found is None:
        return VerifyResult(intact=True, events_checked=counted, head_seq=head_seq)
    return VerifyResult(
        intact=False, events_checked=counted, head_seq=head_seq, first_bad_seq=found.seq, reason=found.reason
    )


def activity(uow: UnitOfWork, actor: Actor, *, days: int = 7) -> dict[str, int]:
    """How many of the organisation's events the trail holds and how many were recorded in the last `days` days."""
    from datetime import timedelta

    from qtqms.kernel import clock

    scope = authorize(actor, Permission.TRAIL_READ)
    since = clock.now() - timedelta(days=days)
    return {"total": repo.count(uow.session, scope), "recent": repo.count(uow.session, scope, since)}
