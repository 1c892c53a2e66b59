"""`qtqms nc …`: nonconformities and their CAPA, with the signed effectiveness check and closure."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.options import day_option
from qtqms.kit.cli.output import JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Nonconformities and CAPA: containment, root cause, actions, checks.")

REF = Annotated[str, typer.Argument(help="The nonconformity's reference, e.g. NC-0001.")]
PASSWORD_STDIN = Annotated[bool, typer.Option(help="Read your password from standard input.")]


def _names(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _password(from_stdin: bool) -> str:
    return sys.stdin.readline().rstrip("\n") if from_stdin else typer.prompt("password", hide_input=True)


def _show(nc) -> None:
    typer.echo(
        f"{nc.ref} {nc.title} [{nc.severity}, {nc.source}] {nc.status}" + (" (action overdue)" if nc.overdue else "")
    )
    typer.echo(f"  owner {nc.owner}; product {nc.product or '-'}; detected {nc.detected_on}; reopened {nc.reopened}x")
    typer.echo(f"  containment: {nc.containment or '-'}")
    typer.echo(f"  root cause ({nc.cause_method or '-'}): {nc.root_cause or '-'}")
    for a in nc.actions:
        state = f"done {a.done_on}" if a.done_on else ("OVERDUE" if a.overdue else "open")
        typer.echo(f"  action {a.id} [{a.kind}] {a.title} ({a.owner}, due {a.due_on}): {state}")
    for c in nc.checks:
        verdict = "valid" if c.valid else f"INVALID: {c.verification}"
        typer.echo(f"  check: {'passed' if c.passed else 'failed'} by {c.name} ({c.checked_by}) "
                   f"{c.checked_at:%Y-%m-%d %H:%M} UTC, signature {verdict}")  # fmt: skip
    if nc.closure:
        verdict = "valid" if nc.closure.valid else f"INVALID: {nc.closure.verification}"
        typer.echo(
            f"  closed {nc.closed_on}, approved by {nc.closure.name} ({nc.closure.signed_by}), signature {verdict}"
        )


@app.command("list")
def list_ncs(
    status: Annotated[str, typer.Option(help="open, contained, acting, verifying or closed.")] = "",
    severity: Annotated[str, typer.Option(help="major, minor or observation.")] = "",
    product: Annotated[str, typer.Option(help="A product key.")] = "",
    open_only: Annotated[bool, typer.Option("--open", help="Only those not closed.")] = False,
    overdue: Annotated[bool, typer.Option(help="Only those with an action past its due date.")] = False,
    limit: Annotated[int, typer.Option(help="Rows per page (1-200).")] = 50,
    cursor: Annotated[str, typer.Option(help="The next page's cursor, as the last page printed it.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Nonconformities, newest first, filtered; one page at a time."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import NonconformityQuery

    query = NonconformityQuery(status=status, severity=severity, product=product, open_only=open_only,
                               overdue=overdue, limit=limit, cursor=cursor)  # fmt: skip
    with use_case() as (uow, actor):
        page = service.list_nonconformities(uow, actor, query)
    rows = [[n.ref, n.title, n.severity, n.status, n.product or "", n.owner, n.next_due or "",
             "yes" if n.overdue else ""] for n in page.rows]  # fmt: skip
    more = f"next page: --cursor {page.next_cursor}" if page.next_cursor else None
    emit(
        page,
        as_json,
        Table(
            f"Nonconformities ({page.total})",
            ["ref", "title", "severity", "status", "product", "owner", "next due", "overdue"],
            rows,
        ),
        more,
    )


@app.command("show")
def show(ref: REF, as_json: bool = JSON_OPTION) -> None:
    """One nonconformity with its actions, checks and closure, each signature verified."""
    from qtqms.quality.nonconformity import service

    with use_case() as (uow, actor):
        nc = service.get_nonconformity(uow, actor, ref)
    emit(nc, as_json, lambda: _show(nc))


@app.command("raise")
def raise_nc(
    title: Annotated[str, typer.Argument(help="What is wrong.")],
    source: Annotated[
        str,
        typer.Option(
            help="audit_finding, incident, customer_complaint, failed_gate, "
            "pqc_policy_violation, test_out_of_spec, supplier or other."
        ),
    ],  # fmt: skip
    severity: Annotated[str, typer.Option(help="major, minor or observation.")],
    description: Annotated[str, typer.Option(help="What happened.")] = "",
    product: Annotated[str, typer.Option(help="A product key.")] = "",
    owner: Annotated[str, typer.Option(help="Username (default: you).")] = "",
    requirements: Annotated[str, typer.Option(help="pack:REQ, comma-separated.")] = "",
    documents: Annotated[str, typer.Option(help="DOC-0001, comma-separated.")] = "",
    risks: Annotated[str, typer.Option(help="R-0001, comma-separated.")] = "",
    detected_on: Annotated[str, typer.Option(help="YYYY-MM-DD (default today).")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Raise a nonconformity."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import NonconformityCreate

    data = NonconformityCreate(title=title, source=source, severity=severity, description=description,
                               product=product or None, owner=owner or None, requirements=_names(requirements),
                               documents=_names(documents), risks=_names(risks),
                               detected_on=day_option(detected_on, "detected-on"))  # fmt: skip
    with use_case(write=True) as (uow, actor):
        nc = service.raise_nonconformity(uow, actor, data)
    emit(nc, as_json, f"{nc.ref} raised")


@app.command("analyse")
def analyse(
    ref: REF,
    reason: Annotated[str, typer.Option("--reason", help="Why this changes (kept in the trail).")],
    containment: Annotated[str | None, typer.Option(help="How it is contained.")] = None,
    why: Annotated[list[str] | None, typer.Option("--why", help="One of the 5 whys, in order (repeat).")] = None,
    categories: Annotated[str | None, typer.Option(help="Cause categories, comma-separated.")] = None,
    root_cause: Annotated[str | None, typer.Option(help="The root cause.")] = None,
    criteria: Annotated[str | None, typer.Option(help="How we will know the actions worked.")] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Record containment, the root cause (5 whys or cause categories) and the effectiveness criteria."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import InvestigationIn

    method = "5 whys" if why else ("cause categories" if categories else None)
    data = InvestigationIn(containment=containment, whys=why, cause_method=method, root_cause=root_cause,
                           cause_categories=_names(categories) if categories is not None else None,
                           effectiveness_criteria=criteria, reason=reason)  # fmt: skip
    with use_case(write=True, reason=reason) as (uow, actor):
        nc = service.update_investigation(uow, actor, ref, data)
    emit(nc, as_json, f"{nc.ref} analysis saved")


@app.command("action")
def action(
    ref: REF,
    title: Annotated[str, typer.Argument(help="The action.")],
    owner: Annotated[str, typer.Option(help="Username.")],
    due: Annotated[str, typer.Option(help="YYYY-MM-DD.")],
    kind: Annotated[str, typer.Option(help="correction, corrective or preventive.")] = "corrective",
    as_json: bool = JSON_OPTION,
) -> None:
    """Plan an action with its owner and due date."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import ActionIn

    due_on = day_option(due, "due") or fail("--due is required")
    with use_case(write=True) as (uow, actor):
        nc = service.add_action(uow, actor, ref, ActionIn(kind=kind, title=title, owner=owner, due_on=due_on))
    emit(nc, as_json, f"{nc.ref}: action {nc.actions[-1].id} planned")


