"""Cookies and CSRF tokens for the browser interface."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from qtqms.settings import get_settings, secret_key

SESSION_COOKIE = "qtqms_session"
PRESESSION_COOKIE = "qtqms_presession"
FLASH_COOKIE = "qtqms_notice"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH = "/login"


def _binding(request: Request) -> str:
    """What a CSRF token is bound to: the session cookie when logged in, else the pre-session cookie."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE) or ""


def csrf_token_for(binding: str) -> str:
    key = secret_key(get_settings()).encode()
    return hmac.new(key, b"csrf|" + hashlib.sha256(binding.encode()).digest(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    binding = getattr(request.state, "csrf_binding", None) or _binding(request)
    return csrf_token_for(binding) if binding else ""


def csrf_valid(request: Request, submitted: str) -> bool:
    binding = _binding(request)
    return bool(binding and submitted) and hmac.compare_digest(csrf_token_for(binding), submitted)


def start_presession(request: Request) -> str | None:
    """A new random cookie value for an anonymous visitor, so the login form can carry a CSRF token.

    The page about to be rendered must already use it, hence it is put on request.state too.
    """
    if request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRESESSION_COOKIE):
        return None
    value = secrets.token_urlsafe(32)
    request.state.csrf_binding = value
    return value


def set_presession_cookie(response: Response, value: str | None) -> None:
    if value:
        _set_cookie(response, PRESESSION_COOKIE, value, max_age=3600)


def set_session_cookie(response: Response, raw_token: str) -> None:
    _set_cookie(response, SESSION_COOKIE, raw_token, max_age=get_settings().session_hours * 3600)
    response.delete_cookie(PRESESSION_COOKIE, path="/")


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def _set_cookie(response: Response, name: str, value: str, *, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=get_settings().secure_cookies,
    )


def set_flash(response: Response, notice: str) -> None:
    """A notice for the page the browser goes to next (after a redirect), signed so no one else can word it."""
    text = base64.urlsafe_b64encode(notice[:300].encode()).decode()
    _set_cookie(response, FLASH_COOKIE, f"{text}.{_flash_mac(text)}", max_age=120)


def read_flash(request: Request) -> str:
    """The notice the previous response left; the page that shows it clears it (`clear_flash`)."""
    text, _, mac = request.cookies.get(FLASH_COOKIE, "").partition(".")
    if not hmac.compare_digest(_flash_mac(text), mac):
        return ""
    try:
        return base64.urlsafe_b64decode(text.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return ""


def clear_flash(request: Request, response: Response) -> None:
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")


def _flash_mac(text: str) -> str:
    key = secret_key(get_settings()).encode()
    return hmac.new(key, b"flash|" + text.encode(), hashlib.sha256).hexdigest()[:32]
