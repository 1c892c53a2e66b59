"""/api/v1/lifecycle/export-control: classification of a product's parameters against the control lists."""

from __future__ import annotations

from fastapi import APIRouter, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.lifecycle.export_control import service
from qtqms.lifecycle.export_control.schemas import ClassificationRead, ListRead

router = APIRouter(prefix="/api/v1/lifecycle/export-control", tags=["lifecycle"], responses=ERROR_RESPONSES)


@router.get("/lists", response_model=list[ListRead], summary="The control-list packs: source, dates, verify marks")
def lists(uow: Uow, actor: CurrentActor) -> list[ListRead]:
    return service.lists(uow, actor)


@router.get("/{key}", response_model=ClassificationRead, summary="Classify now (decision support, not legal advice)")
def classify(key: str, uow: Uow, actor: CurrentActor) -> ClassificationRead:
    return service.classify(uow, actor, key)


@router.post("/{key}", response_model=ClassificationRead, status_code=status.HTTP_201_CREATED, summary="Record it")
def record(key: str, uow: Uow, actor: CurrentActor) -> ClassificationRead:
    return service.record_classification(uow, actor, key)