@app.command("done")
def done(
    action_id: Annotated[int, typer.Argument(help="The action's id (see 'qtqms nc show').")],
    outcome: Annotated[str, typer.Option(help="What came of it.")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Mark an action done."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import ActionDone

    with use_case(write=True, reason=outcome) as (uow, actor):
        nc = service.complete_action(uow, actor, action_id, ActionDone(outcome=outcome))
    emit(nc, as_json, f"{nc.ref}: action {action_id} done")


@app.command("step")
def step(ref: REF, action: Annotated[str, typer.Argument(help="contain, act, verify or reopen.")],
         reason: Annotated[str, typer.Option("--reason", help="Why (needed to reopen).")] = "",
         as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """Move a nonconformity along its workflow."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import NcStepIn

    with use_case(write=True, reason=reason) as (uow, actor):
        nc = service.take_step(uow, actor, ref, NcStepIn(action=action, reason=reason))
    emit(nc, as_json, f"{nc.ref}: {action} done; status {nc.status}")


@app.command("check")
def check(
    ref: REF,
    note: Annotated[str, typer.Option(help="What was checked and found.")],
    failed: Annotated[bool, typer.Option("--failed", help="The actions did not work: act again.")] = False,
    password_stdin: PASSWORD_STDIN = False,
    as_json: bool = JSON_OPTION,
) -> None:
    """Sign the effectiveness check; a failed one sends the nonconformity back to its actions."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import CheckIn

    data = CheckIn(passed=not failed, note=note, password=_password(password_stdin))
    with use_case(write=True) as (uow, actor):
        nc = service.check_effectiveness(uow, actor, ref, data)
    emit(nc, as_json, f"{nc.ref}: effectiveness check {'failed' if failed else 'passed'}; status {nc.status}")


@app.command("close")
def close(ref: REF, comment: Annotated[str, typer.Option(help="A comment kept with the closure.")] = "",
          password_stdin: PASSWORD_STDIN = False, as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """Close with your signature, after a passed effectiveness check."""
    from qtqms.quality.nonconformity import service
    from qtqms.quality.nonconformity.schemas import ClosureIn

    with use_case(write=True) as (uow, actor):
        nc = service.close(uow, actor, ref, ClosureIn(password=_password(password_stdin), comment=comment))
    emit(nc, as_json, f"{nc.ref} closed")


@app.command("export")
def export(fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
           output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")] = Path("nonconformities.csv"),
           ) -> None:  # fmt: skip
    """Every nonconformity as CSV, XLSX or JSON."""
    from qtqms.quality.nonconformity import service

    with use_case() as (uow, actor):
        exported = service.export_nonconformities(uow, actor, fmt)
    try:
        output.write_bytes(exported.content)
    except OSError as error:
        fail(f"{output}: cannot write the file: {error.strerror}")
    typer.echo(f"wrote {output}")
