"""`qtqms tasks`: what waits for you across the slices, overdue first."""

from __future__ import annotations

from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit


def tasks(
    limit: Annotated[int, typer.Option(help="Show at most this many, the most pressing first.")] = 100,
    as_json: bool = JSON_OPTION,
) -> None:
    """What waits for you: documents to review, approve or acknowledge, CAPA steps, risk actions; overdue first."""
    from qtqms.quality.tasks import service

    with use_case() as (uow, actor):
        found = service.my_tasks(uow, actor, limit)
    rows = [[t.ref, t.kind, t.title, t.due_on or "", "OVERDUE" if t.overdue else ""] for t in found.tasks]
    summary = f"{found.total} tasks for {found.username}, {found.overdue} overdue"
    if found.total > len(found.tasks):
        summary += f" (the first {len(found.tasks)} shown)"
    emit(found, as_json, Table("My tasks", ["record", "what", "title", "due", ""], rows), summary)
