"""`qtqms packs`: the one entry point to every kind of shipped, versioned data (docs/data-packs.md). It lives in
the composition root because only here is every slice's kind known; the kinds come from the slices' manifests,
installed by the root command."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from qtqms.kit.cli.output import EXIT_BAD_INPUT, JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Versioned data packs of every kind: list, show and validate.")

KIND_OPTION = typer.Option("--kind", help="Only this kind of pack (see 'qtqms packs list').")


@app.command("list")
def list_packs(kind: Annotated[str, KIND_OPTION] = "", as_json: bool = JSON_OPTION) -> None:
    """Every shipped pack with its kind, version, source and the day it was last checked against that source."""
    from qtqms.kit.packs import registry, shipped

    kinds = (registry.kind(kind),) if kind else registry.kinds()
    summaries = [pack.summary for each in kinds for pack in shipped(each)]
    rows = [[s.id, s.kind, s.version, s.verified_on, "yes" if s.verify else "", s.source] for s in summaries]
    columns = ["Id", "Kind", "Version", "Verified on", "To verify", "Source"]
    emit([asdict(summary) for summary in summaries], as_json, Table("Data packs", columns, rows))


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
    data: dict[str, Any] = pack.data
    emit(
        {**asdict(summary), "slice": pack_kind.slice, "schema": pack_kind.schema_file, "data": data},
        as_json,
        f"{summary.title or summary.id}",
        f"  {summary.kind} '{summary.id}' version {summary.version} (owned by the {pack_kind.slice} slice)",
        f"  source: {summary.source}; verified on {summary.verified_on}",
        "  some of its facts are still marked to verify against the source" if summary.verify else None,
        f"  file: {summary.file}; schema: {pack_kind.schema_file}",
        *(f"  note: {note}" for note in data.get("notes", [])),
        *(f"  {field}: {len(value)}" for field, value in data.items() if isinstance(value, list) and field != "notes"),
    )


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
    emit([_report_document(report) for report in reports], as_json, *(_report_lines(report) for report in reports))
    invalid = sum(1 for report in reports if not report.valid)
    if invalid:
        fail(f"{invalid} of {len(reports)} pack file(s) invalid", EXIT_BAD_INPUT)


def _report_document(report: Any) -> dict[str, Any]:
    return {
        "file": report.file,
        "kind": report.kind,
        "valid": report.valid,
        "id": report.summary.id if report.summary else None,
        "problems": [asdict(problem) for problem in report.problems],
    }


def _report_lines(report: Any) -> str:
    if report.summary:
        return f"{report.file}: ok ({report.kind} '{report.summary.id}' {report.summary.version})"
    return "\n".join([f"{report.file}: {len(report.problems)} problem(s)", *(f"  {p}" for p in report.problems)])
