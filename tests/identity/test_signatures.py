import json

import pytest
from sqlalchemy import text

from qtqms.db.uow import UnitOfWork
from qtqms.identity import service
from qtqms.kernel.errors import NotAuthenticated
from tests.builders import PASSWORD, make_org

HASH = "a" * 64


def sign(db, actor, password=PASSWORD, content_hash=HASH):
    with UnitOfWork(db, write=True, actor=actor) as uow:
        signature = service.sign_record(
            uow,
            actor,
            password=password,
            meaning="approval",
            entity_type="document",
            entity_id="7",
            content_hash=content_hash,
        )
        uow.commit()
        return signature.id


def check(db, actor, signature_id, content_hash=None):
    with UnitOfWork(db, actor=actor) as uow:
        return service.verify_signature(uow, actor, signature_id, content_hash=content_hash)


def test_signing_needs_the_password_and_records_signer_meaning_and_hash(db):
    admin = make_org(db)
    with pytest.raises(NotAuthenticated, match="not signed"):
        sign(db, admin, password="wrong-password-1")
    signature_id = sign(db, admin)
    assert check(db, admin, signature_id, HASH).valid
    with db.connect() as connection:
        manifest = json.loads(connection.execute(text("SELECT manifest FROM signature")).scalar())
        sealed = connection.execute(text("SELECT sealed_private FROM signing_key")).scalar()
    assert manifest["signer"] == "admin" and manifest["meaning"] == "approval" and manifest["content_hash"] == HASH
    assert "PRIVATE" not in sealed and len(sealed) > 100


def test_a_changed_record_no_longer_matches_its_signature(db):
    admin = make_org(db)
    signature_id = sign(db, admin)
    result = check(db, admin, signature_id, "b" * 64)
    assert not result.valid and result.reason == "the record has changed since it was signed"


@pytest.mark.parametrize("column", ["ed25519_signature", "mldsa_signature"])
def test_a_forged_signature_is_detected(db, column):
    admin = make_org(db)
    first, second = sign(db, admin), sign(db, admin, content_hash="c" * 64)
    with db.begin() as connection:
        other = connection.execute(text(f"SELECT {column} FROM signature WHERE id = :i"), {"i": second}).scalar()
        connection.execute(text(f"UPDATE signature SET {column} = :v WHERE id = :i"), {"v": other, "i": first})
    result = check(db, admin, first)
    assert not result.valid and "does not match" in result.reason


def test_an_edited_manifest_hash_is_detected(db):
    admin = make_org(db)
    signature_id = sign(db, admin)
    with db.begin() as connection:
        connection.execute(text("UPDATE signature SET content_hash = :h"), {"h": "d" * 64})
    assert not check(db, admin, signature_id).valid
