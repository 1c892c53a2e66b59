"""`qtqms pqc import|inventory|diff|migrate`: the inventory and its migration plan inside the QMS database.

The service is imported inside each command, so that mounting these commands costs `qtqms pqc scan` nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qtqms.kit.cli.output import EXIT_BAD_INPUT, JSON_OPTION, Table, emit, fail
from qtqms.pqc.cli.record import Target, record_findings
from qtqms.pqc.cli.scan import AsOfOption, CategoryOption, PolicyOption, as_of_day, policy_arguments

migrate_app = typer.Typer(no_args_is_help=True, help="Migration plan: tasks, owners, deadlines and progress.")
GROUPS = ("algorithm", "verdict", "deadline")


def import_(
    cbom_file: Annotated[Path, typer.Argument(help="CycloneDX 1.6/1.7 CBOM (JSON) of a third party.")],
    product: Annotated[str, typer.Option("--product", help="Product key (e.g. QKD-LINK).")],
    system: Annotated[str, typer.Option("--system", help="System of the product the CBOM describes.")],
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
    category: CategoryOption = None,
) -> None:
    """Store a third-party CBOM as a scan of a product's system (source: cbom-import)."""
    from qtqms.pqc.scanner import import_cbom

    policy_arguments(policy, as_of, None)
    findings = import_cbom(cbom_file)
    record_findings(
        Target(product, system, policy, as_of, category), findings, "cbom-import", cbom_file.name, {}, False
    )


def inventory(
    product: Annotated[str, typer.Argument(help="Product key.")],
    by: Annotated[str, typer.Option("--by", help="Group by algorithm, verdict or deadline.")] = "verdict",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge each asset as of this date instead: what breaks then.")
    ] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """A product's current inventory: the assets of each system's latest recorded scan."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    if by not in GROUPS:
        fail(f"--by: '{by}' is not one of {', '.join(GROUPS)}", EXIT_BAD_INPUT)
    day = as_of_day(as_of)
    with use_case() as (uow, actor):
        data = service.get_inventory(uow, actor, product, day)
    key = {
        "algorithm": lambda r: r.family,
        "verdict": lambda r: r.verdict or "not judged",
        "deadline": lambda r: r.deadline.isoformat() if r.deadline else "no deadline",
    }[by]
    rows = sorted(data.rows, key=lambda r: (key(r), r.label))
    columns = [by, "Asset", "System", "Verdict", "Deadline", "Occurrences", "Task"]
    table = [
        [key(r), r.label, r.system, r.verdict or "not judged", r.deadline, r.occurrences, r.task_status] for r in rows
    ]
    when = f" judged as of {day.isoformat()}" if day else ""
    emit(data, as_json, Table(f"Crypto inventory of {product}{when}: {len(rows)} assets", columns, table))


def diff(
    scan_id: Annotated[int, typer.Argument(help="Scan id (see `qtqms pqc inventory --json`).")],
    against: Annotated[int | None, typer.Option("--against", help="Older scan (default: the previous one).")] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Assets added, removed or judged differently since the system's previous scan."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case() as (uow, actor):
        result = service.diff_scan(uow, actor, scan_id, against)
    rows = [
        [kind, c.label, c.before, c.after] for kind in ("added", "removed", "changed") for c in getattr(result, kind)
    ]
    older = f"scan {result.older.id}" if result.older else "nothing (first scan)"
    title = f"Scan {result.newer.id} of {result.newer.system} against {older}"
    emit(result, as_json, Table(title, ["Change", "Asset", "Before", "After"], rows))


@migrate_app.command("plan")
def migrate_plan(
    product: Annotated[str, typer.Argument(help="Product key.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Owner of the new tasks (default: you).")] = None,
) -> None:
    """Create a task for every asset the policy deprecates, disallows or cannot judge."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case(write=True) as (uow, actor):
        created = service.plan_migration(uow, actor, product, owner=owner)
    typer.echo(f"Planned {len(created)} new task(s) for {product}.")


@migrate_app.command("list")
def migrate_list(product: Annotated[str, typer.Argument(help="Product key.")], as_json: bool = JSON_OPTION) -> None:
    """A product's migration tasks and its progress, soonest deadline first."""
    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service

    with use_case() as (uow, actor):
        tasks = service.list_tasks(uow, actor, product)
        progress = service.get_progress(uow, actor, product)
    rows = [
        [
            t.id,
            t.system,
            t.asset_label,
            t.replacement,
            t.owner,
            t.deadline,
            t.status.value + (" OVERDUE" if t.overdue else ""),
        ]
        for t in tasks
    ]
    columns = ["Id", "System", "Asset", "Replace with", "Owner", "Deadline", "Status"]
    years = "unknown" if progress.migration_years is None else f"{progress.migration_years} years"
    emit(
        {"progress": progress, "tasks": tasks},
        as_json,
        Table(f"Migration plan of {product}", columns, rows),
        f"{progress.done} of {progress.total} done ({progress.percent}%), {progress.overdue} overdue; y = {years}.",
    )


@migrate_app.command("update")
def migrate_update(
    task_id: Annotated[int, typer.Argument(help="Task id (see `qtqms pqc migrate list`).")],
    status: Annotated[str | None, typer.Option("--status", help="open, in_progress or done.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="New owner's username.")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="New deadline (YYYY-MM-DD).")] = None,
    replacement: Annotated[str | None, typer.Option("--replacement", help="What replaces the asset.")] = None,
    effort: Annotated[float | None, typer.Option("--effort", help="Estimated effort in person-days.")] = None,
) -> None:
    """Change a migration task's status, owner, deadline, replacement or effort."""
    from pydantic import ValidationError

    from qtqms.kit.cli.context import use_case
    from qtqms.pqc import service
    from qtqms.pqc.schemas import TaskUpdate

    given = {"status": status, "owner": owner, "deadline": deadline, "replacement": replacement, "effort_days": effort}
    # Kept rather than left to the root group, whose line names the schema's field ("status: ..."): this one names
    # the option the user typed ("--status: ..."), which tests/pqc/test_cli_db.py holds it to.
    try:
        data = TaskUpdate(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as error:
        first = error.errors()[0]
        fail(f"--{'-'.join(map(str, first['loc']))}: {first['msg']}", EXIT_BAD_INPUT)
    with use_case(write=True) as (uow, actor):
        task = service.update_task(uow, actor, task_id, data)
    typer.echo(f"Task {task.id} ({task.asset_label}): {task.status.value}, owner {task.owner}, due {task.deadline}.")
