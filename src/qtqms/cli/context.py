"""How a CLI command opens its one transaction and finds the local user it acts as."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qtqms.db.uow import UnitOfWork
    from qtqms.kernel.actor import Actor


@dataclass
class CliState:
    as_user: str = ""


state = CliState()


@contextmanager
def use_case(*, write: bool = False, reason: str = "") -> Iterator[tuple[UnitOfWork, Actor]]:
    """Open a unit of work as the local user; commit on success when `write` is set."""
    from qtqms.db.runtime import get_engine
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.settings import get_settings

    with UnitOfWork(get_engine(), write=write) as uow:
        actor = identity_service.local_actor(uow, state.as_user or get_settings().cli_user)
        uow.actor = actor
        uow.reason = reason
        yield uow, actor
        if write:
            uow.commit()
