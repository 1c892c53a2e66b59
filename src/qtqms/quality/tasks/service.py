"""Everyone's task list: documents to review, approve, acknowledge or review periodically, CAPA actions,
checks and closures, and risk treatment actions, each with its due date, overdue first."""

from __future__ import annotations

from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize
from qtqms.quality.documents import service as documents
from qtqms.quality.nonconformity import service as nonconformities
from qtqms.quality.tasks import domain
from qtqms.quality.tasks.schemas import TaskList, TaskRead
from qtqms.risk import service as risk_service

LIMIT = 100


def my_tasks(uow: UnitOfWork, actor: Actor, limit: int = LIMIT) -> TaskList:
    """What waits for the actor in every area, overdue first, then by due date: the first `limit` of them, and
    how many there are."""
    authorize(actor, Permission.READ)
    today = clock.today()
    tasks = [
        TaskRead(area=area, kind=w.kind, ref=w.ref, title=w.title, href=w.href, due_on=w.due_on,
                 overdue=domain.overdue(w.due_on, today))
        for area, waiting in (("documents", documents.waiting_for(uow, actor)),
                              ("nonconformities", nonconformities.waiting_for(uow, actor)))
        for w in waiting
    ]  # fmt: skip
    tasks += [
        TaskRead(area="risk", kind="treatment action", ref=a.risk_ref, title=f"{a.title} ({a.risk_ref} {a.risk_title})",
                 href=f"/risk/{a.risk_ref}", due_on=a.due_date, overdue=a.overdue)
        for a in risk_service.treatment_plan(uow, actor)
        if a.owner == actor.username
    ]  # fmt: skip
    tasks.sort(key=lambda t: domain.order_key(t.due_on, t.ref, today))
    return TaskList(username=actor.username, tasks=tasks[:limit], total=len(tasks),
                    overdue=sum(t.overdue for t in tasks))  # fmt: skip
