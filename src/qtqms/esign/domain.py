"""E-signature rules: meanings, the manifest a signature covers, what invalidates it, and segregation of duties.

A signature binds the signer, the meaning, the subject, the time, the expiry and the SHA-256 of the subject's
whole material state. Verifying one says, in words, why it does or does not hold now.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from qtqms.kernel import hashchain, signing

MANIFEST_FORMAT = "qtqms-esign/2"
SHORT_VALUE = 60  # longer or multi-line values are named as changed, not quoted


class Meaning(StrEnum):
    """What the signer means by signing (21 CFR 11.50): each reads as "the <subject> was <meaning>"."""

    AUTHORED = "authored"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    ACCEPTED = "accepted"
    RELEASED = "released"


@dataclass(frozen=True)
class Subject:
    """The record a signature is about: its kind ("risk"), its id, and how a reader recognises it."""

    kind: str
    id: str
    label: str


def state_hash(state: Mapping[str, Any]) -> str:
    """The SHA-256 of a material state in its canonical JSON form."""
    return hashlib.sha256(hashchain.canonical(state)).hexdigest()


def manifest(
    *,
    signer_id: int,
    signer: str,
    meaning: Meaning,
    subject: Subject,
    signed_at: datetime,
    expires_on: date | None,
    content_hash: str,
) -> bytes:
    """The exact bytes both algorithms sign."""
    return hashchain.canonical(
        {
            "format": MANIFEST_FORMAT,
            "signer_id": signer_id,
            "signer": signer,
            "meaning": meaning.value,
            "subject": {"kind": subject.kind, "id": subject.id, "label": subject.label},
            "signed_at": signed_at,
            "expires_on": expires_on,
            "state_hash": content_hash,
        }
    )


@dataclass(frozen=True)
class SignedManifest:
    """A manifest read back: what the signer signed."""

    signer_id: int
    meaning: str
    subject: Subject
    expires_on: date | None
    state_hash: str


def read_manifest(text: str) -> SignedManifest | None:
    """The manifest's fields, or None for a manifest of an earlier format (which did not bind the whole state)."""
    try:
        fields = json.loads(text)
        if fields.get("format") != MANIFEST_FORMAT:
            return None
        subject = fields["subject"]
        expires_on = date.fromisoformat(fields["expires_on"]) if fields["expires_on"] else None
        return SignedManifest(
            signer_id=int(fields["signer_id"]),
            meaning=str(fields["meaning"]),
            subject=Subject(str(subject["kind"]), str(subject["id"]), str(subject["label"])),
            expires_on=expires_on,
            state_hash=str(fields["state_hash"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class Finding(StrEnum):
    VALID = "valid"
    CHANGED = "changed"  # the subject's material state is no longer what was signed
    EXPIRED = "expired"
    FORGED = "forged"  # the signature bytes do not verify, or the row no longer matches its manifest
    OUTDATED = "outdated"  # signed under an earlier manifest format
    MISSING = "missing"  # no such signature in the organisation


@dataclass(frozen=True)
class Verification:
    """Whether a signature holds now, and why in words."""

    signature_id: int
    finding: Finding
    reason: str
    expires_on: date | None = None
    changed_fields: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.finding is Finding.VALID


def _shown(value: Any) -> str | None:
    """A value as the reason quotes it, or None when it is too long to quote."""
    if value is None:
        return "none"
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(str(hashchain.plain(v)) for v in value) + "]"
    else:
        text = str(hashchain.plain(value))
        if " " in text:
            text = f"'{text}'"
    return None if len(text) > SHORT_VALUE or "\n" in text else text


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None  # as quoted in the reason; None when too long to quote
    after: str | None

    def __str__(self) -> str:
        if self.before is None or self.after is None:
            return f"{self.field} changed"
        return f"{self.field}: {self.before} -> {self.after}"


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """Each material field that differs, in field order: "current: L2xI2 -> L3xI2", "description changed"."""
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = hashchain.plain(before.get(key)), hashchain.plain(after.get(key))
        if old != new:
            changes.append(FieldChange(key, _shown(old), _shown(new)))
    return changes


def changed_reason(subject: Subject, meaning: str, changes: list[FieldChange]) -> str:
    said = f"the {subject.kind} changed after it was {meaning}"
    return f"{said}: {'; '.join(map(str, changes))}" if changes else said


@dataclass(frozen=True)
class Approval:
    """A signed decision about a subject in one material state; any later change to that state voids it.

    `signed_state` is the state as the subject's slice stored it when it was signed: it is trusted (to name
    what changed) only while its hash is the one the signature covers.
    """

    signature_id: int
    subject: Subject
    meaning: str
    state_hash: str
    signed_state: Mapping[str, Any] | None = None

    def check(self, current_state: Mapping[str, Any]) -> Verification | None:
        """None while the current state is the signed one, else the CHANGED finding naming the fields."""
        if state_hash(current_state) == self.state_hash:
            return None
        snapshot = self.signed_state
        trusted = snapshot is not None and state_hash(snapshot) == self.state_hash
        changes = changed_fields(snapshot, current_state) if trusted and snapshot is not None else []
        return Verification(
            self.signature_id,
            Finding.CHANGED,
            changed_reason(self.subject, self.meaning, changes),
            changed_fields=tuple(change.field for change in changes),
        )


def not_among(signer_id: int, *, action: str, subject: str, **roles: int | None) -> str | None:
    """Segregation of duties: why the signer may not sign, or None. Each keyword is a part someone played in
    the record, as the refusal says it (``created=7, last_assessed=9`` -> "you created this risk")."""
    held = [role.replace("_", " ") for role, user_id in roles.items() if user_id and user_id == signer_id]
    if not held:
        return None
    parts = held[0] if len(held) == 1 else ", ".join(held[:-1]) + " and " + held[-1]
    return f"you {parts} {subject}; someone else must {action} it"


@dataclass(frozen=True)
class StoredSignature:
    """A signature row and its signing key's public halves, as plain values."""

    id: int
    user_id: int
    entity_type: str
    entity_id: str
    meaning: str
    content_hash: str
    manifest: str
    ed25519_signature: str
    mldsa_signature: str
    key_user_id: int
    ed25519_public: str
    mldsa_public: str


# Digests of (manifest, signatures, public keys) whose signatures verified: verifying both algorithms costs
# about 0.6 ms, and a register page re-verifies every accepted row it shows on every view. A digest stands for
# all the bytes the check depends on, so any change to them is a miss and is verified afresh.
_VERIFIED: dict[str, None] = {}
_VERIFIED_MAX = 20_000
_VERIFIED_LOCK = threading.Lock()


def _bytes_problem(stored: StoredSignature) -> str:
    """Why the signature bytes do not verify under the signer's key, or "" when both do."""
    parts = (
        stored.manifest,
        stored.ed25519_signature,
        stored.mldsa_signature,
        stored.ed25519_public,
        stored.mldsa_public,
    )
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    if digest in _VERIFIED:
        return ""
    key = signing.KeyPair(stored.ed25519_public, stored.mldsa_public, "")
    problem = signing.verify(stored.manifest.encode(), stored.ed25519_signature, stored.mldsa_signature, key)
    if not problem:
        with _VERIFIED_LOCK:
            if len(_VERIFIED) >= _VERIFIED_MAX:
                del _VERIFIED[next(iter(_VERIFIED))]
            _VERIFIED[digest] = None
    return problem


def verify_stored(
    stored: StoredSignature,
    current_state: Mapping[str, Any] | None,
    today: date,
    *,
    signed_state: Mapping[str, Any] | None = None,
) -> Verification:
    """Does the signature hold today over the subject's current material state (None: not checked)?

    In order: a manifest of the present format, a row that still agrees with it, signature bytes that verify
    under the signer's own key, the state it covers, and its expiry. The first failure is the reason.
    """
    found = read_manifest(stored.manifest)
    if found is None:
        return Verification(
            stored.id,
            Finding.OUTDATED,
            "signed under an earlier scheme that did not cover the whole record: it must be signed again",
        )
    agrees = (found.signer_id, found.meaning, found.subject.kind, found.subject.id, found.state_hash) == (
        stored.user_id,
        stored.meaning,
        stored.entity_type,
        stored.entity_id,
        stored.content_hash,
    )
    if not agrees or stored.key_user_id != stored.user_id:
        return Verification(stored.id, Finding.FORGED, "the stored signature no longer matches its manifest")
    problem = _bytes_problem(stored)
    if problem:
        return Verification(stored.id, Finding.FORGED, f"signature bytes do not verify: {problem}")
    if current_state is not None:
        approval = Approval(stored.id, found.subject, found.meaning, found.state_hash, signed_state)
        changed = approval.check(current_state)
        if changed is not None:
            return changed
    if found.expires_on is not None and found.expires_on < today:
        return Verification(
            stored.id, Finding.EXPIRED, f"signature expired on {found.expires_on}", expires_on=found.expires_on
        )
    return Verification(stored.id, Finding.VALID, "signature verified", expires_on=found.expires_on)
