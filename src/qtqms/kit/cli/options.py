"""Parsing of option values every slice's commands share; a value that does not parse exits 2 naming its option."""

from __future__ import annotations

from datetime import date

from qtqms.kit.cli.output import fail


def day_option(text: str, name: str) -> date | None:
    """The day an option `--name` gives as YYYY-MM-DD, or None when it was left empty."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--{name} '{text}': use YYYY-MM-DD")
