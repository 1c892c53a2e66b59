"""Rules of the migration plan over a crypto inventory: task states, Mosca's y, scan-to-scan changes
(pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem


def parse_day(text: str, label: str) -> date | None:
    """The day typed for an as-of date (YYYY-MM-DD; empty for none); anything else is refused, named by `label`."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        problem = Problem("not a date (YYYY-MM-DD)", field="as_of")
        raise InvalidInput(f"{label}: '{text}' is {problem.message}", [problem]) from None


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


WORKING_DAYS_PER_YEAR = 220
DAYS_PER_YEAR = 365.25


def migration_years(open_tasks: list[tuple[Any, float | None]], today: Any) -> float:
    """Mosca's y from the open tasks, as (deadline, effort in person-days) pairs.

    The migration ends when its last task ends; a task ends at its deadline, but never sooner than its
    remaining effort allows from today (an overdue or undated task still needs its effort).
    """
    longest = 0.0
    for deadline, effort_days in open_tasks:
        effort_years = (effort_days or 0.0) / WORKING_DAYS_PER_YEAR
        until_deadline = (deadline - today).days / DAYS_PER_YEAR if deadline is not None else 0.0
        longest = max(longest, until_deadline, effort_years)
    return round(longest, 2)


@dataclass(frozen=True)
class AssetChange:
    label: str
    before: str | None  # verdict in the older scan; None when added
    after: str | None  # verdict in the newer scan; None when removed


def diff_verdicts(older: dict[str, str | None], newer: dict[str, str | None]) -> dict[str, list[AssetChange]]:
    """Assets added, removed, or judged differently between two scans (label → verdict maps)."""
    return {
        "added": [AssetChange(k, None, newer[k]) for k in sorted(newer.keys() - older.keys())],
        "removed": [AssetChange(k, older[k], None) for k in sorted(older.keys() - newer.keys())],
        "changed": [
            AssetChange(k, older[k], newer[k]) for k in sorted(older.keys() & newer.keys()) if older[k] != newer[k]
        ],
    }
