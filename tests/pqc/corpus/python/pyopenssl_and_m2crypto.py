"""pyOpenSSL contexts and keys, M2Crypto, and MicroPython's ucryptolib."""
import cryptolib
from M2Crypto import EVP, RSA
from OpenSSL import SSL, crypto


def server_context() -> SSL.Context:
    context = SSL.Context(SSL.TLSv1_2_METHOD)  # expect: protocol:TLSv1.2
    context.set_cipher_list(b"ECDHE-RSA-AES256-GCM-SHA384")  # expect: ECDH, RSA, AES-256-GCM
    return context


def legacy_context() -> SSL.Context:
    return SSL.Context(SSL.SSLv23_METHOD)  # expect: protocol:TLS


def make_key() -> crypto.PKey:
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 3072)  # expect: RSA-3072
    return key


def m2_key():
    return RSA.gen_key(1024, 65537)  # expect: RSA-1024


def m2_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    cipher = EVP.Cipher(alg="aes_128_cbc", key=key, iv=iv, op=1)  # expect: AES-128-CBC
    return cipher.update(data) + cipher.final()


def m2_digest(data: bytes) -> bytes:
    md = EVP.MessageDigest("sha1")  # expect: SHA-1
    md.update(data)
    return md.final()


def device_encrypt(key: bytes, block: bytes) -> bytes:
    return cryptolib.aes(key, 2, b"\0" * 16).encrypt(block)  # expect: AES-CBC
