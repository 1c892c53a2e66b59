import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519
from cryptography.hazmat.primitives.asymmetric import mlkem, mldsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DeviceIdentity:
    """Holds the device's signing key (ECDSA P-256 today, ML-DSA-65 after the migration)."""

    def __init__(self):
        self.signing_key = ec.generate_private_key(ec.SECP256R1())  # expect: EC-P-256
        self.pq_key = mldsa.MLDSA65PrivateKey.generate()  # expect: ML-DSA-65

    def sign(self, payload: bytes) -> bytes:
        return self.signing_key.sign(payload, ec.ECDSA(hashes.SHA256()))  # expect: ECDSA, SHA-256


def ecdh_session(peer_public):
    curve = ec.SECP384R1()
    ours = ec.generate_private_key(curve)  # expect: EC-P-384
    shared = ours.exchange(ec.ECDH(), peer_public)  # expect: ECDH-P-384
    return HKDF(algorithm=hashes.SHA384(), length=32, salt=None, info=b"qkd-session").derive(shared)  # expect: HKDF, SHA-384


def x25519_handshake(peer):
    ephemeral = x25519.X25519PrivateKey.generate()  # expect: X25519
    return ephemeral.exchange(peer)  # expect: X25519


def firmware_signer():
    key = ed25519.Ed25519PrivateKey.generate()  # expect: Ed25519
    return key


def hybrid_kem():
    decapsulation_key = mlkem.MLKEM768PrivateKey.generate()  # expect: ML-KEM-768
    encapsulation_key = decapsulation_key.public_key()
    shared_secret, ciphertext = encapsulation_key.encapsulate()  # expect: ML-KEM-768
    classical = x25519.X25519PrivateKey.generate()  # expect: X25519
    return shared_secret, ciphertext, classical, os.urandom(16)
