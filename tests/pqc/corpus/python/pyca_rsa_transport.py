"""Key transport for the telemetry uplink.

We used to wrap session keys with RSA-1024 and PKCS#1 v1.5; see ADR-12.
Calling rsa.generate_private_key(key_size=1024) is forbidden here.
"""
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY_SIZE = 3072


def new_uplink_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)  # expect: RSA-3072


def legacy_key():
    bits = 2048
    return rsa.generate_private_key(65537, bits)  # expect: RSA-2048


def wrap_session_key(session_key: bytes):
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # expect: RSA-2048
    public_key = private_key.public_key()
    wrapped = public_key.encrypt(  # expect: RSA-2048
        session_key,
        padding.OAEP(
            mgf=padding.MGF1(algorithm=hashes.SHA256()),  # expect: SHA-256
            algorithm=hashes.SHA256(),  # expect: SHA-256
            label=None,
        ),
    )
    return wrapped, private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def sign_manifest(key, manifest: bytes) -> bytes:
    # key comes from a file, so its size is unknown here
    return key.sign(manifest, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())  # expect: RSA, SHA-256
