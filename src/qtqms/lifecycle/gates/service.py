"""Gate use cases: check a product's next gate over live records (profile, ELSPI, red lines, risks, evidence,
PQC tasks, export classification), propose a decision on it, and sign it by the roles it needs; a passing
decision, once fully signed, moves the product to its next stage. A later material change to what the
decision relied on shows it as stale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from qtqms.db.uow import UnitOfWork
from qtqms.esign.domain import changed_fields
from qtqms.evidence import service as evidence_service
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import CheckFailed, Conflict, InvalidInput, Problem
from qtqms.kernel.rbac import Permission, authorize
from qtqms.kit.subjects import Subject
from qtqms.lifecycle.elspi import service as elspi
from qtqms.lifecycle.export_control import service as export_control
from qtqms.lifecycle.gates import domain
from qtqms.lifecycle.gates import repository as repo
from qtqms.lifecycle.gates.packs import gate_template
from qtqms.lifecycle.gates.schemas import (
    BoardCard,
    BoardColumn,
    ConditionIn,
    CriterionRead,
    DecisionIn,
    DecisionRead,
    GateCheckRead,
    RecordLink,
)
from qtqms.lifecycle.products import domain as products_domain
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.packs import parameter_pack
from qtqms.lifecycle.products.schemas import ProductProfile, ProductQuery
from qtqms.models.lifecycle import GateDecision
from qtqms.pqc import service as pqc_service
from qtqms.risk import service as risk_service
from qtqms.risk.schemas import RegisterQuery

DECISION = "gate-decision"
RISKS_PER_CHECK = 200


@dataclass(frozen=True)
class _Gathered:
    facts: domain.Facts
    assessment: Any
    hits: list


def _gather(uow: UnitOfWork, actor: Actor, profiles: Sequence[ProductProfile]) -> dict[str, _Gathered]:
    """Everything the criteria read about these products, with the newest assessment and open red-line hits of
    each: one batch per source (ELSPI, red lines, evidence, export), the risk register and the PQC plan per
    product."""
    template = gate_template()
    ids = [p.id for p in profiles]
    assessments = elspi.latest(uow, actor, ids)
    hits = elspi.open_hits(uow, actor, ids)
    evidence = evidence_service.evidence_of(uow, actor, "product", [p.key for p in profiles])
    classified = export_control.classified_on_current_many(uow, actor, profiles)
    found = {}
    for profile in profiles:
        risks = risk_service.register(uow, actor, RegisterQuery(product=profile.key, limit=RISKS_PER_CHECK)).rows
        tasks = pqc_service.list_tasks(uow, actor, profile.key)
        assessment = assessments.get(profile.id)
        facts = domain.Facts(
            key=profile.key,
            stage=profile.stage,
            today=clock.today(),
            profile=profile.model_dump(),
            missing_parameters=tuple(
                products_domain.missing_parameters(parameter_pack().domain(profile.domain), profile.parameter_values())
            ),
            evidence=tuple((e.title, e.current) for e in evidence.get(profile.key, ())),
            risks=tuple(_risk_fact(r) for r in risks),
            tasks=tuple(domain.TaskFact(f"{t.system}: {t.asset_label}", t.deadline, t.status) for t in tasks),
            assessment=None if assessment is None else _assessment_fact(assessment),
            red_lines=tuple(f"{h.red_line}: {h.use_case}" for h in hits[profile.id]),
            export_classified=classified[profile.id],
            high_levels=template.high_levels,
        )
        found[profile.key] = _Gathered(facts, assessment, hits[profile.id])
    return found


def _risk_fact(row: Any) -> domain.RiskFact:
    rating = row.current or row.inherent
    return domain.RiskFact(row.ref, row.title, rating.level_key if rating else "", row.status, row.acceptance)


def _assessment_fact(found: Any) -> domain.AssessmentFact:
    return domain.AssessmentFact(
        found.ref, found.stage, found.status, found.level, found.current_bank, found.due_on, tuple(found.due_reasons)
    )


def _criterion_read(result: domain.Result) -> CriterionRead:
    return CriterionRead(
        id=result.id,
        title=result.title,
        passed=result.passed,
        reason=result.reason,
        records=[RecordLink(label=r.label, href=r.href) for r in result.records],
    )


def _checks(uow: UnitOfWork, actor: Actor, profiles: Sequence[ProductProfile]) -> dict[str, GateCheckRead]:
    template = gate_template()
    live = [p for p in profiles if products_domain.next_gate(p.stage) is not None]
    gathered = _gather(uow, actor, live) if live else {}
    checks = {}
    for profile in profiles:
        gate_id = products_domain.next_gate(profile.stage)
        if gate_id is None:
            checks[profile.key] = GateCheckRead(
                product=profile.key,
                stage=profile.stage,
                stage_title=profile.stage_title,
                gate=None,
                gate_title="",
                template=f"{template.id}@{template.version}",
                passed=False,
                criteria=[],
                elspi_level="",
                required_roles=[],
                red_line_blocked=False,
            )
            continue
        gate = template.gate(gate_id)
        found = gathered[profile.key]
        results = domain.evaluate(gate, found.facts)
        level = found.assessment.level if found.assessment else ""
        checks[profile.key] = GateCheckRead(
            product=profile.key,
            stage=profile.stage,
            stage_title=profile.stage_title,
            gate=gate.id,
            gate_title=gate.title,
            template=f"{template.id}@{template.version}",
            passed=all(r.passed for r in results),
            criteria=[_criterion_read(r) for r in results],
            elspi_level=level,
            required_roles=domain.required_roles(template, gate, level),
            red_line_blocked=bool(found.hits),
        )
    return checks


def _check(uow: UnitOfWork, actor: Actor, profile: ProductProfile) -> GateCheckRead:
    return _checks(uow, actor, [profile])[profile.key]


def check_gate(uow: UnitOfWork, actor: Actor, key: str) -> GateCheckRead:
    """The product's next gate, each criterion met or not with the reason and the records behind it."""
    authorize(actor, Permission.READ)
    return _check(uow, actor, products.get_profile(uow, actor, key))


