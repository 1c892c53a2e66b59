"""Audit trail use cases: browse, export and verify the hash chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock, hashchain, signing
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.paging import following
from qtqms.settings import get_settings, secret_key
from qtqms.trail import domain, store
from qtqms.trail import repository as repo
from qtqms.trail.schemas import CheckpointRead, EventPage, EventRead, VerifyResult

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


def verify(
    uow: UnitOfWork, actor: Actor, checkpoint_file: Path | None = None, *, since_checkpoint: bool = False
) -> VerifyResult:
    """Recompute every link of the chain and name the first event that was altered, removed or moved. With a
    checkpoint, also prove the trail still holds the event it vouches for, with the same hash; with
    `since_checkpoint`, recompute only the events after it (the checkpoint vouches for those before)."""
    authorize(actor, Permission.TRAIL_READ)
    head = repo.head(uow.session)
    head_seq = head[0] if head else 0
    if checkpoint_file is None:
        return _walk(uow, head, (0, hashchain.GENESIS), head_seq)
    checkpoint = store.read(checkpoint_file)
    vouched = {"checkpoint_seq": checkpoint.seq, "checkpoint_cut_at": checkpoint.cut_at,
               "key_fingerprint": checkpoint.key_fingerprint}  # fmt: skip
    if problem := _checkpoint_problem(uow, checkpoint, head_seq):
        return VerifyResult(intact=False, events_checked=0, head_seq=head_seq, first_bad_seq=checkpoint.seq,
                            reason=problem, **vouched)  # fmt: skip
    start = (checkpoint.seq, checkpoint.hash) if since_checkpoint else (0, hashchain.GENESIS)
    return _walk(uow, head, start, head_seq).model_copy(update=vouched)


def _walk(uow: UnitOfWork, head: tuple[int, str] | None, start: tuple[int, str], head_seq: int) -> VerifyResult:
    counted = 0

    def rows():
        nonlocal counted
        for row in repo.chain_rows(uow.session, after_seq=start[0]):
            counted += 1
            yield row

    found = hashchain.verify_chain(rows(), head, start)
    if found is None:
        return VerifyResult(intact=True, events_checked=counted, head_seq=head_seq)
    return VerifyResult(
        intact=False, events_checked=counted, head_seq=head_seq, first_bad_seq=found.seq, reason=found.reason
    )


def _checkpoint_problem(uow: UnitOfWork, checkpoint: domain.Checkpoint, head_seq: int) -> str:
    """Why the checkpoint cannot vouch for this trail, or why this trail no longer matches it."""
    if problem := checkpoint.signature_problem():
        return f"the checkpoint is not genuine: {problem}"
    own = store.known_key(get_settings().effective_checkpoint_key_file)
    if own is not None and domain.fingerprint(own.ed25519_public, own.mldsa_public) != checkpoint.key_fingerprint:
        return (f"the checkpoint was signed with key {checkpoint.key_fingerprint}, not with this installation's key "
                f"{domain.fingerprint(own.ed25519_public, own.mldsa_public)}")  # fmt: skip
    return domain.compare(checkpoint, head_seq, repo.hash_of(uow.session, checkpoint.seq))


def cut_checkpoint(uow: UnitOfWork, actor: Actor, directory: Path | None = None) -> CheckpointRead:
    """Sign the trail's head with the installation's checkpoint key and write it to `directory` (by default the
    configured checkpoint directory): keep the file where whoever writes the database cannot reach it."""
    authorize(actor, Permission.TRAIL_READ)
    head = repo.head(uow.session)
    if head is None or head[0] == 0:
        raise Conflict("the trail has no events yet: there is nothing to vouch for")
    settings = get_settings()
    server_secret = secret_key(settings)
    key = store.load_or_create_key(settings.effective_checkpoint_key_file, server_secret)
    unsigned = domain.Checkpoint(seq=head[0], hash=head[1], cut_at=clock.now().isoformat(),
                                 ed25519_public=key.ed25519_public, mldsa_public=key.mldsa_public)  # fmt: skip
    ed25519_signature, mldsa_signature = signing.sign(unsigned.manifest(), key.sealed_private, server_secret)
    checkpoint = replace(unsigned, ed25519_signature=ed25519_signature, mldsa_signature=mldsa_signature)
    path = store.write(checkpoint, directory or settings.effective_checkpoint_dir)
    return CheckpointRead(seq=checkpoint.seq, hash=checkpoint.hash, cut_at=checkpoint.cut_at,
                          key_fingerprint=checkpoint.key_fingerprint, path=str(path))  # fmt: skip


def activity(uow: UnitOfWork, actor: Actor, *, days: int = 7) -> dict[str, int]:
    """How many of the organisation's events the trail holds and how many were recorded in the last `days` days."""
    from datetime import timedelta

    from qtqms.kernel import clock

    scope = authorize(actor, Permission.TRAIL_READ)
    since = clock.now() - timedelta(days=days)
    return {"total": repo.count(uow.session, scope), "recent": repo.count(uow.session, scope, since)}
