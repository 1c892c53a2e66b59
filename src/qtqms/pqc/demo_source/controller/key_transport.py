"""QKD link controller: wraps post-processing keys for the classical backup channel (demo)."""
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import mlkem, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

BACKUP_KEY_BITS = 2048  # migration ticket PQC-14: move the backup channel to ML-KEM


def backup_channel_wrap(session_key: bytes) -> bytes:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=BACKUP_KEY_BITS)
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    return private_key.public_key().encrypt(session_key, oaep)


def primary_channel_seal(payload: bytes) -> tuple[bytes, bytes, bytes]:
    decapsulation_key = mlkem.MLKEM768PrivateKey.generate()
    shared_secret, kem_ciphertext = decapsulation_key.public_key().encapsulate()
    nonce = os.urandom(12)
    return kem_ciphertext, nonce, AESGCM(shared_secret).encrypt(nonce, payload, None)
