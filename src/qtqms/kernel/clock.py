"""The one source of 'now' and 'today', always in UTC.

Callers go through the module (`clock.now()`, `clock.today()`), never hold the function or read the system clock
themselves, so `clock.use(...)` swaps the time for every service, CLI default and ORM timestamp at once. 'Today'
is the UTC day wherever the process runs: a server in Auckland and one in Honolulu agree on due dates.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still at `at` until `at` is set again (tests, reproducible runs)."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware instant")
        self.at = self.at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at


_current: Clock = SystemClock()


def now() -> datetime:
    return _current.now()


def today() -> date:
    return _current.now().date()


@contextmanager
def use(replacement: Clock) -> Iterator[Clock]:
    """Run the block with `replacement` as the process's clock, then put the previous one back."""
    global _current
    previous, _current = _current, replacement
    try:
        yield replacement
    finally:
        _current = previous
