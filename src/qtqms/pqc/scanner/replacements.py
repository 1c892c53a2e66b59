"""The versioned table of suggested replacements: which quantum-safe choice replaces which asset."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from qtqms.kernel.datapack import ParsedDocument, calendar_problems, schema_problems
from qtqms.kernel.errors import Problem

SCHEMA_FILE = Path(__file__).with_name("replacements.schema.json")


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


@dataclass(frozen=True)
class ReplacementTable:
    id: str
    version: str
    entries: tuple[_Entry, ...]

    @property
    def label(self) -> str:
        """How a task's rationale cites the table: "qtqms-replacements@2026.11"."""
        return f"{self.id}@{self.version}"

    def suggest(self, asset: dict[str, Any]) -> Suggestion | None:
        """The first entry that fits an asset (keys: family, primitive, asset_type, quantum_vulnerable, locations)."""
        return next((entry.suggestion for entry in self.entries if entry.fits(asset)), None)


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text("utf-8"))


def table_problems(document: ParsedDocument) -> list[Problem]:
    """Every problem of a replacement table: its schema, then its day of verification."""
    return schema_problems(document, _schema()) or calendar_problems(document, ("verified_on",))


def table_from(document: ParsedDocument) -> ReplacementTable:
    """The table a document without problems describes."""
    data = document.data
    entries = tuple(
        _Entry(
            Suggestion(e["id"], e["replacement"], " ".join(e["rationale"].split()), float(e["effort_days"])),
            e["match"],
        )
        for e in data["entries"]
    )
    return ReplacementTable(data["id"], data["version"], entries)
