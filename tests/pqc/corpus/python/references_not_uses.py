"""Names that refer to algorithms without using them: none of these lines is a finding."""
import ssl
from typing import Optional

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.hashes import SHA1, SHA256, SHA512

ALLOWED_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)
LEGACY = [SHA1]
CURVE_FOR_SIZE = {256: ec.SECP256R1, 384: ec.SECP384R1}
VERSIONS = {}
VERSIONS["tls1.2"] = ssl.PROTOCOL_TLSv1_2
VERSIONS[ssl.PROTOCOL_TLSv1_1] = "tls1.1"
OID_TABLE = {"1.2.840.113549.2.9": hashes.SHA256(), "1.2.840.113549.2.11": hashes.SHA512()}


def check(key, algorithm) -> bool:
    if not isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return False
    if isinstance(algorithm, (SHA1, SHA256, SHA512)):
        return True
    return type(algorithm) in ALLOWED_HASHES


def pad_kind(rsa_padding) -> str:
    if rsa_padding is padding.PSS:
        return "pss"
    return "other" if rsa_padding != padding.PKCS1v15 else "v15"


def load(key: Optional[rsa.RSAPublicKey]) -> Optional[ec.EllipticCurvePublicKey]:
    try:
        return key.public_key()
    except (TypeError, ValueError):
        return None


def signer(algorithm: hashes.HashAlgorithm = hashes.SHA256()) -> hashes.HashAlgorithm:  # expect: SHA-256
    return algorithm
