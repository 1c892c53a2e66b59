"""`qtqms export-control …`: classify a product's parameters against the control lists, record it, list them."""

from __future__ import annotations

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit

app = typer.Typer(no_args_is_help=True, help="Export-control classification (decision support, not legal advice).")


def _lines(found) -> list:
    rows = [[c.item + (" [verify]" if c.verify else ""), c.jurisdiction, c.status, c.reason] for c in found.candidates]
    return [
        found.notice,
        Table(f"Export control of {found.product}", ["item", "where", "status", "why"], rows),
        *(f"changed: {c}" for c in found.changes),
        f"missing to decide: {', '.join(found.missing)}" if found.missing else None,
    ]


@app.command("classify")
def classify(
    key: str,
    record: bool = typer.Option(False, help="Record the result for the gates to rely on"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Name each candidate controlled item with the threshold that triggered it and what is missing to decide."""
    from qtqms.lifecycle.export_control import service

    with use_case(write=record) as (uow, actor):
        found = (service.record_classification if record else service.classify)(uow, actor, key)
    emit(found, as_json, *_lines(found))


@app.command("lists")
def lists(as_json: bool = JSON_OPTION) -> None:
    """The control-list packs with their source, dates and verify marks."""
    from qtqms.lifecycle.export_control import service

    with use_case() as (uow, actor):
        found = service.lists(uow, actor)
    emit(
        found,
        as_json,
        Table(
            "Control lists",
            ["pack", "where", "version", "verified on", "source"],
            [[c.id, c.jurisdiction, c.version, c.verified_on, c.source] for c in found],
        ),
    )
