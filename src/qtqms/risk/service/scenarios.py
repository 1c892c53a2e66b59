"""Risk scenarios per ISO/IEC 27005: identify, describe, rate and treat; every rating change and every material
change passes through `_rate` and `_refresh`, which keep the heat-map counts, the status and the acceptances true."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain as esign_domain
from qtqms.esign.domain import Meaning
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, Problem
from qtqms.kernel.rbac import OrgScope, Permission, authorize
from qtqms.models.risk import (
    Risk,
    RiskAssessment,
    RiskAssetLink,
    RiskControlLink,
    RiskRequirementLink,
    TreatmentAction,
)
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    RATING_KINDS,
    UNRATED,
    AcceptanceState,
    ActionStatus,
    Approach,
    Rating,
    RiskDomain,
    RiskMatrix,
    RiskState,
    TreatmentOption,
)
from qtqms.risk.schemas import (
    ActionClose,
    ActionRead,
    AssessmentIn,
    RatingIn,
    RiskCreate,
    RiskSaved,
    RiskUpdate,
    TreatmentIn,
)
from qtqms.risk.service._common import _decision, _invalid, _product_id, _rating, _risk, _saved, _state, _subject
from qtqms.risk.service.criteria import _matrix_for


def _new_risk(uow: UnitOfWork, actor: Actor, scope: OrgScope, *, matrix: RiskMatrix, **fields: Any) -> Risk:
    risk = Risk(
        organisation_id=scope.organisation_id,
        number=repo.next_risk_number(uow.session, scope),
        created_by_id=actor.user_id or None,
        matrix_id=matrix.id,
        matrix_version=matrix.version,
        status=domain.RiskStatus.IDENTIFIED.value,
        acceptance_status=AcceptanceState.NONE.value,
        **fields,
    )
    uow.session.add(risk)
    uow.flush()
    return risk


def _replace_links(uow: UnitOfWork, risk: Risk, link: type[repo.RiskLink], column: str, ids: Sequence[int]) -> None:
    """Make the risk's rows of one link table exactly `ids`: rows no longer wanted go, new ones come."""
    uow.replace_rows(
        repo.links_of(uow.session, link, risk.id),
        lambda row: getattr(row, column),
        ids,
        lambda target_id: link(risk_id=risk.id, **{column: target_id}),
    )
    uow.flush()


def _resolved(found: Mapping[Any, int], wanted: Sequence[Any], field: str, unknown: Callable[[Any], str]) -> list[int]:
    """The id of every wanted item; the unknown ones are all reported, each by its position, and nothing changes."""
    missing = [Problem(unknown(item), field=f"{field}[{i}]") for i, item in enumerate(wanted) if item not in found]
    if missing:
        raise InvalidInput(str(missing[0]), missing)
    return [found[item] for item in wanted]


def _asset_ids(uow: UnitOfWork, scope: OrgScope, keys: Sequence[str]) -> list[int]:
    found = {a.key: a.id for a in repo.assets_by_keys(uow.session, scope, keys)}
    return _resolved(found, keys, "assets", lambda key: f"no asset '{key}'")


def _requirement_ids(uow: UnitOfWork, links: Sequence[str]) -> list[int]:
    """A link names a requirement of its framework's current edition, which is what a new link points to."""
    wanted = domain.split_requirement_links(links)
    found = repo.current_requirement_ids(uow.session, wanted)
    return _resolved(
        found,
        wanted,
        "linked_requirements",
        lambda ref: f"no requirement '{ref[1]}' in the current edition of '{ref[0]}' (see 'qtqms catalog list')",
    )


def _control_ids(uow: UnitOfWork, scope: OrgScope, keys: Sequence[str]) -> list[int]:
    found = repo.control_ids(uow.session, scope, keys)
    return _resolved(found, keys, "linked_controls", lambda key: f"no control '{key}' in this organisation")


def _check_threat(threat: str) -> str:
    if threat:
        packs.shipped().threat(threat)
    return threat


