"""`qtqms product …`: products as the lifecycle sees them: enrol, show, list and describe (typed parameters)."""

from __future__ import annotations

from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Products in the lifecycle: purpose, markets, readiness, parameters.")

LIST_HELP = "Repeat for each; replaces the recorded list."


def _profile_lines(profile) -> list:
    lines = [
        f"{profile.key}  {profile.name}",
        f"stage {profile.stage} {profile.stage_title} · domain {profile.domain_title} · TRL {profile.trl or '-'}",
        f"developed in {', '.join(profile.developed_in) or '-'} · sold in {', '.join(profile.sold_in) or '-'} · "
        f"used in {', '.join(profile.used_in) or '-'}",
        f"customer classes: {', '.join(profile.customer_classes) or '-'}",
        f"intended uses: {'; '.join(profile.intended_uses) or '-'}",
        f"foreseeable misuses: {'; '.join(profile.foreseeable_misuses) or '-'}",
    ]
    table = Table(
        "Technical parameters",
        ["parameter", "value", "unit"],
        [[p.name, "" if p.value is None else p.value, p.unit] for p in profile.parameters],
    )
    return [*lines, table]


@app.command("enrol")
def enrol(
    key: str,
    domain: Annotated[str, typer.Option(help="Technology domain of the parameter pack")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Start an organisation product's lifecycle at S0 Conception."""
    from qtqms.lifecycle.products import service

    with use_case(write=True) as (uow, actor):
        profile = service.enrol_product(uow, actor, key, domain or None)
    emit(profile, as_json, f"{profile.key} enrolled at S0 ({profile.domain_title})")


@app.command("show")
def show(key: str, as_json: bool = JSON_OPTION) -> None:
    """A product's lifecycle profile with its technical parameters."""
    from qtqms.lifecycle.products import service

    with use_case() as (uow, actor):
        profile = service.get_profile(uow, actor, key)
    emit(profile, as_json, *_profile_lines(profile))


@app.command("list")
def list_products(
    stage: Annotated[str, typer.Option(help="S0 to S6, or retired")] = "",
    cursor: Annotated[str, typer.Option(help="The next cursor a page before printed")] = "",
    limit: Annotated[int, typer.Option(help="Rows per page")] = 50,
    as_json: bool = JSON_OPTION,
) -> None:
    """The products in the lifecycle, a page at a time."""
    from qtqms.lifecycle.products import service
    from qtqms.lifecycle.products.schemas import ProductQuery

    with use_case() as (uow, actor):
        page = service.list_products(uow, actor, ProductQuery(stage=stage, cursor=cursor or None, limit=limit))
    rows = [[r.key, r.name, r.stage, r.stage_title, r.domain, r.trl or ""] for r in page.rows]
    emit(
        page,
        as_json,
        Table("Lifecycle products", ["key", "name", "stage", "", "domain", "TRL"], rows),
        f"next page: --cursor {page.next_cursor}" if page.next_cursor else None,
    )


def _parameters(given: list[str]) -> dict[str, dict[str, str | None]]:
    """`name=value` or `name=value:unit`, each once."""
    found: dict[str, dict[str, str | None]] = {}
    for item in given:
        name, sep, rest = item.partition("=")
        if not sep or not name.strip():
            fail(f"--param '{item}': use name=value or name=value:unit")
        value, _, unit = rest.partition(":")
        found[name.strip()] = {"value": value.strip(), "unit": unit.strip() or None}
    return found


@app.command("describe")
def describe(
    key: str,
    domain: Annotated[str, typer.Option(help="Technology domain")] = "",
    description: Annotated[str, typer.Option()] = "",
    use: Annotated[list[str], typer.Option("--use", help="Intended use. " + LIST_HELP)] = [],  # noqa: B006
    user: Annotated[list[str], typer.Option("--user", help="Intended user. " + LIST_HELP)] = [],  # noqa: B006
    misuse: Annotated[list[str], typer.Option("--misuse", help="Foreseeable misuse. " + LIST_HELP)] = [],  # noqa: B006
    trl: Annotated[int | None, typer.Option(help="Technology readiness level 1-9")] = None,
    developed_in: Annotated[str, typer.Option(help="Jurisdiction codes, comma-separated")] = "",
    sold_in: Annotated[str, typer.Option(help="Jurisdiction codes, comma-separated")] = "",
    used_in: Annotated[str, typer.Option(help="Jurisdiction codes, comma-separated")] = "",
    customers: Annotated[str, typer.Option(help="Customer classes, comma-separated")] = "",
    param: Annotated[list[str], typer.Option("--param", help="name=value or name=value:unit; repeat")] = [],  # noqa: B006
    as_json: bool = JSON_OPTION,
) -> None:
    """Describe a product; only what is given changes. A wrong type or unit is refused naming the parameter."""
    from qtqms.lifecycle.products import service
    from qtqms.lifecycle.products.schemas import ProfileUpdate

    given: dict = {"domain": domain or None, "description": description or None, "trl": trl}
    for name, values in (("intended_uses", use), ("intended_users", user), ("foreseeable_misuses", misuse)):
        if values:
            given[name] = values
    for name, text in (
        ("developed_in", developed_in),
        ("sold_in", sold_in),
        ("used_in", used_in),
        ("customer_classes", customers),
    ):
        if text:
            given[name] = text.split(",")
    if param:
        given["parameters"] = _parameters(param)
    data = ProfileUpdate(**{k: v for k, v in given.items() if v is not None})
    with use_case(write=True) as (uow, actor):
        profile = service.update_profile(uow, actor, key, data)
    emit(profile, as_json, *_profile_lines(profile))
