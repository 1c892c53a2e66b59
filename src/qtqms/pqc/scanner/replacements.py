"""The versioned table of suggested replacements: which quantum-safe choice replaces which asset."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qtqms.kernel.datapack import parse_yaml

REPLACEMENTS_FILE = Path(__file__).with_name("replacements.yaml")


@dataclass(frozen=True)
class Suggestion:
    id: str
    replacement: str
    rationale: str
    effort_days: float


@dataclass(frozen=True)
class _Entry:
    suggestion: Suggestion
    match: dict[str, Any]

    def fits(self, asset: dict[str, Any]) -> bool:
        checks = {
            "families": lambda v: asset["family"] in v,
            "primitives": lambda v: asset["primitive"] in v,
            "asset_types": lambda v: asset["asset_type"] in v,
            "quantum_vulnerable": lambda v: asset["quantum_vulnerable"] is v,
            "path_contains": lambda v: any(word in loc for loc in asset["locations"] for word in v),
        }
        return all(checks[key](value) for key, value in self.match.items())


@cache
def _table() -> tuple[str, tuple[_Entry, ...]]:
    data = parse_yaml(REPLACEMENTS_FILE.read_text("utf-8"), source=str(REPLACEMENTS_FILE)).data
    entries = tuple(
        _Entry(
            Suggestion(e["id"], e["replacement"], " ".join(e["rationale"].split()), float(e["effort_days"])),
            e["match"],
        )
        for e in data["entries"]
    )
    return f"{data['id']}@{data['version']}", entries


def table_version() -> str:
    return _table()[0]


def suggest(asset: dict[str, Any]) -> Suggestion | None:
    """The first entry that fits an asset (keys: family, primitive, asset_type, quantum_vulnerable, locations)."""
    return next((entry.suggestion for entry in _table()[1] if entry.fits(asset)), None)
