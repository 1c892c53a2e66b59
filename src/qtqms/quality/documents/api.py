"""/api/v1/quality/documents: controlled documents, their versions, signed reviews and approvals,
acknowledgements, links, diffs and exports."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from qtqms.identity.deps import CurrentActor
from qtqms.kernel.refs import RequirementRef
from qtqms.kit.web.deps import MAX_RECORD_ID, RecordQuery, Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.quality.documents import service
from qtqms.quality.documents.domain import Part
from qtqms.quality.documents.schemas import (
    DocumentCreate,
    DocumentPage,
    DocumentQuery,
    DocumentRead,
    DraftChange,
    LinksIn,
    PeriodicReviewIn,
    ServingDocument,
    SignIn,
    StepIn,
    VersionDiff,
)

router = APIRouter(prefix="/api/v1/quality", tags=["documents"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/documents", response_model=DocumentPage, summary="The document register: filter, sort, page")
def list_documents(uow: Uow, actor: CurrentActor, query: Annotated[DocumentQuery, Query()]) -> DocumentPage:
    return service.list_documents(uow, actor, query)


@router.get(
    "/documents/export",
    summary="The register as CSV, XLSX or JSON with the list's filters",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
)
def export_documents(
    uow: Uow,
    actor: CurrentActor,
    query: Annotated[DocumentQuery, Query()],
    fmt: Annotated[Literal["csv", "xlsx", "json"], Query(alias="format")] = "csv",
) -> Response:
    return download(*service.export_documents(uow, actor, fmt, query))


@router.get(
    "/documents/serving",
    response_model=dict[str, list[ServingDocument]],
    summary="Effective, in-date documents serving each requirement (pack:REQ), as readiness counts them",
)
def serving(
    uow: Uow, actor: CurrentActor, requirement: Annotated[list[str] | None, Query()] = None
) -> dict[str, list[ServingDocument]]:
    refs = [RequirementRef.parse(text) for text in requirement or []]
    return {str(ref): docs for ref, docs in service.documents_serving(uow, actor, refs).items()}


@router.post("/documents", response_model=DocumentRead, status_code=CREATED, summary="Write a new document")
def create_document(data: DocumentCreate, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.create_document(uow, actor, data)


@router.get("/documents/{ref}", response_model=DocumentRead, summary="A document: the effective version by default")
def get_document(ref: str, uow: Uow, actor: CurrentActor, version: RecordQuery = None) -> DocumentRead:
    return service.get_document(uow, actor, ref, version)


@router.post("/documents/{ref}/versions", response_model=DocumentRead, status_code=CREATED, summary="Start a version")
def new_version(ref: str, data: DraftChange, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.new_version(uow, actor, ref, data)


@router.patch("/documents/{ref}/draft", response_model=DocumentRead, summary="Edit the draft (drafts only)")
def edit_draft(ref: str, data: DraftChange, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.edit_draft(uow, actor, ref, data)


@router.post("/documents/{ref}/steps", response_model=DocumentRead, summary="Submit, withdraw, release, retire")
def take_step(ref: str, data: StepIn, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.take_step(uow, actor, ref, data)


@router.post("/documents/{ref}/reviews", response_model=DocumentRead, summary="Review the version (signed)")
def review(ref: str, data: SignIn, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.sign_version(uow, actor, ref, Part.REVIEWER, data.password, data.comment)


@router.post("/documents/{ref}/approvals", response_model=DocumentRead, summary="Approve the version (signed)")
def approve(ref: str, data: SignIn, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.sign_version(uow, actor, ref, Part.APPROVER, data.password, data.comment)


@router.post("/documents/{ref}/acknowledgements", response_model=DocumentRead, summary="Read and understood")
def acknowledge(ref: str, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.acknowledge(uow, actor, ref)


@router.post("/documents/{ref}/periodic-review", response_model=DocumentRead, summary="Confirm a periodic review")
def periodic_review(ref: str, data: PeriodicReviewIn, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.confirm_periodic_review(uow, actor, ref, data)


@router.put("/documents/{ref}/links", response_model=DocumentRead, summary="What it serves and whom it applies to")
def set_links(ref: str, data: LinksIn, uow: Uow, actor: CurrentActor) -> DocumentRead:
    return service.set_links(uow, actor, ref, data)


@router.get("/documents/{ref}/diff", response_model=VersionDiff, summary="What changed between two versions")
def diff(
    ref: str,
    uow: Uow,
    actor: CurrentActor,
    old: Annotated[int | None, Query(alias="from", ge=1, le=MAX_RECORD_ID)] = None,
    new: Annotated[int | None, Query(alias="to", ge=1, le=MAX_RECORD_ID)] = None,
) -> VersionDiff:
    return service.diff_versions(uow, actor, ref, old, new)
