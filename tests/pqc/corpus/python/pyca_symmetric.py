import os
import secrets

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

# The old export format used AES-128-ECB; do not bring it back.


def encrypt_record(plaintext: bytes) -> bytes:
    key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    return AESGCM(key).encrypt(nonce, plaintext, None)  # expect: AES-256-GCM


def encrypt_blob(data: bytes) -> bytes:
    key = secrets.token_bytes(16)
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()  # expect: AES-128-CBC
    return encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()


def stream(data: bytes, key: bytes) -> bytes:
    chacha = ChaCha20Poly1305(key)  # expect: ChaCha20-Poly1305
    return chacha.encrypt(os.urandom(12), data, b"")


def legacy_ecb(data: bytes) -> bytes:
    cipher = Cipher(algorithms.AES(b"0123456789abcdef"), modes.ECB())  # expect: AES-128-ECB
    return cipher.encryptor().update(data)


def token_mac(key: bytes, message: bytes) -> bytes:
    tag = hmac.HMAC(key, hashes.SHA256())  # expect: HMAC-SHA-256
    tag.update(message)
    return tag.finalize()


def password_key(password: bytes, salt: bytes) -> bytes:
    kdf = PBKDF2HMAC(algorithm=hashes.SHA512(), length=32, salt=salt, iterations=600_000)  # expect: PBKDF2, SHA-512
    return kdf.derive(password)


def session_cookie_box():
    return Fernet(Fernet.generate_key())  # expect: AES-128-CBC, HMAC-SHA-256


def digest(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SHA3_256())  # expect: SHA3-256
    h.update(data)
    return h.finalize()
