"""/api/v1/trail: read and verify the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordQuery, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.trail import service
from qtqms.trail.schemas import EventPage, VerifyResult

router = APIRouter(prefix="/api/v1/trail", tags=["audit trail"], responses=ERROR_RESPONSES)


@router.get("/events", response_model=EventPage, summary="Audit events, newest first (keyset pagination)")
def list_events(
    uow: Uow,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    before_seq: RecordQuery = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_name: str | None = None,
) -> EventPage:
    return service.list_events(
        uow,
        actor,
        limit=limit,
        before_seq=before_seq,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_name=actor_name,
    )


@router.get("/verify", response_model=VerifyResult, summary="Recompute the hash chain")
def verify(uow: Uow, actor: CurrentActor) -> VerifyResult:
    return service.verify(uow, actor)
