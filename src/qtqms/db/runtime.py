"""The process-wide engine for the configured database."""

from __future__ import annotations

from sqlalchemy import Engine

from qtqms.db import migrate
from qtqms.db.engine import make_engine
from qtqms.kernel.errors import ConfigurationError
from qtqms.settings import Settings, ensure_data_dir, get_settings

_engines: dict[str, Engine] = {}
# Engines whose schema was found at head in this process. The check reads every migration script: run on every
# web request it was half the time of a small page.
_found_current: set[Engine] = set()


def engine_for(settings: Settings) -> Engine:
    url = settings.effective_database_url
    if url not in _engines:
        if url.startswith("sqlite") and not settings.database_url:
            ensure_data_dir(settings)
        _engines[url] = make_engine(url, pool_size=settings.db_pool_size)
    return _engines[url]


def get_engine(*, require_current: bool = True) -> Engine:
    """The engine; by default refuse to work on a database that is missing or not migrated to head."""
    engine = engine_for(get_settings())
    if require_current and engine not in _found_current:
        current = migrate.current_revision(engine)
        if current is None:
            raise ConfigurationError("the database is not initialised: run 'qtqms init' (or 'qtqms init --demo')")
        head = migrate.head_revision()
        if current != head:
            raise ConfigurationError(
                f"the database schema is at {current}, this qtqms needs {head}: run 'qtqms db upgrade'"
            )
        _found_current.add(engine)
    return engine


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _found_current.clear()
