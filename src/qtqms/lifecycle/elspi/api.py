"""/api/v1/lifecycle/elspi and /red-lines: ELSPI impact assessments and red-line hits."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.lifecycle.elspi import service
from qtqms.lifecycle.elspi.schemas import (
    AnswersIn,
    AssessmentPage,
    AssessmentQuery,
    AssessmentRead,
    ClearIn,
    Comparison,
    DueRead,
    HitPage,
    HitQuery,
    RedLineHitIn,
    RedLineHitRead,
    SignIn,
)

router = APIRouter(prefix="/api/v1/lifecycle", tags=["lifecycle"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/elspi", response_model=AssessmentPage, summary="ELSPI assessments, a page at a time")
def list_assessments(uow: Uow, actor: CurrentActor, query: Annotated[AssessmentQuery, Query()]) -> AssessmentPage:
    return service.list_assessments(uow, actor, query)


@router.get("/elspi/due", response_model=list[DueRead], summary="Products whose ELSPI assessment is due, and why")
def due(uow: Uow, actor: CurrentActor, products: Annotated[str, Query(description="Product keys, comma-separated")]):
    return service.due(uow, actor, [k.strip() for k in products.split(",") if k.strip()])


@router.get("/elspi/compare", response_model=Comparison, summary="Assessments side by side, answer by answer")
def compare(uow: Uow, actor: CurrentActor, refs: Annotated[str, Query(description="Refs, comma-separated")]):
    return service.compare(uow, actor, [r.strip() for r in refs.split(",") if r.strip()])


@router.post("/products/{key}/elspi", response_model=AssessmentRead, status_code=CREATED, summary="Start one")
def start(key: str, uow: Uow, actor: CurrentActor) -> AssessmentRead:
    return service.start_assessment(uow, actor, key)


@router.get("/elspi/{ref}", response_model=AssessmentRead, summary="An assessment: answers, score, level, sign-offs")
def get_assessment(ref: str, uow: Uow, actor: CurrentActor) -> AssessmentRead:
    return service.get_assessment(uow, actor, ref)


@router.post("/elspi/{ref}/answers", response_model=AssessmentRead, summary="Save answers (a draft resumes)")
def answer(ref: str, data: AnswersIn, uow: Uow, actor: CurrentActor) -> AssessmentRead:
    return service.answer(uow, actor, ref, data.answers)


@router.post("/elspi/{ref}/complete", response_model=AssessmentRead, summary="Score a fully answered draft")
def complete(ref: str, uow: Uow, actor: CurrentActor) -> AssessmentRead:
    return service.complete(uow, actor, ref)


@router.post("/elspi/{ref}/signatures", response_model=AssessmentRead, summary="Sign off for your role")
def sign(ref: str, data: SignIn, uow: Uow, actor: CurrentActor) -> AssessmentRead:
    return service.sign_off(uow, actor, ref, data.password)


@router.post(
    "/elspi/{ref}/rescore", response_model=AssessmentRead, status_code=CREATED, summary="Under the bank in force"
)
def rescore(ref: str, uow: Uow, actor: CurrentActor) -> AssessmentRead:
    return service.rescore(uow, actor, ref)


@router.get("/red-lines", response_model=HitPage, summary="Red-line hits, a page at a time")
def list_hits(uow: Uow, actor: CurrentActor, query: Annotated[HitQuery, Query()]) -> HitPage:
    return service.list_hits(uow, actor, query)


@router.post("/products/{key}/red-lines", response_model=RedLineHitRead, status_code=CREATED, summary="Raise a hit")
def raise_hit(key: str, data: RedLineHitIn, uow: Uow, actor: CurrentActor) -> RedLineHitRead:
    return service.raise_red_line(uow, actor, key, data)


@router.get("/red-lines/{hit_id}", response_model=RedLineHitRead, summary="A red-line hit and its clearances")
def get_hit(hit_id: RecordId, uow: Uow, actor: CurrentActor) -> RedLineHitRead:
    return service.get_hit(uow, actor, hit_id)


@router.post("/red-lines/{hit_id}/clearances", response_model=RedLineHitRead, summary="A signed, justified clearance")
def clear(hit_id: RecordId, data: ClearIn, uow: Uow, actor: CurrentActor) -> RedLineHitRead:
    return service.clear_red_line(uow, actor, hit_id, data.password, data.justification)
