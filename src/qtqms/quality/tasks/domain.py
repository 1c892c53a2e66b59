"""The order of a task list: overdue first, then by due date (undated last), then by record."""

from __future__ import annotations

from datetime import date


def overdue(due_on: date | None, today: date) -> bool:
    return due_on is not None and due_on < today


def order_key(due_on: date | None, ref: str, today: date) -> tuple[int, date, str]:
    return (0 if overdue(due_on, today) else 1, due_on or date.max, ref)
