"""First-run initialisation and the web server, for `qtqms init` and `qtqms serve`."""

from __future__ import annotations

import typer

from qtqms.kit.cli.output import print_table


def initialise(*, demo: bool, organisation: str, admin: str, if_needed: bool) -> None:
    from qtqms.app.demo import service as demo_service
    from qtqms.catalog import service as catalog_service
    from qtqms.db import migrate
    from qtqms.db.runtime import get_engine
    from qtqms.db.uow import UnitOfWork
    from qtqms.kernel.errors import Conflict, InvalidInput
    from qtqms.org import service as org_service
    from qtqms.settings import get_settings, secret_key

    settings = get_settings()
    engine = get_engine(require_current=False)
    migrate.upgrade(engine)
    with UnitOfWork(engine, write=True) as uow:
        catalog_service.sync_shipped_packs(uow)
        uow.commit()
    secret_key(settings)
    with UnitOfWork(engine, write=True) as uow:
        if org_service.is_initialised(uow):
            if if_needed:
                typer.echo("qtqms is already initialised; nothing to do.")
                return
            raise Conflict("qtqms is already initialised (use --if-needed to skip quietly)")
        if demo:
            credentials = demo_service.build_demo(uow)
            name, username, password = (
                credentials.organisation,
                credentials.admin_username,
                credentials.admin_password,
            )
        else:
            if not organisation:
                raise InvalidInput("--organisation NAME is required (or use --demo)")
            org, password = org_service.initialise(uow, organisation_name=organisation, admin_username=admin)
            name, username = org.name, admin
        uow.commit()
    print_table(
        f"qtqms initialised: {name}",
        ["", ""],
        [
            ["data", settings.effective_database_url],
            ["admin user", username],
            ["admin password", password],
        ],
    )
    typer.echo("The password is shown only this once. Change it after logging in, or reset it with")
    typer.echo(f"  qtqms user set-password {username}")


def serve(*, host: str | None, port: int | None) -> None:
    import uvicorn

    from qtqms.app.web import create_app
    from qtqms.db.runtime import get_engine
    from qtqms.settings import get_settings

    settings = get_settings()
    get_engine()
    bind_host = host or settings.host
    bind_port = port or settings.port
    typer.echo(f"qtqms is serving on http://{bind_host}:{bind_port}")
    typer.echo("Log in with the admin user and password printed by 'qtqms init' (reset: qtqms user set-password NAME).")
    uvicorn.run(create_app(), host=bind_host, port=bind_port, log_level="info", proxy_headers=False)
