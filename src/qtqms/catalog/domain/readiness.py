"""Readiness as pure rules: which requirements are met directly, what mappings carry, and the path behind each.

A requirement met directly has value 1. A mapping source -> target carries the source's value to the target:
`equal` and `superset` carry it whole; `subset` and `intersect` carry `strength * value` and mark the result
partial, however high the strength; `related` carries nothing. Each requirement takes the best value any path
gives it; a result is *met* only when its value is 1 and the whole path is direct, equal or superset.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qtqms.catalog.domain import Relationship

Key = tuple[str, str]  # (pack id, requirement id)

FULL = frozenset({Relationship.EQUAL, Relationship.SUPERSET})
PARTIAL = frozenset({Relationship.SUBSET, Relationship.INTERSECT})


@dataclass(frozen=True)
class Edge:
    source: Key
    target: Key
    relationship: Relationship
    strength: float
    mapping_set: str = ""

    @property
    def carries_whole(self) -> bool:
        return self.relationship in FULL

    @property
    def factor(self) -> float:
        if self.relationship in FULL:
            return 1.0
        if self.relationship in PARTIAL:
            return max(0.0, min(1.0, self.strength))
        return 0.0


@dataclass(frozen=True)
class Result:
    """How far one requirement is met, and the mapping path from the directly met requirement it comes from."""

    value: float  # 0..1
    whole: bool  # True when the value comes through direct, equal and superset steps only
    path: tuple[Edge, ...] = ()  # empty for a direct result

    @property
    def status(self) -> str:
        if self.value >= 1.0 and self.whole:
            return "met"
        return "partial" if self.value > 0 else "not met"

    @property
    def origin(self) -> Key | None:
        return self.path[0].source if self.path else None


NOT_MET = Result(0.0, False)


def _rank(result: Result) -> tuple[bool, float, int]:
    """Better results first: whole before partial, higher value, then the shorter path."""
    return (result.whole, result.value, -len(result.path))


def infer(direct: Iterable[Key], edges: Iterable[Edge]) -> dict[Key, Result]:
    """Best result for every requirement reachable from the directly met ones (a best-first search; every
    factor is at most 1, so a result popped from the queue is final)."""
    outgoing: dict[Key, list[Edge]] = {}
    for edge in edges:
        if edge.factor > 0:
            outgoing.setdefault(edge.source, []).append(edge)
    best: dict[Key, Result] = {key: Result(1.0, True) for key in direct}
    queue = [(_queue_key(result), key) for key, result in best.items()]
    heapq.heapify(queue)
    done: set[Key] = set()
    while queue:
        _, key = heapq.heappop(queue)
        if key in done:
            continue
        done.add(key)
        here = best[key]
        for edge in outgoing.get(key, ()):
            if edge.target in done:
                continue
            offered = Result(here.value * edge.factor, here.whole and edge.carries_whole, (*here.path, edge))
            current = best.get(edge.target)
            if current is None or _rank(offered) > _rank(current):
                best[edge.target] = offered
                heapq.heappush(queue, (_queue_key(offered), edge.target))
    return best


def _queue_key(result: Result) -> tuple[bool, float, int]:
    whole, value, shorter = _rank(result)
    return (not whole, -value, -shorter)


@dataclass
class Tally:
    """Counts over a set of assessable requirements; `score` = (met + sum of partial values) / assessable."""

    assessable: int = 0
    met: int = 0
    partial: int = 0
    partial_value: float = 0.0
    requirements: list[str] = field(default_factory=list)

    def add(self, requirement: str, result: Result) -> None:
        self.assessable += 1
        self.requirements.append(requirement)
        if result.status == "met":
            self.met += 1
        elif result.status == "partial":
            self.partial += 1
            self.partial_value += result.value

    @property
    def score(self) -> float:
        if not self.assessable:
            return 0.0
        return (self.met + self.partial_value) / self.assessable


@dataclass(frozen=True)
class Node:
    """What grouping reads from a requirement."""

    id: str
    parent: str | None
    assessable: bool


def clause_of(nodes: Mapping[str, Node], requirement: str, children: Mapping[str | None, Sequence[str]]) -> str:
    """The clause a requirement is counted under: its root, or one level down when the root is a mere container
    (not assessable, and no assessable child), as an annex whose sections hold the controls."""
    chain = [requirement]
    while nodes[chain[-1]].parent is not None:
        chain.append(nodes[chain[-1]].parent)  # type: ignore[arg-type]
    root = chain[-1]
    if len(chain) > 2 and _is_container(nodes, root, children):
        return chain[-2]
    return root


def _is_container(nodes: Mapping[str, Node], root: str, children: Mapping[str | None, Sequence[str]]) -> bool:
    return not nodes[root].assessable and not any(nodes[child].assessable for child in children.get(root, ()))


def tally(
    pack_id: str, nodes: Sequence[Node], results: Mapping[Key, Result], excluded: frozenset[str] = frozenset()
) -> tuple[Tally, dict[str, Tally]]:
    """The framework's tally and one per clause; `excluded` requirements (not applicable) are left out."""
    by_id = {node.id: node for node in nodes}
    children: dict[str | None, list[str]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node.id)
    whole = Tally()
    clauses: dict[str, Tally] = {}
    for node in nodes:
        if not node.assessable or node.id in excluded:
            continue
        result = results.get((pack_id, node.id), NOT_MET)
        whole.add(node.id, result)
        clauses.setdefault(clause_of(by_id, node.id, children), Tally()).add(node.id, result)
    return whole, clauses
