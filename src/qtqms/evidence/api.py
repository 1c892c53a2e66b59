"""/api/v1/evidence: the organisation's evidence for any record, adding a URL or a file, and the one download."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile, status
from fastapi.responses import Response

from qtqms.evidence import deps, service
from qtqms.evidence.schemas import EvidenceCreate, EvidenceRead, SubjectIn
from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/evidence", tags=["evidence"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[EvidenceRead], summary="The organisation's evidence, of one record if given")
def list_evidence(
    uow: Uow,
    actor: CurrentActor,
    subject_type: Annotated[str | None, Query(description="control, requirement, risk or product")] = None,
    subject_id: Annotated[str | None, Query(description="the record's reference, with subject_type")] = None,
) -> list[EvidenceRead]:
    return service.list_evidence(uow, actor, subject_type=subject_type, subject_id=subject_id)


@router.post(
    "",
    response_model=EvidenceRead,
    status_code=status.HTTP_201_CREATED,
    summary="Attach a URL or upload a file to any record",
    openapi_extra=deps.json_upload_doc(EvidenceCreate),
)
async def add_evidence(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    file: Annotated[UploadFile | None, File(description="the evidence file")] = None,
    subject_type: Annotated[str, Form(max_length=40)] = "",
    subject_id: Annotated[str, Form(max_length=200)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    valid_from: Annotated[date | None, Form()] = None,
    valid_until: Annotated[date | None, Form()] = None,
) -> EvidenceRead:
    if file is not None:
        subject = _form_subject(subject_type, subject_id)
        return await deps.add_upload(uow, actor, subject, file, title, valid_from, valid_until)
    if deps.is_multipart(request):
        raise deps.no_file_part()
    link = deps.json_body(await request.body(), EvidenceCreate)
    return await deps.add_link(uow, actor, (link.subject_type, link.subject_id), link)


def _form_subject(subject_type: str, subject_id: str) -> tuple[str, str]:
    subject = deps.body_of(SubjectIn, {"subject_type": subject_type, "subject_id": subject_id.strip()})
    return subject.subject_type, subject.subject_id


@router.get("/{evidence_id}", response_model=EvidenceRead, summary="One evidence record")
def get_evidence(evidence_id: RecordId, uow: Uow, actor: CurrentActor) -> EvidenceRead:
    return service.get_evidence(uow, actor, evidence_id)


@router.get(
    "/{evidence_id}/download", response_class=Response, summary="Download an evidence file",
    responses=deps.DOWNLOAD_RESPONSES,
)  # fmt: skip
def download_evidence(request: Request, evidence_id: RecordId, uow: Uow, actor: CurrentActor) -> Response:
    return deps.download(request, uow, actor, evidence_id)
