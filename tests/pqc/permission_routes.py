"""The pqc API's rows of the permission matrix (tests/web/test_permission_matrix.py), with bodies and the records
each call needs: a recorded scan of a product's system, and a fresh migration task per call."""

from __future__ import annotations

import json

from qtqms.pqc.scanner import build_bom, scan, to_json
from tests.pqc.conftest import DEMO_SOURCE

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
PQC_EDITORS = frozenset({"admin", "engineer"})
P = "/api/v1/pqc"


def demo_cbom(part: str = "controller/key_transport.py") -> dict:
    findings, _ = scan(DEMO_SOURCE / part)
    return json.loads(to_json(build_bom(findings, subject="demo")))


def demo_report(part: str = "controller") -> dict:
    """What `qtqms pqc scan PART --json` prints for a part of the demo source tree."""
    from typer.testing import CliRunner

    from qtqms.app.cli import app

    result = CliRunner().invoke(app, ["pqc", "scan", str(DEMO_SOURCE / part), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


PQC_ROUTES = {
    ("GET", f"{P}/systems"): ALL,
    ("GET", f"{P}/products/{{key}}/inventory"): ALL,
    ("GET", f"{P}/products/{{key}}/inventory/page"): ALL,
    ("GET", f"{P}/products/{{key}}/plan"): ALL,
    ("GET", f"{P}/products/{{key}}/scans"): ALL,
    ("POST", f"{P}/scans"): PQC_EDITORS,
    ("GET", f"{P}/scans/{{scan_id}}"): ALL,
    ("GET", f"{P}/scans/{{scan_id}}/diff"): ALL,
    ("GET", f"{P}/products/{{key}}/tasks"): ALL,
    ("POST", f"{P}/products/{{key}}/tasks"): PQC_EDITORS,
    ("PATCH", f"{P}/tasks/{{task_id}}"): PQC_EDITORS,
    ("GET", f"{P}/progress"): ALL,
    ("GET", f"{P}/products/{{key}}/progress"): ALL,
}

# The pqc web pages and forms (not in the OpenAPI document), checked by tests/pqc/test_views.py.
PQC_WEB_ROUTES = {
    ("GET", "/pqc"): ALL,
    ("GET", "/pqc/products/{key}"): ALL,
    ("POST", "/pqc/products/{key}/scans"): PQC_EDITORS,
    ("GET", "/pqc/products/{key}/scans"): ALL,
    ("GET", "/pqc/products/{key}/plan"): ALL,
    ("POST", "/pqc/products/{key}/plan"): PQC_EDITORS,
    ("POST", "/pqc/tasks/{task_id}"): PQC_EDITORS,
}

PQC_BODIES = {
    ("POST", f"{P}/scans"): lambda i: {"product": "PQC-M", "system": f"sys-{i}", "cbom": demo_cbom()},
    ("POST", f"{P}/products/{{key}}/tasks"): lambda i: {},
    ("PATCH", f"{P}/tasks/{{task_id}}"): lambda i: {"status": "in_progress"},
}


def _call(client, token: str, method: str, path: str, body: dict) -> dict | list:
    response = client.request(method, f"{P}{path}", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 300, response.text
    return response.json()


def pqc_path(path: str, client, admin_token: str, index: int) -> str:
    """`path` with its placeholders filled by records made for this one call (product PQC-M, made once)."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    if client.get(f"{P}/products/PQC-M/progress", headers=headers).status_code == 404:
        product = {"key": "PQC-M", "name": "Matrix", "technology": "sensing"}
        assert client.post("/api/v1/org/products", json=product, headers=headers).status_code == 201
    scan = _call(
        client, admin_token, "POST", "/scans", {"product": "PQC-M", "system": f"m-{index}", "cbom": demo_cbom()}
    )
    if "{task_id}" in path:
        _call(client, admin_token, "POST", "/products/PQC-M/tasks", {})
        tasks = _call(client, admin_token, "GET", "/products/PQC-M/tasks", {})
        task = next(t for t in tasks if t["system"] == f"m-{index}")
        return path.replace("{task_id}", str(task["id"]))
    return path.replace("{key}", "PQC-M").replace("{scan_id}", str(scan["id"]))
