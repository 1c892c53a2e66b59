"""Nonconformity and CAPA rules: sources, severities, the workflow from detection to a signed closure, what the
signatures cover and which actions are overdue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from qtqms.kernel.errors import InvalidInput, Problem
from qtqms.kernel.rbac import Permission
from qtqms.kernel.refs import HumanRef
from qtqms.kernel.workflow import Transition, Workflow

PREFIX = "NC"


class Source(StrEnum):
    AUDIT_FINDING = "audit_finding"
    INCIDENT = "incident"
    CUSTOMER_COMPLAINT = "customer_complaint"
    FAILED_GATE = "failed_gate"
    PQC_POLICY_VIOLATION = "pqc_policy_violation"
    TEST_OUT_OF_SPEC = "test_out_of_spec"
    SUPPLIER = "supplier"
    OTHER = "other"


class Severity(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"


class ActionKind(StrEnum):
    CORRECTION = "correction"
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"


# The usual families of causes (people, method, machine, material, measurement, environment), in our words.
CAUSE_CATEGORIES = ("people", "method", "equipment", "material", "measurement", "environment")


class Status(StrEnum):
    OPEN = "open"
    CONTAINED = "contained"
    ACTING = "acting"
    VERIFYING = "verifying"
    CLOSED = "closed"


OPEN_STATES = frozenset({Status.OPEN, Status.CONTAINED, Status.ACTING, Status.VERIFYING})


def format_ref(number: int) -> str:
    return str(HumanRef(PREFIX, number))


def parse_ref(text: str) -> int:
    return HumanRef.parse(PREFIX, text, "nonconformity").number


def parse_choice(kind: type[StrEnum], value: str, field: str) -> str:
    try:
        return kind(value).value
    except ValueError:
        known = ", ".join(k.value for k in kind)
        message = f"'{value}' is not one of {known}"
        raise InvalidInput(f"{field}: {message}", [Problem(message, field=field)]) from None


# --- the workflow ----------------------------------------------------------------------------------


def _contained(nc: Any) -> str:
    return "" if (nc.containment or "").strip() else "say how it is contained first"


def _analysed(nc: Any) -> str:
    return "" if (nc.root_cause or "").strip() else "record the root cause first"


def _has_actions(nc: Any) -> str:
    return "" if nc.actions else "plan at least one action first"


def _actions_done(nc: Any) -> str:
    waiting = [a for a in nc.actions if a.done_on is None]
    return f"{len(waiting)} action(s) are not done yet" if waiting else ""


def _check_passed(nc: Any) -> str:
    checks = sorted(nc.checks, key=lambda c: c.checked_at)
    if not checks:
        return "its effectiveness check has not been made"
    return "" if checks[-1].passed else "its last effectiveness check failed"


S = Status
WORKFLOW = Workflow(
    name="nonconformity",
    states=tuple(s.value for s in Status),
    initial=S.OPEN.value,
    transitions=(
        Transition("contain", frozenset({S.OPEN}), S.CONTAINED, Permission.NONCONFORMITY_EDIT, guards=(_contained,)),
        Transition("act", frozenset({S.CONTAINED}), S.ACTING, Permission.NONCONFORMITY_EDIT,
                   guards=(_analysed, _has_actions)),
        Transition("verify", frozenset({S.ACTING}), S.VERIFYING, Permission.NONCONFORMITY_EDIT,
                   guards=(_actions_done,)),
        # Taken by a failed effectiveness check, never by hand.
        Transition("check_failed", frozenset({S.VERIFYING}), S.ACTING, Permission.NONCONFORMITY_EDIT,
                   needs_reason=True),
        Transition("close", frozenset({S.VERIFYING}), S.CLOSED, Permission.NONCONFORMITY_CLOSE, signature="approved",
                   guards=(_check_passed,)),
        Transition("reopen", frozenset({S.CLOSED}), S.ACTING, Permission.NONCONFORMITY_CLOSE, needs_reason=True),
    ),
)  # fmt: skip
STEPS = ("contain", "act", "verify", "reopen")


def material_state(nc: Any, *, ref: str, product: str, owner: str, links: Iterable[str],
                   actions: Iterable[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """What a signed effectiveness check or closure vouches for."""
    return {
        "nonconformity": ref,
        "title": nc.title,
        "description": nc.description,
        "source": nc.source,
        "severity": nc.severity,
        "product": product,
        "process": nc.process,
        "owner": owner,
        "links": sorted(links),
        "containment": nc.containment,
        "cause_method": nc.cause_method,
        "whys": list(nc.whys or []),
        "cause_categories": sorted(nc.cause_categories or []),
        "root_cause": nc.root_cause,
        "effectiveness_criteria": nc.effectiveness_criteria,
        "actions": sorted(actions, key=lambda a: (a["title"], a["owner"])),
    }


def overdue(due_on: date, done_on: date | None, today: date) -> bool:
    return done_on is None and due_on < today
