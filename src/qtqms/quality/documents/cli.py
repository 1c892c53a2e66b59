"""`qtqms document …`: the document register, writing and versioning documents, signed reviews and approvals,
releasing, acknowledging, links, diffs and exports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import JSON_OPTION, Table, emit, fail

app = typer.Typer(no_args_is_help=True, help="Controlled documents: versions, signed approvals, acknowledgements.")

REF = Annotated[str, typer.Argument(help="The document's reference, e.g. DOC-0001.")]
REASON = Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")]


def _names(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def _read_text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{path}: cannot read it as UTF-8 text: {error}")


def _show(document) -> None:
    shown = document.shown
    typer.echo(f"{document.ref} {document.title} [{document.kind}] {document.status}")
    typer.echo(f"  effective version: {document.effective_version or 'none'}; latest: {document.latest_version}")
    typer.echo(
        f"  periodic review: {document.review}" + (f" ({document.next_review_on})" if document.next_review_on else "")
    )
    typer.echo(f"  serves: {', '.join(document.requirements + document.controls) or 'nothing linked'}")
    typer.echo(f"  shown: v{shown.version} {shown.status}, by {shown.author}; why: {shown.change_reason}")
    typer.echo(f"  state sha256: {shown.state_hash}")
    for s in shown.sign_offs:
        if s.signed:
            verdict = "valid" if s.valid else f"INVALID: {s.verification}"
            typer.echo(f"  {s.part}: {s.name} ({s.username}) {s.meaning} {s.signed_at:%Y-%m-%d %H:%M} UTC, {verdict}")
        else:
            typer.echo(f"  {s.part}: {s.name} ({s.username}) waiting")
    if shown.file:
        typer.echo(f"  file: {shown.file.filename} (evidence {shown.file.evidence_id}, sha256 {shown.file.sha256})")


@app.command("list")
def list_documents(
    kind: Annotated[str, typer.Option(help="policy, procedure, work_instruction, form or record.")] = "",
    status: Annotated[str, typer.Option(help="draft, in_review, approved, effective or obsolete.")] = "",
    search: Annotated[str, typer.Option(help="Title words or DOC-0042.")] = "",
    review: Annotated[str, typer.Option(help="due or overdue.")] = "",
    requirement: Annotated[str, typer.Option(help="Serving this requirement, pack:REQ.")] = "",
    limit: Annotated[int, typer.Option(help="Rows per page (1-200).")] = 50,
    cursor: Annotated[str, typer.Option(help="The next page's cursor, as the last page printed it.")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """The document register, filtered; one page at a time."""
    from qtqms.quality.documents import service
    from qtqms.quality.documents.schemas import DocumentQuery

    query = DocumentQuery(kind=kind, status=status, search=search, review=review, requirement=requirement,
                          limit=limit, cursor=cursor)  # fmt: skip
    with use_case() as (uow, actor):
        page = service.list_documents(uow, actor, query)
    rows = [[d.ref, d.title, d.kind, d.status, d.effective_version or "", d.owner, d.review, d.next_review_on or ""]
            for d in page.rows]  # fmt: skip
    more = f"next page: --cursor {page.next_cursor}" if page.next_cursor else None
    emit(page, as_json, Table(f"Documents ({page.total})", ["ref", "title", "kind", "status", "effective", "owner",
                                                           "review", "next review"], rows), more)  # fmt: skip


@app.command("show")
def show(ref: REF, version: Annotated[int, typer.Option(help="A version other than the effective one.")] = 0,
         as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """A document: the effective version (or the one asked for), its signatures checked."""
    from qtqms.quality.documents import service

    with use_case() as (uow, actor):
        document = service.get_document(uow, actor, ref, version or None)
    emit(document, as_json, lambda: _show(document))


@app.command("new")
def new(
    kind: Annotated[str, typer.Argument(help="policy, procedure, work_instruction, form or record.")],
    title: Annotated[str, typer.Argument(help="The document's title.")],
    reason: REASON,
    content: Annotated[Path | None, typer.Option(help="A Markdown file with the content.")] = None,
    reviewers: Annotated[str, typer.Option(help="Reviewers' usernames, comma-separated.")] = "",
    approvers: Annotated[str, typer.Option(help="Approvers' usernames, comma-separated.")] = "",
    audience: Annotated[str, typer.Option(help="Roles that must acknowledge it ('all': everyone).")] = "",
    requirements: Annotated[str, typer.Option(help="Requirements it serves, pack:REQ, comma-separated.")] = "",
    controls: Annotated[str, typer.Option(help="Control keys it serves, comma-separated.")] = "",
    review_months: Annotated[int, typer.Option(help="Periodic review interval in months.")] = 12,
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a new document; its first version is your draft."""
    from qtqms.quality.documents import service
    from qtqms.quality.documents.schemas import DocumentCreate

    data = DocumentCreate(kind=kind, title=title, content=_read_text(content) or "", change_reason=reason,
                          reviewers=_names(reviewers), approvers=_names(approvers), audience=_names(audience),
                          requirements=_names(requirements), controls=_names(controls),
                          review_interval_months=review_months)  # fmt: skip
    with use_case(write=True, reason=reason) as (uow, actor):
        document = service.create_document(uow, actor, data)
    emit(document, as_json, f"{document.ref} written as a draft (version 1)")