def _relied_on(uow: UnitOfWork, actor: Actor, profile: ProductProfile, check: GateCheckRead) -> dict[str, Any]:
    """The material state a decision relies on: the product, its newest assessment, whether a red line is open."""
    assessment = elspi.latest(uow, actor, [profile.id]).get(profile.id)
    return {
        "product": products.material_state(profile),
        "assessment": None
        if assessment is None
        else {"ref": assessment.ref, "status": assessment.status, "level": assessment.level},
        "red_line_blocked": check.red_line_blocked,
    }


def propose_decision(uow: UnitOfWork, actor: Actor, key: str, data: DecisionIn) -> DecisionRead:
    """Record a decision at the product's next gate, on the check of now; it takes effect once signed by every
    role it needs (never by its proposer). Go and conditional go are refused while the gate is blocked."""
    scope = authorize(actor, Permission.GATE_DECIDE)
    profile = products.get_profile(uow, actor, key)
    check = _check(uow, actor, profile)
    if check.gate is None:
        raise Conflict(f"product '{key}' is retired: no gate is left")
    if data.outcome in domain.PASSING and not check.passed:
        failing = [f"{c.id} {c.reason}" for c in check.criteria if not c.passed]
        raise CheckFailed(
            f"gate {check.gate} of {key} is blocked: " + "; ".join(failing),
            [Problem(c.reason, where=c.id) for c in check.criteria if not c.passed],
        )
    if data.outcome is domain.Outcome.CONDITIONAL and not data.conditions:
        raise InvalidInput(
            "conditions: a conditional go needs at least one condition",
            [Problem("a conditional go needs at least one condition", field="conditions")],
        )
    if repo.awaiting(uow.session, scope, profile.id, check.gate):
        raise Conflict(f"a decision at {check.gate} of {key} already awaits signatures")
    row = GateDecision(
        organisation_id=scope.organisation_id,
        lifecycle_product_id=profile.id,
        gate=check.gate,
        outcome=data.outcome.value,
        rationale=data.rationale,
        conditions=[c.model_dump(mode="json") for c in data.conditions],
        required_roles=check.required_roles,
        criteria=[c.model_dump() for c in check.criteria],
        relied_on=_relied_on(uow, actor, profile, check),
        proposed_by=actor.user_id,
        proposed_at=clock.now(),
    )
    uow.session.add(row)
    uow.flush()
    return get_decision(uow, actor, row.id)


def _state(row: GateDecision) -> dict[str, Any]:
    return {
        "gate": row.gate,
        "outcome": row.outcome,
        "rationale": row.rationale,
        "conditions": row.conditions,
        "relied_on": row.relied_on,
    }


def sign_decision(uow: UnitOfWork, actor: Actor, decision_id: int, password: str) -> DecisionRead:
    """One role's signature of a decision awaiting them; the last one needed makes it take effect (a passing
    decision moves the product). Neither the proposer, nor who last described the product, nor who completed
    the assessment it relies on may sign."""
    scope = authorize(actor, Permission.GATE_DECIDE)
    row = repo.decision(uow.session, scope, decision_id)
    if row.status != "awaiting":
        raise Conflict(f"decision {decision_id} is {row.status}: nothing to sign")
    read = get_decision(uow, actor, decision_id)
    if read.stale:
        raise Conflict(f"decision {decision_id} is stale ({'; '.join(read.stale_reasons)}): propose it again")
    profile = products.profiles_by_id(uow, actor, [row.lifecycle_product_id])[row.lifecycle_product_id]
    assessment = elspi.latest(uow, actor, [profile.id]).get(profile.id)
    authors = {
        "proposed": row.proposed_by,
        "last_described": profile.updated_by_id,
        "completed_the_assessment_behind": assessment.assessor_id if assessment else None,
    }
    signed = products.sign_off(
        uow,
        actor,
        Subject(DECISION, str(row.id), f"gate {row.gate} decision of {profile.key}"),
        subject_id=row.id,
        required=row.required_roles,
        state=_state(row),
        password=password,
        authors=authors,
    )
    done = {s.role for s in products.signoffs_of(uow, actor, DECISION, {row.id: _state(row)})[row.id] if s.valid}
    if not [r for r in row.required_roles if r not in done]:
        row.status, row.decided_at = "decided", clock.now()
        if row.outcome in domain.PASSING:
            products.move_stage(
                uow,
                actor,
                profile.key,
                row.gate,
                signature_id=signed.signature_id,
                reason=f"gate {row.gate} passed ({row.outcome}): {row.rationale}",
            )
    uow.flush()
    return get_decision(uow, actor, decision_id)


