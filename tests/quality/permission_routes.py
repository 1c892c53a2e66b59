"""The quality API's rows of the permission matrix (tests/web/test_permission_matrix.py), with bodies and the
records each call needs: a fresh document per call, in the state the call needs."""

from __future__ import annotations

from tests.builders import PASSWORD

ALL = frozenset({"admin", "quality_manager", "risk_owner", "engineer", "ethics_officer", "auditor", "viewer"})
DOCUMENT_EDITORS = frozenset({"admin", "quality_manager", "engineer"})
DOCUMENT_APPROVERS = frozenset({"admin", "quality_manager"})
NC_EDITORS = frozenset({"admin", "quality_manager", "risk_owner", "engineer"})
NC_CLOSERS = frozenset({"admin", "quality_manager"})
P = "/api/v1/quality"
# The matrix calls a route once per caller, in this order (tests/web/test_permission_matrix.py): the index of a
# call says who makes it, so the record it needs can name that caller as reviewer or approver.
APPROVER = "quality-manager"  # named where no one signs in the call
CALLERS = (None, "admin", "auditor", "engineer", "ethics-officer", "quality-manager", "risk-owner", "viewer")

QUALITY_ROUTES = {
    ("GET", f"{P}/documents"): ALL,
    ("GET", f"{P}/documents/export"): ALL,
    ("GET", f"{P}/documents/serving"): ALL,
    ("POST", f"{P}/documents"): DOCUMENT_EDITORS,
    ("GET", f"{P}/documents/{{ref}}"): ALL,
    ("POST", f"{P}/documents/{{ref}}/versions"): DOCUMENT_EDITORS,
    ("PATCH", f"{P}/documents/{{ref}}/draft"): DOCUMENT_EDITORS,
    ("POST", f"{P}/documents/{{ref}}/steps"): DOCUMENT_EDITORS,
    ("POST", f"{P}/documents/{{ref}}/reviews"): ALL,
    ("POST", f"{P}/documents/{{ref}}/approvals"): DOCUMENT_APPROVERS,
    ("POST", f"{P}/documents/{{ref}}/acknowledgements"): ALL,
    ("POST", f"{P}/documents/{{ref}}/periodic-review"): DOCUMENT_EDITORS,
    ("PUT", f"{P}/documents/{{ref}}/links"): DOCUMENT_EDITORS,
    ("GET", f"{P}/documents/{{ref}}/diff"): ALL,
    ("GET", f"{P}/nonconformities"): ALL,
    ("GET", f"{P}/nonconformities/export"): ALL,
    ("POST", f"{P}/nonconformities"): NC_EDITORS,
    ("GET", f"{P}/nonconformities/{{ref}}"): ALL,
    ("PATCH", f"{P}/nonconformities/{{ref}}"): NC_EDITORS,
    ("POST", f"{P}/nonconformities/{{ref}}/actions"): NC_EDITORS,
    ("POST", f"{P}/actions/{{action_id}}/done"): NC_EDITORS,
    ("POST", f"{P}/nonconformities/{{ref}}/steps"): NC_EDITORS,
    ("POST", f"{P}/nonconformities/{{ref}}/effectiveness-checks"): NC_EDITORS,
    ("POST", f"{P}/nonconformities/{{ref}}/closure"): NC_CLOSERS,
    ("GET", f"{P}/tasks"): ALL,
}

SIGNED = {"password": PASSWORD, "comment": "matrix"}
QUALITY_BODIES = {
    ("POST", f"{P}/documents"): lambda i: {"kind": "form", "title": f"Form {i}", "change_reason": "new form"},
    ("POST", f"{P}/documents/{{ref}}/versions"): lambda i: {"change_reason": "next version"},
    ("PATCH", f"{P}/documents/{{ref}}/draft"): lambda i: {"content": f"edit {i}", "change_reason": "clearer"},
    ("POST", f"{P}/documents/{{ref}}/steps"): lambda i: {"action": "submit"},
    ("POST", f"{P}/documents/{{ref}}/reviews"): lambda i: SIGNED,
    ("POST", f"{P}/documents/{{ref}}/approvals"): lambda i: SIGNED,
    ("POST", f"{P}/documents/{{ref}}/periodic-review"): lambda i: {"comment": "still fit"},
    ("PUT", f"{P}/documents/{{ref}}/links"): lambda i: {"requirements": ["iso9001-2015:7.5.3"], "reason": "serves"},
    ("POST", f"{P}/nonconformities"): lambda i: {"title": f"NC {i}", "source": "incident", "severity": "minor"},
    ("PATCH", f"{P}/nonconformities/{{ref}}"): lambda i: {"root_cause": "found", "reason": "analysed"},
    ("POST", f"{P}/nonconformities/{{ref}}/actions"): lambda i: {
        "title": "Fix",
        "owner": "admin",
        "due_on": "2030-01-01",
    },
    ("POST", f"{P}/actions/{{action_id}}/done"): lambda i: {"outcome": "fixed"},
    ("POST", f"{P}/nonconformities/{{ref}}/steps"): lambda i: {"action": "contain"},
    ("POST", f"{P}/nonconformities/{{ref}}/effectiveness-checks"): lambda i: {
        "passed": True,
        "note": "worked",
        "password": PASSWORD,
    },
    ("POST", f"{P}/nonconformities/{{ref}}/closure"): lambda i: {"password": PASSWORD},
}


