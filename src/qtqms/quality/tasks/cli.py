"""`qtqms tasks`: what waits for you across the slices, overdue first."""

from __future__ import annotations

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit


def tasks(as_json: bool = JSON_OPTION) -> None:
    """What waits for you: documents to review, approve or acknowledge, CAPA steps, risk actions; overdue first."""
    from qtqms.quality.tasks import service

    with use_case() as (uow, actor):
        found = service.my_tasks(uow, actor)
    rows = [[t.ref, t.kind, t.title, t.due_on or "", "OVERDUE" if t.overdue else ""] for t in found.tasks]
    summary = f"{len(found.tasks)} tasks for {found.username}, {found.overdue} overdue"
    emit(found, as_json, Table("My tasks", ["record", "what", "title", "due", ""], rows), summary)
