"""The quality pages: an overview, and every sub-slice's pages under one router."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.templating import render
from qtqms.quality.documents import service as documents
from qtqms.quality.documents.schemas import DocumentQuery
from qtqms.quality.documents.views import router as document_pages
from qtqms.quality.nonconformity import service as nonconformities
from qtqms.quality.nonconformity.schemas import NonconformityQuery
from qtqms.quality.nonconformity.views import router as nonconformity_pages
from qtqms.quality.tasks.views import router as task_pages

router = APIRouter()
router.include_router(document_pages)
router.include_router(nonconformity_pages)
router.include_router(task_pages)


@router.get("/quality", response_class=HTMLResponse)
def overview(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    figures = {
        "effective": documents.list_documents(uow, actor, DocumentQuery(status="effective", limit=1)).total,
        "in_review": documents.list_documents(uow, actor, DocumentQuery(status="in_review", limit=1)).total,
        "review_overdue": documents.list_documents(uow, actor, DocumentQuery(review="overdue", limit=1)).total,
        "nc_open": nonconformities.list_nonconformities(uow, actor, NonconformityQuery(open_only=True, limit=1)).total,
        "nc_overdue": nonconformities.list_nonconformities(uow, actor, NonconformityQuery(overdue=True, limit=1)).total,
    }
    return render(request, "quality/overview.html", {"figures": figures})
