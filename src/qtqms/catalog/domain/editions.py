"""What changed between two editions of a framework pack: requirements added, removed and changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COMPARED = ("parent", "kind", "label", "assessable", "description")


@dataclass(frozen=True)
class Change:
    requirement: str
    fields: dict[str, tuple[object, object]]  # field -> (old, new)


@dataclass(frozen=True)
class EditionDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[Change, ...]


def diff(old: Sequence[dict[str, object]], new: Sequence[dict[str, object]]) -> EditionDiff:
    """Rows are dicts with `id` and the COMPARED fields, in file order; the result keeps the new file's order."""
    before = {row["id"]: row for row in old}
    after = {row["id"]: row for row in new}
    added = tuple(str(key) for key in after if key not in before)
    removed = tuple(str(key) for key in before if key not in after)
    changed = []
    for key, row in after.items():
        if key in before:
            fields = {f: (before[key].get(f), row.get(f)) for f in COMPARED if before[key].get(f) != row.get(f)}
            if fields:
                changed.append(Change(str(key), fields))
    return EditionDiff(added, removed, tuple(changed))
