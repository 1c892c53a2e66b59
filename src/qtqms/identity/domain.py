"""Identity rules: usernames, password strength, token format and login throttling."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from qtqms.kernel.errors import InvalidInput

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "qtq_"  # noqa: S105 - a visible prefix, not a secret
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)


def check_username(username: str) -> str:
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            f"username '{username}': use 2-40 lowercase letters, digits, '.', '_' or '-', starting with a letter"
        )
    return username


def check_password_strength(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.isdigit() or password.isalpha():
        raise InvalidInput("password: mix letters with digits or symbols")
    return password


def generate_password() -> str:
    """A strong random password for generated (demo, bootstrap) accounts."""
    return secrets.token_urlsafe(15) + "-" + str(secrets.randbelow(90) + 10)


def new_secret_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Tokens are high-entropy random strings, so a fast SHA-256 is the right stored form."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_throttled(recent_failures: int, max_failures: int) -> bool:
    return recent_failures >= max_failures


def window_start(now: datetime, minutes: int) -> datetime:
    return now - timedelta(minutes=minutes)
