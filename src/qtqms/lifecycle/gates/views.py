"""Gate pages: the lifecycle board (products by stage, blocked gates marked), a product's gate page (criteria
with the records behind them, decisions, signatures) and the panel the gate adds to a product's page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from qtqms.db.uow import UnitOfWork
from qtqms.identity.deps import CurrentActor
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, can
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.forms import FormErrors, FormState, run_form, see_other
from qtqms.kit.web.related import Panel, RelatedLink
from qtqms.kit.web.templating import render
from qtqms.lifecycle.gates import service
from qtqms.lifecycle.gates.domain import Outcome
from qtqms.lifecycle.gates.schemas import ConditionIn, DecisionIn
from qtqms.lifecycle.products.schemas import ProductQuery

router = APIRouter()


@router.get("/lifecycle", response_class=HTMLResponse)
def board_page(request: Request, uow: Uow, actor: CurrentActor, query: Annotated[ProductQuery, Query()]) -> Response:
    columns, following, total = service.board(uow, actor, query)
    return render(
        request, "lifecycle/board.html", {"columns": columns, "next_cursor": following, "total": total, "query": query}
    )


def _page(
    request: Request,
    uow: Uow,
    actor: Actor,
    key: str,
    forms: dict[str, FormState] | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "check": service.check_gate(uow, actor, key),
        "decisions": service.decisions_of(uow, actor, key),
        "key": key,
        "may_decide": can(actor, Permission.GATE_DECIDE),
        "outcomes": [o.value for o in Outcome],
        "forms": {"decide": FormState(), "sign": FormState()} | (forms or {}),
    }
    return render(request, "lifecycle/gate.html", context, status_code)


@router.get("/lifecycle/products/{key}/gate", response_class=HTMLResponse)
def gate_page(request: Request, uow: Uow, actor: CurrentActor, key: str) -> Response:
    return _page(request, uow, actor, key)


@router.post("/lifecycle/products/{key}/gate/decisions", response_class=HTMLResponse)
def decide(
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    key: str,
    outcome: Annotated[str, Form()] = "",
    rationale: Annotated[str, Form()] = "",
    condition: Annotated[str, Form()] = "",
    condition_owner: Annotated[str, Form()] = "",
    condition_due: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "outcome": outcome,
        "rationale": rationale,
        "condition": condition,
        "condition_owner": condition_owner,
        "condition_due": condition_due,
    }

    def use_case():
        conditions = [ConditionIn(text=condition, owner=condition_owner, due=condition_due)] if condition else []
        return service.propose_decision(
            uow, actor, key, DecisionIn(outcome=outcome, rationale=rationale, conditions=conditions)
        )

    return run_form(
        uow,
        use_case,
        fields=[*typed, "conditions"],
        done=lambda d: see_other(f"/lifecycle/products/{key}/gate", f"decision {d.id} recorded: awaiting signatures"),
        again=lambda errors: _page(request, uow, actor, key, {"decide": FormState(typed, errors)}, errors.status),
    )


@router.post("/lifecycle/gate-decisions/{decision_id}/sign", response_class=HTMLResponse)
def sign(
    request: Request, uow: Uow, actor: CurrentActor, decision_id: RecordId, password: Annotated[str, Form()] = ""
) -> Response:
    decision = service.get_decision(uow, actor, decision_id)

    def again(errors: FormErrors) -> Response:
        return _page(request, uow, actor, decision.product, {"sign": FormState({}, errors)}, errors.status)

    return run_form(
        uow,
        lambda: service.sign_decision(uow, actor, decision_id, password),
        fields=["password"],
        done=lambda d: see_other(f"/lifecycle/products/{d.product}/gate", f"signed; decision {d.id} is {d.status}"),
        again=again,
    )


def gate_panel(uow: UnitOfWork, actor: Actor, keys: Sequence[str]) -> Panel:
    """The product page's gate card: the next gate and whether it passes."""
    links = {}
    for key in keys:
        check = service.check_gate(uow, actor, key)
        failing = [c.id for c in check.criteria if not c.passed]
        title = "passes" if check.passed else f"blocked: {', '.join(failing)}" if check.gate else "retired"
        links[key] = [
            RelatedLink(f"{check.gate or check.stage} {check.gate_title}", f"/lifecycle/products/{key}/gate", title)
        ]
    return Panel("Next gate", links)
