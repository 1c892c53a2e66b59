from tests.builders import api_token, make_org


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_bad_tokens_get_401_with_the_error_schema(client, db):
    admin = make_org(db)
    response = client.get("/api/v1/identity/me", headers=auth("qtq_not-a-token"))
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "unknown API token",
            "problems": [],
            "request_id": response.headers["x-request-id"],
        }
    }
    assert client.get("/api/v1/identity/me", headers={"Authorization": "Basic abc"}).status_code == 401
    token = api_token(db, admin)
    assert client.get("/api/v1/identity/me", headers=auth(token)).json()["username"] == "admin"


def test_malformed_json_is_400_and_invalid_fields_are_422_naming_the_field(client, db):
    token = api_token(db, make_org(db))
    malformed = client.post(
        "/api/v1/org/sites", content=b"{not json", headers={**auth(token), "content-type": "application/json"}
    )
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "malformed_body"
    invalid = client.post("/api/v1/org/sites", json={"name": "Lab"}, headers=auth(token))
    assert invalid.status_code == 422
    assert invalid.json()["error"]["problems"][0]["field"] == "country"


def test_duplicates_are_409_and_nothing_is_half_written(client, db):
    token = api_token(db, make_org(db))
    body = {"code": "DE", "name": "Germany", "operates": True}
    assert client.post("/api/v1/org/jurisdictions", json=body, headers=auth(token)).status_code == 201
    again = client.post("/api/v1/org/jurisdictions", json=body, headers=auth(token))
    assert again.status_code == 409 and "already exists" in again.json()["error"]["message"]
    scope = client.get("/api/v1/org/scope", headers=auth(token)).json()
    assert [j["code"] for j in scope["jurisdictions"]] == ["DE"]


def test_unknown_role_via_api_is_422(client, db):
    token = api_token(db, make_org(db))
    response = client.post("/api/v1/identity/users", json={"username": "kim", "role": "overlord"}, headers=auth(token))
    assert response.status_code == 422 and "unknown role 'overlord'" in response.json()["error"]["message"]


def test_created_user_password_is_returned_once_and_trail_records_the_change(client, db):
    token = api_token(db, make_org(db))
    created = client.post("/api/v1/identity/users", json={"username": "kim", "role": "engineer"}, headers=auth(token))
    assert created.status_code == 201 and len(created.json()["password"]) >= 16
    events = client.get("/api/v1/trail/events?entity_type=user_account&limit=1", headers=auth(token)).json()
    assert (
        events["events"][0]["entity_label"] == "kim" and events["events"][0]["after"]["password_hash"] == "[redacted]"
    )
    assert client.get("/api/v1/trail/verify", headers=auth(token)).json()["intact"] is True


def test_security_headers_are_set(client, db):
    response = client.get("/api/v1/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_an_oversized_body_is_refused_with_413_before_anything_is_written(client, db, monkeypatch):
    from qtqms.app import web as app

    monkeypatch.setattr(app, "MAX_REQUEST_BYTES", 1024)
    token = api_token(db, make_org(db))
    body = {"code": "DE", "name": "G" * 2000, "operates": True}
    declared = client.post("/api/v1/org/jurisdictions", json=body, headers=auth(token))
    assert declared.status_code == 413
    assert declared.json()["error"]["code"] == "too_large"
    assert "larger than" in declared.json()["error"]["message"]

    def chunks():
        yield b'{"code": "DE", "name": "'
        yield b"G" * 2000
        yield b'", "operates": true}'

    chunked = client.post(
        "/api/v1/org/jurisdictions", content=chunks(), headers={**auth(token), "content-type": "application/json"}
    )
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "too_large"
    assert client.get("/api/v1/org/scope", headers=auth(token)).json()["jurisdictions"] == []


def test_an_oversized_form_gets_the_html_error_page(client, db, monkeypatch):
    from qtqms.app import web as app

    monkeypatch.setattr(app, "MAX_REQUEST_BYTES", 1024)
    page = client.post("/login", data={"username": "x" * 2000, "password": "y"})
    assert page.status_code == 413
    assert "text/html" in page.headers["content-type"] and "larger than" in page.text
