"""Over HTTPS every cookie is Secure, with no setting to remember; over plain HTTP (development) it is not."""

from fastapi.testclient import TestClient

from qtqms.app.web import create_app
from tests.builders import csrf_from, make_org


def _login_cookies(base_url: str) -> list[str]:
    with TestClient(create_app(), base_url=base_url) as client:
        page = client.get("/login")
        form = {"username": "admin", "password": "wrong-password-1", "csrf_token": csrf_from(page.text), "next": "/"}
        client.post("/login", data=form)
        return page.headers.get_list("set-cookie")


def test_cookies_are_secure_over_https_and_not_over_http(db):
    make_org(db)
    over_https = _login_cookies("https://qtqms.example")
    assert over_https and all("Secure" in cookie for cookie in over_https)
    assert not any("Secure" in cookie for cookie in _login_cookies("http://testserver"))
