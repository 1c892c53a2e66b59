"""Mutation cases: renamed variables, aliased imports, parameters passed through locals and defaults."""
import hashlib as digests
import os as operating_system

from cryptography.hazmat.primitives import hashes as H
from cryptography.hazmat.primitives.asymmetric import ec as elliptic
from cryptography.hazmat.primitives.asymmetric import rsa as R
from cryptography.hazmat.primitives.ciphers import Cipher as C, algorithms as A, modes as M
import cryptography.hazmat.primitives.asymmetric.dsa

MODULUS = 1024 * 3


def renamed(public_exponent=65537):
    thing = R.generate_private_key(public_exponent, MODULUS)  # expect: RSA-3072
    return thing


def through_default(size=4096):
    return R.generate_private_key(public_exponent=65537, key_size=size)  # expect: RSA-4096


def through_chain():
    chosen = 2048
    n = chosen
    return R.generate_private_key(65537, n)  # expect: RSA-2048


def curve_in_variable():
    which = elliptic.SECP521R1()
    return elliptic.generate_private_key(curve=which)  # expect: EC-P-521


def curve_class_passed():
    return elliptic.generate_private_key(elliptic.BrainpoolP384R1())  # expect: EC-brainpoolP384r1


def key_from_local(data: bytes) -> bytes:
    k = operating_system.urandom(24)
    mode = M.CTR(operating_system.urandom(16))
    return C(A.AES(k), mode).encryptor().update(data)  # expect: AES-192-CTR


def digest_alias(data: bytes) -> str:
    return digests.sha224(data).hexdigest()  # expect: SHA-224


def fully_qualified():
    return cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key(key_size=2048)  # expect: DSA-2048


def hash_object():
    return H.Hash(H.SHA384())  # expect: SHA-384


def unknown_size(bits_from_config: int):
    return R.generate_private_key(65537, bits_from_config)  # expect: RSA
