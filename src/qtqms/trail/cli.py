"""`qtqms trail …`: browse, export and verify the audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from qtqms.kit.cli.context import use_case
from qtqms.kit.cli.output import EXIT_CHECK_FAILED, JSON_OPTION, Table, emit

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


@app.command("list")
def list_events(
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    entity: Annotated[str, typer.Option(help="Only events of this entity type, e.g. user_account.")] = "",
    entity_id: Annotated[str, typer.Option(help="Only events of this entity id.")] = "",
    actor: Annotated[str, typer.Option(help="Only events by this username.")] = "",
    before: Annotated[int | None, typer.Option(help="Only events older than this sequence number.")] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """The newest events first."""
    from qtqms.trail import service

    with use_case() as (uow, who):
        page = service.list_events(
            uow,
            who,
            limit=limit,
            before_seq=before,
            entity_type=entity or None,
            entity_id=entity_id or None,
            actor_name=actor or None,
        )
    rows = [
        [
            e.seq,
            f"{e.occurred_at:%Y-%m-%d %H:%M:%S}",
            e.actor_name,
            e.action,
            f"{e.entity_type} {e.entity_id}",
            e.entity_label,
        ]
        for e in page.events
    ]
    emit(page, as_json, Table("Audit trail", ["seq", "when (UTC)", "who", "action", "entity", "label"], rows))


@app.command("export")
def export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Every event, oldest first, as JSON lines (one event per line, with its hashes)."""
    from qtqms.trail import service

    with use_case() as (uow, who):
        lines = (
            json.dumps(e.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
            for e in service.export_events(uow, who)
        )
        if output is None:
            for line in lines:
                typer.echo(line)
            return
        count = 0
        with output.open("w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line + "\n")
                count += 1
    typer.echo(f"exported {count} events to {output}", err=True)


@app.command("verify")
def verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="A checkpoint file (`qtqms trail checkpoint`): prove the trail still holds what it vouches for."
        ),
    ] = None,
    since_checkpoint: Annotated[
        bool, typer.Option(help="With --checkpoint: recompute only the events after it (quick, for routine runs).")
    ] = False,
    as_json: bool = JSON_OPTION,
) -> None:
    """Recompute the hash chain: exit 0 when intact, 1 naming the first bad event otherwise."""
    from qtqms.trail import service

    with use_case() as (uow, who):
        result = service.verify(uow, who, checkpoint, since_checkpoint=since_checkpoint)
    if result.intact:
        vouched = (f"; matches the checkpoint of event {result.checkpoint_seq} cut at {result.checkpoint_cut_at} "
                   f"(key {result.key_fingerprint})" if result.checkpoint_seq is not None else "")  # fmt: skip
        emit(result, as_json, f"audit trail intact: {result.events_checked} events checked, head at "
                              f"{result.head_seq}{vouched}")  # fmt: skip
    else:
        # A broken chain is reported on stderr, so the human line is a function rather than a text for stdout.
        broken = f"audit trail BROKEN at event {result.first_bad_seq}: {result.reason}"
        emit(result, as_json, lambda: typer.echo(broken, err=True))
        raise typer.Exit(EXIT_CHECK_FAILED)


@app.command("checkpoint")
def checkpoint(
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory to write to (default: QTQMS_CHECKPOINT_DIR).")
    ] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Sign the trail's head with the checkpoint key and write it to a file: keep copies out of the database's reach."""
    from qtqms.trail import service

    with use_case() as (uow, who):
        cut = service.cut_checkpoint(uow, who, out)
    emit(cut, as_json, f"checkpoint of event {cut.seq} written to {cut.path} (key {cut.key_fingerprint})")
