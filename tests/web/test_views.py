import html
import re

from tests.builders import PASSWORD, csrf_from, log_in, make_org, make_user


def test_login_shows_the_dashboard_with_real_figures_and_logout_ends_the_session(client, db):
    make_org(db)
    response = log_in(client, "admin")
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and "Test Quantum Ltd" in page.text
    assert re.search(r'id="fig-users">1<', page.text)
    client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_is_one_clear_message(client, db):
    make_org(db)
    response = log_in(client, "admin", "wrong-password-123")
    assert response.status_code == 401 and "wrong username or password" in response.text


def test_form_without_csrf_token_is_refused(client, db):
    make_org(db)
    client.get("/login")
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403 and "CSRF" in response.text
    log_in(client, "admin")
    forged = client.post("/org/site", data={"name": "Evil", "country": "DE", "csrf_token": "0" * 64})
    assert forged.status_code == 403


def test_htmx_requests_carry_the_token_in_a_header(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/org").text)
    assert (
        client.post("/org/site", data={"name": "Lab", "country": "DE"}, headers={"X-CSRF-Token": token}).status_code
        == 200
    )


def test_viewer_is_forbidden_from_user_admin_and_the_trail(client, db):
    admin = make_org(db)
    make_user(db, admin, "val", "viewer")
    log_in(client, "val")
    for path in ("/admin/users", "/trail"):
        page = client.get(path, headers={"accept": "text/html"})
        assert page.status_code == 403 and "Not allowed" in page.text
    assert "Users" not in client.get("/").text.split("<main")[0]


def test_user_content_is_escaped(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/org").text)
    client.post("/org/site", data={"name": "<script>alert(1)</script>", "country": "DE", "csrf_token": token})
    page = client.get("/org").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_invalid_form_keeps_what_the_user_typed(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/org").text)
    response = client.post(
        "/org/product", data={"key": "bad key", "name": "Quantum Widget", "technology": "sensing", "csrf_token": token}
    )
    assert response.status_code == 422 and "product key 'bad key'" in html.unescape(response.text)
    assert 'value="Quantum Widget"' in response.text


def test_admin_creates_a_user_and_sees_the_password_once(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/admin/users").text)
    page = client.post("/admin/users", data={"username": "kim", "role": "auditor", "csrf_token": token})
    assert page.status_code == 200 and 'id="new-user-password"' in page.text
    duplicate = client.post("/admin/users", data={"username": "kim", "role": "auditor", "csrf_token": token})
    assert duplicate.status_code == 409 and "already exists" in duplicate.text


def test_next_parameter_cannot_redirect_off_site(client, db):
    make_org(db)
    page = client.get("/login?next=//evil.example")
    response = client.post(
        "/login",
        data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_from(page.text), "next": "//evil.example"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_unknown_page_is_a_404_page_not_a_traceback(client, db):
    make_org(db)
    log_in(client, "admin")
    page = client.get("/no/such/page", headers={"accept": "text/html"})
    assert page.status_code == 404 and "Traceback" not in page.text


def test_every_form_on_every_page_carries_a_csrf_token(client, db):
    make_org(db)
    log_in(client, "admin")
    for path in ("/", "/org", "/admin/users", "/account", "/trail"):
        page = client.get(path).text
        assert 'name="csrf_token" value=""' not in page, path
        assert page.count('name="csrf_token"') >= 1, path


def test_a_weak_new_password_is_refused_on_the_account_page(client, db):
    make_org(db)
    log_in(client, "admin")
    token = csrf_from(client.get("/account").text)
    page = client.post("/account/password", data={"current": PASSWORD, "new": "short", "csrf_token": token})
    assert page.status_code == 422 and "at least 12 characters" in page.text
    assert log_in(client, "admin").status_code == 303


def test_every_page_names_an_icon_that_is_served(client, db):
    make_org(db)
    page = client.get("/login")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page.text)
    assert icon is not None
    served = client.get(icon.group(1))
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/svg+xml")
