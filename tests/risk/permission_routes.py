"""The risk API's rows of the permission matrix (tests/web/test_permission_matrix.py), with bodies and the records
each call needs: a fresh risk, action, asset or data class per call, so no call depends on another."""

from __future__ import annotations

from tests.builders import PASSWORD

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
RISK_EDITORS = frozenset({"admin", "risk_owner", "engineer"})
RISK_ACCEPTORS = frozenset({"admin", "risk_owner"})
P = "/api/v1/risk"

RISK_ROUTES = {
    ("GET", f"{P}/risks"): ALL,
    ("GET", f"{P}/risks/export"): ALL,
    ("POST", f"{P}/risks"): RISK_EDITORS,
    ("GET", f"{P}/risks/{{ref}}"): ALL,
    ("PATCH", f"{P}/risks/{{ref}}"): RISK_EDITORS,
    ("POST", f"{P}/risks/{{ref}}/assessments"): RISK_EDITORS,
    ("POST", f"{P}/risks/{{ref}}/treatment"): RISK_EDITORS,
    ("POST", f"{P}/risks/{{ref}}/acceptances"): RISK_ACCEPTORS,
    ("POST", f"{P}/actions/{{action_id}}/close"): RISK_EDITORS,
    ("GET", f"{P}/treatment-plan"): ALL,
    ("GET", f"{P}/heatmap"): ALL,
    ("GET", f"{P}/matrices"): ALL,
    ("PUT", f"{P}/matrices/domains/{{domain}}"): RISK_ACCEPTORS,
    ("GET", f"{P}/threats"): ALL,
    ("GET", f"{P}/assets"): ALL,
    ("POST", f"{P}/assets"): RISK_EDITORS,
    ("PUT", f"{P}/assets/{{key}}/migration-years"): RISK_EDITORS,
    ("GET", f"{P}/data-classes"): ALL,
    ("POST", f"{P}/data-classes"): RISK_EDITORS,
    ("PATCH", f"{P}/data-classes/{{key}}"): RISK_EDITORS,
    ("GET", f"{P}/mosca"): ALL,
    ("POST", f"{P}/mosca/exposures"): RISK_EDITORS,
    ("PUT", f"{P}/mosca/basis"): RISK_ACCEPTORS,
}

RISK_BODIES = {
    ("POST", f"{P}/risks"): lambda i: {"title": f"Matrix risk {i}", "domain": "security"},
    ("PATCH", f"{P}/risks/{{ref}}"): lambda i: {"description": f"edit {i}"},
    ("POST", f"{P}/risks/{{ref}}/assessments"): lambda i: {"current": {"likelihood": 2, "impact": 2}},
    ("POST", f"{P}/risks/{{ref}}/treatment"): lambda i: {"option": "retain"},
    ("POST", f"{P}/risks/{{ref}}/acceptances"): lambda i: {"password": PASSWORD, "justification": "Within appetite."},
    ("POST", f"{P}/actions/{{action_id}}/close"): lambda i: {"residual": {"likelihood": 1, "impact": 1}},
    ("PUT", f"{P}/matrices/domains/{{domain}}"): lambda i: {"matrix": "qtqms-5x5"},
    ("POST", f"{P}/assets"): lambda i: {"key": f"NEW-{i}", "name": "Probe", "kind": "hardware", "owner": "admin"},
    ("PUT", f"{P}/assets/{{key}}/migration-years"): lambda i: {"years": 2},
    ("POST", f"{P}/data-classes"): lambda i: {
        "key": f"new-{i}",
        "name": "Logs",
        "shelf_life_years": 3,
        "sensitivity": "low",
    },
    ("PATCH", f"{P}/data-classes/{{key}}"): lambda i: {"shelf_life_years": 4},
    ("POST", f"{P}/mosca/exposures"): lambda i: {"data_class": f"dc-{i}", "system": f"SYS-{i}", "migration_years": 1},
    ("PUT", f"{P}/mosca/basis"): lambda i: {"scenario": "median"},
}


def _post(client, token: str, path: str, body: dict) -> dict:
    response = client.post(f"{P}{path}", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return response.json()


def risk_path(path: str, client, admin_token: str, proposer_token: str, index: int) -> str:
    """`path` with its placeholders filled by records made for this one call."""
    if "acceptances" in path:  # proposed by someone else, at a level a risk owner may accept
        risk = _post(client, proposer_token, "/risks", {"title": f"To accept {index}", "domain": "security",
                                                         "current": {"likelihood": 1, "impact": 2}})  # fmt: skip
        return path.replace("{ref}", risk["ref"])
    if "{ref}" in path:
        risk = _post(client, admin_token, "/risks", {"title": f"Target {index}", "domain": "security"})
        return path.replace("{ref}", risk["ref"])
    if "{action_id}" in path:
        risk = _post(client, admin_token, "/risks", {"title": f"Treated {index}", "domain": "security"})
        treatment = {"option": "modify", "actions": [{"title": "Fix", "owner": "admin", "due_date": "2030-01-01"}]}
        response = client.post(
            f"{P}/risks/{risk['ref']}/treatment", json=treatment, headers={"Authorization": f"Bearer {admin_token}"}
        )
        return path.replace("{action_id}", str(response.json()["actions"][0]["id"]))
    if "/assets/{key}" in path:
        _post(
            client,
            admin_token,
            "/assets",
            {"key": f"SYS-Y{index}", "name": "System", "kind": "service", "owner": "admin"},
        )
        return path.replace("{key}", f"SYS-Y{index}")
    if "/data-classes/{key}" in path:
        _post(client, admin_token, "/data-classes", {"key": f"dc-x{index}", "name": "Data", "shelf_life_years": 1,
                                                     "sensitivity": "low"})  # fmt: skip
        return path.replace("{key}", f"dc-x{index}")
    if path.endswith("/mosca/exposures"):
        _post(
            client,
            admin_token,
            "/assets",
            {"key": f"SYS-{index}", "name": "System", "kind": "service", "owner": "admin"},
        )
        _post(client, admin_token, "/data-classes", {"key": f"dc-{index}", "name": "Data", "shelf_life_years": 1,
                                                     "sensitivity": "low"})  # fmt: skip
        return path
    return path.replace("{domain}", "security")
