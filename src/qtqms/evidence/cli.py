"""`qtqms evidence …`: the organisation's evidence for any record, adding a file or a URL, downloading a file
once it has matched its recorded hash, and checking every kept file."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.options import day_option
from qtqms.kit.cli.output import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Evidence attached to any record: files kept by SHA-256, or URLs.")

SUBJECT_TYPE_HELP = "Kind of record: control, requirement, risk or product."
SUBJECT_ID_HELP = "The record's reference: CTL-KEYMGMT, 'iso27001-2022 A.8.24', R-0042, a product key."


def _opened(stack: ExitStack, path: Path) -> BinaryIO:
    try:
        return stack.enter_context(path.open("rb"))
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except OSError as error:
        fail(f"{path}: cannot read the file: {error.strerror}")


def _created(stack: ExitStack, path: Path) -> BinaryIO:
    try:
        return stack.enter_context(path.open("wb"))
    except OSError as error:
        fail(f"{path}: cannot write the file: {error.strerror}")


def attach(subject: tuple[str, str], *, title: str, file: Path | None, url: str, valid_from: str, valid_until: str):
    """Attach a file or a URL to a record; also behind `qtqms control evidence`. Bad input exits 2, one line."""
    from pydantic import ValidationError

    from qtqms.evidence import service
    from qtqms.evidence.schemas import EvidenceLinkCreate

    if bool(file) == bool(url):
        fail("give either --file or --url")
    dates = {"valid_from": day_option(valid_from, "valid-from"), "valid_until": day_option(valid_until, "valid-until")}
    with ExitStack() as stack, use_case(write=True) as (uow, actor):
        if file is not None:
            return service.add_file(uow, actor, *subject, title=title, filename=file.name,
                                    content=_opened(stack, file), **dates)  # fmt: skip
        try:
            link = EvidenceLinkCreate(title=title, url=url, **dates)
        except ValidationError as error:
            first = error.errors()[0]
            fail(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
        return service.add_url(uow, actor, *subject, title=link.title, url=str(link.url), **dates)


def _row(item) -> list:
    validity = f"{item.valid_from} – {item.valid_until or 'no end'}"
    what = item.filename if item.kind == "file" else item.url
    return [item.id, f"{item.subject_type} {item.subject_id}", item.title, item.kind, what, validity,
            "yes" if item.current else "no", item.added_by]  # fmt: skip


@app.command("list")
def list_evidence(
    subject_type: Annotated[str, typer.Option(help=SUBJECT_TYPE_HELP)] = "",
    subject_id: Annotated[str, typer.Option(help=SUBJECT_ID_HELP + " Needs --subject-type.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """The organisation's evidence, of one kind of record or one record when given."""
    from qtqms.evidence import service

    with use_case() as (uow, actor):
        found = service.list_evidence(uow, actor, subject_type=subject_type or None, subject_id=subject_id or None)
    columns = ["id", "record", "title", "kind", "file or URL", "valid", "current", "added by"]
    emit(found, as_json, Table("Evidence", columns, [_row(item) for item in found]))


@app.command("add")
def add(
    subject_type: Annotated[str, typer.Argument(help=SUBJECT_TYPE_HELP)],
    subject_id: Annotated[str, typer.Argument(help=SUBJECT_ID_HELP)],
    title: Annotated[str, typer.Option(help="What the evidence shows (default for a file: its name).")] = "",
    file: Annotated[Path | None, typer.Option(help="A file to keep (stored by its SHA-256, at most 25 MiB).")] = None,
    url: Annotated[str, typer.Option(help="A URL instead of a file.")] = "",
    valid_from: Annotated[str, typer.Option(help="YYYY-MM-DD (default today).")] = "",
    valid_until: Annotated[str, typer.Option(help="YYYY-MM-DD; empty: no end.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Attach a file or a URL, with validity dates, to a record of the organisation."""
    item = attach((subject_type, subject_id), title=title, file=file, url=url, valid_from=valid_from,
                  valid_until=valid_until)  # fmt: skip
    stored = f" (sha256 {item.sha256})" if item.sha256 else ""
    emit(item, as_json, f"evidence {item.id} added to {item.subject_type} {item.subject_id}{stored}")


@app.command("show")
def show(
    evidence_id: Annotated[int, typer.Argument(help="Evidence id (see 'qtqms evidence list').")],
    as_json: bool = JSON_OPTION,
) -> None:
    """One evidence record: its record, file or URL, validity, and who added it when."""
    from qtqms.evidence import service

    with use_case() as (uow, actor):
        item = service.get_evidence(uow, actor, evidence_id)
    if item.kind == "file":
        kept = f"  file:    {item.filename}, {item.size} bytes, sha256 {item.sha256}"
    else:
        kept = f"  url:     {item.url}"
    currency = "current" if item.current else "not current"
    added = f"{item.added_at:%Y-%m-%d %H:%M} UTC" if item.added_at else "?"
    emit(
        item,
        as_json,
        f"evidence {item.id}: {item.title}",
        f"  record:  {item.subject_type} {item.subject_id}",
        kept,
        f"  valid:   {item.valid_from} – {item.valid_until or 'no end'} ({currency})",
        f"  added:   {added} by {item.added_by or 'unknown'}",
    )


@app.command("download")
def download(
    evidence_id: Annotated[int, typer.Argument(help="Evidence id (see 'qtqms evidence list').")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write it ('-': stdout; default: its file name).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write an evidence file, once it has matched its recorded hash; a file that does not is refused (exit 1,
    recorded in the audit trail) and nothing is written."""
    from qtqms.evidence import service
    from qtqms.evidence.domain import EvidenceAltered

    try:
        with use_case() as (uow, actor):
            found = service.open_file(uow, actor, evidence_id)
    except EvidenceAltered as refusal:
        with use_case(write=True) as (uow, actor):
            service.record_failed_checks(uow, actor, [service.refused(refusal)])
        fail(refusal.message, EXIT_CHECK_FAILED)
    with ExitStack() as stack:
        stack.callback(found.copy.close)
        target = output or Path(found.filename)
        if str(target) == "-":
            sink = sys.stdout.buffer
        elif target.exists() and not force:
            fail(f"{target} exists; give --force to replace it, or --output", EXIT_BAD_INPUT)
        else:
            sink = _created(stack, target)
        for chunk in found.copy.chunks():
            sink.write(chunk)
    if str(target) != "-":
        typer.echo(f"wrote {target} ({found.copy.size} bytes, sha256 {found.copy.sha256})", err=True)


@app.command("verify")
def verify(as_json: bool = JSON_OPTION) -> None:
    """Re-read every file the organisation's evidence cites and check it against its recorded SHA-256 and size;
    exit 1 naming each that fails (and put each in the audit trail)."""
    from qtqms.evidence import service

    with use_case() as (uow, actor):
        report = service.verify_files(uow, actor)
    if report.bad:
        with use_case(write=True) as (uow, actor):
            service.record_failed_checks(uow, actor, report.bad)
    matched = f"{report.checked} file(s) of {report.records} evidence record(s) match their recorded hash"
    emit(report, as_json, None if report.bad else matched)
    if report.bad:
        names = ", ".join(f"evidence {i}" for file in report.bad for i in file.evidence)
        details = [f"sha256 {f.sha256}: {f.problem} (evidence {', '.join(map(str, f.evidence))})" for f in report.bad]
        # Not output but the exit status's message on stderr: under --json the document on stdout already holds
        # each file's problem, so only the one line is repeated there.
        fail(f"{len(report.bad)} of {report.checked} file(s) fail their check: {names}", EXIT_CHECK_FAILED,
             [] if as_json else details)  # fmt: skip
