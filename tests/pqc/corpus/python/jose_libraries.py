"""JOSE algorithm strings in python-jose, jwcrypto and authlib."""
from authlib.jose import jwt as authlib_jwt
from jose import jwe, jwk
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto import jwt as jc_jwt
from jwcrypto.common import json_encode


def python_jose(secret: bytes, data: bytes) -> bytes:
    key = jwk.construct(secret, algorithm="HS512")  # expect: HMAC-SHA-512
    return jwe.encrypt(data, key, algorithm="dir", encryption="A256GCM") + key.sign(data)  # expect: AES-256-GCM


def jwcrypto_keys():
    rsa_key = jc_jwk.JWK.generate(kty="RSA", size=2048)  # expect: RSA-2048
    ec_key = jc_jwk.JWK.generate(kty="EC", crv="P-256")  # expect: EC-P-256
    ed_key = jc_jwk.JWK.generate(kty="OKP", crv="Ed25519")  # expect: Ed25519
    return rsa_key, ec_key, ed_key


def jwcrypto_token(key, claims: dict) -> str:
    token = jc_jwt.JWT(header={"alg": "ES256"}, claims=claims)  # expect: ECDSA-P-256
    token.make_signed_token(key)
    return token.serialize()


def jwcrypto_signature(key, payload: bytes) -> str:
    signer = jc_jws.JWS(payload)
    signer.add_signature(key, None, json_encode({"alg": "PS384"}))  # expect: RSA
    return signer.serialize()


def authlib_token(key, claims: dict) -> bytes:
    return authlib_jwt.encode({"alg": "RS256"}, claims, key)  # expect: RSA
