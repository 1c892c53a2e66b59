"""/api/v1/lifecycle: gate checks and signed gate decisions, and the lifecycle board."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.lifecycle.gates import service
from qtqms.lifecycle.gates.schemas import BoardColumn, DecisionIn, DecisionRead, GateCheckRead, SignIn
from qtqms.lifecycle.products.schemas import ProductQuery

router = APIRouter(prefix="/api/v1/lifecycle", tags=["lifecycle"], responses=ERROR_RESPONSES)


@router.get("/board", response_model=list[BoardColumn], summary="One page of products by stage, blocked gates marked")
def board(uow: Uow, actor: CurrentActor, query: Annotated[ProductQuery, Query()]) -> list[BoardColumn]:
    return service.board(uow, actor, query)[0]


@router.get("/products/{key}/gate", response_model=GateCheckRead, summary="Check the product's next gate")
def check_gate(key: str, uow: Uow, actor: CurrentActor) -> GateCheckRead:
    return service.check_gate(uow, actor, key)


@router.get("/products/{key}/gate/decisions", response_model=list[DecisionRead], summary="The product's decisions")
def decisions(key: str, uow: Uow, actor: CurrentActor) -> list[DecisionRead]:
    return service.decisions_of(uow, actor, key)


@router.post(
    "/products/{key}/gate/decisions",
    response_model=DecisionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Propose a decision at the next gate: go, conditional, no-go or recycle",
)
def propose(key: str, data: DecisionIn, uow: Uow, actor: CurrentActor) -> DecisionRead:
    return service.propose_decision(uow, actor, key, data)


@router.get("/gate-decisions/{decision_id}", response_model=DecisionRead, summary="A decision, its signatures")
def get_decision(decision_id: RecordId, uow: Uow, actor: CurrentActor) -> DecisionRead:
    return service.get_decision(uow, actor, decision_id)


@router.post(
    "/gate-decisions/{decision_id}/signatures", response_model=DecisionRead, summary="Sign a decision for your role"
)
def sign(decision_id: RecordId, data: SignIn, uow: Uow, actor: CurrentActor) -> DecisionRead:
    return service.sign_decision(uow, actor, decision_id, data.password)
