"""What an HTML form shows when its input is refused: one message and the status to answer with."""

from __future__ import annotations

from pydantic import ValidationError

from qtqms.kernel.errors import DomainError


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
