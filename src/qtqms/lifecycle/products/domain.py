"""Lifecycle product rules: stages, technology domains with their typed parameters, and checking a parameter
against its declaration (type, unit, range), refused naming the field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.kernel.rbac import Permission
from qtqms.kernel.workflow import Transition, Workflow

# The stages of §9.2 of the research notes, in order; RETIRED is where G6 leads.
STAGES: tuple[tuple[str, str], ...] = (
    ("S0", "Conception"),
    ("S1", "Feasibility and requirements"),
    ("S2", "Design and development"),
    ("S3", "Verification and validation"),
    ("S4", "Pilot and release"),
    ("S5", "Operation"),
    ("S6", "Retirement"),
    ("retired", "Retired"),
)
STAGE_TITLES = dict(STAGES)


class CustomerClass(StrEnum):
    RESEARCH = "research"
    ENTERPRISE = "enterprise"
    CRITICAL_INFRASTRUCTURE = "critical-infrastructure"
    GOVERNMENT = "government"
    DEFENCE = "defence"
    LAW_ENFORCEMENT = "law-enforcement"
    CONSUMER = "consumer"


JURISDICTION = re.compile(r"^[A-Z]{2,3}$")


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    label: str
    type: str  # integer, number or text
    unit: str
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class TechnologyDomain:
    id: str
    title: str
    technology: str  # the organisation's technology this domain belongs to
    parameters: tuple[ParameterSpec, ...]

    def spec(self, name: str) -> ParameterSpec | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class ParameterPack:
    id: str
    version: str
    source: str
    verified_on: str
    domains: tuple[TechnologyDomain, ...]

    def domain(self, domain_id: str) -> TechnologyDomain:
        found = next((d for d in self.domains if d.id == domain_id), None)
        if found is None:
            known = ", ".join(d.id for d in self.domains)
            raise InvalidInput(
                f"domain: '{domain_id}' is not a technology domain (known: {known})",
                [Problem(f"not a technology domain (known: {known})", field="domain")],
            )
        return found

    def default_for(self, technology: str) -> str:
        """The first domain of the organisation's technology, for a product that has not chosen one."""
        return next((d.id for d in self.domains if d.technology == technology), self.domains[0].id)


def _refused(name: str, message: str) -> InvalidInput:
    return InvalidInput(f"parameters.{name}: {message}", [Problem(message, field=f"parameters.{name}")])


def check_parameter(domain: TechnologyDomain, name: str, value: Any, unit: str | None) -> dict[str, Any]:
    """One parameter as stored ({"value", "unit"}), or the refusal naming it: unknown, wrong type, wrong unit,
    out of range. A unit left out means the declared one."""
    spec = domain.spec(name)
    if spec is None:
        known = ", ".join(p.name for p in domain.parameters) or "none"
        raise _refused(name, f"not a parameter of {domain.title} (known: {known})")
    if unit not in (None, "", spec.unit):
        raise _refused(name, f"unit '{unit}' is not the declared unit; give it in {spec.unit}")
    typed = _typed(spec, value)
    if isinstance(typed, int | float):
        if spec.min is not None and typed < spec.min:
            raise _refused(name, f"{typed} is below the smallest allowed value {spec.min:g} {spec.unit}")
        if spec.max is not None and typed > spec.max:
            raise _refused(name, f"{typed} is above the largest allowed value {spec.max:g} {spec.unit}")
    return {"value": typed, "unit": spec.unit}


def _typed(spec: ParameterSpec, value: Any) -> Any:
    if spec.type == "text":
        return str(value)
    if isinstance(value, bool):
        raise _refused(spec.name, f"a {spec.type} is required, not yes/no")
    if spec.type == "integer":
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _refused(spec.name, f"'{value}' is not a whole number of {spec.unit}")
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        raise _refused(spec.name, f"'{value}' is not a number (in {spec.unit})") from None


def check_parameters(domain: TechnologyDomain, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every given parameter checked; `given` maps a name to {"value", "unit"} or to a bare value."""
    checked = {}
    for name, entry in given.items():
        value, unit = (entry.get("value"), entry.get("unit")) if isinstance(entry, Mapping) else (entry, None)
        if value is None or value == "":
            continue
        checked[name] = check_parameter(domain, name, value, unit)
    return checked


def check_jurisdictions(codes: Sequence[str], field: str) -> list[str]:
    bad = [code.strip() for code in codes if code.strip() and not JURISDICTION.match(code.strip().upper())]
    cleaned = [code.strip().upper() for code in codes if code.strip()]
    if bad:
        message = f"'{bad[0]}' is not a jurisdiction code: use ISO 3166-1 alpha-2 (DE) or a bloc (EU)"
        raise InvalidInput(f"{field}: {message}", [Problem(message, field=field)])
    return list(dict.fromkeys(cleaned))


def check_customer_classes(classes: Sequence[str]) -> list[str]:
    cleaned = [c.strip() for c in classes if c.strip()]
    known = {c.value for c in CustomerClass}
    bad = [c for c in cleaned if c not in known]
    if bad:
        message = f"'{bad[0]}' is not a customer class (known: {', '.join(sorted(known))})"
        raise InvalidInput(f"customer_classes: {message}", [Problem(message, field="customer_classes")])
    return list(dict.fromkeys(cleaned))


def stage_index(stage: str) -> int:
    return [code for code, _ in STAGES].index(stage)


def missing_parameters(domain: TechnologyDomain, parameters: Mapping[str, Any]) -> list[str]:
    return [p.name for p in domain.parameters if p.name not in parameters]


def _gate_step(index: int) -> Transition:
    source, target = STAGES[index][0], STAGES[index + 1][0]
    return Transition(f"G{index}", frozenset({source}), target, Permission.GATE_DECIDE, signature="approved")


# A product moves stage only through its next gate, passed by a signed decision (lifecycle.gates takes it).
STAGE_WORKFLOW = Workflow(
    name="product stage",
    states=tuple(code for code, _ in STAGES),
    initial="S0",
    transitions=tuple(_gate_step(index) for index in range(len(STAGES) - 1)),
)


def next_gate(stage: str) -> str | None:
    """The gate that leads out of a stage (G3 out of S3), or None once retired."""
    index = stage_index(stage)
    return f"G{index}" if index < len(STAGES) - 1 else None
