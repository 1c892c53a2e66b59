"""What several of the risk use cases share: input errors, look-ups in the organisation, a risk's material state
and the one verification of its acceptance that every reader goes through."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Row

from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain as esign_domain
from qtqms.esign import service as esign_service
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, NotFound, Problem
from qtqms.kernel.rbac import OrgScope
from qtqms.models.risk import (
    Asset,
    DataClass,
    Risk,
    RiskAcceptance,
)
from qtqms.org import service as org_service
from qtqms.risk import domain, packs
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    RATING_KINDS,
    AcceptanceVerdict,
    ActionStatus,
    Rating,
    RiskState,
)
from qtqms.risk.schemas import (
    RatingRead,
    RiskSaved,
)

PLAN_SOURCE = "pqc-plan:"  # the source of a y set by a product's PQC migration plan, e.g. 'pqc-plan:QKD-LINK'


def _invalid(message: str, field: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [Problem(message, field=field)])


def _product_id(uow: UnitOfWork, actor: Actor, key: str | None) -> int | None:
    if not key:
        return None
    try:
        return org_service.get_product(uow, actor, key).id
    except NotFound:
        raise _invalid(f"no product '{key}'", "product") from None


def _data_class(uow: UnitOfWork, scope: OrgScope, key: str) -> DataClass:
    return repo.data_class_by_key(uow.session, scope, key)


def _asset(uow: UnitOfWork, scope: OrgScope, key: str, field: str = "system") -> Asset:
    found = repo.asset_by_key(uow.session, scope, key)
    if found is None:
        raise NotFound(f"{field} '{key}' not found among the assets")
    return found


def _rating(risk: Risk, kind: str) -> Rating | None:
    likelihood, impact = getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_impact")
    return None if likelihood is None else Rating(likelihood, impact)


def _state(uow: UnitOfWork, scope: OrgScope, risk: Risk) -> RiskState:
    return _states(uow, scope, [risk])[risk.id]


def _states(uow: UnitOfWork, scope: OrgScope, risks: Sequence[Risk]) -> dict[int, RiskState]:
    """The material state of each risk, from the same few queries however many risks."""
    links = repo.material_links(uow.session, scope, [risk.id for risk in risks])
    return {risk.id: _state_of(risk, links[risk.id]) for risk in risks}


def _state_of(risk: Risk, links: repo.MaterialLinks) -> RiskState:
    return RiskState(
        matrix_id=risk.matrix_id,
        matrix_version=risk.matrix_version,
        inherent=_rating(risk, "inherent"),
        current=_rating(risk, "current"),
        residual=_rating(risk, "residual"),
        treatment_option=risk.treatment_option,
        asset_ids=tuple(links.asset_ids),
        title=risk.title,
        description=risk.description,
        domain=risk.domain,
        approach=risk.approach,
        threat=risk.threat_ref,
        vulnerabilities=risk.vulnerabilities,
        existing_controls=risk.existing_controls,
        product_id=risk.product_id,
        treatment_plan=risk.treatment_plan,
        treatment_actions=tuple(f"due {due}, owner {owner}: {title}" for title, owner, due, _ in links.actions),
        data_class_ids=tuple(links.data_class_ids),
        requirement_ids=tuple(links.requirement_ids),
        control_ids=tuple(links.control_ids),
    )


def _risk(uow: UnitOfWork, scope: OrgScope, ref: str) -> Risk:
    return repo.risk_by_number(uow.session, scope, domain.parse_ref(ref), f"risk {ref}")


def _saved(risk: Risk) -> RiskSaved:
    return RiskSaved(ref=domain.format_ref(risk.number), number=risk.number, status=risk.status)


def _subject(risk: Risk) -> esign_domain.Subject:
    return esign_domain.Subject("risk", str(risk.id), f"{domain.format_ref(risk.number)} {risk.title}")


def _decision(acceptance: RiskAcceptance) -> domain.AcceptanceDecision:
    return domain.AcceptanceDecision(
        accepted_by_id=acceptance.accepted_by_id,
        justification=acceptance.justification,
        expires_on=acceptance.expires_on,
        level_key=acceptance.level_key,
        level_label=acceptance.level_label,
    )


def _verdicts(uow: UnitOfWork, actor: Actor, scope: OrgScope, risks: Sequence[Risk]) -> dict[int, AcceptanceVerdict]:
    """The one place a risk's acceptance is decided, for every reader: the signature of a claimed acceptance
    is verified over the risk's present state, for a whole page of risks in a fixed number of queries."""
    claiming = [r for r in risks if domain.claims_acceptance(r.acceptance_status, r.status)]
    links = repo.material_links(uow.session, scope, [r.id for r in claiming])
    states = {r.id: _state_of(r, links[r.id]) for r in claiming}
    standing = repo.latest_standing_acceptances(uow.session, scope, list(states))
    checks = [
        esign_service.StateCheck(a.signature_id, domain.accepted_state(states[risk_id], _decision(a)), a.state)
        for risk_id, a in standing.items()
    ]
    verified = esign_service.verify_all(uow, actor, checks) if checks else {}
    verdicts = {}
    for risk in risks:
        actions = [status for *_, status in links[risk.id].actions] if risk.id in links else []
        acceptance = standing.get(risk.id)
        verdicts[risk.id] = domain.acceptance_verdict(
            verified[acceptance.signature_id] if acceptance else None,
            stored_acceptance=risk.acceptance_status,
            stored_status=risk.status,
            rated=risk.current_likelihood is not None,
            open_actions=actions.count(ActionStatus.OPEN.value),
            closed_actions=len(actions) - actions.count(ActionStatus.OPEN.value),
        )
    return verdicts


def _verdict(uow: UnitOfWork, actor: Actor, scope: OrgScope, risk: Risk) -> AcceptanceVerdict:
    return _verdicts(uow, actor, scope, [risk])[risk.id]


def _row_verdicts(
    uow: UnitOfWork, actor: Actor, scope: OrgScope, rows: Sequence[Row[Any]]
) -> dict[int, AcceptanceVerdict]:
    """Register rows hold only the columns shown: those that claim an acceptance are read whole and verified."""
    claiming = [r.id for r in rows if domain.claims_acceptance(r.acceptance_status, r.status)]
    verified = _verdicts(uow, actor, scope, repo.risks_by_ids(uow.session, scope, claiming))
    return {r.id: verified.get(r.id) or domain.as_stored(r.acceptance_status, r.status) for r in rows}


@lru_cache(maxsize=1024)
def _rating_read(matrix_id: str, likelihood: int | None, impact: int | None) -> RatingRead | None:
    """How one cell of a shipped matrix reads. A matrix has a few dozen cells and a register page shows 150
    ratings, so each cell is built once per process and shared (read-only) by every page that shows it."""
    matrix = packs.shipped().matrices.get(matrix_id)
    if likelihood is None or impact is None or matrix is None:
        return None
    level = matrix.level_of(likelihood, impact)
    return RatingRead(
        likelihood=likelihood, impact=impact, level_key=level.key, level_label=level.label, tone=level.tone
    )


def _ratings_read(risk: Risk | Row[Any]) -> dict[str, RatingRead | None]:
    return {
        kind: _rating_read(risk.matrix_id, getattr(risk, f"{kind}_likelihood"), getattr(risk, f"{kind}_impact"))
        for kind in RATING_KINDS
    }
