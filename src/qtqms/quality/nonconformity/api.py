"""/api/v1/quality/nonconformities: nonconformities and their CAPA, with the signed effectiveness check and
closure."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.quality.nonconformity import service
from qtqms.quality.nonconformity.schemas import (
    ActionDone,
    ActionIn,
    CheckIn,
    ClosureIn,
    InvestigationIn,
    NcStepIn,
    NonconformityCreate,
    NonconformityPage,
    NonconformityQuery,
    NonconformityRead,
)

router = APIRouter(prefix="/api/v1/quality", tags=["nonconformities"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/nonconformities", response_model=NonconformityPage, summary="Nonconformities: filter and page")
def list_nonconformities(
    uow: Uow, actor: CurrentActor, query: Annotated[NonconformityQuery, Query()]
) -> NonconformityPage:
    return service.list_nonconformities(uow, actor, query)


@router.get(
    "/nonconformities/export",
    summary="Nonconformities as CSV, XLSX or JSON with the list's filters",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
)
def export_nonconformities(
    uow: Uow,
    actor: CurrentActor,
    query: Annotated[NonconformityQuery, Query()],
    fmt: Annotated[Literal["csv", "xlsx", "json"], Query(alias="format")] = "csv",
) -> Response:
    return download(*service.export_nonconformities(uow, actor, fmt, query))


@router.post("/nonconformities", response_model=NonconformityRead, status_code=CREATED, summary="Raise one")
def raise_nonconformity(data: NonconformityCreate, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.raise_nonconformity(uow, actor, data)


@router.get("/nonconformities/{ref}", response_model=NonconformityRead, summary="One, its signatures checked")
def get_nonconformity(ref: str, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.get_nonconformity(uow, actor, ref)


@router.patch("/nonconformities/{ref}", response_model=NonconformityRead, summary="Containment and root cause")
def update_investigation(ref: str, data: InvestigationIn, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.update_investigation(uow, actor, ref, data)


@router.post("/nonconformities/{ref}/actions", response_model=NonconformityRead, status_code=CREATED,
             summary="Plan an action")  # fmt: skip
def add_action(ref: str, data: ActionIn, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.add_action(uow, actor, ref, data)


@router.post("/actions/{action_id}/done", response_model=NonconformityRead, summary="An action is done")
def complete_action(action_id: RecordId, data: ActionDone, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.complete_action(uow, actor, action_id, data)


@router.post("/nonconformities/{ref}/steps", response_model=NonconformityRead, summary="Contain, act, verify, reopen")
def take_step(ref: str, data: NcStepIn, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.take_step(uow, actor, ref, data)


@router.post("/nonconformities/{ref}/effectiveness-checks", response_model=NonconformityRead, status_code=CREATED,
             summary="Check the actions worked (signed); a failed check sends it back")  # fmt: skip
def check(ref: str, data: CheckIn, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.check_effectiveness(uow, actor, ref, data)


@router.post("/nonconformities/{ref}/closure", response_model=NonconformityRead, summary="Close (signed)")
def close(ref: str, data: ClosureIn, uow: Uow, actor: CurrentActor) -> NonconformityRead:
    return service.close(uow, actor, ref, data)
