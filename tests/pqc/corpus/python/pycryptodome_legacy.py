from Crypto.Cipher import AES, DES3, PKCS1_OAEP, ARC4, DES
from Crypto.Hash import SHA256, HMAC, MD5
from Crypto.PublicKey import RSA, ECC
from Crypto.Random import get_random_bytes
from Crypto.Signature import pkcs1_15, DSS
from Cryptodome.Cipher import ChaCha20_Poly1305
from Crypto.Protocol.KDF import PBKDF2, scrypt


def make_keys():
    rsa_key = RSA.generate(4096)  # expect: RSA-4096
    ecc_key = ECC.generate(curve="P-521")  # expect: EC-P-521
    return rsa_key, ecc_key


def seal(data: bytes):
    key = get_random_bytes(32)
    cipher = AES.new(key, AES.MODE_GCM)  # expect: AES-256-GCM
    ciphertext, tag = cipher.encrypt_and_digest(data)
    return key, cipher.nonce, ciphertext, tag


def seal_for(recipient_pem: bytes, session_key: bytes) -> bytes:
    recipient = RSA.import_key(recipient_pem)  # expect: RSA
    return PKCS1_OAEP.new(recipient).encrypt(session_key)  # expect: RSA


def sign(message: bytes) -> bytes:
    key = RSA.generate(2048)  # expect: RSA-2048
    digest = SHA256.new(message)  # expect: SHA-256
    return pkcs1_15.new(key).sign(digest)  # expect: RSA-2048


def sign_ecdsa(message: bytes, key) -> bytes:
    return DSS.new(key, "fips-186-3").sign(SHA256.new(message))  # expect: ECDSA, SHA-256


def old_protocol(data: bytes, key: bytes) -> bytes:
    triple = DES3.new(key, DES3.MODE_CBC, iv=b"\0" * 8)  # expect: 3DES-CBC
    stream = ARC4.new(key)  # expect: RC4
    single = DES.new(key[:8], DES.MODE_ECB)  # expect: DES-ECB
    return stream.encrypt(triple.encrypt(single.encrypt(data)))


def mac(key: bytes, data: bytes) -> str:
    return HMAC.new(key, data, digestmod=SHA256).hexdigest()  # expect: HMAC-SHA-256


def checksum(data: bytes) -> str:
    return MD5.new(data).hexdigest()  # expect: MD5


def modern_stream(key: bytes, data: bytes):
    return ChaCha20_Poly1305.new(key=key).encrypt_and_digest(data)  # expect: ChaCha20-Poly1305


def derive(password: str, salt: bytes):
    first = PBKDF2(password, salt, dkLen=32, count=1_000_000)  # expect: PBKDF2
    second = scrypt(password, salt, 32, N=2**17, r=8, p=1)  # expect: scrypt
    return first, second
