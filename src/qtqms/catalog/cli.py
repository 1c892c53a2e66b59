"""qtqms catalog: framework packs and mapping sets as files (validate, export, import)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from qtqms.cli.output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, JSON_OPTION, fail, print_json

app = typer.Typer(no_args_is_help=True, help="Framework packs, cross-framework mappings and OSCAL.")


class ExportFormat(StrEnum):
    OSCAL = "oscal"
    YAML = "yaml"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Pack files: frameworks and mapping sets, checked together.")],
    as_json: bool = JSON_OPTION,
) -> None:
    """Check pack files and list every problem (file:line, field); exit 1 if any file is invalid."""
    from qtqms.catalog import packs

    results = packs.validate_files(files)
    if as_json:
        print_json(
            [
                {"file": file, "valid": not problems, "problems": [asdict(problem) for problem in problems]}
                for file, problems in results.items()
            ]
        )
    else:
        for file, problems in results.items():
            typer.echo(f"{file}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
            for problem in problems:
                typer.echo(f"  {problem}")
    invalid = sum(1 for problems in results.values() if problems)
    if invalid:
        fail(f"{invalid} of {len(results)} pack file(s) invalid", EXIT_CHECK_FAILED)


@app.command()
def export(
    pack: Annotated[str, typer.Argument(help="A shipped pack id (see the packs folder) or a pack file.")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="oscal (catalog JSON) or yaml.")] = (
        ExportFormat.YAML
    ),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """Write a pack as YAML, or a framework pack as an OSCAL catalog validated by compliance-trestle."""
    from qtqms.catalog import packs
    from qtqms.catalog.domain import FrameworkPack

    found = packs.load_file(Path(pack)) if pack.endswith(packs.PACK_SUFFIXES) else packs.find_shipped(pack)
    if format is ExportFormat.YAML:
        text = packs.dump_yaml(found)
    elif isinstance(found, FrameworkPack):
        from qtqms.interop import oscal

        text = oscal.export_catalog(found)
    else:
        fail(f"'{found.id}' is a mapping set; OSCAL export covers framework packs (use --format yaml)", EXIT_BAD_INPUT)
    _write(text, output)


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
) -> None:
    """Turn an OSCAL catalog or a CSV/XLSX requirement table into a validated framework pack (YAML)."""
    from qtqms.catalog import packs

    if file.suffix.lower() == ".json":
        from qtqms.interop import oscal

        framework = oscal.import_catalog(packs.read_text(file), source=str(file))
    else:
        from qtqms.interop import tabular

        meta = {"id": pack_id, "title": title, "version": version, "publisher": publisher, "licence": licence}
        meta |= {"edition": edition or version, "source": source or f"imported from {file.name}"}
        meta["verified_on"] = verified_on or date.today().isoformat()
        missing = [f"--{name}" for name in ("id", "title", "publisher", "licence") if not meta[name]]
        if missing:
            fail(f"importing a table needs {', '.join(missing)}", EXIT_BAD_INPUT)
        framework = tabular.read_framework_table(file, meta=meta)
    _write(packs.dump_yaml(framework), output)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
