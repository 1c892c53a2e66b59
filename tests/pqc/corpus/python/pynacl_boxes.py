"""PyNaCl: public-key boxes, secret boxes, signing keys, hashing and password hashing."""
import nacl.hash
import nacl.pwhash
from nacl.public import Box, PrivateKey, SealedBox
from nacl.secret import Aead, SecretBox
from nacl.signing import SigningKey


def exchange(peer_public):
    mine = PrivateKey.generate()  # expect: X25519
    return Box(mine, peer_public)  # expect: X25519, XSalsa20-Poly1305


def anonymous(recipient_public, data: bytes) -> bytes:
    return SealedBox(recipient_public).encrypt(data)  # expect: X25519, XSalsa20-Poly1305


def at_rest(key: bytes, data: bytes) -> bytes:
    sealed = SecretBox(key).encrypt(data)  # expect: XSalsa20-Poly1305
    return Aead(key).encrypt(sealed)  # expect: XChaCha20-Poly1305


def sign(message: bytes) -> bytes:
    key = SigningKey.generate()  # expect: Ed25519
    return key.sign(message).signature


def digest(data: bytes) -> bytes:
    return nacl.hash.blake2b(data) + nacl.hash.sha256(data)  # expect: BLAKE2b, SHA-256


def store_password(password: bytes) -> bytes:
    return nacl.pwhash.argon2id.str(password)  # expect: Argon2
