"""Checksums and message authentication for the calibration uploads.

Note: md5 is only mentioned here in prose; hashlib.md5 is not called in this docstring.
"""
import hashlib
import hmac
import hashlib as hl
from hashlib import sha256 as fast_digest, blake2b

CHUNK = 1 << 16


def file_checksum(path):
    digest = hashlib.sha256()  # expect: SHA-256
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(text: str) -> str:
    # not for security: only a cache key
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()  # expect: MD5


def legacy_fingerprint(data: bytes) -> str:
    return hl.sha1(data).hexdigest()  # expect: SHA-1


def aliased(data: bytes) -> bytes:
    return fast_digest(data).digest()  # expect: SHA-256


def by_name(data: bytes, algorithm: str = "sha384") -> bytes:
    return hashlib.new("sha512", data).digest()  # expect: SHA-512


def keyed(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()  # expect: HMAC-SHA-256


def keyed_by_string(key: bytes, message: bytes) -> bytes:
    return hmac.digest(key, message, "sha384")  # expect: HMAC-SHA-384


def verify(key: bytes, message: bytes, tag: str) -> bool:
    expected = hmac.new(key, message, digestmod="sha1").hexdigest()  # expect: HMAC-SHA-1
    return hmac.compare_digest(expected, tag)


def derive(password: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)  # expect: PBKDF2


def memory_hard(password: bytes, salt: bytes) -> bytes:
    return hashlib.scrypt(password, salt=salt, n=2**14, r=8, p=1)  # expect: scrypt


def tree_hash(data: bytes) -> bytes:
    return blake2b(data, digest_size=32).digest()  # expect: BLAKE2b


def sponge(data: bytes) -> bytes:
    return hashlib.shake_256(data).digest(64)  # expect: SHAKE256


def sha3(data: bytes) -> str:
    return hashlib.sha3_512(data).hexdigest()  # expect: SHA3-512
