import datetime as dt

import jwt
from jose import jwt as jose_jwt
from jose.constants import ALGORITHMS

SECRET = "change-me"
ALGORITHM = "RS256"


def issue(user_id: str, private_key) -> str:
    claims = {"sub": user_id, "exp": dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)}
    return jwt.encode(claims, private_key, algorithm=ALGORITHM)  # expect: RSA


def issue_internal(user_id: str) -> str:
    return jwt.encode({"sub": user_id}, SECRET)  # expect: HMAC-SHA-256


def verify(token: str, public_key) -> dict:
    return jwt.decode(token, public_key, algorithms=["RS256", "ES384"])  # expect: RSA, ECDSA-P-384


def jose_issue(claims: dict, key) -> str:
    return jose_jwt.encode(claims, key, algorithm=ALGORITHMS.ES256)  # expect: ECDSA-P-256


def jose_verify(token: str, key) -> dict:
    return jose_jwt.decode(token, key, algorithms=["HS512"])  # expect: HMAC-SHA-512
