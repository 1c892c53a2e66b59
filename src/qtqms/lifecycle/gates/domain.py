"""Gate rules: a gate template's criteria evaluated over the facts of one product, each met or not with the
reason and the records behind it; the signers a decision needs; segregation of duties at a gate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    GO = "go"
    CONDITIONAL = "conditional"
    NO_GO = "no-go"
    RECYCLE = "recycle"


# Outcomes that take the product through the gate once signed.
PASSING = frozenset({Outcome.GO, Outcome.CONDITIONAL})


@dataclass(frozen=True)
class Criterion:
    id: str
    check: str
    title: str
    fields: tuple[str, ...] = ()
    minimum: int = 1
    same_stage: bool = False


@dataclass(frozen=True)
class Gate:
    id: str
    title: str
    signers: tuple[str, ...]
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class GateTemplate:
    id: str
    version: str
    source: str
    verified_on: str
    high_levels: tuple[str, ...]
    level_signers: Mapping[str, tuple[str, ...]]
    gates: tuple[Gate, ...]

    def gate(self, gate_id: str) -> Gate:
        return next(g for g in self.gates if g.id == gate_id)


@dataclass(frozen=True)
class Record:
    """A record a criterion looked at, as a page links it."""

    label: str
    href: str = ""


@dataclass(frozen=True)
class RiskFact:
    ref: str
    title: str
    level: str
    status: str
    acceptance: str


@dataclass(frozen=True)
class TaskFact:
    label: str
    deadline: date | None
    status: str


@dataclass(frozen=True)
class AssessmentFact:
    ref: str
    stage: str
    status: str  # draft, completed, signed-off
    level: str
    current_bank: bool
    due_on: date | None
    due_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """Everything the criteria read about one product, gathered once per check."""

    key: str
    stage: str
    today: date
    profile: Mapping[str, Any]
    missing_parameters: tuple[str, ...]
    evidence: tuple[tuple[str, bool], ...] = ()  # (title, current)
    risks: tuple[RiskFact, ...] = ()
    tasks: tuple[TaskFact, ...] = ()
    assessment: AssessmentFact | None = None
    red_lines: tuple[str, ...] = ()  # open hits, as "RL2: what was proposed"
    export_classified: bool | None = None  # None: not classified; False: classified on other parameters
    high_levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    id: str
    title: str
    passed: bool
    reason: str
    records: tuple[Record, ...] = ()


def _profile(criterion: Criterion, facts: Facts) -> Result:
    empty = [name for name in criterion.fields if not facts.profile.get(name)]
    if empty:
        return _fail(criterion, "not recorded: " + ", ".join(name.replace("_", " ") for name in empty))
    return _pass(criterion, "recorded: " + ", ".join(name.replace("_", " ") for name in criterion.fields))


def _parameters(criterion: Criterion, facts: Facts) -> Result:
    if facts.missing_parameters:
        return _fail(criterion, "parameters not recorded: " + ", ".join(facts.missing_parameters))
    return _pass(criterion, "every declared parameter is recorded")


def _elspi(criterion: Criterion, facts: Facts) -> Result:
    found = facts.assessment
    if found is None:
        return _fail(criterion, "no ELSPI assessment of this product yet")
    link = (Record(found.ref, f"/lifecycle/elspi/{found.ref}"),)
    problems = []
    if found.status != "signed-off":
        problems.append(f"{found.ref} is {found.status}, not signed off")
    if not found.current_bank:
        problems.append(f"{found.ref} was made under an earlier question-bank version")
    if criterion.same_stage and found.stage != facts.stage:
        problems.append(f"{found.ref} was made at {found.stage}; this gate needs one at {facts.stage}")
    problems += [f"re-assessment due: {reason}" for reason in found.due_reasons]
    if problems:
        return _fail(criterion, "; ".join(problems), link)
    return _pass(
        criterion, f"{found.ref} signed off at level {found.level}, valid until {found.due_on or 'a change'}", link
    )


def _no_red_line(criterion: Criterion, facts: Facts) -> Result:
    if facts.red_lines:
        reason = "red line hit, awaiting a signed clearance: " + "; ".join(facts.red_lines)
        return _fail(criterion, reason, (Record("red lines", f"/lifecycle/red-lines?product={facts.key}"),))
    return _pass(criterion, "no open red-line hit")


def _risks_treated(criterion: Criterion, facts: Facts) -> Result:
    high = [r for r in facts.risks if r.level in facts.high_levels]
    open_ = [r for r in high if not (r.status == "treated" or (r.status == "accepted" and r.acceptance == "valid"))]
    records = tuple(Record(f"{r.ref} {r.title} ({r.level}, {r.status})", f"/risk/{r.ref}") for r in open_ or high)
    if open_:
        return _fail(criterion, f"{len(open_)} of {len(high)} high risks neither treated nor validly accepted", records)
    return _pass(criterion, f"{len(high)} high risks, each treated or validly accepted", records)


def _evidence(criterion: Criterion, facts: Facts) -> Result:
    current = [title for title, ok in facts.evidence if ok]
    records = tuple(Record(title, f"/evidence?subject_type=product&subject_id={facts.key}") for title in current)
    if len(current) < criterion.minimum:
        return _fail(
            criterion, f"{len(current)} current evidence items on the product; {criterion.minimum} needed", records
        )
    return _pass(criterion, f"{len(current)} current evidence items", records)


def _pqc_due_done(criterion: Criterion, facts: Facts) -> Result:
    due = [t for t in facts.tasks if t.deadline and t.deadline <= facts.today and t.status != "done"]
    records = tuple(Record(f"{t.label} (due {t.deadline})", f"/pqc/{facts.key}/plan") for t in due)
    if due:
        return _fail(criterion, f"{len(due)} PQC migration tasks due by {facts.today} are not done", records)
    return _pass(criterion, f"no PQC migration task due by {facts.today} is open ({len(facts.tasks)} tasks)")


def _export_classified(criterion: Criterion, facts: Facts) -> Result:
    link = (Record("export classification", f"/lifecycle/export-control/{facts.key}"),)
    if facts.export_classified is None:
        return _fail(criterion, "no export-control classification recorded", link)
    if not facts.export_classified:
        return _fail(criterion, "the parameters changed since the last classification: classify again", link)
    return _pass(criterion, "classified on the current parameters and list packs", link)


def _pass(criterion: Criterion, reason: str, records: tuple[Record, ...] = ()) -> Result:
    return Result(criterion.id, criterion.title, True, reason, records)


def _fail(criterion: Criterion, reason: str, records: tuple[Record, ...] = ()) -> Result:
    return Result(criterion.id, criterion.title, False, reason, records)


CHECKS: dict[str, Callable[[Criterion, Facts], Result]] = {
    "profile": _profile,
    "parameters": _parameters,
    "elspi": _elspi,
    "no-red-line": _no_red_line,
    "risks-treated": _risks_treated,
    "evidence": _evidence,
    "pqc-due-done": _pqc_due_done,
    "export-classified": _export_classified,
}


def evaluate(gate: Gate, facts: Facts) -> list[Result]:
    """Every criterion of the gate, met or not; an open red-line hit blocks every gate, whatever its criteria."""
    results = [CHECKS[c.check](c, facts) for c in gate.criteria]
    if facts.red_lines and not any(c.check == "no-red-line" for c in gate.criteria):
        results.append(_no_red_line(Criterion("RL", "no-red-line", "No red line hit"), facts))
    return results


def required_roles(template: GateTemplate, gate: Gate, level: str) -> list[str]:
    """The gate's own signers and those the product's ELSPI level adds, each role once, in a set order."""
    roles = [*gate.signers, *template.level_signers.get(level, ())]
    return list(dict.fromkeys(roles))
