"""Signing and verifying through the esign slice: the password, the manifest, what invalidates a signature,
and signatures read only within their organisation."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text

from qtqms.db.uow import UnitOfWork
from qtqms.esign import service
from qtqms.esign.domain import Finding, Meaning, Subject, state_hash
from qtqms.kernel import clock
from qtqms.kernel.errors import NotAuthenticated, NotFound, TooManyAttempts
from tests.builders import PASSWORD, api_token, make_org

SUBJECT = Subject("document", "7", "DOC-0007 Quality manual")
STATE = {"title": "Quality manual", "body": "Version 3 of the manual.", "revision": 3}


def sign(db, actor, password=PASSWORD, state=STATE, **kwargs):
    with UnitOfWork(db, write=True, actor=actor) as uow:
        signature = service.sign(uow, actor, SUBJECT, Meaning.APPROVED, password, state=state, **kwargs)
        uow.commit()
        return signature


def check(db, actor, signature_id, current_state=STATE, signed_state=None):
    with UnitOfWork(db, actor=actor) as uow:
        return service.verify(uow, actor, signature_id, current_state, signed_state=signed_state)


def test_signing_needs_the_password_and_binds_signer_meaning_subject_time_expiry_and_state(db):
    admin = make_org(db)
    with pytest.raises(NotAuthenticated, match="password does not match: not signed"):
        sign(db, admin, password="wrong-password-1")
    expires = clock.today() + timedelta(days=30)
    signature = sign(db, admin, expires_on=expires)
    assert check(db, admin, signature.id).valid and check(db, admin, signature.id).reason == "signature verified"
    with db.connect() as connection:
        manifest = json.loads(connection.execute(text("SELECT manifest FROM signature")).scalar())
        sealed = connection.execute(text("SELECT sealed_private FROM signing_key")).scalar()
    assert manifest["signer"] == "admin" and manifest["signer_id"] == admin.user_id
    assert manifest["meaning"] == "approved" and manifest["expires_on"] == expires.isoformat()
    assert manifest["subject"] == {"kind": "document", "id": "7", "label": "DOC-0007 Quality manual"}
    assert manifest["state_hash"] == state_hash(STATE) == signature.state_hash and manifest["signed_at"]
    assert "PRIVATE" not in sealed and len(sealed) > 100


def test_any_change_to_the_state_invalidates_the_signature_naming_the_fields(db):
    admin = make_org(db)
    signature = sign(db, admin)
    changed = {**STATE, "title": "Quality handbook", "body": "Version 4 of the manual, rewritten at length."}
    result = check(db, admin, signature.id, changed, signed_state=STATE)
    assert not result.valid and result.finding is Finding.CHANGED and result.changed_fields == ("body", "title")
    assert result.reason == (
        "the document changed after it was approved: body: 'Version 3 of the manual.' -> "
        "'Version 4 of the manual, rewritten at length.'; title: 'Quality manual' -> 'Quality handbook'"
    )
    # A snapshot that is not the signed state is not trusted to say what changed.
    tampered = check(db, admin, signature.id, changed, signed_state={**STATE, "revision": 2})
    assert tampered.reason == "the document changed after it was approved" and not tampered.changed_fields


def test_a_signature_past_its_expiry_says_when_it_expired(db):
    admin = make_org(db)
    yesterday = clock.today() - timedelta(days=1)
    result = check(db, admin, sign(db, admin, expires_on=yesterday).id)
    assert result.finding is Finding.EXPIRED and result.reason == f"signature expired on {yesterday}"


@pytest.mark.parametrize("column", ["ed25519_signature", "mldsa_signature"])
def test_a_forged_signature_is_detected(db, column):
    admin = make_org(db)
    first, second = sign(db, admin).id, sign(db, admin, state={"other": 1}).id
    with db.begin() as connection:
        other = connection.execute(text(f"SELECT {column} FROM signature WHERE id = :i"), {"i": second}).scalar()
        connection.execute(text(f"UPDATE signature SET {column} = :v WHERE id = :i"), {"v": other, "i": first})
    result = check(db, admin, first)
    assert result.finding is Finding.FORGED and result.reason.startswith("signature bytes do not verify")
    assert "does not match" in result.reason


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE signature SET content_hash = 'dddd'",
        "UPDATE signature SET meaning = 'reviewed'",
        "UPDATE signature SET entity_id = '8'",
        "UPDATE signature SET manifest = replace(manifest, '\"approved\"', '\"released\"')",
    ],
)
def test_an_edited_signature_row_or_manifest_is_detected(db, edit):
    admin = make_org(db)
    signature_id = sign(db, admin).id
    with db.begin() as connection:
        connection.execute(text(edit))
    assert check(db, admin, signature_id).finding is Finding.FORGED


def test_a_signature_of_the_earlier_scheme_must_be_signed_again(db):
    admin = make_org(db)
    signature_id = sign(db, admin).id
    with db.begin() as connection:
        connection.execute(text('UPDATE signature SET manifest = \'{"content_hash": "x"}\''))
    result = check(db, admin, signature_id)
    assert result.finding is Finding.OUTDATED and "signed again" in result.reason


def test_repeated_wrong_passwords_are_throttled_like_logins_and_every_refusal_is_kept(db):
    admin = make_org(db)
    for _ in range(5):
        with pytest.raises(NotAuthenticated):
            sign(db, admin, password="guess-guess-1")
    with pytest.raises(TooManyAttempts, match="too many failed password attempts for 'admin'"):
        sign(db, admin)
    with db.connect() as connection:
        attempts = connection.execute(text("SELECT username, succeeded FROM login_attempt")).all()
        refused = connection.execute(text("SELECT count(*) FROM audit_event WHERE action = 'password_refused'"))
        assert refused.scalar() == 5
        assert connection.execute(text("SELECT count(*) FROM signature")).scalar() == 0
    assert attempts == [("admin", False)] * 5


def test_signatures_are_read_only_within_their_organisation(db, client):
    alpha = make_org(db, "Alpha Quantum")
    beta = make_org(db, "Beta Photonics", admin_username="beta-admin")
    signature_id = sign(db, alpha).id
    with UnitOfWork(db, actor=beta) as uow:
        assert service.signatures_of(uow, beta, "document", "7") == []
        with pytest.raises(NotFound, match=f"signature {signature_id} not found"):
            service.verify(uow, beta, signature_id, STATE)
    with UnitOfWork(db, actor=alpha) as uow:
        assert [s.id for s in service.signatures_of(uow, alpha, "document", "7")] == [signature_id]
    path = f"/api/v1/esign/signatures/{signature_id}/verify"
    foreign = client.get(path, headers={"Authorization": f"Bearer {api_token(db, beta)}"})
    assert foreign.status_code == 404
    own = client.get(path, headers={"Authorization": f"Bearer {api_token(db, alpha)}"}).json()
    assert own["verification"]["valid"] and own["signature"]["signer"] == "admin" and not own["state_checked"]
    assert own["signature"]["subject_label"] == "DOC-0007 Quality manual"
