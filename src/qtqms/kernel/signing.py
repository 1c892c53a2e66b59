"""Hybrid electronic signatures (Ed25519 + ML-DSA-65) over a canonical manifest, and sealed key storage.

Both algorithms sign the same manifest, so a signature stays verifiable classically today and
remains sound once ML-DSA alone is trusted; private keys are stored encrypted under the server key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass

ED25519 = "ed25519"
MLDSA65 = "ml-dsa-65"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


@dataclass(frozen=True)
class KeyPair:
    ed25519_public: str
    mldsa_public: str
    sealed_private: str


def _sealing_key(server_secret: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"qtqms signing keys v1").derive(
        server_secret.encode()
    )


def generate_keypair(server_secret: str) -> KeyPair:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = serialization.Encoding.Raw
    ed_private = ed25519.Ed25519PrivateKey.generate()
    ml_private = mldsa.MLDSA65PrivateKey.generate()
    private = json.dumps(
        {
            ED25519: _b64(ed_private.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())),
            MLDSA65: _b64(ml_private.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())),
        }
    ).encode()
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(_sealing_key(server_secret)).encrypt(nonce, private, b"qtqms-signing-key")
    return KeyPair(
        ed25519_public=_b64(ed_private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)),
        mldsa_public=_b64(ml_private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)),
        sealed_private=_b64(sealed),
    )


def sign(manifest: bytes, sealed_private: str, server_secret: str) -> tuple[str, str]:
    """(Ed25519 signature, ML-DSA-65 signature) of the manifest, base64."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    sealed = _unb64(sealed_private)
    private = json.loads(AESGCM(_sealing_key(server_secret)).decrypt(sealed[:12], sealed[12:], b"qtqms-signing-key"))
    ed_private = ed25519.Ed25519PrivateKey.from_private_bytes(_unb64(private[ED25519]))
    ml_private = mldsa.MLDSA65PrivateKey.from_seed_bytes(_unb64(private[MLDSA65]))
    return _b64(ed_private.sign(manifest)), _b64(ml_private.sign(manifest))


def verify(manifest: bytes, ed25519_signature: str, mldsa_signature: str, key: KeyPair) -> str:
    """An empty string when both signatures hold, else which one failed."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ed25519, mldsa

    checks = (
        (ED25519, ed25519.Ed25519PublicKey.from_public_bytes, key.ed25519_public, ed25519_signature),
        (MLDSA65, mldsa.MLDSA65PublicKey.from_public_bytes, key.mldsa_public, mldsa_signature),
    )
    for name, load, public, signature in checks:
        try:
            load(_unb64(public)).verify(_unb64(signature), manifest)
        except (InvalidSignature, ValueError):
            return f"the {name} signature does not match the manifest"
    return ""


def digest(manifest: bytes) -> str:
    return hashlib.sha256(manifest).hexdigest()
