"""Standards pages: framework browser, readiness dashboard with explanations, controls, SoA editor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from qtqms.catalog import charts, service
from qtqms.catalog.domain import browse
from qtqms.catalog.domain.browse import Unfold
from qtqms.catalog.schemas import (
    ControlCreate,
    ControlStatus,
    ControlUpdate,
    RequirementRef,
    SoaEntryUpdate,
)
from qtqms.evidence import deps as evidence_deps
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web import related
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.forms import FormState, attempt, refusal, run_form, see_other
from qtqms.kit.web.templating import render

router = APIRouter()
STATUSES = [s.value for s in ControlStatus]


@router.get("/catalog", response_class=HTMLResponse)
def overview(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    readiness = service.readiness(uow, actor)
    frameworks = service.list_frameworks(uow, actor, all_editions=True)
    context = {
        "frameworks": frameworks,
        "previous": _previous_editions(frameworks),
        "readiness": readiness,
        "chart": charts.bars(readiness, "Readiness per framework"),
        "soa_frameworks": service.SOA_FRAMEWORKS,
    }
    return render(request, "catalog/overview.html", context)


@router.get("/catalog/frameworks/{pack_id}/diff", response_class=HTMLResponse)
def edition_diff(request: Request, uow: Uow, actor: CurrentActor, pack_id: str, old: str, new: str) -> Response:
    return render(request, "catalog/diff.html", {"diff": service.diff_editions(uow, actor, pack_id, old, new)})


@router.get("/catalog/frameworks/{pack_id}", response_class=HTMLResponse)
def framework(
    request: Request, uow: Uow, actor: CurrentActor, pack_id: str, q: str = "", unfold: Unfold = Unfold.DEFAULT
) -> Response:
    detail = service.show_framework(uow, actor, pack_id)
    context = {
        "framework": detail,
        "tree": browse.tree(detail.requirements, q, unfold),
        "q": q,
        "links": service.mapping_links(uow, actor, pack_id),
    }
    return render(request, "catalog/framework.html", context)


def _previous_editions(frameworks: list) -> dict[str, str]:
    """For each current edition that replaced another: the version it replaced (listed oldest first)."""
    previous: dict[str, str] = {}
    last: dict[str, str] = {}
    for framework in frameworks:
        if framework.id in last and framework.is_current:
            previous[framework.id] = last[framework.id]
        last[framework.id] = framework.version
    return previous


@router.get("/catalog/readiness/{pack_id}", response_class=HTMLResponse)
def readiness(request: Request, uow: Uow, actor: CurrentActor, pack_id: str, requirement: str = "") -> Response:
    result = service.assessments(uow, actor, pack_id)
    context = {
        "result": result,
        "chart": charts.bars(result.clauses, f"Readiness of {pack_id} per clause"),
        "explanation": service.explain(uow, actor, pack_id, requirement) if requirement else None,
    }
    return render(request, "catalog/readiness.html", context)


def _controls_page(request: Request, uow: Uow, actor: CurrentActor, status_code: int = 200, **extra) -> Response:
    controls = service.list_controls(uow, actor)
    context = {
        "controls": controls,
        "panels": related.panels(uow, actor, "catalog.control", [c.key for c in controls]),
        "editable": can(actor, Permission.CONTROL_EDIT),
        "evidence_editable": can(actor, Permission.EVIDENCE_EDIT),
        "statuses": STATUSES,
        "new_control": FormState(),
        "evidence_form": {},
        **extra,
    }
    return render(request, "catalog/controls.html", context, status_code)


@router.get("/catalog/controls", response_class=HTMLResponse)
def controls(request: Request, uow: Uow, actor: CurrentActor) -> Response:
    return _controls_page(request, uow, actor)


def _refs(text: str) -> list[RequirementRef]:
    """'iso27001-2022 A.8.24' per line."""
    refs = []
    for line in text.splitlines():
        framework, _, requirement = line.strip().partition(" ")
        if framework:
            refs.append(RequirementRef(framework=framework, requirement=requirement.strip()))
    return refs


class ControlForm(BaseModel):
    """The control forms' fields as typed (the edit form has no key); schemas check them."""

    key: str = ""
    title: str = ""
    owner: str = ""
    status: str = "planned"
    implementation: str = ""
    review_date: str = ""
    requirements: str = ""  # "pack requirement" per line


@router.post("/catalog/controls", response_class=HTMLResponse)
def create_control(request: Request, uow: Uow, actor: CurrentActor, form: Annotated[ControlForm, Form()]) -> Response:
    def create() -> None:
        data = ControlCreate(key=form.key, title=form.title, owner=form.owner, status=form.status,
                             implementation=form.implementation, requirements=_refs(form.requirements))  # fmt: skip
        service.create_control(uow, actor, data)

    typed = form.model_dump()
    return run_form(
        uow,
        create,
        fields=typed,
        done=lambda _: see_other("/catalog/controls", f"control {form.key} added"),
        again=lambda errors: _controls_page(request, uow, actor, errors.status, new_control=FormState(typed, errors)),
    )


