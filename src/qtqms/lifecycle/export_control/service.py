"""Export-control use cases: classify a product's recorded parameters against the shipped control lists (always
computed afresh, so a changed parameter or pack reclassifies at once and the page shows what changed against the
recorded classification), and record a classification for the gates to rely on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel import clock
from qtqms.kernel.actor import Actor
from qtqms.kernel.rbac import Permission, authorize
from qtqms.lifecycle.export_control import domain
from qtqms.lifecycle.export_control import repository as repo
from qtqms.lifecycle.export_control.packs import control_lists
from qtqms.lifecycle.export_control.schemas import CandidateRead, ClassificationRead, ListRead
from qtqms.lifecycle.products import service as products
from qtqms.lifecycle.products.schemas import ProductProfile
from qtqms.models.lifecycle import ExportClassification


def _packs() -> dict[str, str]:
    return {c.id: c.version for c in control_lists()}


def _computed(profile: ProductProfile) -> tuple[list[dict], list[str]]:
    candidates, missing = domain.classify(profile.domain, profile.parameter_values(), control_lists())
    return [asdict(c) for c in candidates], missing


def classify(uow: UnitOfWork, actor: Actor, key: str) -> ClassificationRead:
    """The classification of the product as it stands, with what changed against the one recorded last."""
    scope = authorize(actor, Permission.READ)
    profile = products.get_profile(uow, actor, key)
    candidates, missing = _computed(profile)
    recorded = repo.latest(uow.session, scope, [profile.id]).get(profile.id)
    current = recorded is not None and recorded.parameters == profile.parameter_values() and recorded.packs == _packs()
    said = domain.changes(recorded.candidates, candidates) if recorded is not None else []
    if recorded is not None and recorded.parameters != profile.parameter_values():
        said.insert(0, "parameters changed since the recorded classification")
    by = identity_service.usernames(uow, [recorded.classified_by], scope) if recorded is not None else {}
    return ClassificationRead(
        product=key,
        notice=domain.NOT_LEGAL_ADVICE,
        parameters=profile.parameter_values(),
        packs=_packs(),
        candidates=[CandidateRead(**c) for c in candidates],
        missing=missing,
        recorded_at=recorded.classified_at if current else None,
        recorded_by=by.get(recorded.classified_by, "") if current and recorded else "",
        changes=said,
        current=current,
    )


def record_classification(uow: UnitOfWork, actor: Actor, key: str) -> ClassificationRead:
    """Record the classification of now (what changed against the one before is kept with it)."""
    scope = authorize(actor, Permission.LIFECYCLE_EDIT)
    profile = products.get_profile(uow, actor, key)
    candidates, missing = _computed(profile)
    before = repo.latest(uow.session, scope, [profile.id]).get(profile.id)
    row = ExportClassification(
        organisation_id=scope.organisation_id,
        lifecycle_product_id=profile.id,
        parameters=profile.parameter_values(),
        packs=_packs(),
        candidates=candidates,
        missing=missing,
        changes=domain.changes(before.candidates, candidates) if before else [],
        classified_by=actor.user_id,
        classified_at=clock.now(),
    )
    uow.session.add(row)
    uow.flush()
    return classify(uow, actor, key)


def classified_on_current_many(
    uow: UnitOfWork, actor: Actor, profiles: Sequence[ProductProfile]
) -> dict[int, bool | None]:
    """Per product id: None, never classified; False, classified on other parameters or packs; True, current."""
    scope = authorize(actor, Permission.READ)
    recorded = repo.latest(uow.session, scope, [p.id for p in profiles])
    packs = _packs()
    return {
        p.id: None
        if p.id not in recorded
        else recorded[p.id].parameters == p.parameter_values() and recorded[p.id].packs == packs
        for p in profiles
    }


def lists(uow: UnitOfWork, actor: Actor) -> list[ListRead]:
    authorize(actor, Permission.READ)
    return [
        ListRead(
            id=c.id,
            jurisdiction=c.jurisdiction,
            title=c.title,
            version=c.version,
            source=c.source,
            verified_on=c.verified_on,
            notes=list(c.notes),
            items=[f"{r.id}{' [verify]' if r.verify else ''}: {r.title}" for r in c.rules],
        )
        for c in control_lists()
    ]
