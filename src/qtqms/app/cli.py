"""The `qtqms` command: root options, set-up commands, and every slice's sub-commands."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from qtqms import __version__
from qtqms.app.slices import SLICES
from qtqms.kernel.errors import DomainError
from qtqms.kit import subjects
from qtqms.kit.cli.context import state
from qtqms.kit.cli.output import JSON_OPTION, QtqmsGroup, emit, print_error
from qtqms.kit.slices import Command, Slice, resolve


# Each slice's commands are imported and built only when that slice is invoked, so `qtqms --help`
# stays fast however many commands the slices have. The one-line help is the listing in `qtqms --help`.
def commands_of(slices: Sequence[Slice]) -> dict[str, Command]:
    return {**ROOT_COMMANDS, **{name: command for piece in slices for name, command in piece.commands.items()}}


# The composition root's own commands that need every slice, loaded on demand like the slices' commands.
ROOT_COMMANDS = {
    "packs": Command("qtqms.app.packs_cli:app", "Versioned data packs of every kind: list, show and validate."),
}


SLICE_COMMANDS = commands_of(SLICES)


def _load_slice_command(name: str, command: Command) -> Any:
    """Build one slice's command exactly as if it had been mounted on the root with add_typer."""
    target = resolve(command.target)
    holder = typer.Typer(add_completion=False)
    holder.callback()(_no_options)
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    return typer.main.get_command(holder).commands[name]


def _no_options() -> None:
    """A callback makes the holder a group, so a one-command slice keeps its command name."""


class RootGroup(QtqmsGroup):
    """The root command: set-up commands defined here, slice commands loaded on demand."""

    slice_commands: dict[str, Command] = SLICE_COMMANDS
    slices: Sequence[Slice] = SLICES

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *self.slice_commands]

    def get_command(self, ctx: Any, name: str) -> Any:
        if name in self.slice_commands:
            return _load_slice_command(name, self.slice_commands[name])
        return super().get_command(ctx, name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.slice_commands:
                rows.append((name, self.slice_commands[name].help))
                continue
            command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=formatter.width - 6 - len(name))))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    cls=RootGroup,
    name="qtqms",
    help="qtqms: the Quantum Technology Quality Management System.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain help text for the root: Rich's help renderer costs more start-up time than everything else.
    rich_markup_mode=None,
)
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qtqms {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    as_user: Annotated[
        str, typer.Option("--as", help="Act as this user (default: QTQMS_CLI_USER, else the first admin).")
    ] = "",
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    state.as_user = as_user
    state.resolve_actor = _local_actor
    subjects.install(SLICES)
    # The kinds of pack every mounted slice owns, for `qtqms packs`; the registry imports them only when read.
    from qtqms.kit.packs import registry

    registry.install(target for piece in ctx.command.slices for target in piece.packs)


def _local_actor(uow: Any, username: str) -> Any:
    from qtqms.identity import service as identity_service

    return identity_service.local_actor(uow, username)


@app.command()
def init(
    demo: Annotated[bool, typer.Option("--demo", help="Create the fictional demo company.")] = False,
    organisation: Annotated[str, typer.Option(help="Organisation name (without --demo).")] = "",
    admin: Annotated[str, typer.Option(help="Username of the first admin (without --demo).")] = "admin",
    if_needed: Annotated[
        bool,
        typer.Option("--if-needed", help="Do nothing (exit 0) when the database is already initialised."),
    ] = False,
) -> None:
    """Create the database, the organisation and its first admin; print the admin password once."""
    from qtqms.app.setup import initialise

    initialise(demo=demo, organisation=organisation, admin=admin, if_needed=if_needed)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (QTQMS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (QTQMS_PORT).")] = None,
) -> None:
    """Serve the web interface and the REST API."""
    from qtqms.app.setup import serve as run_server

    run_server(host=host, port=port)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database schema to this version of qtqms."""
    from qtqms.db import migrate
    from qtqms.db.runtime import get_engine

    engine = get_engine(require_current=False)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    typer.echo(f"database schema: {before or 'empty'} -> {migrate.current_revision(engine)}")


@db_app.command("current")
def db_current(as_json: bool = JSON_OPTION) -> None:
    """Show the schema revision of the database and of this qtqms."""
    from qtqms.db import migrate
    from qtqms.db.runtime import get_engine

    engine = get_engine(require_current=False)
    info = {"current": migrate.current_revision(engine), "head": migrate.head_revision()}
    emit(info, as_json, f"current: {info['current'] or 'empty'}  head: {info['head']}")


app.add_typer(db_app, name="db")


def root_command(slices: Sequence[Slice] | None = None) -> Any:
    """The root command with these slices' commands (by default every slice in `app.slices`)."""
    command = typer.main.get_command(app)
    if slices is not None:
        command.slice_commands = commands_of(slices)
        command.slices = slices
    return command


def run() -> None:
    """Console entry point: settings errors raised before a command runs also become one line."""
    try:
        root_command()()
    except DomainError as error:
        print_error(error.message)
        sys.exit(error.exit_code)
