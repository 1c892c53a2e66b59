"""Signed audit records of the QKD controller (demo)."""
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, mldsa


def sign_record_classic(record: bytes) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.sign(record, ec.ECDSA(hashes.SHA256()))


def sign_record_post_quantum(record: bytes) -> bytes:
    return mldsa.MLDSA65PrivateKey.generate().sign(record)


def legacy_record_id(record: bytes) -> str:
    return hashlib.sha1(record).hexdigest()


def record_tag(key: bytes, record: bytes) -> str:
    return hmac.new(key, record, hashlib.sha256).hexdigest()
