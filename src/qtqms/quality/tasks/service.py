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
    how many there are. Each area gives its own most pressing `limit`, so the first `limit` of all are among
    them, in a fixed number of queries however many tasks wait."""
    authorize(actor, Permission.READ)
    today = clock.today()
    areas = {"documents": documents.waiting_for(uow, actor, limit),
             "nonconformities": nonconformities.waiting_for(uow, actor, limit)}  # fmt: skip
    tasks = [
        TaskRead(area=area, kind=w.kind, ref=w.ref, title=w.title, href=w.href, due_on=w.due_on,
                 overdue=domain.overdue(w.due_on, today))
        for area, waiting in areas.items()
        for w in waiting.items
    ]  # fmt: skip
    treatment = [a for a in risk_service.treatment_plan(uow, actor) if a.owner == actor.username]
    tasks += [
        TaskRead(area="risk", kind="treatment action", ref=a.risk_ref, title=f"{a.title} ({a.risk_ref} {a.risk_title})",
                 href=f"/risk/{a.risk_ref}", due_on=a.due_date, overdue=a.overdue)
        for a in treatment
    ]  # fmt: skip
    tasks.sort(key=lambda t: domain.order_key(t.due_on, t.ref, today))
    total = sum(w.total for w in areas.values()) + len(treatment)
    overdue = sum(w.overdue for w in areas.values()) + sum(a.overdue for a in treatment)
    return TaskList(username=actor.username, tasks=tasks[:limit], total=total, overdue=overdue)
