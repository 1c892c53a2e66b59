"""Signed risk acceptance (through esign): who may accept which level, bound to the risk's whole material state."""

from __future__ import annotations

from qtqms.db.uow import UnitOfWork
from qtqms.esign import service as esign_service
from qtqms.esign.domain import Meaning
from qtqms.kernel import clock, hashchain
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import Conflict, InvalidInput, PermissionDenied
from qtqms.kernel.rbac import Permission, authorize
from qtqms.models.risk import (
    RiskAcceptance,
)
from qtqms.risk import domain
from qtqms.risk import repository as repo
from qtqms.risk.domain import (
    AcceptanceState,
)
from qtqms.risk.schemas import (
    AcceptanceIn,
    RiskSaved,
)
from qtqms.risk.service._common import _risk, _saved, _state, _subject
from qtqms.risk.service.criteria import _matrix_for
from qtqms.risk.service.scenarios import _refresh


def accept_risk(uow: UnitOfWork, actor: Actor, ref: str, data: AcceptanceIn) -> RiskSaved:
    """Signed acceptance by a user whose role may accept the level, never the creator, assessor or treatment
    chooser, bound to the hash of the risk's whole material state and of the decision itself."""
    scope = authorize(actor, Permission.RISK_ACCEPT)
    risk = _risk(uow, scope, ref)
    in_force = _matrix_for(uow, scope, risk.domain)
    if (risk.matrix_id, risk.matrix_version) != (in_force.id, in_force.version):
        raise Conflict(
            f"{ref} is rated under {risk.matrix_id}@{risk.matrix_version} but its domain uses "
            f"{in_force.id}@{in_force.version}: re-assess it before accepting it"
        )
    state = _state(uow, scope, risk)
    today = clock.today()
    expires_on = data.expires_on or domain.default_expiry(in_force, state, today)
    refusal = domain.acceptance_refusal(
        in_force,
        state,
        role=actor.role,
        acceptor_id=actor.user_id,
        proposers={
            "created": risk.created_by_id,
            "last_assessed": risk.assessed_by_id,
            "chose_the_treatment_of": risk.treatment_by_id,
        },
        expires_on=expires_on,
        today=today,
    )
    if refusal is not None:
        raise (PermissionDenied if refusal.forbidden else InvalidInput)(refusal.message)
    level, _ = domain.effective_level(in_force, state) or (None, None)
    assert level is not None
    decision = domain.AcceptanceDecision(actor.user_id, data.justification, expires_on, level.key, level.label)
    signed_state = hashchain.plain(domain.accepted_state(state, decision))
    signature = esign_service.sign(
        uow, actor, _subject(risk), Meaning.ACCEPTED, data.password, state=signed_state, expires_on=expires_on
    )
    now = clock.now()
    for previous in repo.standing_acceptances(uow.session, scope, risk.id):
        previous.invalidated_at = now
        previous.invalidated_reason = "superseded by a later acceptance"
    uow.session.add(
        RiskAcceptance(
            organisation_id=scope.organisation_id,
            risk_id=risk.id,
            accepted_by_id=actor.user_id,
            signature_id=signature.id,
            accepted_at=now,
            level_key=level.key,
            level_label=level.label,
            state=signed_state,
            state_hash=signature.state_hash,
            justification=data.justification,
            expires_on=expires_on,
        )
    )
    risk.acceptance_status = AcceptanceState.VALID.value
    risk.accepted_until = expires_on
    risk.state_hash = state.hash()
    _refresh(uow, scope, risk)
    return _saved(risk)
