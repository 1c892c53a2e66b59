"""What an HTML form shows when its input is refused: one message and the status to answer with."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from pydantic import ValidationError

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import DomainError

Result = TypeVar("Result")


def attempt(
    uow: UnitOfWork, use_case: Callable[[], Result], *, passing: Collection[int] = (403,)
) -> tuple[Result | None, DomainError | ValidationError | None]:
    """Run a form's use case: (its result, None), or, when a schema or a service refuses the input, (None, why)
    after rolling back. Errors with a status in `passing` are not form problems (permission, by default): they
    propagate to the error page."""
    try:
        return use_case(), None
    except (ValidationError, DomainError) as error:
        if getattr(error, "http_status", 0) in passing:
            raise
        uow.rollback()
        return None, error


def refusal(error: DomainError | ValidationError, record: str = "") -> tuple[int, str]:
    """(HTTP status, message) for a form whose input a schema or a service refused.

    Schema errors name only a field, so `record` (e.g. "site ") says whose; service errors already
    say what they concern. Permission errors are not form problems: callers let them propagate.
    """
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        location = ".".join(map(str, first["loc"]))
        return 422, f"{record}{location}: {first['msg']}" if location else f"{record}{first['msg']}"
    return error.http_status, error.message
