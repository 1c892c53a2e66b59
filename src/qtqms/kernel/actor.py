"""Who performs a use case."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    role: str
    organisation_id: int
    display_name: str = ""
    # The organisation is the fictional demo company: every page it sees says so.
    demo: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.username