def _ratings_in(data: RiskCreate | AssessmentIn) -> dict[str, RatingIn]:
    return {kind: getattr(data, kind) for kind in RATING_KINDS if getattr(data, kind) is not None}


def _checked_ratings(matrix: RiskMatrix, ratings: dict[str, RatingIn]) -> dict[str, Rating]:
    """Every rating must be a cell of the matrix; all problems are reported together and nothing changes."""
    problems = [p for kind, r in ratings.items() for p in matrix.rating_problems(r.likelihood, r.impact, f"{kind}.")]
    if problems:
        raise InvalidInput(str(problems[0]), problems)
    return {kind: Rating(r.likelihood, r.impact) for kind, r in ratings.items()}


def create_risk(uow: UnitOfWork, actor: Actor, data: RiskCreate) -> RiskSaved:
    scope = authorize(actor, Permission.RISK_EDIT)
    risk_domain = domain.parse_choice(RiskDomain, data.domain, "domain").value
    approach = domain.parse_choice(Approach, data.approach, "approach").value
    if approach == Approach.ASSET.value and not data.assets:
        raise _invalid("an asset-based scenario names at least one affected asset", "assets")
    matrix = _matrix_for(uow, scope, risk_domain)
    ratings = _checked_ratings(matrix, _ratings_in(data))
    asset_ids = _asset_ids(uow, scope, data.assets)
    requirement_ids = _requirement_ids(uow, data.linked_requirements)
    control_ids = _control_ids(uow, scope, data.linked_controls)
    risk = _new_risk(
        uow,
        actor,
        scope,
        title=data.title,
        description=data.description,
        domain=risk_domain,
        approach=approach,
        threat_ref=_check_threat(data.threat),
        vulnerabilities=data.vulnerabilities,
        existing_controls=data.existing_controls,
        owner_id=identity_service.active_member_id(uow, actor, data.owner or actor.username, "owner"),
        product_id=_product_id(uow, actor, data.product),
        matrix=matrix,
    )
    _replace_links(uow, risk, RiskAssetLink, "asset_id", asset_ids)
    _replace_links(uow, risk, RiskRequirementLink, "requirement_id", requirement_ids)
    _replace_links(uow, risk, RiskControlLink, "control_id", control_ids)
    if ratings:
        _rate(uow, actor, scope, risk, matrix, ratings, note="first assessment")
    else:
        _refresh(uow, scope, risk)
    return _saved(risk)


def update_risk(uow: UnitOfWork, actor: Actor, ref: str, data: RiskUpdate) -> RiskSaved:
    """Describe the risk better. Every change but a new owner is material: it voids a standing acceptance."""
    scope = authorize(actor, Permission.RISK_EDIT)
    risk = _risk(uow, scope, ref)
    changes = data.model_dump(exclude_none=True)
    if "threat" in changes:
        risk.threat_ref = _check_threat(changes.pop("threat"))
    if "owner" in changes:
        risk.owner_id = identity_service.active_member_id(uow, actor, changes.pop("owner"), "owner")
    if "product" in changes:
        risk.product_id = _product_id(uow, actor, changes.pop("product"))
    if "linked_requirements" in changes:
        ids = _requirement_ids(uow, changes.pop("linked_requirements"))
        _replace_links(uow, risk, RiskRequirementLink, "requirement_id", ids)
    if "linked_controls" in changes:
        _replace_links(
            uow, risk, RiskControlLink, "control_id", _control_ids(uow, scope, changes.pop("linked_controls"))
        )
    if "assets" in changes:
        _replace_links(uow, risk, RiskAssetLink, "asset_id", _asset_ids(uow, scope, changes.pop("assets")))
    for key, value in changes.items():
        setattr(risk, key, value)
    _refresh(uow, scope, risk)
    return _saved(risk)


