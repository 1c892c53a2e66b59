"""Schema migrations shipped in the package, run through Alembic's API."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from qtqms.kernel.errors import ConfigurationError


def _config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "qtqms.db:migrations")
    config.attributes["connection"] = connection
    return config


def _unreachable(engine: Engine, error: OperationalError) -> ConfigurationError:
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return ConfigurationError(f"cannot open the database {engine.url.render_as_string()}: {detail}")


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    try:
        with engine.begin() as connection:
            command.upgrade(_config(connection), revision)
    except OperationalError as error:
        raise _unreachable(engine, error) from None


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as error:
        raise _unreachable(engine, error) from None


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    with_config = _config(None)
    return ScriptDirectory.from_config(with_config).get_current_head()
