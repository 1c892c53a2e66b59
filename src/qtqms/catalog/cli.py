"""qtqms catalog, control, soa and readiness: framework packs as files and in the database, the organisation's
controls and evidence, the Statement of Applicability, and readiness with its explanation."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qtqms.kernel import clock
from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.options import day_option
from qtqms.kit.cli.output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Framework packs, cross-framework mappings and OSCAL.")


class ExportFormat(StrEnum):
    OSCAL = "oscal"
    YAML = "yaml"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Pack files: frameworks and mapping sets, checked together.")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Check pack files, OSCAL catalogs and OSCAL profiles (.json) and list every problem (file:line, field); exit 1
    if any file is invalid. A profile's imports must resolve to a known catalog and its control ids exist there."""
    from qtqms.catalog import packs

    checked = packs.check_files([f for f in files if f.suffix.lower() != ".json"])
    results = {source: problems for source, (_, problems) in checked.items()}
    if len(results) < len(files):
        from qtqms.catalog.domain import FrameworkPack
        from qtqms.catalog.formats import oscal

        known = packs.shipped_frameworks() | {p.id: p for p, _ in checked.values() if isinstance(p, FrameworkPack)}
        results = {str(f): results[str(f)] if str(f) in results else oscal.validate_file(f, known) for f in files}
    report = [
        {"file": file, "valid": not problems, "problems": [asdict(problem) for problem in problems]}
        for file, problems in results.items()
    ]
    lines = [
        line
        for file, problems in results.items()
        for line in (
            f"{file}: {'ok' if not problems else f'{len(problems)} problem(s)'}",
            *(f"  {p}" for p in problems),
        )
    ]
    emit(report, as_json, *lines)
    invalid = sum(1 for problems in results.values() if problems)
    if invalid:
        fail(f"{invalid} of {len(results)} pack file(s) invalid", EXIT_CHECK_FAILED)


