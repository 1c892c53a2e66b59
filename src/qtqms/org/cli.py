"""`qtqms org …`: the organisation and its management-system scope."""

from __future__ import annotations

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit

app = typer.Typer(no_args_is_help=True, help="Organisation, scope, sites, products and jurisdictions.")


@app.command("show")
def show(as_json: bool = JSON_OPTION) -> None:
    """The organisation and its management-system scope."""
    from qtqms.org import service

    with use_case() as (uow, actor):
        scope = service.get_scope(uow, actor)
    org = scope.organisation
    emit(
        scope,
        as_json,
        f"{org.name}{'  [DEMO DATA]' if org.is_demo else ''}",
        f"Scope: {org.scope_statement}" if org.scope_statement else None,
        Table("Sites", ["name", "country", "in scope"], [[s.name, s.country, s.in_scope] for s in scope.sites]),
        Table(
            "Products",
            ["key", "name", "technology", "in scope"],
            [[p.key, p.name, p.technology, p.in_scope] for p in scope.products],
        ),
        Table(
            "Exclusions",
            ["requirement", "justification"],
            [[e.requirement_ref, e.justification] for e in scope.exclusions],
        ),
        Table(
            "Jurisdictions",
            ["code", "name", "operates", "sells"],
            [[j.code, j.name, j.operates, j.sells] for j in scope.jurisdictions],
        ),
    )
