"""One way every HTML form runs: validate and call the use case, then redirect after the post with a notice, or
show the same form again with what the user typed and every problem next to its field, in plain words."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.errors import DomainError, Problem
from qtqms.kit.web.security import set_flash

Result = TypeVar("Result")

# What pydantic's error types mean, said as a person filling a form would want to read it.
_PLAIN_WORDS: dict[str, Callable[[dict], str]] = {
    "missing": lambda e: "this is required",
    "string_too_short": lambda e: (
        "this is required"
        if e["ctx"].get("min_length") == 1
        else f"use at least {e['ctx'].get('min_length')} characters"
    ),
    "string_too_long": lambda e: f"use at most {e['ctx'].get('max_length')} characters",
    "string_pattern_mismatch": lambda e: "this is not in the expected form",
    "date_from_datetime_parsing": lambda e: "enter a date as YYYY-MM-DD, e.g. 2027-03-31",
    "date_parsing": lambda e: "enter a date as YYYY-MM-DD, e.g. 2027-03-31",
    "date_type": lambda e: "enter a date as YYYY-MM-DD, e.g. 2027-03-31",
    "datetime_from_date_parsing": lambda e: "enter a date and time as YYYY-MM-DD HH:MM",
    "datetime_parsing": lambda e: "enter a date and time as YYYY-MM-DD HH:MM",
    "int_parsing": lambda e: "enter a whole number",
    "int_from_float": lambda e: "enter a whole number",
    "float_parsing": lambda e: "enter a number",
    "decimal_parsing": lambda e: "enter a number",
    "bool_parsing": lambda e: "choose yes or no",
    "greater_than": lambda e: f"must be more than {e['ctx'].get('gt')}",
    "greater_than_equal": lambda e: f"must be {e['ctx'].get('ge')} or more",
    "less_than": lambda e: f"must be less than {e['ctx'].get('lt')}",
    "less_than_equal": lambda e: f"must be {e['ctx'].get('le')} or less",
    "enum": lambda e: f"choose one of {e['ctx'].get('expected')}",
    "literal_error": lambda e: f"choose one of {e['ctx'].get('expected')}",
    "url_parsing": lambda e: "enter a full address starting with https://",
    "url_scheme": lambda e: "enter a full address starting with https://",
}


def plain_words(error: Mapping[str, Any]) -> str:
    """One pydantic error as a sentence a user understands; custom validators' own messages pass through."""
    explain = _PLAIN_WORDS.get(error["type"])
    if explain is not None:
        return explain({**error, "ctx": error.get("ctx") or {}})
    message = str(error["msg"])
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


@dataclass
class FormErrors:
    """Every problem with one submission: those that belong to a field, and those that belong to the whole form."""

    status: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def add(self, name: str, message: str, known: Collection[str]) -> None:
        if name in known:
            self.fields.setdefault(name, []).append(message)
        else:
            self.general.append(f"{name}: {message}" if name else message)

    def count(self) -> int:
        return sum(map(len, self.fields.values())) + len(self.general)

    def summary(self) -> str:
        """The line shown above the form: how many problems and where to look."""
        n = self.count()
        if not self.fields:
            return self.general[0] if n == 1 else f"{n} problems to fix:"
        marked = "the marked field" + ("s" if len(self.fields) > 1 else "")
        return f"{n} problem{'s' if n > 1 else ''} to fix: see {marked}" + (" and below" if self.general else "")

    def listed(self) -> list[str]:
        """The problems the summary does not already say."""
        return [] if not self.fields and len(self.general) == 1 else self.general

    @classmethod
    def of(cls, error: DomainError | ValidationError, known: Collection[str]) -> FormErrors:
        """Sort a refusal's problems by field. A schema names each field by its location (a list entry as
        `requirements[2]` belongs to `requirements`); a service names it in its Problems, or not at all."""
        if isinstance(error, ValidationError):
            found = cls(status=422)
            for entry in error.errors():
                location = [str(part) for part in entry["loc"]]
                name = location[0] if location else ""
                line = f"entry {int(location[1]) + 1}: " if len(location) > 1 and location[1].isdigit() else ""
                found.add(name, line + plain_words(entry), known)
            return found
        found = cls(status=error.http_status)
        for problem in error.problems:
            found.add(_field_of(problem), problem.message, known)
        if not error.problems:
            found.general.append(error.message)
        return found


def _field_of(problem: Problem) -> str:
    return problem.field or problem.where.partition("[")[0]


@dataclass
class FormState:
    """What a form template shows: the values as typed and, after a refusal, the problems."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: FormErrors | None = None

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def problems(self, name: str) -> list[str]:
        return self.errors.fields.get(name, []) if self.errors else []


def run_form(
    uow: UnitOfWork,
    use_case: Callable[[], Result],
    *,
    fields: Collection[str],
    done: Callable[[Result], RedirectResponse],
    again: Callable[[FormErrors], Response],
    passing: Collection[int] = (403,),
) -> Response:
    """Run a submitted form's use case. On success, `done(result)` names where to go (redirect-after-post, so a
    reload never posts twice); on a refusal, the transaction is rolled back and `again(errors)` shows the form
    with every problem. Errors with a status in `passing` are not form problems (permission, by default): they
    go to the error page."""
    try:
        result = use_case()
    except (ValidationError, DomainError) as error:
        if getattr(error, "http_status", 0) in passing:
            raise
        uow.rollback()
        return again(FormErrors.of(error, fields))
    return done(result)


def see_other(url: str, notice: str = "") -> RedirectResponse:
    """Redirect after a post (303), carrying a notice the next page shows once."""
    response = RedirectResponse(url, status_code=303)
    if notice:
        set_flash(response, notice)
    return response


def attempt(
    uow: UnitOfWork, use_case: Callable[[], Result], *, passing: Collection[int] = (403,)
) -> tuple[Result | None, DomainError | ValidationError | None]:
    """Run a form's use case: (its result, None), or, when a schema or a service refuses the input, (None, why)
    after rolling back. For forms not yet on `run_form`."""
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
        words = plain_words(first)
        return 422, f"{record}{location}: {words}" if location else f"{record}{words}"
    return error.http_status, error.message
