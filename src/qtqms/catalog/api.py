"""/api/v1/catalog: frameworks, controls and their evidence, the Statement of Applicability and readiness."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import Response

from qtqms.catalog import service
from qtqms.catalog.schemas import (
    ControlCreate,
    ControlRead,
    ControlUpdate,
    EditionDiffRead,
    Explanation,
    FrameworkAssessments,
    FrameworkDetail,
    FrameworkRead,
    FrameworkReadiness,
    RequirementRef,
    SoaEntryUpdate,
    SoaRow,
)
from qtqms.evidence import deps as evidence_deps
from qtqms.evidence.schemas import EvidenceLinkCreate, EvidenceRead
from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/frameworks", response_model=list[FrameworkRead], summary="Loaded frameworks")
def list_frameworks(
    uow: Uow, actor: CurrentActor, all_editions: Annotated[bool, Query(description="older editions too")] = False
) -> list[FrameworkRead]:
    return service.list_frameworks(uow, actor, all_editions=all_editions)


@router.get("/frameworks/{pack_id}", response_model=FrameworkDetail, summary="A framework and its requirements")
def show_framework(pack_id: str, uow: Uow, actor: CurrentActor, version: str | None = None) -> FrameworkDetail:
    return service.show_framework(uow, actor, pack_id, version)


@router.get("/frameworks/{pack_id}/diff", response_model=EditionDiffRead, summary="Changes between two editions")
def diff_editions(pack_id: str, old: str, new: str, uow: Uow, actor: CurrentActor) -> EditionDiffRead:
    return service.diff_editions(uow, actor, pack_id, old, new)


@router.get("/controls", response_model=list[ControlRead], summary="The organisation's controls")
def list_controls(uow: Uow, actor: CurrentActor) -> list[ControlRead]:
    return service.list_controls(uow, actor)


@router.post("/controls", response_model=ControlRead, status_code=CREATED, summary="Add a control")
def create_control(data: ControlCreate, uow: Uow, actor: CurrentActor) -> ControlRead:
    return service.create_control(uow, actor, data)


@router.get("/controls/{key}", response_model=ControlRead, summary="A control, its requirements and evidence")
def get_control(key: str, uow: Uow, actor: CurrentActor) -> ControlRead:
    return service.get_control(uow, actor, key)


@router.patch("/controls/{key}", response_model=ControlRead, summary="Update a control")
def update_control(key: str, data: ControlUpdate, uow: Uow, actor: CurrentActor) -> ControlRead:
    return service.update_control(uow, actor, key, data)


@router.post("/controls/{key}/requirements", response_model=ControlRead, status_code=CREATED, summary="Link")
def link_requirement(key: str, data: RequirementRef, uow: Uow, actor: CurrentActor) -> ControlRead:
    return service.link_requirement(uow, actor, key, data)


@router.post(
    "/controls/{key}/evidence",
    response_model=EvidenceRead,
    status_code=CREATED,
    summary="Add a URL or upload a file",
    openapi_extra=evidence_deps.json_upload_doc(EvidenceLinkCreate),
)
async def add_evidence(
    key: str,
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    file: Annotated[UploadFile | None, File(description="the evidence file")] = None,
    title: Annotated[str, Form(max_length=200)] = "",
    valid_from: Annotated[date | None, Form()] = None,
    valid_until: Annotated[date | None, Form()] = None,
) -> EvidenceRead:
    """The control's evidence through the evidence slice: the same as POST /api/v1/evidence for this control."""
    subject = (service.CONTROL_SUBJECT, key)
    if file is not None:
        return await evidence_deps.add_upload(uow, actor, subject, file, title, valid_from, valid_until)
    if evidence_deps.is_multipart(request):
        raise evidence_deps.no_file_part()
    link = evidence_deps.json_body(await request.body(), EvidenceLinkCreate)
    return await evidence_deps.add_link(uow, actor, subject, link)


@router.get(
    "/evidence/{evidence_id}/file",
    response_class=Response,
    summary="Download an evidence file (the older address of /api/v1/evidence/{evidence_id}/download)",
    responses=evidence_deps.DOWNLOAD_RESPONSES,
)
def download_evidence(request: Request, evidence_id: RecordId, uow: Uow, actor: CurrentActor) -> Response:
    return evidence_deps.download(request, uow, actor, evidence_id)


@router.get("/soa/{framework}", response_model=list[SoaRow], summary="Statement of Applicability")
def get_soa(framework: str, uow: Uow, actor: CurrentActor) -> list[SoaRow]:
    return service.soa(uow, actor, framework)


@router.put("/soa/{framework}/{requirement}", response_model=SoaRow, summary="Decide one Annex A control")
def set_soa(framework: str, requirement: str, data: SoaEntryUpdate, uow: Uow, actor: CurrentActor) -> SoaRow:
    return service.set_soa_entry(uow, actor, framework, requirement, data)


@router.get("/readiness", response_model=list[FrameworkReadiness], summary="Readiness of every framework")
def readiness(uow: Uow, actor: CurrentActor) -> list[FrameworkReadiness]:
    return service.readiness(uow, actor)


@router.get("/readiness/{framework}", response_model=FrameworkAssessments, summary="Every requirement's status")
def assessments(framework: str, uow: Uow, actor: CurrentActor) -> FrameworkAssessments:
    return service.assessments(uow, actor, framework)


@router.get("/readiness/{framework}/explain", response_model=Explanation, summary="Why a requirement has its result")
def explain(framework: str, requirement: str, uow: Uow, actor: CurrentActor) -> Explanation:
    return service.explain(uow, actor, framework, requirement)
