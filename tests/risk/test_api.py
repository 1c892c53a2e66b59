"""The risk REST API: shapes, error bodies naming the field, and the acceptance that turns invalid."""

from __future__ import annotations

from sqlalchemy import text

from tests.builders import PASSWORD, api_token, log_in
from tests.risk.conftest import new_risk

P = "/api/v1/risk"


def test_create_read_and_reassess_a_risk_until_its_acceptance_is_invalid(api, catalogue):
    team = catalogue
    body = {
        "title": "Trojan-horse light probes the QKD transmitter",
        "domain": "security",
        "threat": "qtqms-threats:Q-QKD-TROJAN",
        "assets": ["QKD-RX"],
        "product": "QKD-LINK",
        "linked_requirements": ["iso27001-2022:A.8.24"],
        "linked_controls": ["CTL-QKD-API"],
        "current": {"likelihood": 2, "impact": 2},
    }
    created = api("POST", "/risks", json=body)
    assert created.status_code == 201 and created.json()["ref"] == "R-0001"
    assert created.json()["linked_requirements"][0]["link"] == "iso27001-2022:A.8.24"
    assert created.json()["linked_controls"][0]["key"] == "CTL-QKD-API"
    assert created.json()["current"]["level_key"] == "low" and created.json()["product"] == "QKD-LINK"
    accepted = api(
        "POST",
        "/risks/R-0001/acceptances",
        team.owner2,
        json={"password": PASSWORD, "justification": "Low and watched."},
    )
    assert accepted.status_code == 201 and accepted.json()["acceptance_status"] == "valid"
    changed = api("POST", "/risks/R-0001/assessments", json={"current": {"likelihood": 4, "impact": 2}})
    risk = changed.json()
    assert risk["acceptance_status"] == "invalid" and risk["status"] == "assessed"
    assert risk["acceptances"][0]["validity"].startswith("invalid: the risk changed after it was accepted")


def test_errors_name_the_field_and_change_nothing(api, team):
    outside = api(
        "POST", "/risks", json={"title": "x", "domain": "security", "current": {"likelihood": 9, "impact": 1}}
    )
    assert outside.status_code == 422
    assert outside.json()["error"]["problems"][0]["field"] == "current.likelihood"
    assert api("GET", "/risks").json()["total"] == 0
    assert api("GET", "/risks/R-0042").status_code == 404
    assert api("GET", "/risks/nonsense").status_code == 422
    api("POST", "/risks", json={"title": "Mine", "domain": "security", "current": {"likelihood": 1, "impact": 1}})
    self_accept = api("POST", "/risks/R-0001/acceptances", json={"password": PASSWORD, "justification": "I like it."})
    assert self_accept.status_code == 403 and "someone else" in self_accept.json()["error"]["message"]
    wrong = api(
        "POST",
        "/risks/R-0001/acceptances",
        team.owner2,
        json={"password": "nope-nope-1", "justification": "fine for now"},
    )
    assert wrong.status_code == 401 and "not signed" in wrong.json()["error"]["message"]
    assert api("GET", "/risks/R-0001").json()["acceptances"] == []


def test_mosca_inputs_are_checked(api):
    for years in (-3, "three"):
        body = {"key": "logs", "name": "Logs", "shelf_life_years": years, "sensitivity": "low"}
        response = api("POST", "/data-classes", json=body)
        assert response.status_code == 422 and "shelf_life_years" in response.text
    assert api("GET", "/data-classes").json() == []
    bad_y = api("PUT", "/assets/KMS/migration-years", json={"years": -1})
    assert bad_y.status_code == 422 and "negative" in bad_y.json()["error"]["message"]


def test_register_pages_by_cursor_and_exports(api):
    for index in range(5):
        api(
            "POST",
            "/risks",
            json={"title": f"R{index}", "domain": "quality", "current": {"likelihood": 1, "impact": 1}},
        )
    first = api("GET", "/risks", params={"sort": "ref", "descending": False, "limit": 2}).json()
    second = api(
        "GET", "/risks", params={"sort": "ref", "descending": False, "limit": 2, "cursor": first["next_cursor"]}
    )
    assert [r["ref"] for r in first["rows"] + second.json()["rows"]] == ["R-0001", "R-0002", "R-0003", "R-0004"]
    export = api("GET", "/risks/export", params={"format": "csv", "domain": "quality"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert len(export.text.strip().splitlines()) == 6
    assert api("GET", "/risks/export", params={"format": "pdf"}).status_code == 422


def test_wrong_passwords_on_the_acceptance_route_are_throttled_and_logged_like_logins(client, team):
    """An API token alone gives no more password guesses than the login page (issue 10, defect 6)."""
    ref = new_risk(team, team.owner, current=(1, 2))
    token = api_token(team.db, team.owner2)
    guesses = [
        client.post(
            f"{P}/risks/{ref}/acceptances",
            headers={"Authorization": f"Bearer {token}"},
            json={"password": f"guess-number-{n}", "justification": "Within appetite for now."},
        )
        for n in range(7)
    ]
    assert [g.status_code for g in guesses] == [401] * 5 + [429] * 2
    assert "too many failed password attempts for 'robin'" in guesses[-1].json()["error"]["message"]
    with team.db.connect() as connection:
        logged = connection.execute(text("SELECT username, succeeded FROM login_attempt")).all()
        refused = connection.execute(text("SELECT count(*) FROM audit_event WHERE action = 'password_refused'"))
        assert refused.scalar() == 5
    assert logged == [("robin", False)] * 5
    right = client.post(
        f"{P}/risks/{ref}/acceptances",
        headers={"Authorization": f"Bearer {token}"},
        json={"password": PASSWORD, "justification": "Within appetite for now."},
    )
    assert right.status_code == 429
    assert log_in(client, "robin").status_code == 429