def _draft_change(reason: str, title: str, content: Path | None, reviewers: str | None, approvers: str | None):
    from qtqms.quality.documents.schemas import DraftChange

    return DraftChange(title=title or None, content=_read_text(content), change_reason=reason,
                       reviewers=_names(reviewers) if reviewers is not None else None,
                       approvers=_names(approvers) if approvers is not None else None)  # fmt: skip


TITLE = Annotated[str, typer.Option(help="A new title.")]
CONTENT = Annotated[Path | None, typer.Option(help="A Markdown file with the new content.")]
REVIEWERS = Annotated[str | None, typer.Option(help="Reviewers' usernames, comma-separated (replaces them).")]
APPROVERS = Annotated[str | None, typer.Option(help="Approvers' usernames, comma-separated (replaces them).")]


@app.command("new-version")
def new_version(ref: REF, reason: REASON, title: TITLE = "", content: CONTENT = None, reviewers: REVIEWERS = None,
                approvers: APPROVERS = None, as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """Start the next version as your draft, from the latest one."""
    from qtqms.quality.documents import service

    with use_case(write=True, reason=reason) as (uow, actor):
        document = service.new_version(uow, actor, ref, _draft_change(reason, title, content, reviewers, approvers))
    emit(document, as_json, f"{document.ref} version {document.latest_version} started as a draft")


@app.command("edit")
def edit(ref: REF, reason: REASON, title: TITLE = "", content: CONTENT = None, reviewers: REVIEWERS = None,
         approvers: APPROVERS = None, as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """Change the draft (a version in review or later is never edited)."""
    from qtqms.quality.documents import service

    with use_case(write=True, reason=reason) as (uow, actor):
        document = service.edit_draft(uow, actor, ref, _draft_change(reason, title, content, reviewers, approvers))
    emit(document, as_json, f"{document.ref} draft v{document.latest_version} saved")


@app.command("attach")
def attach(ref: REF, file: Annotated[Path, typer.Argument(help="The document as a file (at most 25 MiB).")],
           reason: REASON, as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """Make a file the draft's content, kept as evidence of the document by its SHA-256."""
    from qtqms.quality.documents import service

    try:
        handle = file.open("rb")
    except OSError as error:
        fail(f"{file}: cannot read the file: {error.strerror}")
    with handle, use_case(write=True, reason=reason) as (uow, actor):
        document = service.attach_file(uow, actor, ref, filename=file.name, content=handle, change_reason=reason)
    emit(document, as_json, f"{document.ref} draft content is now {file.name}")


@app.command("step")
def step(
    ref: REF,
    action: Annotated[str, typer.Argument(help="submit, withdraw, release, retire or discard.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (needed to withdraw, retire or discard).")] = "",
    as_json: bool = JSON_OPTION,
) -> None:
    """Move a version along the document workflow."""
    from qtqms.quality.documents import service
    from qtqms.quality.documents.schemas import StepIn

    with use_case(write=True, reason=reason) as (uow, actor):
        document = service.take_step(uow, actor, ref, StepIn(action=action, reason=reason))
    emit(document, as_json, f"{document.ref}: {action} done; status {document.status}")


def _sign(ref: str, part: str, comment: str, password_stdin: bool, as_json: bool) -> None:
    from qtqms.quality.documents import service
    from qtqms.quality.documents.domain import Part

    password = sys.stdin.readline().rstrip("\n") if password_stdin else typer.prompt("password", hide_input=True)
    with use_case(write=True) as (uow, actor):
        document = service.sign_version(uow, actor, ref, Part(part), password, comment)
    emit(document, as_json, f"{document.ref} v{document.shown.version} signed ({part}); status {document.shown.status}")


COMMENT = Annotated[str, typer.Option(help="A comment kept with the signature.")]
PASSWORD_STDIN = Annotated[bool, typer.Option(help="Read your password from standard input.")]


@app.command("review")
def review(
    ref: REF, comment: COMMENT = "", password_stdin: PASSWORD_STDIN = False, as_json: bool = JSON_OPTION
) -> None:
    """Review the version in review as a named reviewer, with your electronic signature."""
    _sign(ref, "reviewer", comment, password_stdin, as_json)


@app.command("approve")
def approve(
    ref: REF, comment: COMMENT = "", password_stdin: PASSWORD_STDIN = False, as_json: bool = JSON_OPTION
) -> None:
    """Approve the version in review as a named approver, with your electronic signature (never your own)."""
    _sign(ref, "approver", comment, password_stdin, as_json)


@app.command("ack")
def ack(ref: REF, as_json: bool = JSON_OPTION) -> None:
    """Record that you read and understood the effective version."""
    from qtqms.quality.documents import service

    with use_case(write=True) as (uow, actor):
        document = service.acknowledge(uow, actor, ref)
    emit(document, as_json, f"{document.ref} v{document.effective_version}: read and understood, recorded")


@app.command("periodic-review")
def periodic_review(ref: REF, comment: Annotated[str, typer.Option(help="What the review found.")],
                    as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """Record a periodic review of the effective version: the next one falls due an interval later."""
    from qtqms.quality.documents import service
    from qtqms.quality.documents.schemas import PeriodicReviewIn

    with use_case(write=True, reason=comment) as (uow, actor):
        document = service.confirm_periodic_review(uow, actor, ref, PeriodicReviewIn(comment=comment))
    emit(document, as_json, f"{document.ref}: next periodic review {document.next_review_on}")


@app.command("links")
def links(
    ref: REF,
    reason: REASON,
    requirements: Annotated[str, typer.Option(help="Requirements it serves, pack:REQ, comma-separated.")] = "",
    controls: Annotated[str, typer.Option(help="Control keys it serves, comma-separated.")] = "",
    audience: Annotated[str | None, typer.Option(help="Roles that must acknowledge it.")] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Set what a document serves (replacing the links) and, if given, whom it applies to."""
    from qtqms.quality.documents import service
    from qtqms.quality.documents.schemas import LinksIn

    data = LinksIn(requirements=_names(requirements), controls=_names(controls), reason=reason,
                   audience=_names(audience) if audience is not None else None)  # fmt: skip
    with use_case(write=True, reason=reason) as (uow, actor):
        document = service.set_links(uow, actor, ref, data)
    emit(
        document, as_json, f"{document.ref} serves {', '.join(document.requirements + document.controls) or 'nothing'}"
    )


@app.command("diff")
def diff(ref: REF, old: Annotated[int, typer.Option("--from", help="Older version (default: the one before).")] = 0,
         new: Annotated[int, typer.Option("--to", help="Newer version (default: the latest).")] = 0,
         as_json: bool = JSON_OPTION) -> None:  # fmt: skip
    """What changed between two versions, line by line."""
    from qtqms.quality.documents import service

    with use_case() as (uow, actor):
        found = service.diff_versions(uow, actor, ref, old or None, new or None)
    marks = {"added": "+", "removed": "-", "same": " "}
    lines = [f"{marks[line.op]} {line.text}" for line in found.lines]
    header = f"--- {found.ref} v{found.old}\n+++ {found.ref} v{found.new}"
    changed = f"also changed: {', '.join(found.changed)}" if found.changed else None
    emit(found, as_json, header, changed, "\n".join(lines) if lines else "(same content)")


@app.command("export")
def export(fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
           output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")] = Path("documents.csv"),
           status: Annotated[str, typer.Option(help="Only this status.")] = "") -> None:  # fmt: skip
    """The register as CSV, XLSX or JSON (spreadsheet text cells kept inert)."""
    from qtqms.quality.documents import service
    from qtqms.quality.documents.schemas import DocumentQuery

    with use_case() as (uow, actor):
        exported = service.export_documents(uow, actor, fmt, DocumentQuery(status=status))
    try:
        output.write_bytes(exported.content)
    except OSError as error:
        fail(f"{output}: cannot write the file: {error.strerror}")
    typer.echo(f"wrote {output}")
