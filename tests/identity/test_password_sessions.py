"""A changed or reset password ends the user's other sessions (and, on request, their API tokens): whoever learnt
the old password may already be logged in. Pages that show secrets, and logging out, are not kept by the browser."""

import re

from fastapi.testclient import TestClient

from qtqms.app.web import create_app
from tests.builders import PASSWORD, api_token, csrf_from, log_in, make_org, make_user

NEW = "a-new-password-2027"


def _client() -> TestClient:
    return TestClient(create_app())


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(db):
    make_org(db)
    with _client() as here, _client() as elsewhere:
        log_in(here, "admin")
        log_in(elsewhere, "admin")
        token = csrf_from(here.get("/account").text)
        changed = here.post("/account/password", data={"current": PASSWORD, "new": NEW, "csrf_token": token})
        assert changed.status_code == 200 and "1 session ended on other devices" in changed.text
        assert here.get("/account").status_code == 200
        assert elsewhere.get("/account", follow_redirects=False).status_code == 303  # back to the login


def test_the_api_tokens_go_too_when_asked(db):
    admin = make_org(db)
    secret = api_token(db, admin)
    with _client() as here:
        log_in(here, "admin")
        auth = {"Authorization": f"Bearer {secret}"}
        assert here.get("/api/v1/identity/me", headers=auth).status_code == 200
        token = csrf_from(here.get("/account").text)
        form = {"current": PASSWORD, "new": NEW, "revoke_tokens": "true", "csrf_token": token}
        assert "1 API token revoked" in here.post("/account/password", data=form).text
        assert here.get("/api/v1/identity/me", headers=auth).status_code == 401


def test_an_admin_reset_ends_every_session_of_the_user_and_shows_the_new_password_once(db):
    admin = make_org(db)
    make_user(db, admin, "kim", "viewer")
    with _client() as kim, _client() as boss:
        log_in(kim, "kim")
        log_in(boss, "admin")
        token = csrf_from(boss.get("/admin/users").text)
        reset = boss.post("/admin/users/kim/reset-password", data={"csrf_token": token})
        assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
        assert "1 session ended" in reset.text
        new = re.search(r'id="reset-password">([^<]+)<', reset.text).group(1)
        assert kim.get("/account", follow_redirects=False).status_code == 303
        assert log_in(kim, "kim", new).status_code == 303
        assert new not in boss.get("/admin/users").text


def test_only_an_admin_resets_another_users_password(db):
    admin = make_org(db)
    make_user(db, admin, "kim", "quality_manager")
    with _client() as kim:
        log_in(kim, "kim")
        token = csrf_from(kim.get("/account").text)
        assert kim.post("/admin/users/admin/reset-password", data={"csrf_token": token}).status_code == 403


def test_pages_with_secrets_and_logging_out_are_not_stored(db):
    make_org(db)
    with _client() as here:
        log_in(here, "admin")
        assert here.get("/account").headers["cache-control"] == "no-store"
        token = csrf_from(here.get("/account").text)
        out = here.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.headers["cache-control"] == "no-store"


def test_another_users_token_answers_like_a_missing_one(db):
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service
    from qtqms.identity.schemas import TokenCreate
    from qtqms.kernel.errors import NotFound

    admin = make_org(db)
    kim = make_user(db, admin, "kim", "engineer")
    with UnitOfWork(db, write=True, actor=admin) as uow:
        theirs, _ = service.create_token(uow, admin, TokenCreate(name="admin's"))
        uow.commit()
    answers = []
    for token_id in (theirs.id, theirs.id + 1000):
        with UnitOfWork(db, write=True, actor=kim) as uow:
            try:
                service.revoke_token(uow, kim, token_id)
            except NotFound as error:
                answers.append(error.message.replace(str(token_id), "N"))
    assert answers == ["token N not found", "token N not found"]