def _call(client, token: str, method: str, path: str, body: dict | None = None) -> dict:
    response = client.request(method, f"{P}{path}", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 400, response.text
    return response.json()


def _document(client, token: str, index: int, **fields) -> str:
    body = {"kind": "procedure", "title": f"Target {index}", "content": "Do it.", "change_reason": "for the matrix"}
    return _call(client, token, "POST", "/documents", body | fields)["ref"]


def _effective(client, admin_token: str, author_token: str, index: int) -> str:
    ref = _document(client, author_token, index, approvers=["admin"], audience=["all"])
    _call(client, author_token, "POST", f"/documents/{ref}/steps", {"action": "submit"})
    _call(client, admin_token, "POST", f"/documents/{ref}/approvals", SIGNED)
    _call(client, admin_token, "POST", f"/documents/{ref}/steps", {"action": "release"})
    return ref


def quality_path(path: str, client, admin_token: str, engineer_token: str, index: int) -> str:
    """`path` with its document made for this one call. The engineer writes it (the admin, when the engineer is
    the caller and must not be the author); the caller is its reviewer or approver where the call signs."""
    if "/nonconformities/" in path or "{action_id}" in path:
        return _nc_path(path, client, admin_token, engineer_token, index)
    if "{ref}" not in path:
        return path
    caller = CALLERS[index]
    author = admin_token if caller == "engineer" else engineer_token
    if path.endswith(("/acknowledgements", "/periodic-review", "/diff")) or path.endswith("/versions"):
        ref = _effective(client, admin_token, engineer_token, index)
    elif path.endswith("/reviews"):
        ref = _document(client, author, index, reviewers=[caller] if caller else [], approvers=[APPROVER])
        _call(client, author, "POST", f"/documents/{ref}/steps", {"action": "submit"})
    elif path.endswith("/approvals"):
        approver = caller if caller in ("admin", "quality-manager") else APPROVER
        ref = _document(client, author, index, approvers=[approver])
        _call(client, author, "POST", f"/documents/{ref}/steps", {"action": "submit"})
    else:
        ref = _document(client, author, index, approvers=[APPROVER])
    return path.replace("{ref}", ref)


def _nc_path(path: str, client, admin_token: str, engineer_token: str, index: int) -> str:
    """A nonconformity owned by the target user (so no caller owns it), taken as far as the call needs."""
    body = {"title": f"Target {index}", "source": "incident", "severity": "minor", "owner": "target",
            "containment": "held"}  # fmt: skip
    ref = _call(client, admin_token, "POST", "/nonconformities", body)["ref"]
    if path.endswith("/steps"):
        return path.replace("{ref}", ref)
    if not path.endswith(("/effectiveness-checks", "/closure", "/done")):
        return path.replace("{ref}", ref)
    _call(client, admin_token, "POST", f"/nonconformities/{ref}/steps", {"action": "contain"})
    _call(client, admin_token, "PATCH", f"/nonconformities/{ref}", {"root_cause": "found", "reason": "analysed"})
    nc = _call(client, admin_token, "POST", f"/nonconformities/{ref}/actions",
               {"title": "Fix", "owner": "admin", "due_on": "2030-01-01"})  # fmt: skip
    action_id = nc["actions"][0]["id"]
    if path.endswith("/done"):
        return path.replace("{action_id}", str(action_id))
    _call(client, admin_token, "POST", f"/nonconformities/{ref}/steps", {"action": "act"})
    _call(client, admin_token, "POST", f"/actions/{action_id}/done", {"outcome": "fixed"})
    _call(client, admin_token, "POST", f"/nonconformities/{ref}/steps", {"action": "verify"})
    if path.endswith("/closure"):
        check = {"passed": True, "note": "worked", "password": PASSWORD}
        _call(client, engineer_token, "POST", f"/nonconformities/{ref}/effectiveness-checks", check)
    return path.replace("{ref}", ref)
