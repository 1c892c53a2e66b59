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

    @property
    def label(self) -> str:
        return self.display_name or self.username


SYSTEM = Actor(user_id=0, username="system", role="admin", organisation_id=0, display_name="qtqms system")
