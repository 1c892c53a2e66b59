"""Evidence pages: every record's evidence in one list (attaching to any record), and the one download."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from qtqms.evidence import deps, service
from qtqms.evidence.domain import EvidenceAltered
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit import subjects
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.forms import attempt, refusal
from qtqms.kit.web.templating import render

router = APIRouter()


def _list_page(request: Request, uow: Uow, actor: CurrentActor, filters: dict[str, str], status_code: int = 200,
               **extra) -> Response:  # fmt: skip
    items = service.list_evidence(uow, actor, subject_type=filters["subject_type"] or None,
                                  subject_id=filters["subject_id"] or None)  # fmt: skip
    context = {
        "items": items,
        "subjects": service.subjects_of(uow, actor, items),
        "kinds": subjects.kinds(),
        "filters": filters,
        "editable": can(actor, Permission.EVIDENCE_EDIT),
        "form": {},
        **extra,
    }
    return render(request, "evidence/list.html", context, status_code)


@router.get("/evidence", response_class=HTMLResponse)
def evidence_list(request: Request, uow: Uow, actor: CurrentActor, subject_type: str = "", subject_id: str = ""):
    return _list_page(request, uow, actor, {"subject_type": subject_type, "subject_id": subject_id})


@router.post("/evidence", response_class=HTMLResponse)
async def attach(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    """Multipart form: the record (kind and reference), then a file or a URL, with validity dates."""
    form = await request.form()
    upload = form.get("file")
    fields = {**deps.form_fields(form), "subject_type": str(form.get("subject_type", "")),
              "subject_id": str(form.get("subject_id", "")).strip()}  # fmt: skip
    subject = (fields["subject_type"], fields["subject_id"])
    chosen = upload if isinstance(upload, UploadFile) else None
    return await run_in_threadpool(_attach, request, uow, actor, subject, fields, chosen)


def _attach(request, uow, actor, subject: tuple[str, str], fields: dict[str, str], upload) -> Response:
    added, error = attempt(uow, lambda: deps.attach_from_form(uow, actor, subject, fields, upload))
    no_filter = {"subject_type": "", "subject_id": ""}
    if error:
        code, message = refusal(error, "evidence ")
        problems = [str(p) for p in getattr(error, "problems", [])]
        return _list_page(request, uow, actor, no_filter, code, error=message, problems=problems, form=fields)
    return _list_page(request, uow, actor, no_filter, notice=f"evidence {added.id} attached to {' '.join(subject)}")


@router.get("/evidence/{evidence_id}/download")
def download(request: Request, uow: Uow, actor: CurrentActor, evidence_id: RecordId) -> Response:
    try:
        return deps.download(request, uow, actor, evidence_id)
    except EvidenceAltered as refused:
        item = service.get_evidence(uow, actor, evidence_id)
        return render(request, "evidence/altered.html", {"item": item, "refusal": refused}, refused.http_status)
