"""Realistic code whose crypto is harder to see without running it."""
import functools
import hashlib
from hashlib import sha1

from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.asymmetric import ec

# A table names algorithms without using them (issue 13): references are not reported as uses.
DIGESTS = {"fast": hashlib.sha256, "legacy": hashlib.md5}


class KeyFactory:
    KEY_BITS = 3072

    def make(self):
        return generate_private_key(65537, self.KEY_BITS)  # expect: RSA-3072


def checksum(data: bytes, algorithm=hashlib.sha384) -> str:  # expect: SHA-384
    return algorithm(data).hexdigest()


legacy_digest = functools.partial(hashlib.new, "sha1")  # expect: SHA-1


def fingerprint(blob: bytes) -> str:
    return sha1(blob).hexdigest()  # expect: SHA-1


def curve_by_name(name: str):
    curves = {"p256": ec.SECP256R1, "p384": ec.SECP384R1}  # a table again: the use is on the next line
    return ec.generate_private_key(curves[name]())  # expect: EC


def dynamic(name: str, data: bytes) -> bytes:
    return getattr(hashlib, name)(data).digest()
