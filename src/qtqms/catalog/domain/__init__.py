"""Framework packs as pure data: requirement trees, cross-framework mappings and the rules they obey."""

from __future__ import annotations

from collections import abc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Protocol


class RequirementKind(StrEnum):
    CLAUSE = "clause"  # a numbered section of a standard's body
    CONTROL = "control"  # a measure an organisation puts in place
    OBJECTIVE = "objective"  # an aim that the controls beneath it serve
    GUIDANCE = "guidance"  # informative advice or a reference fact, not a requirement in itself


class Relationship(StrEnum):
    """How a source requirement relates to a target one (set semantics, as in OSCAL mapping-collection)."""

    EQUAL = "equal"
    SUBSET = "subset"  # the source asks for part of what the target asks
    SUPERSET = "superset"  # the source asks for everything the target asks, and more
    INTERSECT = "intersect"
    RELATED = "related"  # on the same topic, without a clean set relation


@dataclass(frozen=True)
class PackInfo:
    """What every pack, framework or mapping set, says about itself."""

    id: str
    title: str
    version: str
    publisher: str
    source: str
    verified_on: date
    licence: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requirement:
    id: str  # as the standard numbers it: "A.5.1", "6.1.3", "FIPS 203"
    kind: RequirementKind
    label: str  # our own short words, never the standard's text
    parent: str | None = None
    assessable: bool = True
    description: str = ""
    tags: abc.Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> values


@dataclass(frozen=True)
class FrameworkPack:
    info: PackInfo
    edition: str
    requirements: tuple[Requirement, ...]

    @property
    def id(self) -> str:
        return self.info.id

    @cached_property
    def _by_id(self) -> dict[str, Requirement]:
        return {requirement.id: requirement for requirement in self.requirements}

    @cached_property
    def _children(self) -> dict[str | None, tuple[Requirement, ...]]:
        children: dict[str | None, list[Requirement]] = {}
        for requirement in self.requirements:
            children.setdefault(requirement.parent, []).append(requirement)
        return {parent: tuple(items) for parent, items in children.items()}

    def get(self, requirement_id: str) -> Requirement | None:
        return self._by_id.get(requirement_id)

    def __contains__(self, requirement_id: object) -> bool:
        return requirement_id in self._by_id

    def children(self, requirement_id: str | None) -> tuple[Requirement, ...]:
        """Direct children in file order; `None` gives the roots."""
        return self._children.get(requirement_id, ())

    def ancestors(self, requirement_id: str) -> tuple[Requirement, ...]:
        """Parent first, root last."""
        found = []
        current = self._by_id[requirement_id].parent
        while current is not None:
            found.append(self._by_id[current])
            current = found[-1].parent
        return tuple(found)

    def walk(self) -> tuple[Requirement, ...]:
        """Every requirement, each parent before its children, siblings in file order."""
        ordered: list[Requirement] = []
        pending = list(reversed(self.children(None)))
        while pending:
            requirement = pending.pop()
            ordered.append(requirement)
            pending.extend(reversed(self.children(requirement.id)))
        return tuple(ordered)


@dataclass(frozen=True)
class Mapping:
    source: str  # requirement id in the mapping set's source pack
    target: str  # requirement id in its target pack
    relationship: Relationship
    strength: float  # 0..1: how far meeting the source goes towards meeting the target
    rationale: str


@dataclass(frozen=True)
class MappingSet:
    info: PackInfo
    source_pack: str
    target_pack: str
    mappings: tuple[Mapping, ...]

    @property
    def id(self) -> str:
        return self.info.id


Pack = FrameworkPack | MappingSet
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Violation:
    """A broken rule, located by its path in the pack's data (e.g. ("requirements", 4, "parent"))."""

    path: Path
    message: str


class TreeNode(Protocol):
    """What the tree rules read; a Requirement is one, and so is a half-valid row from a file."""

    @property
    def id(self) -> str: ...

    @property
    def parent(self) -> str | None: ...


class Link(Protocol):
    """What the mapping rules read; a Mapping is one."""

    @property
    def source(self) -> str: ...

    @property
    def target(self) -> str: ...


def requirement_tree_violations(requirements: Sequence[TreeNode]) -> list[Violation]:
    """Duplicate ids, parents that do not exist, and parent chains that loop."""
    found: list[Violation] = []
    first_index: dict[str, int] = {}
    for index, requirement in enumerate(requirements):
        if requirement.id in first_index:
            found.append(Violation(("requirements", index, "id"), f"duplicate requirement id '{requirement.id}'"))
        else:
            first_index[requirement.id] = index
    for index, requirement in enumerate(requirements):
        if requirement.parent is not None and requirement.parent not in first_index:
            message = f"parent '{requirement.parent}' is not a requirement of this pack"
            found.append(Violation(("requirements", index, "parent"), message))
    parents = {r.id: r.parent for r in requirements if r.parent in first_index}
    for loop in _parent_loops(parents):
        start = loop.index(min(loop, key=first_index.__getitem__))
        chain = " -> ".join([*loop[start:], *loop[:start], loop[start]])
        found.append(Violation(("requirements", first_index[loop[start]], "parent"), f"parent chain loops: {chain}"))
    return found


def _parent_loops(parents: abc.Mapping[str, str | None]) -> Iterable[list[str]]:
    """Each cycle in a child -> parent graph once, as the list of ids on it."""
    finished: set[str] = set()
    for start in parents:
        chain: list[str] = []
        on_chain: set[str] = set()
        node: str | None = start
        while node is not None and node not in finished and node not in on_chain:
            chain.append(node)
            on_chain.add(node)
            node = parents.get(node)
        if node is not None and node in on_chain:
            yield chain[chain.index(node) :]
        finished.update(chain)


def mapping_violations(
    source_pack: str, target_pack: str, links: Sequence[Link], packs: abc.Mapping[str, FrameworkPack]
) -> list[Violation]:
    """Both packs must be known, every row must join requirements that exist in them, each row only once."""
    found: list[Violation] = []
    for name, pack_id in (("source_pack", source_pack), ("target_pack", target_pack)):
        if pack_id not in packs:
            found.append(Violation((name,), f"no framework pack with id '{pack_id}' is known"))
    source, target = packs.get(source_pack), packs.get(target_pack)
    seen: set[tuple[str, str]] = set()
    for index, link in enumerate(links):
        for name, pack, requirement_id in (("source", source, link.source), ("target", target, link.target)):
            if pack is not None and requirement_id not in pack:
                message = f"'{requirement_id}' is not a requirement of pack '{pack.id}'"
                found.append(Violation(("mappings", index, name), message))
        if (link.source, link.target) in seen:
            message = f"mapping {link.source} -> {link.target} appears more than once"
            found.append(Violation(("mappings", index), message))
        seen.add((link.source, link.target))
    return found
