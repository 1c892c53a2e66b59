"""`qtqms elspi …`: ELSPI impact assessments (assess, answer, complete, sign, show, due, compare, rescore) and
red-line hits (red-line raise, red-line clear)."""

from __future__ import annotations

from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="ELSPI impact assessments and red lines.")


def _show(found) -> list:
    head = (
        f"{found.ref} of {found.product} at {found.stage} ({found.bank_id} v{found.bank_version}): {found.status}; "
        f"level {found.level or '-'}; raw {found.raw}/{found.max_raw}, mitigation {found.mitigation}/"
        f"{found.max_mitigation}, current {found.current}"
    )
    rows = [[a.question, a.dimension, a.label if a.answered else "(unanswered)", a.by, a.text] for a in found.answers]
    return [
        head,
        *found.floors,
        Table("Answers", ["question", "dim", "answer", "by", "text"], rows),
        f"sign-offs needed: {', '.join(found.missing_roles) or 'none'}",
        *(f"due: {r}" for r in found.due_reasons),
    ]


@app.command("assess")
def assess(key: str, as_json: bool = JSON_OPTION) -> None:
    """Start an ELSPI assessment of the product at its stage."""
    from qtqms.lifecycle.elspi import service

    with use_case(write=True) as (uow, actor):
        found = service.start_assessment(uow, actor, key)
    emit(found, as_json, f"{found.ref} started for {found.product} at {found.stage}")


@app.command("answer")
def answer(
    ref: str,
    given: Annotated[list[str], typer.Argument(help="QUESTION=SCORE, or QUESTION=na for not applicable")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Save answers to a draft assessment."""
    from qtqms.lifecycle.elspi import service
    from qtqms.lifecycle.elspi.schemas import AnswerIn

    answers = []
    for item in given:
        question, sep, score = item.partition("=")
        if not sep or not (score.strip().lstrip("-").isdigit() or score.strip() == "na"):
            fail(f"'{item}': use QUESTION=SCORE (a whole number) or QUESTION=na")
        answers.append(AnswerIn(question=question.strip(), score=None if score.strip() == "na" else int(score)))
    with use_case(write=True) as (uow, actor):
        found = service.answer(uow, actor, ref, answers)
    emit(found, as_json, f"{found.ref}: {len(answers)} answers saved, {found.unanswered} to go")


@app.command("complete")
def complete(ref: str, as_json: bool = JSON_OPTION) -> None:
    """Score a fully answered draft."""
    from qtqms.lifecycle.elspi import service

    with use_case(write=True) as (uow, actor):
        found = service.complete(uow, actor, ref)
    emit(found, as_json, *_show(found))


@app.command("sign")
def sign(ref: str, as_json: bool = JSON_OPTION) -> None:
    """Sign off a completed assessment for your role (your password is asked for)."""
    from qtqms.lifecycle.elspi import service

    password = typer.prompt("Password", hide_input=True)
    with use_case(write=True) as (uow, actor):
        found = service.sign_off(uow, actor, ref, password)
    emit(found, as_json, f"{found.ref}: {found.status}; awaiting {', '.join(found.missing_roles) or 'nobody'}")


@app.command("show")
def show(ref: str, as_json: bool = JSON_OPTION) -> None:
    """An assessment: every answer with who gave it, the scores, the level and the floors that raised it."""
    from qtqms.lifecycle.elspi import service

    with use_case() as (uow, actor):
        found = service.get_assessment(uow, actor, ref)
    emit(found, as_json, *_show(found))


@app.command("due")
def due(keys: Annotated[list[str], typer.Argument(help="Product keys")], as_json: bool = JSON_OPTION) -> None:
    """Which products need an ELSPI (re-)assessment now, and why."""
    from qtqms.lifecycle.elspi import service

    with use_case() as (uow, actor):
        found = service.due(uow, actor, keys)
    emit(
        found,
        as_json,
        Table(
            "ELSPI due",
            ["product", "assessment", "level", "why"],
            [[d.product, d.ref or "", d.level, "; ".join(d.reasons)] for d in found],
        ),
    )


@app.command("compare")
def compare(
    refs: Annotated[list[str], typer.Argument(help="Two or more assessment refs")], as_json: bool = JSON_OPTION
) -> None:
    """Assessments side by side, answer by answer."""
    from qtqms.lifecycle.elspi import service

    with use_case() as (uow, actor):
        found = service.compare(uow, actor, refs)
    emit(
        found,
        as_json,
        Table("Comparison", ["question", *found.refs], [[q, *s] for q, s in found.rows]),
        "levels: " + " / ".join(found.levels),
    )


@app.command("rescore")
def rescore(ref: str, as_json: bool = JSON_OPTION) -> None:
    """A new draft under the question bank in force, answers carried over."""
    from qtqms.lifecycle.elspi import service

    with use_case(write=True) as (uow, actor):
        found = service.rescore(uow, actor, ref)
    emit(found, as_json, f"{found.ref} (from {ref}) under version {found.bank_version}: {found.unanswered} to answer")


red_line = typer.Typer(no_args_is_help=True, help="Red-line hits: raise and clear.")
app.add_typer(red_line, name="red-line")


@red_line.command("raise")
def raise_hit(
    key: str,
    line: Annotated[str, typer.Option("--red-line", help="e.g. RL2")],
    use_case_text: Annotated[str, typer.Option("--use-case", help="What was proposed")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Record a proposed use that crosses a red line (it blocks every gate of the product)."""
    from qtqms.lifecycle.elspi import service
    from qtqms.lifecycle.elspi.schemas import RedLineHitIn

    with use_case(write=True) as (uow, actor):
        found = service.raise_red_line(uow, actor, key, RedLineHitIn(red_line=line, use_case=use_case_text))
    emit(
        found,
        as_json,
        f"red-line hit {found.id} ({found.red_line}) on {found.product}, escalated to {', '.join(found.escalated_to)}",
    )


@red_line.command("clear")
def clear(
    hit_id: int,
    justification: Annotated[str, typer.Option(help="Why, with the lawful basis")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Sign a justified clearance for your role (your password is asked for)."""
    from qtqms.lifecycle.elspi import service

    password = typer.prompt("Password", hide_input=True)
    with use_case(write=True) as (uow, actor):
        found = service.clear_red_line(uow, actor, hit_id, password, justification)
    emit(
        found,
        as_json,
        f"red-line hit {found.id}: {found.status}; awaiting {', '.join(found.missing_roles) or 'nobody'}",
    )