def _edit_page(request: Request, uow: Uow, actor: CurrentActor, key: str, state: FormState,
               status_code: int = 200) -> Response:  # fmt: skip
    context = {"control": service.control_to_edit(uow, actor, key), "state": state, "statuses": STATUSES}
    return render(request, "catalog/control_edit.html", context, status_code)


@router.get("/catalog/controls/{key}/edit", response_class=HTMLResponse)
def edit_control(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    control = service.control_to_edit(uow, actor, key)
    values = {
        "title": control.title,
        "owner": control.owner,
        "status": control.status,
        "implementation": control.implementation,
        "review_date": control.review_date.isoformat() if control.review_date else "",
        "requirements": "\n".join(f"{r.framework} {r.requirement}" for r in control.requirements),
    }
    return _edit_page(request, uow, actor, key, FormState(values))


@router.post("/catalog/controls/{key}/edit", response_class=HTMLResponse)
def save_control(
    request: Request, uow: Uow, actor: CurrentActor, key: str, form: Annotated[ControlForm, Form()]
) -> Response:
    """Everything the form shows is saved through the API's update; a refusal marks each field it concerns."""
    typed = form.model_dump()

    def save() -> None:
        data = ControlUpdate(title=form.title, owner=form.owner, status=form.status, implementation=form.implementation,
                             review_date=form.review_date or None, requirements=_refs(form.requirements))  # fmt: skip
        service.update_control(uow, actor, key, data)

    return run_form(
        uow,
        save,
        fields=typed,
        done=lambda _: see_other("/catalog/controls", f"control {key} saved"),
        again=lambda errors: _edit_page(request, uow, actor, key, FormState(typed, errors), errors.status),
    )


@router.post("/catalog/controls/{key}/evidence", response_class=HTMLResponse)
async def upload_evidence(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    """Multipart form: a file (kept by its SHA-256) or a URL, with validity dates."""
    form = await request.form()
    upload = form.get("file")
    fields = evidence_deps.form_fields(form)
    chosen = upload if isinstance(upload, UploadFile) else None
    return await run_in_threadpool(_attach, request, uow, actor, key, fields, chosen)


def _attach(request, uow, actor, key: str, fields: dict[str, str], upload: UploadFile | None) -> Response:
    subject = (service.CONTROL_SUBJECT, key)
    if error := attempt(uow, lambda: evidence_deps.attach_from_form(uow, actor, subject, fields, upload))[1]:
        code, message = refusal(error, "evidence ")
        return _controls_page(request, uow, actor, code, error=message, evidence_form={**fields, "key": key})
    return _controls_page(request, uow, actor, notice=f"evidence added to {key}")


def _soa_page(request: Request, uow: Uow, actor: CurrentActor, pack_id: str, status_code: int = 200, **extra):
    context = {
        "framework": pack_id,
        "rows": service.soa(uow, actor, pack_id),
        "editable": can(actor, Permission.CATALOG_EDIT),
        "statuses": STATUSES,
        "form": {},
        **extra,
    }
    return render(request, "catalog/soa.html", context, status_code)


@router.get("/catalog/soa/{pack_id}", response_class=HTMLResponse)
def soa(request: Request, uow: Uow, actor: CurrentActor, pack_id: str) -> Response:
    return _soa_page(request, uow, actor, pack_id)


@router.get("/catalog/soa/{pack_id}/export.{fmt}")
def export_soa(uow: Uow, actor: CurrentActor, pack_id: str, fmt: str) -> Response:
    content, media, name = service.export_soa(uow, actor, pack_id, fmt)
    return download(content, media, name)


@router.post("/catalog/soa/{pack_id}/{requirement}", response_class=HTMLResponse)
def set_soa(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    pack_id: str,
    requirement: str,
    justification: Annotated[str, Form()] = "",
    applicable: Annotated[str, Form()] = "",
    implementation_status: Annotated[str, Form()] = "planned",
) -> Response:
    form = {"requirement": requirement, "justification": justification, "applicable": applicable == "true",
            "implementation_status": implementation_status}  # fmt: skip

    def decide() -> None:
        data = SoaEntryUpdate(applicable=applicable == "true", justification=justification,
                              implementation_status=implementation_status)  # fmt: skip
        service.set_soa_entry(uow, actor, pack_id, requirement, data)

    if error := attempt(uow, decide)[1]:
        code, message = refusal(error, f"{requirement} ")
        return _soa_page(request, uow, actor, pack_id, code, error=message, form=form)
    return _soa_page(request, uow, actor, pack_id, notice=f"{requirement} saved")