def _reads(uow: UnitOfWork, actor: Actor, rows: Sequence[GateDecision]) -> list[DecisionRead]:
    profiles = products.profiles_by_id(uow, actor, [r.lifecycle_product_id for r in rows])
    signed = products.signoffs_of(uow, actor, DECISION, {r.id: _state(r) for r in rows}) if rows else {}
    people = identity_service.usernames(uow, [r.proposed_by for r in rows], authorize(actor, Permission.READ))
    assessments = elspi.latest(uow, actor, list(profiles))
    reads = []
    for row in rows:
        profile = profiles[row.lifecycle_product_id]
        stale_reasons = _stale_reasons(row, profile, assessments.get(profile.id))
        sign_offs = signed.get(row.id, [])
        valid = {s.role for s in sign_offs if s.valid}
        reads.append(
            DecisionRead(
                id=row.id,
                product=profile.key,
                gate=row.gate,
                outcome=row.outcome,
                status="stale" if stale_reasons and row.status == "decided" else row.status,
                rationale=row.rationale,
                conditions=[ConditionIn(**c) for c in row.conditions],
                criteria=[CriterionRead(**c) for c in row.criteria],
                required_roles=list(row.required_roles),
                missing_roles=[r for r in row.required_roles if r not in valid],
                signoffs=sign_offs,
                proposed_by=people.get(row.proposed_by, ""),
                proposed_at=row.proposed_at,
                decided_at=row.decided_at,
                stale=bool(stale_reasons),
                stale_reasons=stale_reasons,
            )
        )
    return reads


def _stale_reasons(row: GateDecision, profile: ProductProfile, assessment: Any) -> list[str]:
    """What changed, since the decision, in the product or the assessment it relied on (nothing: not stale)."""
    now = {
        "product": products.material_state(profile),
        "assessment": None
        if assessment is None
        else {"ref": assessment.ref, "status": assessment.status, "level": assessment.level},
    }
    then = {name: row.relied_on.get(name) for name in now}
    changes = [f"product {c}" for c in changed_fields(then["product"] or {}, now["product"])]
    before, after = then["assessment"] or {}, now["assessment"] or {}
    if before and before.get("ref") == after.get("ref") and before != after:
        changes.append(
            f"ELSPI assessment {before['ref']}: {before['status']} level {before['level'] or '-'} -> "
            f"{after['status']} level {after['level'] or '-'}"
        )
    return changes


def get_decision(uow: UnitOfWork, actor: Actor, decision_id: int) -> DecisionRead:
    scope = authorize(actor, Permission.READ)
    return _reads(uow, actor, [repo.decision(uow.session, scope, decision_id)])[0]


def decisions_of(uow: UnitOfWork, actor: Actor, key: str, *, limit: int = 20) -> list[DecisionRead]:
    """The product's newest decisions first."""
    scope = authorize(actor, Permission.READ)
    profile = products.get_profile(uow, actor, key)
    return _reads(uow, actor, repo.decisions(uow.session, scope, profile.id, limit))


def board(uow: UnitOfWork, actor: Actor, query: ProductQuery) -> tuple[list[BoardColumn], str | None, int]:
    """One page of products by stage, each with its next gate's verdict (blocked gates marked)."""
    page = products.list_products(uow, actor, query)
    profiles = products.profiles(uow, actor, [r.key for r in page.rows])
    columns = {code: BoardColumn(stage=code, title=title, cards=[]) for code, title in products_domain.STAGES}
    checks = _checks(uow, actor, [profiles[row.key] for row in page.rows])
    for row in page.rows:
        check = checks[row.key]
        columns[row.stage].cards.append(
            BoardCard(
                product=row.key,
                name=row.name,
                stage=row.stage,
                gate=check.gate,
                passed=check.passed,
                failing=[c.id for c in check.criteria if not c.passed],
                elspi_level=check.elspi_level,
                red_line_blocked=check.red_line_blocked,
            )
        )
    return list(columns.values()), page.next_cursor, page.total
