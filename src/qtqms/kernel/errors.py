"""Domain errors: each carries the HTTP status and CLI exit code it maps to."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    where: str = ""  # "file.yaml:12", "row 7", a field name or an id
    field: str = ""

    def __str__(self) -> str:
        location = ":".join(part for part in (self.where, self.field) if part)
        return f"{location}: {self.message}" if location else self.message


@dataclass
class DomainError(Exception):
    """Base class; `message` is one line a user can act on."""

    message: str
    problems: list[Problem] = field(default_factory=list)
    http_status = 400
    exit_code = 2
    code = "bad_request"

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    http_status = 422
    code = "invalid_input"


class NotFound(DomainError):
    http_status = 404
    code = "not_found"


class Conflict(DomainError):
    http_status = 409
    code = "conflict"


class PermissionDenied(DomainError):
    http_status = 403
    code = "forbidden"


class NotAuthenticated(DomainError):
    http_status = 401
    code = "not_authenticated"


class TooLarge(DomainError):
    http_status = 413
    code = "too_large"


class TooManyAttempts(DomainError):
    http_status = 429
    code = "too_many_attempts"


class CheckFailed(DomainError):
    """A check the user asked for did not pass (tampering found, policy violated, gate blocked)."""

    http_status = 409
    exit_code = 1
    code = "check_failed"


class ConfigurationError(DomainError):
    """A setting or the environment is unusable (bad URL, unwritable data dir)."""

    http_status = 500
    code = "configuration"
