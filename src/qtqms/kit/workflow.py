"""Applying a declared workflow (kernel.workflow) to a record: one `transition()` checks it, moves the record,
and writes the history row; the record's own audit event carries the change into the trail."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import select

from qtqms.db.scoping import scoped
from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import OrgScope
from qtqms.kernel.workflow import Workflow
from qtqms.models.workflow import StatusChange


class WorkflowRecord(Protocol):
    __tablename__: str
    id: int
    organisation_id: int
    status: str


def transition(
    uow: UnitOfWork,
    actor: Actor,
    record: WorkflowRecord,
    workflow: Workflow,
    name: str,
    *,
    reason: str = "",
    signature_id: int | None = None,
) -> StatusChange:
    """Take transition `name` on the record, or refuse in words (permission, state, guard, reason, signature)."""
    if record.organisation_id != actor.organisation_id:
        raise NotFound(f"{workflow.name} {record.id} not found")
    step = workflow.check(actor, record.status, name, record, reason=reason)
    if step.signature and signature_id is None:
        raise InvalidInput(
            f"{workflow.name}: '{name}' needs your signature ({step.signature}): re-enter your password",
            [Problem("required", field="password")],
        )
    change = StatusChange(
        organisation_id=record.organisation_id,
        subject_type=record.__tablename__,
        subject_id=record.id,
        workflow=workflow.name,
        transition=name,
        from_state=record.status,
        to_state=step.target,
        actor_id=actor.user_id,
        changed_at=clock.now(),
        reason=reason,
        signature_id=signature_id,
    )
    if reason:
        uow.reason = reason
    record.status = step.target
    uow.session.add(change)
    uow.flush()
    return change


def history(uow: UnitOfWork, scope: OrgScope, record: Any) -> list[StatusChange]:
    """The record's transitions, oldest first."""
    stmt = select(StatusChange).where(
        StatusChange.subject_type == record.__tablename__, StatusChange.subject_id == record.id
    )
    return list(uow.session.scalars(scoped(stmt, StatusChange, scope).order_by(StatusChange.id)))
