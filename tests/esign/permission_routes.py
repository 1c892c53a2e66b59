"""The e-signature API's rows of the permission matrix (tests/web/test_permission_matrix.py), and the signature
each call checks: a risk accepted for that call."""

from __future__ import annotations

from tests.builders import PASSWORD

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
P = "/api/v1/esign"

ESIGN_ROUTES = {
    ("GET", f"{P}/signatures/{{signature_id}}/verify"): ALL,
}


def esign_path(path: str, client, admin_token: str, proposer_token: str, index: int) -> str:
    """`path` with a signature made for this one call: a risk the proposer raised and the admin accepted."""
    risk = client.post(
        "/api/v1/risk/risks",
        json={"title": f"Signed {index}", "domain": "security", "current": {"likelihood": 1, "impact": 2}},
        headers={"Authorization": f"Bearer {proposer_token}"},
    ).json()
    accepted = client.post(
        f"/api/v1/risk/risks/{risk['ref']}/acceptances",
        json={"password": PASSWORD, "justification": "Within appetite."},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert accepted.status_code == 201, accepted.text
    return path.replace("{signature_id}", str(accepted.json()["acceptances"][0]["signature_id"]))
