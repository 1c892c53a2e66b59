"""My tasks: one page of what waits for the person looking, across the slices."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.templating import render
from qtqms.quality.tasks import service

router = APIRouter()


@router.get("/quality/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return render(request, "quality/tasks.html", {"tasks": service.my_tasks(uow, actor)})
