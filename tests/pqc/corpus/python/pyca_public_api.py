"""pyca/cryptography beyond the first steps: numbers classes, derived keys, key wrap, every KDF, X.509."""
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, keywrap
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, ed448, rsa, x448
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash, ConcatKDFHMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from cryptography.hazmat.primitives.kdf.kbkdf import CounterLocation, KBKDFHMAC, Mode
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.kdf.x963kdf import X963KDF
from cryptography.x509.oid import NameOID


def from_numbers(e: int, n: int):
    return rsa.RSAPublicNumbers(e, n).public_key()  # expect: RSA


def deterministic_key(secret: int):
    return ec.derive_private_key(secret, ec.SECP384R1())  # expect: EC-P-384


def peer_point(data: bytes):
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data)  # expect: EC-P-256


def dsa_domain():
    return dsa.generate_parameters(key_size=2048)  # expect: DSA-2048


def group(p: int, g: int):
    return dh.DHParameterNumbers(p, g).parameters()  # expect: DH


def edwards448(seed: bytes):
    return ed448.Ed448PublicKey.from_public_bytes(seed)  # expect: Ed448


def montgomery448(raw: bytes):
    return x448.X448PrivateKey.from_private_bytes(raw)  # expect: X448


def wrap(kek: bytes, key: bytes) -> bytes:
    return keywrap.aes_key_wrap(kek, key)  # expect: AES-WRAP


def wrap_padded(key: bytes) -> bytes:
    return keywrap.aes_key_wrap_with_padding(b"k" * 32, key)  # expect: AES-256-WRAP


def derive_all(secret: bytes, info: bytes) -> list[bytes]:
    return [
        ConcatKDFHash(algorithm=hashes.SHA256(), length=32, otherinfo=info).derive(secret),  # expect: ConcatKDF, SHA-256
        ConcatKDFHMAC(hashes.SHA512(), 32, None, info).derive(secret),  # expect: ConcatKDF, SHA-512
        X963KDF(algorithm=hashes.SHA384(), length=32, sharedinfo=info).derive(secret),  # expect: X963KDF, SHA-384
        HKDFExpand(hashes.SHA256(), 32, info).derive(secret),  # expect: HKDF, SHA-256
        Scrypt(salt=info, length=32, n=2**14, r=8, p=1).derive(secret),  # expect: scrypt
        KBKDFHMAC(  # expect: KBKDF
            hashes.SHA256(),  # expect: SHA-256
            Mode.CounterMode,
            32,
            4,
            4,
            CounterLocation.BeforeFixed,
            info,
            None,
            None,
        ).derive(secret),
        HKDF(hashes.SHA3_256(), 32, None, info).derive(secret),  # expect: HKDF, SHA3-256
    ]


def self_signed(key, subject: str):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=30))
    )
    return builder.sign(key, hashes.SHA384())  # expect: SHA-384
