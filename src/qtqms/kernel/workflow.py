"""Status workflows as data: the states a record moves through, the transitions between them, the permission each
needs, its guard and whether it needs a signature. Documents, nonconformities, CAPA, audits, gates and trainings
each declare one; `kit.workflow.transition` applies a transition and writes its history and trail."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, Problem
from qtqms.kernel.rbac import Permission, authorize, can

# A guard looks at the record and says why the transition may not happen now, or returns "" when it may.
Guard = Callable[[Any], str]


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    permission: Permission
    # The signature meaning the transition needs ("approved", "released"), or "" when none is needed.
    signature: str = ""
    guards: tuple[Guard, ...] = ()
    # A change of this kind must say why (withdrawing an approved document, reopening a closed CAPA).
    needs_reason: bool = False


@dataclass(frozen=True)
class Workflow:
    name: str
    states: tuple[str, ...]
    initial: str
    transitions: tuple[Transition, ...]
    _by_name: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = _shape_problems(self)
        if problems:
            raise ValueError(f"workflow '{self.name}': " + "; ".join(problems))
        object.__setattr__(self, "_by_name", {t.name: t for t in self.transitions})

    @property
    def final_states(self) -> frozenset[str]:
        """States no transition leaves."""
        left = {source for t in self.transitions for source in t.sources}
        return frozenset(state for state in self.states if state not in left)

    def transition(self, name: str) -> Transition:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name)
            raise InvalidInput(
                f"{self.name}: no transition '{name}' (known: {known})", [Problem(f"unknown: {name}", field="action")]
            ) from None

    def available(self, state: str, actor: Actor | None) -> list[Transition]:
        """The transitions the actor may start from this state (guards not yet run): what a page offers."""
        return [t for t in self.transitions if state in t.sources and can(actor, t.permission)]

    def check(self, actor: Actor | None, state: str, name: str, record: Any, *, reason: str = "") -> Transition:
        """The transition, if the actor may take it from this state now; otherwise the refusal, in words."""
        wanted = self.transition(name)
        authorize(actor, wanted.permission)
        if state not in wanted.sources:
            sources = " or ".join(sorted(wanted.sources))
            raise Conflict(f"{self.name} is {state}: '{name}' needs it to be {sources}")
        if wanted.needs_reason and not reason.strip():
            raise InvalidInput(f"{self.name}: '{name}' needs a reason", [Problem("required", field="reason")])
        refusals = [why for guard in wanted.guards if (why := guard(record))]
        if refusals:
            raise Conflict(f"{self.name}: cannot {name}: " + "; ".join(refusals))
        return wanted


def _shape_problems(workflow: Workflow) -> list[str]:
    states = set(workflow.states)
    problems = []
    if len(states) != len(workflow.states):
        problems.append("a state is listed twice")
    if workflow.initial not in states:
        problems.append(f"initial state '{workflow.initial}' is not a state")
    names = [t.name for t in workflow.transitions]
    if len(set(names)) != len(names):
        problems.append("a transition name is used twice")
    for t in workflow.transitions:
        unknown = sorted((t.sources | {t.target}) - states)
        if unknown:
            problems.append(f"transition '{t.name}' names unknown states {', '.join(unknown)}")
    unreachable = sorted(states - _reachable(workflow.initial, workflow.transitions))
    if unreachable and workflow.initial in states:
        problems.append(f"states {', '.join(unreachable)} cannot be reached from '{workflow.initial}'")
    return problems


def _reachable(start: str, transitions: Iterable[Transition]) -> set[str]:
    seen, frontier = {start}, [start]
    transitions = tuple(transitions)
    while frontier:
        state = frontier.pop()
        for t in transitions:
            if state in t.sources and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    return seen
