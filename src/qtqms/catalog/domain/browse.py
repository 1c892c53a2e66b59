"""The framework browser's tree: which requirements a search shows and which branches start unfolded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Node(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def parent(self) -> str | None: ...

    @property
    def label(self) -> str: ...

    @property
    def description(self) -> str: ...


class Unfold(StrEnum):
    DEFAULT = ""  # the top level open; with a search, the way down to every match
    ALL = "all"
    NONE = "none"


@dataclass(frozen=True)
class Tree:
    children: dict[str | None, list]  # parent id (None: the roots) -> shown children, in pack order
    opened: frozenset[str]
    matches: frozenset[str]


def tree(requirements: Sequence[Node], query: str = "", unfold: Unfold = Unfold.DEFAULT) -> Tree:
    """Without a query every requirement is shown. With one, the requirements whose id, label or description
    contain it (any case), their ancestors (unfolded, so each match is in sight) and their descendants."""
    everything: dict[str | None, list] = {}
    for requirement in requirements:
        everything.setdefault(requirement.parent, []).append(requirement)
    needle = query.strip().lower()
    matches = {r.id for r in requirements if needle and needle in f"{r.id} {r.label} {r.description}".lower()}
    parents = {r.id: r.parent for r in requirements}
    ancestors = {a for ref in matches for a in _ancestors(ref, parents)}
    shown = matches | ancestors | _descendants(matches, everything) if needle else set(parents)
    children = {parent: kept for parent, items in everything.items() if (kept := [r for r in items if r.id in shown])}
    branches = {parent for parent in children if parent is not None}
    if unfold is Unfold.ALL:
        opened = branches
    elif unfold is Unfold.NONE:
        opened = set()
    else:
        opened = ancestors if needle else {r.id for r in children.get(None, [])} & branches
    return Tree(children=children, opened=frozenset(opened), matches=frozenset(matches))


def _ancestors(ref: str, parents: dict[str, str | None]) -> list[str]:
    found: list[str] = []
    current = parents.get(ref)
    while current is not None and current not in found:  # a pack's tree has no loops; stay finite all the same
        found.append(current)
        current = parents.get(current)
    return found


def _descendants(refs: set[str], children: dict[str | None, list]) -> set[str]:
    found: set[str] = set()
    pending = list(refs)
    while pending:
        for child in children.get(pending.pop(), ()):
            if child.id not in found:
                found.add(child.id)
                pending.append(child.id)
    return found
