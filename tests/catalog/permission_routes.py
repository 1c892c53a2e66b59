"""The catalogue API's rows of the permission matrix (tests/web/test_permission_matrix.py), with bodies and the
records each call needs: a fresh control per call, so no call depends on another."""

from __future__ import annotations

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
CATALOG_EDITORS = frozenset({"admin", "quality_manager"})
CONTROL_EDITORS = frozenset({"admin", "quality_manager", "risk_owner", "engineer"})
EVIDENCE_EDITORS = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer"})
P = "/api/v1/catalog"

CATALOG_ROUTES = {
    ("GET", f"{P}/frameworks"): ALL,
    ("GET", f"{P}/frameworks/{{pack_id}}"): ALL,
    ("GET", f"{P}/frameworks/{{pack_id}}/diff"): ALL,
    ("GET", f"{P}/controls"): ALL,
    ("POST", f"{P}/controls"): CONTROL_EDITORS,
    ("GET", f"{P}/controls/{{key}}"): ALL,
    ("PATCH", f"{P}/controls/{{key}}"): CONTROL_EDITORS,
    ("POST", f"{P}/controls/{{key}}/requirements"): CONTROL_EDITORS,
    ("POST", f"{P}/controls/{{key}}/evidence"): EVIDENCE_EDITORS,
    ("GET", f"{P}/evidence/{{evidence_id}}/file"): ALL,
    ("GET", f"{P}/soa/{{framework}}"): ALL,
    ("PUT", f"{P}/soa/{{framework}}/{{requirement}}"): CATALOG_EDITORS,
    ("GET", f"{P}/readiness"): ALL,
    ("GET", f"{P}/readiness/{{framework}}"): ALL,
    ("GET", f"{P}/readiness/{{framework}}/explain"): ALL,
}

CATALOG_BODIES = {
    ("POST", f"{P}/controls"): lambda i: {"key": f"CTL-M{i}", "title": "Matrix", "owner": "admin"},
    ("PATCH", f"{P}/controls/{{key}}"): lambda i: {"implementation": f"edit {i}"},
    ("POST", f"{P}/controls/{{key}}/requirements"): lambda i: {"framework": "iso27001-2022", "requirement": "A.8.24"},
    ("POST", f"{P}/controls/{{key}}/evidence"): lambda i: {"title": "Record", "url": "https://example.org/r"},
    ("PUT", f"{P}/soa/{{framework}}/{{requirement}}"): lambda i: {
        "applicable": True,
        "justification": "Applies to every product we ship.",
    },
}


def catalog_path(path: str, client, admin_token: str, index: int) -> str:
    """`path` with its placeholders filled (the matrix's world has the shipped packs); a fresh control for control
    routes."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    if "{key}" in path or "{evidence_id}" in path:
        body = {"key": f"CTL-T{index}", "title": "Target", "owner": "admin"}
        response = client.post(f"{P}/controls", json=body, headers=admin)
        assert response.status_code == 201, response.text
        path = path.replace("{key}", f"CTL-T{index}")
    if "{evidence_id}" in path:
        file = {"file": ("record.txt", f"record {index}".encode(), "text/plain")}
        response = client.post(f"{P}/controls/CTL-T{index}/evidence", files=file, headers=admin)
        assert response.status_code == 201, response.text
        path = path.replace("{evidence_id}", str(response.json()["id"]))
    path = path.replace("{pack_id}/diff", "iso27001-2022/diff?old=1.0.0&new=1.0.0").replace(
        "{pack_id}", "iso27001-2022"
    )
    path = path.replace("{framework}/explain", "iso27001-2022/explain?requirement=6.1.2")
    return path.replace("{framework}", "iso27001-2022").replace("{requirement}", "A.8.24")
