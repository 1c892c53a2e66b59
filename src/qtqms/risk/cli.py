"""`qtqms risk …`: the risk register, assessment, treatment, signed acceptance, matrices, threats and Mosca."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Risk register (ISO/IEC 27005) with the quantum threat model and Mosca.")
asset_app = typer.Typer(no_args_is_help=True, help="Assets: information, software, services, equipment, people, sites.")
data_class_app = typer.Typer(no_args_is_help=True, help="Data classes and how long they must stay confidential (x).")
app.add_typer(asset_app, name="asset")
app.add_typer(data_class_app, name="data-class")

REASON = typer.Option("", "--reason", help="Why; recorded in the audit trail.")
RATING_HELP = "LIKELIHOOD:IMPACT on the domain's matrix, e.g. 3:4"
REQUIREMENT_HELP = "Catalogue requirement as pack-id:REQ-ID (current edition); repeat for several"
CONTROL_HELP = "Key of a control that treats the risk (see 'qtqms control list'); repeat for several"


def _rating(value: str | None, name: str) -> dict[str, int] | None:
    """'3:4' (or '3x4') as a rating; anything else is one clear error and exit code 2."""
    if not value:
        return None
    parts = value.lower().replace("x", ":").split(":")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        fail(f"--{name} '{value}': use LIKELIHOOD:IMPACT with whole numbers, e.g. 3:4")
    return {"likelihood": int(parts[0]), "impact": int(parts[1])}


def _level(rating: Any) -> str:
    return f"{rating.level_label} (L{rating.likelihood}xI{rating.impact})" if rating else "-"


# The register's filters and sort, the same for `list` and `export` (and as the web page and the API take them).
Domain = Annotated[str, typer.Option(help="security, ai, quality, elspi or compliance")]
Status = Annotated[str, typer.Option(help="identified, assessed, treating, treated or accepted")]
Owner = Annotated[str, typer.Option(help="Owner's username")]
Product = Annotated[str, typer.Option(help="Product key, e.g. QKD-LINK")]
Level = Annotated[int | None, typer.Option(help="Current level index in the risk's matrix (0 the lowest)")]
Source = Annotated[str, typer.Option(help="manual or mosca")]
Search = Annotated[str, typer.Option(help="Words in the title, or a reference such as R-0042")]
Sort = Annotated[str, typer.Option(help="level, inherent, ref, title, status, domain or updated")]
Ascending = Annotated[bool, typer.Option("--ascending", help="Lowest first")]


@app.command("list")
def list_risks(
    domain: Domain = "",
    status: Status = "",
    owner: Owner = "",
    product: Product = "",
    level: Level = None,
    search: Search = "",
    source: Source = "",
    sort: Sort = "level",
    ascending: Ascending = False,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    cursor: Annotated[str, typer.Option(help="Next page: the cursor the previous page printed")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """The register, filtered and sorted; highest current level first by default."""
    from qtqms.risk import schemas, service

    query = schemas.RegisterQuery(
        domain=domain, status=status, owner=owner, product=product, level=level, search=search,
        source=source, sort=sort, descending=not ascending, limit=limit, cursor=cursor,
    )  # fmt: skip
    with use_case() as (uow, actor):
        page = service.register(uow, actor, query)
    rows = [
        [r.ref, r.title[:60], r.domain, r.owner, _level(r.inherent), _level(r.current), r.status, r.acceptance]
        for r in page.rows
    ]
    emit(
        page,
        as_json,
        Table(
            f"Risk register ({page.total}{'+' if page.total_capped else ''} match)",
            ["ref", "title", "domain", "owner", "inherent", "current", "status", "acceptance"],
            rows,
        ),
        f"more: --cursor {page.next_cursor}" if page.next_cursor else None,
    )


@app.command("show")
def show(ref: str, as_json: bool = JSON_OPTION) -> None:
    """One risk: ratings, treatment and every acceptance checked against its signature."""
    from qtqms.risk import service

    with use_case() as (uow, actor):
        risk = service.get_risk(uow, actor, ref)
    emit(risk, as_json, lambda: _print_record(risk))


def _print_record(risk: Any) -> None:
    typer.echo(f"{risk.ref}  {risk.title}")
    typer.echo(f"  {risk.domain} · {risk.approach}-based · owner {risk.owner} · status {risk.status}")
    typer.echo(f"  threat: {risk.threat_title or '-'}  assets: {', '.join(risk.assets) or '-'}")
    typer.echo(f"  requirements: {', '.join(r.link for r in risk.linked_requirements) or '-'}")
    typer.echo(f"  controls: {', '.join(c.key for c in risk.linked_controls) or '-'}")
    typer.echo(
        f"  matrix {risk.matrix}"
        + (f" (domain now uses {risk.matrix_in_force}: re-assess)" if risk.needs_reassessment else "")
    )
    for kind in ("inherent", "current", "residual"):
        typer.echo(f"  {kind:<9} {_level(getattr(risk, kind))}")
    if risk.computation:
        typer.echo(risk.computation)
    typer.echo(f"  treatment: {risk.treatment_option or '-'} {risk.treatment_plan}")
    for a in risk.actions:
        typer.echo(f"    [{a.id}] {a.due_date} {a.status}{' OVERDUE' if a.overdue else ''} {a.owner}: {a.title}")
    typer.echo(f"  acceptance: {risk.acceptance_status}")
    for acceptance in risk.acceptances:
        typer.echo(f"    {acceptance.accepted_at:%Y-%m-%d} by {acceptance.accepted_by}: {acceptance.validity}")


@app.command("add")
def add(
    title: Annotated[str, typer.Option(help="What could happen, in one line")],
    domain: Annotated[str, typer.Option(help="security, ai, quality, elspi or compliance")],
    approach: Annotated[str, typer.Option(help="event or asset")] = "event",
    threat: Annotated[str, typer.Option(help="e.g. qtqms-threats:Q-HNDL (see 'qtqms risk threats')")] = "",
    asset: Annotated[list[str] | None, typer.Option(help="Affected asset key; repeat for several")] = None,
    product: Annotated[str, typer.Option(help="Product key, e.g. QKD-LINK")] = "",
    owner: Annotated[str, typer.Option(help="Risk owner's username (default: you)")] = "",
    description: str = "",
    vulnerabilities: str = "",
    controls: Annotated[str, typer.Option(help="Existing controls, in words")] = "",
    requirement: Annotated[list[str] | None, typer.Option(help=REQUIREMENT_HELP)] = None,
    control: Annotated[list[str] | None, typer.Option(help=CONTROL_HELP)] = None,
    inherent: Annotated[str, typer.Option(help=RATING_HELP)] = "",
    current: Annotated[str, typer.Option(help=RATING_HELP)] = "",
    residual: Annotated[str, typer.Option(help=RATING_HELP)] = "",
    reason: str = REASON,
) -> None:
    """Identify a risk scenario, optionally rating it at once."""
    from qtqms.risk import schemas, service

    data = schemas.RiskCreate(
        title=title,
        domain=domain,
        approach=approach,
        threat=threat,
        assets=asset or [],
        product=product or None,
        owner=owner or None,
        description=description,
        vulnerabilities=vulnerabilities,
        existing_controls=controls,
        linked_requirements=requirement or [],
        linked_controls=control or [],
        inherent=_rating(inherent, "inherent"),
        current=_rating(current, "current"),
        residual=_rating(residual, "residual"),
    )
    with use_case(write=True, reason=reason) as (uow, actor):
        risk = service.create_risk(uow, actor, data)
    typer.echo(f"recorded R-{risk.number:04d} ({risk.status})")


@app.command("assess")
def assess(
    ref: str,
    inherent: Annotated[str, typer.Option(help=RATING_HELP)] = "",
    current: Annotated[str, typer.Option(help=RATING_HELP)] = "",
    residual: Annotated[str, typer.Option(help=RATING_HELP)] = "",
    note: str = "",
    reason: str = REASON,
) -> None:
    """Rate likelihood and impact; a change to an accepted risk makes its acceptance invalid."""
    from qtqms.risk import schemas, service

    data = schemas.AssessmentIn(
        inherent=_rating(inherent, "inherent"),
        current=_rating(current, "current"),
        residual=_rating(residual, "residual"),
        note=note,
    )
    with use_case(write=True, reason=reason) as (uow, actor):
        service.assess_risk(uow, actor, ref, data)
        risk = service.get_risk(uow, actor, ref)
    typer.echo(f"{risk.ref}: current {_level(risk.current)}; status {risk.status}; acceptance {risk.acceptance_status}")


@app.command("link")
def link(
    ref: str,
    requirement: Annotated[list[str] | None, typer.Option(help=REQUIREMENT_HELP)] = None,
    control: Annotated[list[str] | None, typer.Option(help=CONTROL_HELP)] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Unlink the named requirements and controls")] = False,
    reason: str = REASON,
) -> None:
    """Link a risk to catalogue requirements and to the controls that treat it (not a material change)."""
    from qtqms.risk import schemas, service

    if not requirement and not control:
        fail("name at least one --requirement or --control")
    with use_case(write=True, reason=reason) as (uow, actor):
        risk = service.get_risk(uow, actor, ref)
        changes = {
            "linked_requirements": _changed([r.link for r in risk.linked_requirements], requirement, remove),
            "linked_controls": _changed([c.key for c in risk.linked_controls], control, remove),
        }
        service.update_risk(uow, actor, ref, schemas.RiskUpdate(**changes))
        risk = service.get_risk(uow, actor, ref)
    typer.echo(
        f"{risk.ref}: requirements {', '.join(r.link for r in risk.linked_requirements) or '-'}; "
        f"controls {', '.join(c.key for c in risk.linked_controls) or '-'}"
    )


def _changed(linked: list[str], named: list[str] | None, remove: bool) -> list[str]:
    if remove:
        return [item for item in linked if item not in (named or [])]
    return linked + [item for item in named or [] if item not in linked]


def _action(value: str) -> dict[str, Any]:
    parts = [part.strip() for part in value.split(";")]
    if len(parts) != 3:
        fail(f"--action '{value}': use 'TITLE;OWNER;YYYY-MM-DD' (an action needs an owner and a due date)")
    return {"title": parts[0], "owner": parts[1], "due_date": parts[2] or None}


@app.command("treat")
def treat(
    ref: str,
    option: Annotated[str, typer.Option(help="modify, retain, avoid or share")] = "",
    plan: str = "",
    action: Annotated[list[str] | None, typer.Option(help="'TITLE;OWNER;YYYY-MM-DD'; repeat for several")] = None,
    close: Annotated[int | None, typer.Option(help="Close this action id instead")] = None,
    residual: Annotated[str, typer.Option(help=f"With --close: residual achieved, {RATING_HELP}")] = "",
    note: str = "",
    reason: str = REASON,
) -> None:
    """Choose a treatment and plan actions, or close an action (the last one re-assesses the residual risk)."""
    from qtqms.risk import schemas, service

    if close is None and not option:
        fail("give --option to plan a treatment, or --close ACTION_ID to close an action")
    with use_case(write=True, reason=reason) as (uow, actor):
        if close is not None:
            if close not in {a.id for a in service.get_risk(uow, actor, ref).actions}:
                fail(f"action {close} is not an action of {ref}")
            service.close_action(
                uow, actor, close, schemas.ActionClose(note=note, residual=_rating(residual, "residual"))
            )
        else:
            data = schemas.TreatmentIn(option=option, plan=plan, actions=[_action(a) for a in action or []])
            service.treat_risk(uow, actor, ref, data)
        risk = service.get_risk(uow, actor, ref)
    open_actions = sum(a.status == "open" for a in risk.actions)
    typer.echo(f"{risk.ref}: treatment {risk.treatment_option}; {open_actions} open actions; status {risk.status}")


@app.command("accept")
def accept(
    ref: str,
    justification: Annotated[str, typer.Option(help="Why the risk is acceptable (10+ characters)")],
    expires: Annotated[str, typer.Option(help="YYYY-MM-DD (default: end of the level's review period)")] = "",
    password_stdin: Annotated[bool, typer.Option(help="Read your password from standard input.")] = False,
    reason: str = REASON,
) -> None:
    """Accept a risk with your electronic signature (your password is asked for)."""
    from qtqms.risk import schemas, service

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt("password", hide_input=True)
    data = schemas.AcceptanceIn(password=password, justification=justification, expires_on=expires or None)
    with use_case(write=True, reason=reason) as (uow, actor):
        service.accept_risk(uow, actor, ref, data)
        risk = service.get_risk(uow, actor, ref)
    typer.echo(f"{risk.ref}: accepted until {risk.accepted_until} (signed state {risk.acceptances[0].state_hash[:16]})")


@app.command("matrix")
def matrix(
    matrix_id: Annotated[str, typer.Argument(help="Show this matrix, e.g. qtqms-5x5")] = "",
    use_for: Annotated[str, typer.Option("--use-for", help="Make MATRIX_ID the matrix of this risk domain")] = "",
    reason: str = REASON,
    as_json: bool = JSON_OPTION,
) -> None:
    """The risk matrices with their acceptance criteria, and which domain uses which."""
    from qtqms.risk import service

    if use_for:
        if not matrix_id:
            fail("--use-for needs the MATRIX_ID to use")
        with use_case(write=True, reason=reason) as (uow, actor):
            service.choose_matrix(uow, actor, use_for, matrix_id)
        typer.echo(f"{use_for} now uses {matrix_id}; risks already rated keep their matrix until re-assessed")
        return
    with use_case() as (uow, actor):
        matrices = service.list_matrices(uow, actor)
        domains = service.domain_matrices(uow, actor)
    if matrix_id:
        matrices = [m for m in matrices if m.id == matrix_id]
        if not matrices:
            fail(f"risk matrix '{matrix_id}' not found")
    tables = [
        Table(
            f"{m.id}@{m.version} {m.size}: {m.title} (verified {m.verified_on})",
            ["level", "decision", "who may accept", "treat within (days)", "review (days)"],
            [
                [
                    lv.label,
                    lv.decision,
                    ", ".join(lv.accept_roles) or "nobody",
                    lv.max_treat_days or "-",
                    lv.review_days,
                ]
                for lv in m.levels
            ],
        )
        for m in matrices
    ]
    emit(
        {"domains": domains, "matrices": matrices},
        as_json,
        Table("Matrix per domain", ["domain", "matrix"], domains.items()),
        *tables,
    )


@app.command("threats")
def threats(
    category: Annotated[str, typer.Option(help="quantum or general")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """The threat catalogue: general information-security threats and quantum-specific ones."""
    from qtqms.risk import service

    with use_case() as (uow, actor):
        found = service.list_threats(uow, actor, category=category or None)
    emit(
        found,
        as_json,
        Table("Threats", ["reference", "category", "title"], [[t.ref, t.category, t.title] for t in found]),
    )


@app.command("mosca")
def mosca(
    basis: Annotated[str, typer.Option(help="Raise risks under this CRQC scenario from now on")] = "",
    reason: str = REASON,
    as_json: bool = JSON_OPTION,
) -> None:
    """Mosca's inequality per data class, system and CRQC scenario: x, y, z, margin, deadline, raised risk."""
    from qtqms.risk import service

    if basis:
        with use_case(write=True, reason=reason) as (uow, actor):
            service.set_mosca_basis(uow, actor, basis)
    with use_case() as (uow, actor):
        report = service.mosca_report(uow, actor)
    rows = [
        [
            dc.key,
            s.system,
            f"{dc.x:g}",
            "-" if s.y is None else f"{s.y:g}",
            s.y_source or "-",
            p.scenario,
            f"{p.z:g}",
            f"{p.margin:+g}",
            p.deadline_year,
            s.risk or "",
        ]
        for dc in report.data_classes
        for s in dc.systems
        for p in s.points
    ]
    emit(
        report,
        as_json,
        f"as of {report.as_of}; scenarios {report.pack} (verified {report.pack_verified_on}); basis {report.basis}",
        Table(
            "CRQC scenarios",
            ["scenario", "CRQC year", "estimate", "horizon", "edition", "label"],
            [[s.key, s.crqc_year, s.probability, s.horizon, s.edition, s.label] for s in report.scenarios],
        ),
        Table(
            "Mosca exposure",
            ["data class", "system", "x", "y", "y from", "scenario", "z", "margin", "deadline", "risk"],
            rows,
        ),
    )