def assess_risk(uow: UnitOfWork, actor: Actor, ref: str, data: AssessmentIn) -> RiskSaved:
    """Rate a risk under the matrix its domain uses now; moving to a new matrix needs a full re-rating."""
    scope = authorize(actor, Permission.RISK_EDIT)
    risk = _risk(uow, scope, ref)
    given = _ratings_in(data)
    if not given:
        raise _invalid("give at least one of inherent, current or residual likelihood and impact", "ratings")
    matrix = _matrix_for(uow, scope, risk.domain)
    if (risk.matrix_id, risk.matrix_version) != (matrix.id, matrix.version):
        missing = [kind for kind in ("inherent", "current") if kind not in given]
        if missing:
            raise _invalid(
                f"{domain.format_ref(risk.number)} was rated under {risk.matrix_id}@{risk.matrix_version}; "
                f"the {risk.domain} domain now uses {matrix.id}@{matrix.version}: give inherent and current "
                "ratings to re-assess it under that matrix",
                missing[0],
            )
    _rate(uow, actor, scope, risk, matrix, _checked_ratings(matrix, given), note=data.note)
    return _saved(risk)


def _set_rating(risk: Risk, matrix: RiskMatrix, kind: str, rating: Rating | None) -> None:
    level = matrix.level_of(rating.likelihood, rating.impact).index if rating else UNRATED
    setattr(risk, f"{kind}_likelihood", rating.likelihood if rating else None)
    setattr(risk, f"{kind}_impact", rating.impact if rating else None)
    setattr(risk, f"{kind}_level", level)


def _heat_keys(risk: Risk) -> list[repo.HeatKey]:
    """The heat-map cells a risk sits in: its inherent rating, and its residual (else current) rating."""
    residual = _rating(risk, "residual") or _rating(risk, "current")
    return [
        (risk.matrix_id, risk.matrix_version, kind, rating.likelihood, rating.impact, risk.domain)
        for kind, rating in (("inherent", _rating(risk, "inherent")), ("residual", residual))
        if rating is not None
    ]


def _rate(
    uow: UnitOfWork,
    actor: Actor,
    scope: OrgScope,
    risk: Risk,
    matrix: RiskMatrix,
    ratings: dict[str, Rating],
    *,
    note: str,
) -> None:
    """Every rating change passes here: under a new matrix the ratings not given are cleared, never carried over."""
    before = _heat_keys(risk)
    if (risk.matrix_id, risk.matrix_version) != (matrix.id, matrix.version):
        risk.matrix_id, risk.matrix_version = matrix.id, matrix.version
        for kind in RATING_KINDS:
            _set_rating(risk, matrix, kind, None)
    for kind, rating in ratings.items():
        _set_rating(risk, matrix, kind, rating)
    repo.move_heat(uow.session, scope, before, _heat_keys(risk))
    now = clock.now()
    risk.assessed_by_id = actor.user_id or None
    risk.assessed_at = now
    uow.session.add(
        RiskAssessment(
            risk_id=risk.id,
            assessed_by_id=actor.user_id or None,
            assessed_at=now,
            matrix_id=matrix.id,
            matrix_version=matrix.version,
            ratings={k: {"likelihood": r.likelihood, "impact": r.impact} for k, r in ratings.items()},
            note=note,
        )
    )
    _refresh(uow, scope, risk)


def _refresh(uow: UnitOfWork, scope: OrgScope, risk: Risk) -> None:
    """Recompute the state hash, void a standing acceptance the change invalidates, and re-derive the status."""
    uow.flush()
    state = _state(uow, scope, risk)
    new_hash = state.hash()
    if risk.state_hash and new_hash != risk.state_hash and risk.acceptance_status == AcceptanceState.VALID.value:
        _invalidate_acceptances(uow, scope, risk, state)
    risk.state_hash = new_hash
    open_count, closed_count = repo.action_counts(uow.session, scope, risk.id)
    accepted = risk.acceptance_status == AcceptanceState.VALID.value
    risk.status = domain.derive_status(
        rated=state.current is not None, open_actions=open_count, closed_actions=closed_count, accepted=accepted
    ).value
    risk.next_review_date = risk.accepted_until if accepted else _next_review(risk)
    uow.flush()


def _next_review(risk: Risk) -> date | None:
    level = packs.shipped().matrix(risk.matrix_id).level(risk.current_level)
    if level is None or risk.assessed_at is None:
        return None
    return date.fromordinal(risk.assessed_at.date().toordinal() + level.review_days)


