"""Every API route in the OpenAPI document, called by every role and by nobody: allowed or denied as designed."""

import pytest

from qtqms.kernel.rbac import Role
from tests.builders import api_token, make_org, make_user
from tests.catalog.permission_routes import CATALOG_BODIES, CATALOG_ROUTES, catalog_path
from tests.esign.permission_routes import ESIGN_ROUTES, esign_path
from tests.evidence.permission_routes import EVIDENCE_BODIES, EVIDENCE_ROUTES, evidence_path
from tests.lifecycle.permission_routes import LIFECYCLE_BODIES, LIFECYCLE_ROUTES, lifecycle_path
from tests.pqc.permission_routes import PQC_BODIES, PQC_ROUTES, pqc_path
from tests.quality.permission_routes import QUALITY_BODIES, QUALITY_ROUTES, quality_path
from tests.risk.permission_routes import RISK_BODIES, RISK_ROUTES, risk_path
from tests.world import load_catalogue

ALL = frozenset(role.value for role in Role)
ADMIN = frozenset({"admin"})
ORG_EDITORS = frozenset({"admin", "quality_manager"})
TRAIL_READERS = frozenset({"admin", "quality_manager", "auditor"})
PUBLIC = "public"

# (method, path) -> the roles that may call it. A new route fails this test until it is added here.
EXPECTED = {
    ("GET", "/api/v1/health"): PUBLIC,
    ("GET", "/api/v1/identity/me"): ALL,
    ("GET", "/api/v1/identity/users"): ADMIN,
    ("POST", "/api/v1/identity/users"): ADMIN,
    ("PATCH", "/api/v1/identity/users/{username}"): ADMIN,
    ("GET", "/api/v1/identity/tokens"): ALL,
    ("POST", "/api/v1/identity/tokens"): ALL,
    ("DELETE", "/api/v1/identity/tokens/{token_id}"): ADMIN,  # the target token belongs to the admin
    ("GET", "/api/v1/org/organisation"): ALL,
    ("PATCH", "/api/v1/org/organisation"): ORG_EDITORS,
    ("GET", "/api/v1/org/scope"): ALL,
    ("GET", "/api/v1/org/products"): ALL,
    ("POST", "/api/v1/org/sites"): ORG_EDITORS,
    ("POST", "/api/v1/org/products"): ORG_EDITORS,
    ("POST", "/api/v1/org/exclusions"): ORG_EDITORS,
    ("POST", "/api/v1/org/jurisdictions"): ORG_EDITORS,
    ("DELETE", "/api/v1/org/{kind}/{item_id}"): ORG_EDITORS,
    ("GET", "/api/v1/trail/events"): TRAIL_READERS,
    ("GET", "/api/v1/trail/verify"): TRAIL_READERS,
    **RISK_ROUTES,
    **CATALOG_ROUTES,
    **EVIDENCE_ROUTES,
    **PQC_ROUTES,
    **ESIGN_ROUTES,
    **LIFECYCLE_ROUTES,
    **QUALITY_ROUTES,
}

# Routes whose target a denied caller must not learn exists: they answer as for a missing one (issue 17, point 9).
HIDDEN_WHEN_DENIED = {("DELETE", "/api/v1/identity/tokens/{token_id}")}

BODIES = {
    ("POST", "/api/v1/identity/users"): lambda i: {"username": f"new{i}", "role": "viewer"},
    ("PATCH", "/api/v1/identity/users/{username}"): lambda i: {"display_name": f"Target {i}"},
    ("POST", "/api/v1/identity/tokens"): lambda i: {"name": f"t{i}"},
    ("PATCH", "/api/v1/org/organisation"): lambda i: {"description": f"edit {i}"},
    ("POST", "/api/v1/org/sites"): lambda i: {"name": f"Lab {i}", "country": "DE"},
    ("POST", "/api/v1/org/products"): lambda i: {"key": f"P-{i}", "name": "Probe", "technology": "sensing"},
    ("POST", "/api/v1/org/exclusions"): lambda i: {
        "requirement_ref": f"iso9001-2015 8.{i}",
        "justification": "not done here",
    },
    ("POST", "/api/v1/org/jurisdictions"): lambda i: {
        "code": ["FR", "IT", "ES", "PT", "AT", "BE", "DK", "SE"][i],
        "name": "X",
    },
    **RISK_BODIES,
    **CATALOG_BODIES,
    **EVIDENCE_BODIES,
    **PQC_BODIES,
    **LIFECYCLE_BODIES,
    **QUALITY_BODIES,
}


def api_routes(client):
    spec = client.get("/api/v1/openapi.json").json()
    return sorted((method.upper(), path) for path, item in spec["paths"].items() for method in item)


def test_every_documented_route_is_in_the_matrix(client):
    assert set(api_routes(client)) == set(EXPECTED)


def _matrix_world(db) -> dict[str, str]:
    """An organisation with the shipped catalogue, one user per role and a target user; their API tokens."""
    load_catalogue(db)
    admin = make_org(db)
    tokens = {"admin": api_token(db, admin, "matrix")}
    for role in Role:
        if role is not Role.ADMIN:
            tokens[role.value] = api_token(db, make_user(db, admin, role.value.replace("_", "-"), role.value))
    make_user(db, admin, "target", "viewer")
    return tokens


@pytest.fixture
def world(db, snapshots):
    return snapshots.restore("permission-matrix", _matrix_world)


def _concrete(path: str, client, admin_token: str, index: int, proposer_token: str = "") -> str:
    if path.startswith("/api/v1/risk/"):
        return risk_path(path, client, admin_token, proposer_token, index)
    if path.startswith("/api/v1/catalog/"):
        return catalog_path(path, client, admin_token, index)
    if path.startswith("/api/v1/evidence"):
        return evidence_path(path, client, admin_token, index)
    if path.startswith("/api/v1/pqc/"):
        return pqc_path(path, client, admin_token, index)
    if path.startswith("/api/v1/lifecycle/"):
        return lifecycle_path(path, client, admin_token, index)
    if path.startswith("/api/v1/quality/"):
        return quality_path(path, client, admin_token, proposer_token, index)
    if path.startswith("/api/v1/esign/"):
        return esign_path(path, client, admin_token, proposer_token, index)
    if "{kind}" in path:
        site = client.post(
            "/api/v1/org/sites",
            json={"name": f"Doomed {index}", "country": "NL"},
            headers={"Authorization": f"Bearer {admin_token}"},
        )
        return path.replace("{kind}", "site").replace("{item_id}", str(site.json()["id"]))
    return path.replace("{username}", "target").replace("{token_id}", "1")


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_allows_and_denies_as_designed(client, world, route):
    method, path = route
    allowed = EXPECTED[route]
    callers = [None, *sorted(world)]
    for index, caller in enumerate(callers):
        url = _concrete(path, client, world["admin"], index, world["engineer"])
        headers = {"Authorization": f"Bearer {world[caller]}"} if caller else {}
        body = BODIES.get(route)
        response = client.request(method, url, headers=headers, json=body(index) if body else None)
        who = caller or "anonymous"
        if allowed == PUBLIC:
            assert response.status_code == 200, (who, response.text)
        elif caller is None:
            assert response.status_code == 401, (who, response.text)
            assert response.json()["error"]["code"] == "not_authenticated"
        elif caller in allowed:
            assert response.status_code < 400, (who, response.status_code, response.text)
        elif route in HIDDEN_WHEN_DENIED:
            assert response.status_code == 404, (who, response.status_code, response.text)
        else:
            assert response.status_code == 403, (who, response.status_code, response.text)
            assert response.json()["error"]["code"] == "forbidden"
