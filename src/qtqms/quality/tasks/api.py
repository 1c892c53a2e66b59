"""/api/v1/quality/tasks: what waits for the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.quality.tasks import service
from qtqms.quality.tasks.schemas import TaskList

router = APIRouter(prefix="/api/v1/quality", tags=["tasks"], responses=ERROR_RESPONSES)


@router.get("/tasks", response_model=TaskList, summary="What waits for you, overdue first")
def my_tasks(uow: Uow, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = service.LIMIT) -> TaskList:
    return service.my_tasks(uow, actor, limit)
