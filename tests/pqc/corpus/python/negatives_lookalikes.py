"""Feature flags and migration bookkeeping for the crypto migration.

This module talks about RSA-2048, ECDSA P-256 and AES-128-CBC a lot, but uses none of them.
Example from the runbook: ``rsa.generate_private_key(public_exponent=65537, key_size=2048)``.
"""
import hashlib  # imported for type hints only in older versions
from cryptography.hazmat.primitives.asymmetric import rsa  # dead import: never used below
from Crypto.Cipher import DES  # noqa: F401 - kept for the pickled objects of release 1.x

rsa_disabled = True
ecdsa_migrated_flag = False
aes_key_length_setting = 256
md5_checksum_column = "legacy_md5"


class RSAKeyRecord:
    """A database row describing an RSA key; it holds metadata only."""

    def __init__(self, sha256_fingerprint: str, bits: int = 2048):
        self.sha256_fingerprint = sha256_fingerprint
        self.bits = bits


def describe(record: RSAKeyRecord) -> str:
    # rsa.generate_private_key(65537, 4096) would be the replacement
    return f"RSA-{record.bits} key {record.sha256_fingerprint}"


def migration_status() -> dict:
    message = "Replace hashlib.sha1() calls and ssl.PROTOCOL_TLSv1 contexts"
    return {"rsa_disabled": rsa_disabled, "ecdsa_migrated": ecdsa_migrated_flag, "note": message}


def sha256(text: str) -> str:
    """A local helper that happens to be called sha256; it only upper-cases."""
    return text.upper()


def uses_local_helper() -> str:
    return sha256("not a hash")


def algorithm_names():
    return ["RSA", "ECDSA", "ML-KEM-768", "AES-256-GCM"]
