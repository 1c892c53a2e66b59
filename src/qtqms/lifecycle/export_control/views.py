"""Export-control pages: the classification of one product (decision support, not legal advice) with what
changed, the control lists, and the panel on a product's page."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qtqms.db.uow import UnitOfWork
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.forms import see_other
from qtqms.kit.web.related import Panel, RelatedLink
from qtqms.kit.web.templating import render
from qtqms.lifecycle.export_control import service

router = APIRouter()


@router.get("/lifecycle/export-control", response_class=HTMLResponse)
def lists_page(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return render(request, "lifecycle/export_lists.html", {"lists": service.lists(uow, actor)})


@router.get("/lifecycle/export-control/{key}", response_class=HTMLResponse)
def classification_page(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    context = {"c": service.classify(uow, actor, key), "editable": can(actor, Permission.LIFECYCLE_EDIT)}
    return render(request, "lifecycle/export.html", context)


@router.post("/lifecycle/export-control/{key}", response_class=HTMLResponse)
def record(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    service.record_classification(uow, actor, key)
    return see_other(f"/lifecycle/export-control/{key}", "classification recorded")


def export_panel(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> Panel:
    """The product page's export card: the candidates controlled now."""
    links = {}
    for key in keys:
        found = service.classify(uow, actor, key)
        controlled = [f"{c.item} ({c.jurisdiction})" for c in found.candidates if c.status == "controlled"]
        title = ("controlled: " + ", ".join(controlled)) if controlled else "no controlled item found"
        links[key] = [
            RelatedLink(
                "classification",
                f"/lifecycle/export-control/{key}",
                title + ("" if found.current else "; not recorded on these parameters"),
            )
        ]
    return Panel("Export control", links)
