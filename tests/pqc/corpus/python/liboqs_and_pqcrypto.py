"""Post-quantum key establishment and signatures through liboqs-python and pqcrypto."""

import oqs
from pqcrypto.kem import ml_kem_1024
from pqcrypto.sign.ml_dsa_87 import generate_keypair, sign

KEM_NAME = "ML-KEM-768"


def establish(peer_public: bytes) -> bytes:
    with oqs.KeyEncapsulation(KEM_NAME) as kem:  # expect: ML-KEM-768
        ciphertext, shared = kem.encap_secret(peer_public)
    return shared


def signer():
    return oqs.Signature("ML-DSA-65")  # expect: ML-DSA-65


def archive_keys():
    public, secret = ml_kem_1024.generate_keypair()  # expect: ML-KEM-1024
    return public, secret


def release_signature(payload: bytes) -> bytes:
    public, secret = generate_keypair()  # expect: ML-DSA-87
    return sign(secret, payload)  # expect: ML-DSA-87


def oqs_enabled_flag() -> bool:
    # liboqs is optional: oqs.KeyEncapsulation("ML-KEM-512") is only used when installed.
    oqs_migrated = True
    return oqs_migrated