@app.command()
def export(
    pack: Annotated[str, typer.Argument(help="A loaded pack id (yours too; see 'catalog list') or a pack file.")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="oscal (catalog JSON) or yaml.")] = (
        ExportFormat.YAML
    ),
    version: Annotated[str, typer.Option(help="An older edition's pack version.")] = "",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Write a pack as YAML, or a framework pack as an OSCAL catalog validated by compliance-trestle. A pack id is
    read from the database (the shipped packs when no database is initialised yet)."""
    from qtqms.catalog import packs
    from qtqms.catalog.domain import FrameworkPack

    found = packs.load_file(Path(pack)) if pack.endswith(packs.PACK_SUFFIXES) else _pack_by_id(pack, version)
    if format is ExportFormat.YAML:
        text = packs.dump_yaml(found)
    elif isinstance(found, FrameworkPack):
        from qtqms.catalog.formats import oscal

        text = oscal.export_catalog(found)
    else:
        fail(f"'{found.id}' is a mapping set; OSCAL export covers framework packs (use --format yaml)", EXIT_BAD_INPUT)
    _write(text, output)


def _pack_by_id(pack_id: str, version: str):
    from qtqms.db import migrate
    from qtqms.db.runtime import engine_for
    from qtqms.settings import get_settings

    if migrate.current_revision(engine_for(get_settings())) is None:
        from qtqms.catalog import packs

        if version:
            fail("--version needs a database: run 'qtqms init' and load the editions first")
        return packs.find_shipped(pack_id)
    from qtqms.catalog import service

    with use_case() as (uow, actor):
        return service.loaded_pack(uow, actor, pack_id, version or None)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="An OSCAL catalog (.json) or a table (.csv, .xlsx).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the pack YAML here.")] = None,
    pack_id: Annotated[str, typer.Option("--id", help="Pack id, e.g. acme-qkd-2026 (tables only).")] = "",
    title: Annotated[str, typer.Option(help="Pack title (tables only).")] = "",
    publisher: Annotated[str, typer.Option(help="Who wrote the framework (tables only).")] = "",
    licence: Annotated[str, typer.Option(help="Licence note (tables only).")] = "",
    version: Annotated[str, typer.Option(help="Pack version (tables only).")] = "1.0.0",
    edition: Annotated[str, typer.Option(help="Edition of the framework (tables only; default: the version).")] = "",
    source: Annotated[str, typer.Option(help="Where the content comes from (tables only; default: the file).")] = "",
    verified_on: Annotated[str, typer.Option(help="YYYY-MM-DD the content was checked (tables only; today).")] = "",
    load: Annotated[bool, typer.Option("--load", help="Also load the converted pack into the database.")] = False,
) -> None:
    """Load a pack file (.yaml) into the database, or turn an OSCAL catalog or a CSV/XLSX requirement table into a
    validated framework pack (YAML; with --load, also into the database). The same id and version twice: no change."""
    from qtqms.catalog import packs

    if file.suffix.lower() in packs.PACK_SUFFIXES:
        _load_into_database(packs.load_file(file))
        return
    if file.suffix.lower() == ".json":
        from qtqms.catalog.formats import oscal

        framework = oscal.import_catalog(packs.read_text(file), source=str(file))
    else:
        from qtqms.catalog.formats import tabular

        meta = {"id": pack_id, "title": title, "version": version, "publisher": publisher, "licence": licence}
        meta |= {"edition": edition or version, "source": source or f"imported from {file.name}"}
        meta["verified_on"] = verified_on or clock.today().isoformat()
        missing = [f"--{name}" for name in ("id", "title", "publisher", "licence") if not meta[name]]
        if missing:
            fail(f"importing a table needs {', '.join(missing)}", EXIT_BAD_INPUT)
        framework = tabular.read_framework_table(file, meta=meta)
    if load:
        _load_into_database(framework)
    if output is not None or not load:
        _write(packs.dump_yaml(framework), output)


def _load_into_database(pack) -> None:
    from qtqms.catalog import service

    with use_case(write=True) as (uow, actor):
        report = service.import_pack(uow, actor, pack)
    added = report.frameworks_added + report.mapping_sets_added
    typer.echo(f"loaded {', '.join(added)}" if added else f"{pack.id} {pack.info.version} is already loaded; no change")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


@app.command("list")
def list_(
    all_editions: Annotated[bool, typer.Option("--all", help="Older editions too.")] = False,
    as_json: bool = JSON_OPTION,
) -> None:
    """Frameworks loaded in the database (current editions unless --all)."""
    from qtqms.catalog import service

    with use_case() as (uow, actor):
        found = service.list_frameworks(uow, actor, all_editions=all_editions)
    # The id first and the long texts last, so a narrow terminal wraps the title rather than cutting the id.
    rows = [[f.id, f.version, f.requirement_count, "yes" if f.is_current else "no", f.title] for f in found]
    emit(found, as_json, Table("Frameworks", ["id", "version", "requirements", "current", "title"], rows))


@app.command()
def show(
    pack_id: Annotated[str, typer.Argument(help="Framework pack id, e.g. iso27001-2022.")],
    version: Annotated[str, typer.Option(help="An older edition's pack version.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """A loaded framework and its requirement tree."""
    from qtqms.catalog import service

    with use_case() as (uow, actor):
        detail = service.show_framework(uow, actor, pack_id, version or None)
    rows = [[r.id, r.parent or "", r.kind, "yes" if r.assessable else "no", r.label] for r in detail.requirements]
    emit(
        detail,
        as_json,
        f"{detail.title} ({detail.id} {detail.version}, edition {detail.edition})",
        Table("Requirements", ["id", "parent", "kind", "assessable", "label"], rows),
    )


@app.command()
def diff(
    pack_id: Annotated[str, typer.Argument(help="Framework pack id.")],
    old: Annotated[str, typer.Argument(help="Older pack version.")],
    new: Annotated[str, typer.Argument(help="Newer pack version.")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Requirements added, removed and changed between two loaded editions."""
    from qtqms.catalog import service

    with use_case() as (uow, actor):
        found = service.diff_editions(uow, actor, pack_id, old, new)
    emit(
        found,
        as_json,
        f"{pack_id} {old} -> {new}: {len(found.added)} added, {len(found.removed)} removed, "
        f"{len(found.changed)} changed",
        *(f"  + {ref}" for ref in found.added),
        *(f"  - {ref}" for ref in found.removed),
        *(f"  ~ {change.requirement}: {', '.join(change.fields)}" for change in found.changed),
    )


