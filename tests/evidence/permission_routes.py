"""The evidence API's rows of the permission matrix (tests/web/test_permission_matrix.py), with bodies and the
records each call needs: a fresh control per call to attach to, and a file of its own to read or download."""

from __future__ import annotations

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
EVIDENCE_EDITORS = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer"})
P = "/api/v1/evidence"

EVIDENCE_ROUTES = {
    ("GET", P): ALL,
    ("POST", P): EVIDENCE_EDITORS,
    ("GET", f"{P}/{{evidence_id}}"): ALL,
    ("GET", f"{P}/{{evidence_id}}/download"): ALL,
}

EVIDENCE_BODIES = {
    ("POST", P): lambda i: {
        "subject_type": "control",
        "subject_id": f"CTL-E{i}",
        "title": "Record",
        "url": "https://example.org/r",
    },
}


def evidence_path(path: str, client, admin_token: str, index: int) -> str:
    """`path` with its evidence id filled; a control CTL-E<index> to attach to, and for a read, a file on it."""
    admin = {"Authorization": f"Bearer {admin_token}"}
    control = {"key": f"CTL-E{index}", "title": "Target", "owner": "admin"}
    response = client.post("/api/v1/catalog/controls", json=control, headers=admin)
    assert response.status_code == 201, response.text
    if "{evidence_id}" in path:
        form = {"subject_type": "control", "subject_id": f"CTL-E{index}"}
        file = {"file": ("record.txt", f"record {index}".encode(), "text/plain")}
        response = client.post(P, data=form, files=file, headers=admin)
        assert response.status_code == 201, response.text
        path = path.replace("{evidence_id}", str(response.json()["id"]))
    return path
