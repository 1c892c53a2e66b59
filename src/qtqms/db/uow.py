"""Unit of work: one Session, one transaction, and the audit trail written inside it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Engine, event, insert, inspect, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from qtqms.db.audit import AuditEvent, TrailHead, chained_body
from qtqms.db.base import AuditedMixin, Base
from qtqms.db.engine import WRITES, take_write_lock
from qtqms.kernel import clock, hashchain
from qtqms.kernel.actor import Actor

Row = TypeVar("Row")
Key = TypeVar("Key")

REDACTED = "[redacted]"
HEAD_ID = 1
log = logging.getLogger("qtqms.db")


class UnitOfWork:
    """Leaving the block without `commit()` rolls everything back, trail events included, except what was
    explicitly kept (`keep_after_rollback`, `record(..., keep=True)`)."""

    def __init__(
        self, engine: Engine, *, write: bool = False, actor: Actor | None = None, request_id: str = ""
    ) -> None:
        self._engine = engine
        self.session = Session(bind=self._writing() if write else engine, expire_on_commit=False, autoflush=True)
        self.actor = actor
        self.request_id = request_id
        self.reason = ""
        self._pending: list[dict[str, Any]] = []
        self._bookkeeping: list[Callable[[Session], object]] = []
        self._kept_rows: list[tuple[type[Base], dict[str, Any]]] = []
        self._kept_events: list[dict[str, Any]] = []
        event.listen(self.session, "after_flush", self._after_flush)

    def _writing(self) -> Engine:
        """The engine for transactions that may write (see db.engine: SQLite's write lock at the first write)."""
        return self._engine.execution_options(**{WRITES: True})

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Roll back what was not committed, give the connection back, then do the bookkeeping."""
        self.rollback()
        self.session.close()
        writes, self._bookkeeping = self._bookkeeping, []
        for write in writes:
            self._bookkeep_now(write)

    def bookkeep(self, write: Callable[[Session], object]) -> None:
        """Do a small write that is no part of the use case (an API token's last-used time) once this unit of work
        has ended, in a short transaction of its own: reading stays reading, and a writer does not hold the write
        lock from authentication on."""
        self._bookkeeping.append(write)

    def _bookkeep_now(self, write: Callable[[Session], object]) -> None:
        try:
            with Session(bind=self._writing()) as session:
                write(session)
                session.commit()
        except OperationalError as error:
            # Bookkeeping is coarse and repeated by a later request; failing the request for it would be worse.
            log.warning("bookkeeping write skipped: %s", error.orig)

    def commit(self) -> None:
        self.flush()
        self.session.commit()
        self._kept_rows.clear()
        self._kept_events.clear()

    def rollback(self) -> None:
        """Undo everything since the last commit, then write what was kept in a transaction of its own."""
        kept_rows, kept_events = self._kept_rows, self._kept_events
        self._kept_rows, self._kept_events = [], []
        self._pending.clear()
        self.session.rollback()
        if kept_rows or kept_events:
            self._write_kept(kept_rows, kept_events)

    def keep_after_rollback(self, row: Base) -> None:
        """Add `row`, and write it even if this unit of work rolls back: a refused password must stay counted
        though the use case it refused fails. The copy is written after the rollback, with its trail event,
        in a transaction of its own; the services still commit nothing."""
        self.session.add(row)
        state = inspect(row)
        primary = {column.key for column in state.mapper.primary_key}
        given = state.dict  # the values set so far; the copy gets its defaults when it is written
        values = {a.key: given[a.key] for a in state.mapper.column_attrs if a.key in given and a.key not in primary}
        self._kept_rows.append((type(row), values))

    def _write_kept(self, rows: list[tuple[type[Base], dict[str, Any]]], events: list[dict[str, Any]]) -> None:
        with UnitOfWork(self._engine, write=True, actor=self.actor, request_id=self.request_id) as kept:
            for model, values in rows:
                kept.session.add(model(**values))
            kept.flush()
            kept._pending.extend(events)
            kept.commit()

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
        keep: bool = False,
    ) -> None:
        """Record an event that is not a row change (a login, a signature, an export); a kept event is written
        even if this unit of work rolls back, as `keep_after_rollback` writes rows."""
        body = self._event(action, entity_type, str(entity_id), label, before, after, organisation_id)
        self._pending.append(body)
        if keep:
            self._kept_events.append(body)
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
            obj.audit_organisation_id(),
        )

    def _append(self, events: list[dict[str, Any]]) -> None:
        connection = self.session.connection()
        take_write_lock(connection)
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
