"""Shared CLI output: JSON or Rich tables on stdout, one-line errors on stderr, exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NoReturn

import typer

from qtqms.kernel.errors import DomainError

JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON instead of a table.")

EXIT_OK = 0
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


def print_error(message: str, details: Iterable[str] = ()) -> None:
    sys.stderr.write(f"error: {message}\n")
    for detail in details:
        sys.stderr.write(f"  {detail}\n")


def fail(message: str, code: int = EXIT_BAD_INPUT, details: Iterable[str] = ()) -> NoReturn:
    print_error(message, details)
    raise typer.Exit(code)


class QtqmsGroup(typer.core.TyperGroup):
    """Root command group: turns every DomainError into one error line and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            print_error(error.message, (str(p) for p in error.problems))
            raise typer.Exit(error.exit_code) from None
