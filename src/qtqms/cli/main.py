"""The `qtqms` command: root options, set-up commands, and every slice's sub-commands."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from qtqms import __version__
from qtqms.catalog.cli import app as catalog_app
from qtqms.catalog.cli import control_app, soa_app
from qtqms.catalog.cli import readiness as readiness_command
from qtqms.cli.context import state
from qtqms.cli.output import JSON_OPTION, QtqmsGroup, print_error, print_json
from qtqms.identity.cli import token_app, user_app
from qtqms.kernel.errors import DomainError
from qtqms.org.cli import app as org_app
from qtqms.pqc.cli import app as pqc_app
from qtqms.risk.cli import app as risk_app
from qtqms.trail.cli import app as trail_app

app = typer.Typer(
    cls=QtqmsGroup,
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
    as_user: Annotated[
        str, typer.Option("--as", help="Act as this user (default: QTQMS_CLI_USER, else the first admin).")
    ] = "",
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    state.as_user = as_user


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
    from qtqms.cli.setup import initialise

    initialise(demo=demo, organisation=organisation, admin=admin, if_needed=if_needed)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (QTQMS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (QTQMS_PORT).")] = None,
) -> None:
    """Serve the web interface and the REST API."""
    from qtqms.cli.setup import serve as run_server

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
    if as_json:
        print_json(info)
    else:
        typer.echo(f"current: {info['current'] or 'empty'}  head: {info['head']}")


app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(trail_app, name="trail")
app.add_typer(org_app, name="org")
app.add_typer(catalog_app, name="catalog")
app.add_typer(control_app, name="control")
app.add_typer(soa_app, name="soa")
app.command("readiness")(readiness_command)
app.add_typer(pqc_app, name="pqc")
app.add_typer(risk_app, name="risk")


def run() -> None:
    """Console entry point: settings errors raised before a command runs also become one line."""
    try:
        app()
    except DomainError as error:
        print_error(error.message)
        sys.exit(error.exit_code)
