"""PyCryptodome (pycryptodomex spelling): curves that name other algorithms, ElGamal, KDFs, DH."""
from Cryptodome.Cipher import AES, ChaCha20_Poly1305
from Cryptodome.Hash import HMAC, SHA256, SHA512
from Cryptodome.Protocol import DH
from Cryptodome.Protocol.KDF import HKDF, PBKDF1, bcrypt
from Cryptodome.PublicKey import ECC, ElGamal
from Cryptodome.Signature import eddsa


def edwards_signer(message: bytes) -> bytes:
    key = ECC.generate(curve="Ed25519")  # expect: Ed25519
    return eddsa.new(key, "rfc8032").sign(message)  # expect: Ed25519


def edwards448():
    return ECC.generate(curve="ed448")  # expect: Ed448


def montgomery():
    return ECC.generate(curve="Curve25519")  # expect: X25519


def nist_curve():
    return ECC.generate(curve="NIST P-384")  # expect: EC-P-384


def old_elgamal():
    return ElGamal.generate(2048, None)  # expect: ElGamal-2048


def derive(password: bytes, salt: bytes) -> bytes:
    legacy = PBKDF1(password, salt, 16, 1000, SHA256)  # expect: PBKDF1
    stretched = bcrypt(password, 12)  # expect: bcrypt
    return HKDF(legacy + stretched, 32, salt, SHA512)  # expect: HKDF


def agree(static_priv, peer_pub):
    return DH.key_agreement(static_priv=static_priv, static_pub=peer_pub, kdf=lambda x: x)  # expect: ECDH


def seal(key: bytes, data: bytes) -> bytes:
    box = ChaCha20_Poly1305.new(key=key)  # expect: ChaCha20-Poly1305
    gcm = AES.new(key, AES.MODE_GCM)  # expect: AES-GCM
    return box.encrypt(data) + gcm.encrypt(data)


def legacy_mac(key: bytes, data: bytes) -> bytes:
    return HMAC.new(key, data).digest()  # expect: HMAC-MD5


def wrap(kek: bytes, key: bytes) -> bytes:
    return AES.new(kek, AES.MODE_KW).seal(key)  # expect: AES-WRAP
