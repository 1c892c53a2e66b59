"""E-signature use cases: sign a subject with a meaning after re-entering the password, verify signatures.

The slice that owns the subject decides who may sign it and what its material state is; this one binds that
state to the signer and says whether the binding still holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row

from qtqms.db.uow import UnitOfWork
from qtqms.esign import domain
from qtqms.esign import repository as repo
from qtqms.esign.domain import Finding, Meaning, Subject, Verification
from qtqms.esign.schemas import SignatureRead, VerificationRead
from qtqms.identity import service as identity_service
from qtqms.kernel import clock, signing
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import NotAuthenticated, NotFound
from qtqms.kernel.rbac import Permission, authorize
from qtqms.models.esign import Signature, SigningKey
from qtqms.settings import get_settings, secret_key


def _signing_key(uow: UnitOfWork, user_id: int, server_secret: str) -> SigningKey:
    key = repo.active_key(uow.session, user_id)
    if key is None:
        pair = signing.generate_keypair(server_secret)
        key = SigningKey(
            user_id=user_id,
            created_at=clock.now(),
            ed25519_public=pair.ed25519_public,
            mldsa_public=pair.mldsa_public,
            sealed_private=pair.sealed_private,
        )
        uow.session.add(key)
        uow.flush()
    return key


def sign(
    uow: UnitOfWork,
    actor: Actor,
    subject: Subject,
    meaning: Meaning,
    password: str,
    *,
    state: Mapping[str, Any],
    expires_on: date | None = None,
) -> SignatureRead:
    """Sign `subject` in its material `state` after the signer re-enters the password (21 CFR Part 11 style).

    The password goes through the login throttle and attempt log. The manifest binds signer, meaning, subject,
    time, expiry and the SHA-256 of the whole state; Ed25519 and ML-DSA-65 both sign it. Who may sign is the
    calling use case's rule: here the signer need only be a user of the organisation.
    """
    scope = authorize(actor, Permission.READ)
    try:
        identity_service.reauthenticate(uow, actor, password)
    except NotAuthenticated as refused:
        raise NotAuthenticated(f"{refused.message}: not signed") from None
    server_secret = secret_key(get_settings())
    key = _signing_key(uow, actor.user_id, server_secret)
    signed_at = clock.now()
    content_hash = domain.state_hash(state)
    manifest = domain.manifest(
        signer_id=actor.user_id,
        signer=actor.username,
        meaning=meaning,
        subject=subject,
        signed_at=signed_at,
        expires_on=expires_on,
        content_hash=content_hash,
    )
    ed_signature, ml_signature = signing.sign(manifest, key.sealed_private, server_secret)
    signature = Signature(
        organisation_id=scope.organisation_id,
        user_id=actor.user_id,
        key_id=key.id,
        entity_type=subject.kind,
        entity_id=subject.id,
        meaning=meaning.value,
        content_hash=content_hash,
        signed_at=signed_at,
        manifest=manifest.decode(),
        ed25519_signature=ed_signature,
        mldsa_signature=ml_signature,
    )
    uow.session.add(signature)
    uow.flush()
    return _read(signature, actor.username)


@dataclass(frozen=True)
class StateCheck:
    """One signature to verify against its subject's current material state (None: the state is not checked),
    with the state as its slice stored it when signed, so that the reason can name what changed."""

    signature_id: int
    current_state: Mapping[str, Any] | None
    signed_state: Mapping[str, Any] | None = None


def verify(
    uow: UnitOfWork,
    actor: Actor,
    signature_id: int,
    current_state: Mapping[str, Any] | None,
    *,
    signed_state: Mapping[str, Any] | None = None,
) -> Verification:
    """Whether one signature of the actor's organisation holds now, and why in words."""
    verified = verify_all(uow, actor, [StateCheck(signature_id, current_state, signed_state)])[signature_id]
    if verified.finding is Finding.MISSING:
        raise NotFound(f"signature {signature_id} not found")
    return verified


def verify_all(uow: UnitOfWork, actor: Actor, checks: Sequence[StateCheck]) -> dict[int, Verification]:
    """Verify many signatures with one query (a register page verifies every accepted row it shows). A record
    pointing at a signature the organisation does not have is not signed: it reads MISSING, and the page
    that shows it still opens."""
    scope = authorize(actor, Permission.READ)
    found = repo.signatures_with_keys(uow.session, scope, [c.signature_id for c in checks])
    today = clock.today()
    return {
        check.signature_id: domain.verify_stored(
            _stored(found[check.signature_id]), check.current_state, today, signed_state=check.signed_state
        )
        if check.signature_id in found
        else Verification(check.signature_id, Finding.MISSING, f"signature {check.signature_id} does not exist")
        for check in checks
    }


def check_signature(uow: UnitOfWork, actor: Actor, signature_id: int) -> tuple[SignatureRead, VerificationRead]:
    """A signature with the verdict on its bytes, manifest and expiry (its subject's state is not checked)."""
    scope = authorize(actor, Permission.READ)
    found = repo.signatures_with_keys(uow.session, scope, [signature_id])
    if signature_id not in found:
        raise NotFound(f"signature {signature_id} not found")
    signature = found[signature_id]
    verification = domain.verify_stored(_stored(signature), None, clock.today())
    signer = identity_service.usernames(uow, [signature.user_id], scope).get(signature.user_id, "")
    return _read(signature, signer), verification_read(verification)


def signatures_of(uow: UnitOfWork, actor: Actor, kind: str, subject_id: object) -> list[SignatureRead]:
    """The signatures of one subject of the actor's organisation, oldest first."""
    scope = authorize(actor, Permission.READ)
    rows = repo.signatures_of(uow.session, scope, kind, str(subject_id))
    names = identity_service.usernames(uow, [s.user_id for s in rows], scope)
    return [_read(s, names.get(s.user_id, "")) for s in rows]


def verification_read(verification: Verification) -> VerificationRead:
    return VerificationRead(
        signature_id=verification.signature_id,
        valid=verification.valid,
        finding=verification.finding.value,
        reason=verification.reason,
        expires_on=verification.expires_on,
        changed_fields=list(verification.changed_fields),
    )


def _stored(row: Row[Any]) -> domain.StoredSignature:
    """A row of repo.signatures_with_keys as the plain values verification needs."""
    return domain.StoredSignature(**{name: getattr(row, name) for name in domain.StoredSignature.__dataclass_fields__})


def _read(signature: Signature | Row[Any], signer: str) -> SignatureRead:
    manifest = domain.read_manifest(signature.manifest)
    return SignatureRead(
        id=signature.id,
        signer=signer,
        signer_id=signature.user_id,
        meaning=signature.meaning,
        subject_kind=signature.entity_type,
        subject_id=signature.entity_id,
        subject_label=manifest.subject.label if manifest else "",
        state_hash=signature.content_hash,
        signed_at=signature.signed_at,
        expires_on=manifest.expires_on if manifest else None,
    )
