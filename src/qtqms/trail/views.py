"""The audit trail page and its verification fragment."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordQuery, Uow
from qtqms.kit.web.templating import render
from qtqms.trail import service

router = APIRouter()


@router.get("/trail", response_class=HTMLResponse)
def trail_page(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    entity_type: str = "",
    actor_name: str = "",
    before_seq: RecordQuery = None,
) -> Response:
    page = service.list_events(
        uow, actor, limit=50, before_seq=before_seq, entity_type=entity_type or None, actor_name=actor_name or None
    )
    filters = {"entity_type": entity_type, "actor_name": actor_name}
    return render(request, "trail/list.html", {"page": page, "filters": filters})


@router.get("/trail/verify", response_class=HTMLResponse)
def verify_fragment(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return render(request, "trail/_verify.html", {"result": service.verify(uow, actor)})