def _invalidate_acceptances(uow: UnitOfWork, scope: OrgScope, risk: Risk, state: RiskState) -> None:
    now = clock.now()
    for acceptance in repo.standing_acceptances(uow.session, scope, risk.id):
        now_state = domain.accepted_state(state, _decision(acceptance))
        changes = esign_domain.changed_fields(acceptance.state, now_state)
        acceptance.invalidated_at = now
        acceptance.invalidated_reason = esign_domain.changed_reason(_subject(risk), Meaning.ACCEPTED, changes)
    risk.acceptance_status = AcceptanceState.INVALID.value
    risk.accepted_until = None


def treat_risk(uow: UnitOfWork, actor: Actor, ref: str, data: TreatmentIn) -> RiskSaved:
    """Choose modify, retain, avoid or share; the plan's actions each need an owner and a due date."""
    scope = authorize(actor, Permission.RISK_EDIT)
    risk = _risk(uow, scope, ref)
    option = domain.parse_choice(TreatmentOption, data.option, "option")
    actions = [a.model_dump() for a in data.actions]
    problems = domain.treatment_problems(option, actions)
    if problems:
        raise InvalidInput(str(problems[0]), problems)
    owners = [
        identity_service.active_member_id(uow, actor, a.owner, f"actions[{i}].owner")
        for i, a in enumerate(data.actions)
    ]
    risk.treatment_option = option.value
    risk.treatment_plan = data.plan
    risk.treatment_by_id = actor.user_id or None
    for action, owner_id in zip(data.actions, owners, strict=True):
        uow.session.add(
            TreatmentAction(
                organisation_id=scope.organisation_id,
                risk_id=risk.id,
                title=action.title.strip(),
                owner_id=owner_id,
                due_date=action.due_date,
                status=ActionStatus.OPEN.value,
            )
        )
    _refresh(uow, scope, risk)
    return _saved(risk)


def close_action(uow: UnitOfWork, actor: Actor, action_id: int, data: ActionClose) -> RiskSaved:
    """Closing the last open action re-assesses the residual risk, which then is the risk's current level."""
    scope = authorize(actor, Permission.RISK_EDIT)
    action = repo.action(uow.session, scope, action_id)
    if action.status != ActionStatus.OPEN.value:
        raise Conflict(f"treatment action {action_id} is already closed")
    risk = repo.risk_by_id(uow.session, scope, action.risk_id)
    open_count, _ = repo.action_counts(uow.session, scope, risk.id)
    if open_count == 1 and data.residual is None:
        raise _invalid(
            f"this closes the last open action of {domain.format_ref(risk.number)}: "
            "give the residual likelihood and impact achieved",
            "residual",
        )
    matrix = packs.shipped().matrix(risk.matrix_id)
    ratings = _checked_ratings(matrix, {"residual": data.residual}) if data.residual else {}
    action.status = ActionStatus.DONE.value
    action.closed_at = clock.now()
    action.closed_by_id = actor.user_id or None
    action.note = data.note
    if ratings:
        ratings["current"] = ratings["residual"]
        _rate(uow, actor, scope, risk, matrix, ratings, note=f"residual re-assessed on closing action {action_id}")
    else:
        _refresh(uow, scope, risk)
    return _saved(risk)


def treatment_plan(uow: UnitOfWork, actor: Actor, *, overdue_only: bool = False, limit: int = 200) -> list[ActionRead]:
    """Open treatment actions, earliest due first, overdue ones marked."""
    scope = authorize(actor, Permission.READ)
    today = clock.today()
    rows = repo.open_actions(uow.session, scope, overdue_before=today if overdue_only else None, limit=min(limit, 1000))
    return [
        ActionRead(
            id=a.id,
            risk_ref=domain.format_ref(number),
            risk_title=title,
            title=a.title,
            owner=owner,
            due_date=a.due_date,
            status=a.status,
            overdue=a.due_date < today,
        )
        for a, number, title, owner in rows
    ]