@app.command("heatmap")
def heatmap(
    kind: Annotated[str, typer.Option(help="inherent or residual")] = "inherent",
    matrix_id: Annotated[str, typer.Option("--matrix", help="Matrix id (default: the domain's)")] = "",
    domain: str = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Risk counts per likelihood and impact cell."""
    from qtqms.risk import service

    with use_case() as (uow, actor):
        heat = service.heat_map(uow, actor, kind=kind, matrix_id=matrix_id or None, domain_name=domain or None)
    rows = [[f"L{row[0].likelihood}", *(f"{c.count} {c.level_label}" for c in row)] for row in heat.rows]
    title = f"{heat.kind} risk, {heat.matrix} ({heat.not_shown} not shown)"
    emit(heat, as_json, Table(title, ["", *heat.impact_labels], rows))


@app.command("plan")
def plan(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue actions")] = False,
    as_json: bool = JSON_OPTION,
) -> None:
    """The treatment plan: open actions, earliest due first."""
    from qtqms.risk import service

    with use_case() as (uow, actor):
        actions = service.treatment_plan(uow, actor, overdue_only=overdue)
    rows = [[a.id, a.due_date, "OVERDUE" if a.overdue else "open", a.owner, a.risk_ref, a.title] for a in actions]
    emit(actions, as_json, Table("Treatment plan", ["id", "due", "state", "owner", "risk", "action"], rows))


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write; .csv or .xlsx")],
    domain: Domain = "",
    status: Status = "",
    owner: Owner = "",
    product: Product = "",
    level: Level = None,
    search: Search = "",
    source: Source = "",
    sort: Sort = "level",
    ascending: Ascending = False,
) -> None:
    """The register as CSV or XLSX (chosen by the file's extension): every risk the filters match, sorted."""
    from qtqms.risk import schemas, service

    query = schemas.RegisterQuery(
        domain=domain, status=status, owner=owner, product=product, level=level, search=search,
        source=source, sort=sort, descending=not ascending,
    )  # fmt: skip
    fmt = output.suffix.lower().lstrip(".")
    with use_case() as (uow, actor):
        exported = service.export_register(uow, actor, fmt, query)
    output.write_bytes(exported.content)
    typer.echo(f"wrote {output}")


@app.command("exposure")
def exposure(
    data_class: Annotated[str, typer.Argument(help="Data class key")],
    system: Annotated[str, typer.Argument(help="Key of the asset that protects it")],
    years: Annotated[str, typer.Option(help="Mosca's y for the system, if not set yet")] = "",
    reason: str = REASON,
) -> None:
    """Record that a system protects a data class; a harvest-now-decrypt-later risk follows if x + y > z."""
    from qtqms.risk import schemas, service

    with use_case(write=True, reason=reason) as (uow, actor):
        service.add_exposure(
            uow, actor, schemas.ExposureCreate(data_class=data_class, system=system, migration_years=years or None)
        )
    typer.echo(f"{data_class} is protected by {system}; Mosca's inequality re-run")


@asset_app.command("list")
def asset_list(as_json: bool = JSON_OPTION) -> None:
    """Assets and their owners."""
    from qtqms.risk import service

    with use_case() as (uow, actor):
        assets = service.list_assets(uow, actor)
    rows = [
        [
            a.key,
            a.kind,
            a.name,
            a.owner,
            a.product or "",
            "" if a.migration_years is None else f"{a.migration_years:g}",
            a.migration_years_source,
        ]
        for a in assets
    ]
    emit(assets, as_json, Table("Assets", ["key", "kind", "name", "owner", "product", "migration y", "y from"], rows))


@asset_app.command("add")
def asset_add(
    key: str,
    name: Annotated[str, typer.Option()],
    kind: Annotated[
        str, typer.Option(help="information, software, service, hardware, quantum-equipment, people, site")
    ],
    owner: Annotated[str, typer.Option(help="Owner's username")],
    product: str = "",
    description: str = "",
    reason: str = REASON,
) -> None:
    """Add an asset; every asset has an owner."""
    from qtqms.risk import schemas, service

    data = schemas.AssetCreate(
        key=key, name=name, kind=kind, owner=owner, product=product or None, description=description
    )
    with use_case(write=True, reason=reason) as (uow, actor):
        service.create_asset(uow, actor, data)
    typer.echo(f"added asset {key}")


@asset_app.command("migration-years")
def asset_migration_years(key: str, years: str, reason: str = REASON) -> None:
    """Set Mosca's y (years to migrate to post-quantum crypto) for a system; re-runs Mosca."""
    from qtqms.risk import service

    with use_case(write=True, reason=reason) as (uow, actor):
        service.set_migration_years(uow, actor, system=key, years=years, source="entered")
    typer.echo(f"{key}: y = {years} years")


@data_class_app.command("list")
def data_class_list(as_json: bool = JSON_OPTION) -> None:
    """Data classes with their shelf life (x)."""
    from qtqms.risk import service

    with use_case() as (uow, actor):
        found = service.list_data_classes(uow, actor)
    emit(
        found,
        as_json,
        Table(
            "Data classes",
            ["key", "name", "x (years)", "sensitivity", "owner"],
            [[d.key, d.name, f"{d.shelf_life_years:g}", d.sensitivity, d.owner] for d in found],
        ),
    )


@data_class_app.command("add")
def data_class_add(
    key: str,
    name: Annotated[str, typer.Option()],
    shelf_life: Annotated[str, typer.Option(help="Mosca's x: years the data must stay confidential")],
    sensitivity: Annotated[str, typer.Option(help="low, moderate, high or critical")],
    owner: str = "",
    reason: str = REASON,
) -> None:
    """Add a data class."""
    from qtqms.risk import schemas, service

    data = schemas.DataClassCreate(
        key=key, name=name, shelf_life_years=shelf_life, sensitivity=sensitivity, owner=owner or None
    )
    with use_case(write=True, reason=reason) as (uow, actor):
        service.create_data_class(uow, actor, data)
    typer.echo(f"added data class {key}")


@data_class_app.command("set")
def data_class_set(
    key: str,
    shelf_life: Annotated[str, typer.Option(help="Mosca's x: years the data must stay confidential")] = "",
    sensitivity: str = "",
    reason: str = REASON,
) -> None:
    """Change a data class's shelf life or sensitivity; re-runs Mosca and updates the risks it raised."""
    from qtqms.risk import schemas, service

    data = schemas.DataClassUpdate(shelf_life_years=shelf_life or None, sensitivity=sensitivity or None)
    with use_case(write=True, reason=reason) as (uow, actor):
        service.update_data_class(uow, actor, key, data)
    typer.echo(f"updated data class {key}")
