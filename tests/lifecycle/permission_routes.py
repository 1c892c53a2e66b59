"""The lifecycle API's rows of the permission matrix (tests/web/test_permission_matrix.py), with bodies and the
records each call needs: a fresh product (enrolled by the admin), decision, assessment or red-line hit per call.
Signing routes allow only the roles the record needs and who did not author it: the admin proposes, completes
and raises, so a quality manager signs decisions and level I assessments, and the ethics officer clears hits."""

from __future__ import annotations

from tests.builders import PASSWORD

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
EDITORS = frozenset({"admin", "quality_manager", "engineer"})
DECIDERS = frozenset({"admin", "quality_manager", "risk_owner", "ethics_officer"})
ELSPI_EDITORS = frozenset({"admin", "ethics_officer"})
P = "/api/v1/lifecycle"

LIFECYCLE_ROUTES = {
    ("GET", f"{P}/products"): ALL,
    ("POST", f"{P}/products/{{key}}/enrol"): EDITORS,
    ("GET", f"{P}/products/{{key}}"): ALL,
    ("PATCH", f"{P}/products/{{key}}"): EDITORS,
    ("GET", f"{P}/board"): ALL,
    ("GET", f"{P}/products/{{key}}/gate"): ALL,
    ("GET", f"{P}/products/{{key}}/gate/decisions"): ALL,
    ("POST", f"{P}/products/{{key}}/gate/decisions"): DECIDERS,
    ("GET", f"{P}/gate-decisions/{{decision_id}}"): ALL,
    ("POST", f"{P}/gate-decisions/{{decision_id}}/signatures"): frozenset({"quality_manager"}),
    ("GET", f"{P}/elspi"): ALL,
    ("GET", f"{P}/elspi/due"): ALL,
    ("GET", f"{P}/elspi/compare"): ALL,
    ("POST", f"{P}/products/{{key}}/elspi"): ELSPI_EDITORS,
    ("GET", f"{P}/elspi/{{ref}}"): ALL,
    ("POST", f"{P}/elspi/{{ref}}/answers"): ELSPI_EDITORS,
    ("POST", f"{P}/elspi/{{ref}}/complete"): ELSPI_EDITORS,
    ("POST", f"{P}/elspi/{{ref}}/signatures"): frozenset({"quality_manager"}),
    ("POST", f"{P}/elspi/{{ref}}/rescore"): ELSPI_EDITORS,
    ("GET", f"{P}/red-lines"): ALL,
    ("POST", f"{P}/products/{{key}}/red-lines"): frozenset({*EDITORS, "ethics_officer"}),
    ("GET", f"{P}/red-lines/{{hit_id}}"): ALL,
    ("POST", f"{P}/red-lines/{{hit_id}}/clearances"): frozenset({"ethics_officer"}),
    ("GET", f"{P}/export-control/lists"): ALL,
    ("GET", f"{P}/export-control/{{key}}"): ALL,
    ("POST", f"{P}/export-control/{{key}}"): EDITORS,
}

LIFECYCLE_BODIES = {
    ("POST", f"{P}/products/{{key}}/enrol"): lambda i: {},
    ("PATCH", f"{P}/products/{{key}}"): lambda i: {"trl": 3, "parameters": {"sensitivity": 10 + i}},
    ("POST", f"{P}/products/{{key}}/gate/decisions"): lambda i: {"outcome": "no-go", "rationale": "Not ready yet."},
    ("POST", f"{P}/gate-decisions/{{decision_id}}/signatures"): lambda i: {"password": PASSWORD},
    ("POST", f"{P}/elspi/{{ref}}/answers"): lambda i: {"answers": [{"question": "D1.1", "score": 1}]},
    ("POST", f"{P}/elspi/{{ref}}/signatures"): lambda i: {"password": PASSWORD},
    ("POST", f"{P}/products/{{key}}/red-lines"): lambda i: {"red_line": "RL2", "use_case": "Covert people detection"},
    ("POST", f"{P}/red-lines/{{hit_id}}/clearances"): lambda i: {
        "password": PASSWORD,
        "justification": "The proposal was withdrawn in writing.",
    },
}


def _call(client, token: str, method: str, path: str, body: dict | None = None) -> dict:
    response = client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 300, response.text
    return response.json()


def _product(client, token: str, index: int, *, enrol: bool = True) -> str:
    key = f"LC-{index}"
    _call(client, token, "POST", "/api/v1/org/products", {"key": key, "name": "Probe", "technology": "sensing"})
    if enrol:
        _call(client, token, "POST", f"{P}/products/{key}/enrol", {})
    return key


def _assessment(client, token: str, key: str, *, answered: bool, complete: bool) -> str:
    ref = _call(client, token, "POST", f"{P}/products/{key}/elspi")["ref"]
    if answered or complete:
        bank = _call(client, token, "GET", f"{P}/elspi/{ref}")["answers"]
        answers = [{"question": a["question"], "score": 0 if a["kind"] == "risk" else 2} for a in bank]
        _call(client, token, "POST", f"{P}/elspi/{ref}/answers", {"answers": answers})
    if complete:
        _call(client, token, "POST", f"{P}/elspi/{ref}/complete")
    return ref


def lifecycle_path(path: str, client, admin_token: str, index: int) -> str:
    """`path` with its placeholders filled by records the admin made for this one call."""
    if path.endswith("/enrol"):
        return path.replace("{key}", _product(client, admin_token, index, enrol=False))
    if path.endswith("/elspi/due"):
        return f"{path}?products={_product(client, admin_token, index)}"
    if path.endswith("/elspi/compare"):
        key = _product(client, admin_token, index)
        return f"{path}?refs={_assessment(client, admin_token, key, answered=False, complete=False)}"
    if "{decision_id}" in path:
        key = _product(client, admin_token, index)
        body = {"outcome": "no-go", "rationale": "Not ready yet."}
        decision = _call(client, admin_token, "POST", f"{P}/products/{key}/gate/decisions", body)
        return path.replace("{decision_id}", str(decision["id"]))
    if "{ref}" in path:
        key = _product(client, admin_token, index)
        done = path.endswith(("/signatures", "/rescore"))
        ref = _assessment(client, admin_token, key, answered=path.endswith("/complete"), complete=done)
        return path.replace("{ref}", ref)
    if "{hit_id}" in path:
        key = _product(client, admin_token, index)
        hit = _call(
            client,
            admin_token,
            "POST",
            f"{P}/products/{key}/red-lines",
            LIFECYCLE_BODIES[("POST", f"{P}/products/{{key}}/red-lines")](index),
        )
        return path.replace("{hit_id}", str(hit["id"]))
    if "{key}" in path:
        return path.replace("{key}", _product(client, admin_token, index))
    return path
