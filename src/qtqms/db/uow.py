"""Unit of work: one Session, one transaction, and the audit trail written inside it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, event, insert, inspect, select, update
from sqlalchemy.orm import Session

from qtqms.db.audit import AuditEvent, TrailHead, chained_body
from qtqms.db.base import AuditedMixin
from qtqms.db.engine import IMMEDIATE
from qtqms.kernel import clock, hashchain
from qtqms.kernel.actor import Actor

Row = TypeVar("Row")
Key = TypeVar("Key")

REDACTED = "[redacted]"
HEAD_ID = 1


class UnitOfWork:
    """Leaving the block without `commit()` rolls everything back, trail events included."""

    def __init__(
        self, engine: Engine, *, write: bool = False, actor: Actor | None = None, request_id: str = ""
    ) -> None:
        bind = engine.execution_options(**{IMMEDIATE: True}) if write else engine
        self.session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        self.actor = actor
        self.request_id = request_id
        self.reason = ""
        self._pending: list[dict[str, Any]] = []
        event.listen(self.session, "after_flush", self._after_flush)

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()
        self.session.close()

    def commit(self) -> None:
        self.flush()
        self.session.commit()

    def rollback(self) -> None:
        self._pending.clear()
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()
        if self._pending:
            self._append(self._pending)
            self._pending = []

    def replace_rows(
        self, existing: Iterable[Row], key: Callable[[Row], Key], wanted: Iterable[Key], new: Callable[[Key], Row]
    ) -> None:
        """Make a set of rows (the links of one record, say) exactly those whose key is wanted: the others are
        deleted and the missing ones added, in key order, so what did not change is not touched."""
        missing = set(wanted)
        for row in existing:
            if key(row) in missing:
                missing.discard(key(row))
            else:
                self.session.delete(row)
        for wanted_key in sorted(missing):
            self.session.add(new(wanted_key))

    def record(
        self,
        action: str,
        entity_type: str,
        entity_id: object,
        *,
        label: str = "",
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        organisation_id: int | None = None,
    ) -> None:
        """Record an event that is not a row change (a login, a signature, an export)."""
        self._pending.append(self._event(action, entity_type, str(entity_id), label, before, after, organisation_id))
        self.flush()

    def _event(
        self,
        action: str,
        entity_type: str,
        entity_id: str,
        label: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        organisation_id: int | None,
    ) -> dict[str, Any]:
        actor = self.actor
        return {
            "occurred_at": clock.now(),
            "organisation_id": organisation_id
            if organisation_id is not None
            else (actor.organisation_id if actor else None),
            "actor_id": actor.user_id if actor and actor.user_id else None,
            "actor_name": actor.username if actor else "anonymous",
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "entity_label": label[:200],
            "before": _plain(before),
            "after": _plain(after),
            "reason": self.reason,
            "request_id": self.request_id,
        }

    def _after_flush(self, session: Session, _context: object) -> None:
        for obj in session.new:
            if isinstance(obj, AuditedMixin):
                self._pending.append(self._row_event("create", obj, None, _visible(obj, obj.audit_values())))
        for obj in session.dirty:
            if isinstance(obj, AuditedMixin):
                changed = _changes(obj)
                if changed:
                    self._pending.append(self._row_event("update", obj, *changed))
        for obj in session.deleted:
            if isinstance(obj, AuditedMixin):
                self._pending.append(self._row_event("delete", obj, _visible(obj, obj.audit_values()), None))
        # Appending here, inside the flush, would need a second flush; the caller's flush()/commit() does it.

    def _row_event(self, action: str, obj: AuditedMixin, before: Any, after: Any) -> dict[str, Any]:
        return self._event(
            action,
            obj.__tablename__,  # type: ignore[attr-defined]
            str(obj.id),  # type: ignore[attr-defined]
            obj.audit_label(),
            before,
            after,
            getattr(obj, "organisation_id", None),
        )

    def _append(self, events: list[dict[str, Any]]) -> None:
        connection = self.session.connection()
        head = connection.execute(
            select(TrailHead.last_seq, TrailHead.last_hash).where(TrailHead.id == HEAD_ID).with_for_update()
        ).one_or_none()
        if head is None:
            connection.execute(insert(TrailHead).values(id=HEAD_ID, last_seq=0, last_hash=hashchain.GENESIS))
            seq, prev = 0, hashchain.GENESIS
        else:
            seq, prev = head
        rows = []
        for body_fields in events:
            seq += 1
            body = chained_body(seq=seq, **body_fields)
            digest = hashchain.chain_hash(prev, body)
            rows.append({**body, "prev_hash": prev, "hash": digest})
            prev = digest
        connection.execute(insert(AuditEvent), rows)
        connection.execute(update(TrailHead).where(TrailHead.id == HEAD_ID).values(last_seq=seq, last_hash=prev))


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return hashchain.plain(values)


def _visible(obj: AuditedMixin, values: dict[str, Any]) -> dict[str, Any]:
    return {key: (REDACTED if key in obj.audit_redacted else value) for key, value in values.items()}


def _changes(obj: AuditedMixin) -> tuple[dict[str, Any], dict[str, Any]] | None:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for column in obj.__table__.columns:  # type: ignore[attr-defined]
        key = column.key
        history = state.attrs[key].history
        if not history.has_changes() or key in obj.audit_ignored:
            continue
        before[key] = history.deleted[0] if history.deleted else None
        after[key] = history.added[0] if history.added else None
    if not after:
        return None
    return _visible(obj, before), _visible(obj, after)


@contextmanager
def open_uow(engine: Engine, *, write: bool = False, actor: Actor | None = None) -> Iterator[UnitOfWork]:
    with UnitOfWork(engine, write=write, actor=actor) as uow:
        yield uow