control_app = typer.Typer(no_args_is_help=True, help="The organisation's controls and their evidence.")
soa_app = typer.Typer(no_args_is_help=True, help="Statement of Applicability (ISO/IEC 27001 and 42001 Annex A).")


@control_app.command("list")
def control_list(as_json: bool = JSON_OPTION) -> None:
    """Controls with their requirements and evidence."""
    from qtqms.catalog import service

    with use_case() as (uow, actor):
        found = service.list_controls(uow, actor)
    rows = [
        [c.key, c.title, c.owner, c.status, len(c.requirements), sum(1 for e in c.evidence if e.current)] for c in found
    ]
    emit(
        found, as_json, Table("Controls", ["key", "title", "owner", "status", "requirements", "current evidence"], rows)
    )


@control_app.command("add")
def control_add(
    key: Annotated[str, typer.Argument(help="e.g. CTL-KEYMGMT")],
    title: Annotated[str, typer.Option(help="What the control does.")],
    owner: Annotated[str, typer.Option(help="Username of its owner.")],
    status: Annotated[str, typer.Option(help="planned, in_progress, implemented or retired.")] = "planned",
    implementation: Annotated[str, typer.Option(help="How it is implemented.")] = "",
    requirement: Annotated[
        list[str], typer.Option("--requirement", "-r", help="'PACK REQUIREMENT', e.g. 'iso27001-2022 A.8.24'.")
    ] = [],  # noqa: B006
    as_json: bool = JSON_OPTION,
) -> None:
    """Add a control linked to requirements of any framework."""
    from qtqms.catalog import service
    from qtqms.catalog.schemas import ControlCreate

    data = ControlCreate(
        key=key,
        title=title,
        owner=owner,
        status=status,
        implementation=implementation,
        requirements=[_ref(text) for text in requirement],
    )
    with use_case(write=True) as (uow, actor):
        created = service.create_control(uow, actor, data)
    emit(created, as_json, f"control {created.key} added")


def _ref(text: str) -> dict[str, str]:
    framework, _, requirement = text.strip().partition(" ")
    if not requirement:
        fail(f"requirement '{text}': give the pack id and the requirement id, e.g. 'iso27001-2022 A.8.24'")
    return {"framework": framework, "requirement": requirement.strip()}


@control_app.command("set")
def control_set(
    key: Annotated[str, typer.Argument(help="Control key.")],
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    owner: Annotated[str | None, typer.Option(help="Username of the new owner.")] = None,
    status: Annotated[str | None, typer.Option(help="planned, in_progress, implemented or retired.")] = None,
    implementation: Annotated[str | None, typer.Option(help="How it is implemented.")] = None,
    review_date: Annotated[str, typer.Option(help="YYYY-MM-DD of the next review.")] = "",
    link: Annotated[list[str], typer.Option("--link", "-r", help="Also link 'PACK REQUIREMENT'.")] = [],  # noqa: B006
    unlink: Annotated[list[str], typer.Option("--unlink", help="Remove the link to 'PACK REQUIREMENT'.")] = [],  # noqa: B006
) -> None:
    """Change a control's fields and link it to more (or fewer) requirements."""
    from qtqms.catalog import service
    from qtqms.catalog.schemas import ControlUpdate, RequirementRef

    changes = {"title": title, "owner": owner, "status": status, "implementation": implementation}
    changes = {name: value for name, value in changes.items() if value is not None}
    if review_date:
        changes["review_date"] = day_option(review_date, "review-date")
    data = ControlUpdate.model_validate(changes)
    with use_case(write=True) as (uow, actor):
        if changes:
            service.update_control(uow, actor, key, data)
        for text in link:
            service.link_requirement(uow, actor, key, RequirementRef.model_validate(_ref(text)))
        for text in unlink:
            service.unlink_requirement(uow, actor, key, RequirementRef.model_validate(_ref(text)))
    typer.echo(f"control {key} updated")


