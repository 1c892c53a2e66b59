"""How a CLI command opens its one transaction and finds the local user it acts as."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qtqms.db.uow import UnitOfWork
    from qtqms.kernel.actor import Actor


def _no_resolver(uow: UnitOfWork, username: str) -> Actor:
    from qtqms.kernel.errors import ConfigurationError

    raise ConfigurationError("no actor resolver: run commands through the qtqms root command")


@dataclass
class CliState:
    """Set by the root command: who to act as, and how to find that user (the identity slice knows)."""

    as_user: str = ""
    resolve_actor: Callable[[UnitOfWork, str], Actor] = _no_resolver


state = CliState()


@contextmanager
def use_case(*, write: bool = False, reason: str = "") -> Iterator[tuple[UnitOfWork, Actor]]:
    """Open a unit of work as the local user; commit on success when `write` is set."""
    from qtqms.db.runtime import get_engine
    from qtqms.db.uow import UnitOfWork
    from qtqms.settings import get_settings

    with UnitOfWork(get_engine(), write=write) as uow:
        actor = state.resolve_actor(uow, state.as_user or get_settings().cli_user)
        uow.actor = actor
        uow.reason = reason
        yield uow, actor
        if write:
            uow.commit()
