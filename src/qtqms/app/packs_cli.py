"""`qtqms packs`: the one entry point to every kind of shipped, versioned data (docs/data-packs.md). It lives in
the composition root because only here is every slice's kind known; the kinds come from the slices' manifests,
installed by the root command."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from qtqms.kit.cli.output import EXIT_BAD_INPUT, JSON_OPTION, fail, print_json, print_table

app = typer.Typer(no_args_is_help=True, help="Versioned data packs of every kind: list, show and validate.")

KIND_OPTION = typer.Option("--kind", help="Only this kind of pack (see 'qtqms packs list').")


@app.command("list")
def list_packs(kind: Annotated[str, KIND_OPTION] = "", as_json: bool = JSON_OPTION) -> None:
    """Every shipped pack with its kind, version, source and the day it was last checked against that source."""
    from qtqms.kit.packs import registry, shipped

    kinds = (registry.kind(kind),) if kind else registry.kinds()
    summaries = [pack.summary for each in kinds for pack in shipped(each)]
    if as_json:
        print_json([asdict(summary) for summary in summaries])
        return
    rows = [[s.id, s.kind, s.version, s.verified_on, "yes" if s.verify else "", s.source] for s in summaries]
    print_table("Data packs", ["Id", "Kind", "Version", "Verified on", "To verify", "Source"], rows)


@app.command()
def show(
    pack_id: Annotated[str, typer.Argument(help="A shipped pack's id.")],
    kind: Annotated[str, KIND_OPTION] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """One shipped pack: what it is, where it comes from, its notes and what it holds."""
    from qtqms.kit.packs import registry

    pack_kind, pack = registry.find(pack_id, kind or None)
    summary = pack.summary
    if as_json:
        print_json({**asdict(summary), "slice": pack_kind.slice, "schema": pack_kind.schema_file, "data": pack.data})
        return
    typer.echo(f"{summary.title or summary.id}")
    typer.echo(f"  {summary.kind} '{summary.id}' version {summary.version} (owned by the {pack_kind.slice} slice)")
    typer.echo(f"  source: {summary.source}; verified on {summary.verified_on}")
    if summary.verify:
        typer.echo("  some of its facts are still marked to verify against the source")
    typer.echo(f"  file: {summary.file}; schema: {pack_kind.schema_file}")
    data: dict[str, Any] = pack.data
    for note in data.get("notes", []):
        typer.echo(f"  note: {note}")
    for field, value in data.items():
        if isinstance(value, list) and field != "notes":
            typer.echo(f"  {field}: {len(value)}")


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Pack files of any kind, checked together.")],
    kind: Annotated[str, typer.Option("--kind", help="Check every file as this kind instead of telling it.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Check pack files without loading anything and list every problem (file:line:field); exit 2 if any. The
    kind is told from each document (its 'kind' field, or the rules of a crypto policy and the entries of a
    replacement table); a pack may refer to shipped packs and to valid ones given with it."""
    from qtqms.kit.packs import check_files, registry

    reports = check_files(files, registry.kinds(), forced=registry.kind(kind) if kind else None)
    if as_json:
        print_json(
            [
                {
                    "file": report.file,
                    "kind": report.kind,
                    "valid": report.valid,
                    "id": report.summary.id if report.summary else None,
                    "problems": [asdict(problem) for problem in report.problems],
                }
                for report in reports
            ]
        )
    else:
        for report in reports:
            if report.summary:
                typer.echo(f"{report.file}: ok ({report.kind} '{report.summary.id}' {report.summary.version})")
                continue
            typer.echo(f"{report.file}: {len(report.problems)} problem(s)")
            for problem in report.problems:
                typer.echo(f"  {problem}")
    invalid = sum(1 for report in reports if not report.valid)
    if invalid:
        fail(f"{invalid} of {len(reports)} pack file(s) invalid", EXIT_BAD_INPUT)