@control_app.command("evidence")
def control_evidence(
    key: Annotated[str, typer.Argument(help="Control key.")],
    title: Annotated[str, typer.Option(help="What the evidence shows.")],
    file: Annotated[Path | None, typer.Option(help="A file to keep (stored by its SHA-256).")] = None,
    url: Annotated[str, typer.Option(help="A URL instead of a file.")] = "",
    valid_from: Annotated[str, typer.Option(help="YYYY-MM-DD (default today).")] = "",
    valid_until: Annotated[str, typer.Option(help="YYYY-MM-DD; empty: no end.")] = "",
) -> None:
    """Attach evidence (a file or a URL, with validity dates) to a control: 'qtqms evidence add control KEY'."""
    from qtqms.catalog.service import CONTROL_SUBJECT
    from qtqms.evidence.cli import attach

    item = attach((CONTROL_SUBJECT, key), title=title, file=file, url=url, valid_from=valid_from,
                  valid_until=valid_until)  # fmt: skip
    typer.echo(f"evidence {item.id} added to {key}{' (sha256 ' + item.sha256 + ')' if item.sha256 else ''}")


class SoaFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
    OSCAL = "oscal"


@soa_app.command("export")
def soa_export(
    framework: Annotated[str, typer.Argument(help="iso27001-2022 or iso42001-2023.")],
    format: Annotated[SoaFormat, typer.Option("--format", "-f", help="csv, xlsx, json or oscal (profile).")] = (
        SoaFormat.CSV
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """The Statement of Applicability as CSV, XLSX, JSON or an OSCAL profile validated by compliance-trestle."""
    from qtqms.catalog import service

    with use_case() as (uow, actor):
        if format is SoaFormat.OSCAL:
            from qtqms.catalog.formats import oscal

            content = oscal.export_soa_profile(framework, service.soa(uow, actor, framework)).encode()
        else:
            content, _, _ = service.export_soa(uow, actor, framework, format.value)
    if format is SoaFormat.XLSX and output is None:
        fail("XLSX is binary: give --output FILE")
    if output is None:
        typer.echo(content.decode(), nl=False)
    else:
        output.write_bytes(content)
        typer.echo(f"wrote {output}", err=True)


@soa_app.command("import")
def soa_import(
    file: Annotated[Path, typer.Argument(help="An OSCAL profile, e.g. one 'qtqms soa export -f oscal' wrote.")],
) -> None:
    """Record the SoA decisions an OSCAL profile states, after checking its import names a loaded framework and
    every control it selects exists there; any problem refuses the whole file."""
    from qtqms.catalog import packs, service

    text = packs.read_text(file)
    with use_case(write=True) as (uow, actor):
        report = service.import_soa_profile(uow, actor, text, str(file))
    left = f"; {report.undecided} without a justification left as they were" if report.undecided else ""
    typer.echo(f"{report.framework}: {report.recorded} decision(s) recorded{left}")


def readiness(
    framework: Annotated[str, typer.Option("--framework", help="One framework (default: every loaded one).")] = "",
    explain: Annotated[str, typer.Option("--explain", help="A requirement id of --framework: why its result.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Share of assessable requirements met per framework, inference through mappings included."""
    from qtqms.catalog import service

    if explain and not framework:
        fail("--explain needs --framework")
    with use_case() as (uow, actor):
        if explain:
            found = service.explain(uow, actor, framework, explain)
            return emit(found, as_json, lambda: _print_explanation(found))
        results = service.readiness(uow, actor, framework or None)
    rows = [[r.framework, r.assessable, r.met, r.partial, f"{r.score:.0%}"] for r in results]
    emit(results, as_json, Table("Readiness", ["framework", "assessable", "met", "partial", "score"], rows))


def _print_explanation(found) -> None:
    typer.echo(f"{found.framework} {found.requirement} ({found.label}): {found.status}, value {found.value:.2f}")
    for title, controls in (("controls linked directly", found.direct_controls),
                            (f"controls behind {found.origin}", found.origin_controls)):  # fmt: skip
        if controls or title.startswith("controls linked"):
            typer.echo(f"{title}:")
        for control in controls:
            current = sum(1 for e in control.evidence if e.current)
            typer.echo(f"  {control.control} ({control.status}): {current} of {len(control.evidence)} evidence current")
    if found.path:
        typer.echo(f"reached from {found.origin} by:")
        for step in found.path:
            typer.echo(f"  {step.source} -> {step.target}: {step.relationship}, strength {step.strength} "
                       f"({step.mapping_set})")  # fmt: skip
