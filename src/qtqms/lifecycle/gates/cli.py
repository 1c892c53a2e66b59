"""`qtqms gate …`: check a product's next gate (exit 1 when it is blocked), review its decisions, propose a
decision and sign one."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import EXIT_CHECK_FAILED, JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Stage gates: check, review, decide, sign.")


@app.command("check")
def check(key: str, as_json: bool = JSON_OPTION) -> None:
    """Every criterion of the product's next gate, met or not, with why and the records behind it."""
    from qtqms.lifecycle.gates import service

    with use_case() as (uow, actor):
        found = service.check_gate(uow, actor, key)
    rows = [[c.id, "met" if c.passed else "NOT MET", c.title, c.reason] for c in found.criteria]
    verdict = "passes" if found.passed else "is BLOCKED"
    emit(
        found,
        as_json,
        f"{found.product} at {found.stage} {found.stage_title}: gate {found.gate} {found.gate_title} {verdict}",
        Table(f"Gate {found.gate}", ["criterion", "", "what", "why"], rows),
        f"signers needed: {', '.join(found.required_roles)}",
    )
    if not found.passed:
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command("review")
def review(key: str, as_json: bool = JSON_OPTION) -> None:
    """The product's gate decisions, newest first, with who signed and who still must."""
    from qtqms.lifecycle.gates import service

    with use_case() as (uow, actor):
        found = service.decisions_of(uow, actor, key)
    rows = [
        [
            d.id,
            d.gate,
            d.outcome,
            d.status,
            ", ".join(f"{s.role}:{s.signer}" for s in d.signoffs),
            ", ".join(d.missing_roles),
            "; ".join(d.stale_reasons),
        ]
        for d in found
    ]
    emit(
        found,
        as_json,
        Table(
            f"Gate decisions of {key}", ["id", "gate", "outcome", "status", "signed", "awaiting", "stale because"], rows
        ),
    )


@app.command("decide")
def decide(
    key: str,
    outcome: Annotated[str, typer.Option(help="go, conditional, no-go or recycle")],
    rationale: Annotated[str, typer.Option(help="Why")],
    condition: Annotated[list[str], typer.Option("--condition", help='JSON {"text","owner","due"}; repeat')] = [],  # noqa: B006
    as_json: bool = JSON_OPTION,
) -> None:
    """Propose a decision at the product's next gate (signed afterwards by the roles it needs)."""
    from qtqms.lifecycle.gates import service
    from qtqms.lifecycle.gates.schemas import DecisionIn

    try:
        conditions = [json.loads(c) for c in condition]
    except json.JSONDecodeError as error:
        fail(f"--condition: not JSON ({error.msg})")
    data = DecisionIn(outcome=outcome, rationale=rationale, conditions=conditions)
    with use_case(write=True) as (uow, actor):
        found = service.propose_decision(uow, actor, key, data)
    emit(
        found,
        as_json,
        f"decision {found.id} at {found.gate}: {found.outcome}, awaiting {', '.join(found.missing_roles)}",
    )


@app.command("sign")
def sign(decision_id: int, as_json: bool = JSON_OPTION) -> None:
    """Sign a decision for your role (your password is asked for)."""
    from qtqms.lifecycle.gates import service

    password = typer.prompt("Password", hide_input=True)
    with use_case(write=True) as (uow, actor):
        found = service.sign_decision(uow, actor, decision_id, password)
    emit(found, as_json, f"decision {found.id}: {found.status}; awaiting {', '.join(found.missing_roles) or 'nobody'}")
