"""The dashboard: the organisation's figures at a glance."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qtqms.catalog import service as catalog_service
from qtqms.identity import service as identity_service
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.templating import render
from qtqms.org import service as org_service
from qtqms.trail import service as trail_service

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    organisation = org_service.get_organisation(uow, actor)
    context = {
        "organisation": organisation,
        "is_demo": organisation.is_demo,
        "scope_counts": org_service.scope_counts(uow, actor),
        "products": org_service.list_products(uow, actor),
        "users_by_role": identity_service.active_user_counts(uow, actor),
        "activity": trail_service.activity(uow, actor) if can(actor, Permission.TRAIL_READ) else None,
        "readiness": catalog_service.readiness(uow, actor),
    }
    return render(request, "app/dashboard.html", context)
