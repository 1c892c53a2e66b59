"""Shared CLI output: JSON or Rich tables on stdout, one-line errors on stderr, exit codes.

A command hands its result to `emit` with the human form of it (tables and lines); `emit` prints one or the
other as `--json` says, so no command decides that on its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NoReturn

import typer

from qtqms.kernel.errors import DomainError

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")

EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=_default, indent=2, ensure_ascii=False) + "\n")


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    # On a narrow terminal the first column (what the row is) keeps its width and the others give way: a
    # name cut short ("ML-KEM-…") would hide which row it is.
    for index, column in enumerate(columns):
        table.add_column(column, no_wrap=index == 0)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    Console().print(table)


@dataclass(frozen=True)
class Table:
    """A table of the human form: a title, the column names and the rows."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]]


def emit(data: Any, as_json: bool, *human: Table | str | Callable[[], object] | None) -> None:
    """Print `data` (models, lists, dicts) as JSON when `--json` was given; otherwise print its human form in
    order: each Table as a table, each text as a line, each function by calling it (for a record's own layout);
    None, a line that does not apply, is skipped."""
    if as_json:
        print_json(data)
        return
    for part in human:
        if isinstance(part, Table):
            print_table(part.title, part.columns, part.rows)
        elif isinstance(part, str):
            typer.echo(part)
        elif part is not None:
            part()


def print_error(message: str, details: Iterable[str] = ()) -> None:
    sys.stderr.write(f"error: {message}\n")
    for detail in details:
        sys.stderr.write(f"  {detail}\n")


def fail(message: str, code: int = EXIT_BAD_INPUT, details: Iterable[str] = ()) -> NoReturn:
    print_error(message, details)
    raise typer.Exit(code)


def _problem(error: dict[str, Any]) -> str:
    where = ".".join(map(str, error["loc"]))
    return f"{where}: {error['msg']}" if where else error["msg"]


class QtqmsGroup(typer.core.TyperGroup):
    """Root command group: turns every DomainError into one error line and its exit code, and an input a schema
    refused (a pydantic ValidationError: 'five' years, an unknown status) into one error line naming the field,
    any further problems indented below it, and exit 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            print_error(error.message, (str(p) for p in error.problems))
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            if not _refused_by_a_schema(error):
                raise
            first, *others = (_problem(e) for e in error.errors())  # type: ignore[attr-defined]
            print_error(first, others)
            raise typer.Exit(EXIT_BAD_INPUT) from None


def _refused_by_a_schema(error: Exception) -> bool:
    """A pydantic ValidationError, without importing pydantic on every start: none is raised before it is loaded."""
    pydantic_core = sys.modules.get("pydantic_core")
    return pydantic_core is not None and isinstance(error, pydantic_core.ValidationError)
