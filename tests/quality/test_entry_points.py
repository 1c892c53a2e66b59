"""Documents through the web pages, the API and the command line: forms redirect after a post or show each
problem by its field; self-approval is refused in every one of them; the demo opens."""

from __future__ import annotations

import html
import json

from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.quality.documents import service
from qtqms.quality.documents.schemas import StepIn
from tests.builders import PASSWORD, api_token, csrf_from, log_in
from tests.quality.conftest import effective, write

runner = CliRunner()


def qtqms(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


# --- web ------------------------------------------------------------------------------------------------------


def test_writing_a_document_on_the_web_redirects_to_it_and_bad_fields_are_marked(client, team):
    log_in(client, "emery")
    token = csrf_from(client.get("/quality/documents/new").text)
    typed = {"kind": "procedure", "title": "", "content": "<script>alert(1)</script>", "change_reason": "new",
             "approvers": "emery", "csrf_token": token}  # fmt: skip
    refused = client.post("/quality/documents/new", data=typed)
    assert refused.status_code == 422
    page = html.unescape(refused.text)
    assert 'id="err-title">this is required<' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in refused.text and "<script>alert(1)" not in refused.text
    typed |= {"title": "Calibration", "content": "# Steps\n", "approvers": "quinn", "requirements": "iso9001-2015:7.5"}
    posted = client.post("/quality/documents/new", data=typed, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/quality/documents/DOC-0001"
    shown = client.get("/quality/documents/DOC-0001")
    assert "DOC-0001 written as a draft" in shown.text and "<h1>Steps</h1>" in shown.text
    assert "iso9001-2015:7.5" in shown.text


def test_unsafe_markdown_on_the_web_is_refused_next_to_the_content(client, team):
    log_in(client, "emery")
    token = csrf_from(client.get("/quality/documents/new").text)
    typed = {"kind": "form", "title": "F", "content": "[x](javascript:alert(1))", "change_reason": "new form",
             "csrf_token": token}  # fmt: skip
    refused = client.post("/quality/documents/new", data=typed)
    assert refused.status_code == 422
    assert 'id="err-content">line 1: the link' in html.unescape(refused.text)


def test_self_approval_is_refused_on_the_web(client, team):
    document = write(team, approvers=["admin"])
    log_in(client, "emery")
    token = csrf_from(client.get(f"/quality/documents/{document.ref}").text)
    client.post(f"/quality/documents/{document.ref}/steps", data={"action": "submit", "csrf_token": token})
    log_in(client, "quinn")
    token = csrf_from(client.get(f"/quality/documents/{document.ref}").text)
    edit = {"title": document.title, "approvers": "quinn emery", "change_reason": "add", "csrf_token": token}
    assert client.post(f"/quality/documents/{document.ref}/draft", data=edit).status_code == 409
    log_in(client, "emery")
    token = csrf_from(client.get(f"/quality/documents/{document.ref}").text)
    signed = client.post(f"/quality/documents/{document.ref}/sign",
                         data={"part": "approver", "password": PASSWORD, "csrf_token": token})  # fmt: skip
    assert signed.status_code == 403


def test_signing_on_the_web_with_a_wrong_password_says_so_by_the_field(client, team):
    document = write(team)
    team.run(team.engineer, service.take_step, document.ref, StepIn(action="submit"))
    log_in(client, "riley")
    page = client.get(f"/quality/documents/{document.ref}")
    assert 'id="sign-form"' in page.text
    wrong = {"part": "reviewer", "password": "nope", "csrf_token": csrf_from(page.text)}
    refused = client.post(f"/quality/documents/{document.ref}/sign", data=wrong)
    assert refused.status_code == 401 and "not signed" in refused.text
    good = client.post(f"/quality/documents/{document.ref}/sign", follow_redirects=False,
                       data={"part": "reviewer", "password": PASSWORD, "csrf_token": csrf_from(page.text)})  # fmt: skip
    assert good.status_code == 303
    shown = client.get(f"/quality/documents/{document.ref}").text
    assert "reviewed with your signature" in shown and "signature valid" in shown


def test_the_register_filters_exports_and_the_diff_page_opens(client, team):
    first = effective(team)
    log_in(client, "val")
    register = client.get("/quality/documents?status=effective")
    assert first.ref in register.text and 'id="new-document"' not in register.text
    assert client.get("/quality/documents?status=draft").text.count("/quality/documents/DOC-") == 0
    csv = client.get("/quality/documents/export.csv")
    assert csv.status_code == 200 and first.ref in csv.text
    assert client.get("/quality/documents/export.pdf").status_code == 422
    assert client.get(f"/quality/documents/{first.ref}/diff").status_code == 200
    assert client.get("/quality").status_code == 200


def test_the_controls_page_shows_the_documents_that_serve_a_control(client, team):
    document = effective(team)
    log_in(client, "val")
    assert f'<a href="/quality/documents/{document.ref}"' in client.get("/catalog/controls").text


# --- API ------------------------------------------------------------------------------------------------------


def test_self_approval_is_refused_through_the_api(client, team):
    token = api_token(team.db, team.quality)
    headers = {"Authorization": f"Bearer {token}"}
    body = {"kind": "policy", "title": "Policy", "content": "x", "change_reason": "issue", "approvers": ["quinn"]}
    refused = client.post("/api/v1/quality/documents", json=body, headers=headers)
    assert refused.status_code == 422 and "author of a version cannot sign it off" in refused.text
    made = client.post("/api/v1/quality/documents", json=body | {"approvers": ["admin"]}, headers=headers).json()
    client.post(f"/api/v1/quality/documents/{made['ref']}/steps", json={"action": "submit"}, headers=headers)
    self_signed = client.post(f"/api/v1/quality/documents/{made['ref']}/approvals", json={"password": PASSWORD},
                              headers=headers)  # fmt: skip
    assert self_signed.status_code == 403 and "you wrote this version" in self_signed.text


def test_the_api_answers_what_documents_serve_a_requirement(client, team):
    document = effective(team)
    token = api_token(team.db, team.viewer)
    found = client.get("/api/v1/quality/documents/serving?requirement=iso9001-2015:7.5.3",
                       headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    assert [d["ref"] for d in found["iso9001-2015:7.5.3"]] == [document.ref]


# --- CLI ------------------------------------------------------------------------------------------------------


def test_self_approval_is_refused_on_the_command_line(team, tmp_path):
    content = tmp_path / "policy.md"
    content.write_text("# Policy\n")
    made = qtqms("--as", "quinn", "document", "new", "policy", "Quality policy", "--reason", "issue",
                 "--content", str(content), "--approvers", "admin", "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    ref = json.loads(made.output)["ref"]
    assert qtqms("--as", "quinn", "document", "step", ref, "submit").exit_code == 0
    refused = qtqms("--as", "quinn", "document", "approve", ref, "--password-stdin", stdin=PASSWORD + "\n")
    assert refused.exit_code == 2 and "you wrote this version" in refused.stderr
    approved = qtqms("--as", "admin", "document", "approve", ref, "--password-stdin", stdin=PASSWORD + "\n")
    assert approved.exit_code == 0, approved.stderr
    assert qtqms("--as", "admin", "document", "step", ref, "release").exit_code == 0
    shown = qtqms("document", "show", ref)
    assert "approver: Administrator (admin) approved" in shown.output and "valid" in shown.output


def test_bad_input_on_the_command_line_is_one_line_and_exit_2(team):
    bad_kind = qtqms("--as", "emery", "document", "new", "memo", "X", "--reason", "why not")
    assert bad_kind.exit_code == 2 and "not a kind of document" in bad_kind.stderr
    missing = qtqms("document", "show", "DOC-0042")
    assert missing.exit_code == 2 and "document DOC-0042 not found" in missing.stderr
    bad_ref = qtqms("document", "show", "R-0001")
    assert bad_ref.exit_code == 2 and "use the form DOC-0042" in bad_ref.stderr


def test_list_diff_and_export_on_the_command_line(team, tmp_path):
    document = effective(team)
    listed = qtqms("document", "list", "--json")
    assert json.loads(listed.output)["rows"][0]["ref"] == document.ref
    assert qtqms("document", "diff", document.ref).exit_code == 0
    out = tmp_path / "docs.xlsx"
    assert qtqms("document", "export", "--format", "xlsx", "-o", str(out)).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


def test_the_demo_has_documents_in_every_state(demo):
    listed = json.loads(qtqms("document", "list", "--json", "--limit", "50").output)
    assert {row["status"] for row in listed["rows"]} >= {"draft", "approved", "effective", "obsolete"}
    assert any(row["review"] == "overdue" for row in listed["rows"])
    revised = next(r for r in listed["rows"] if r["effective_version"] and r["latest_version"] > r["effective_version"])
    shown = qtqms("document", "show", revised["ref"], "--version", str(revised["latest_version"]), "--json")
    assert json.loads(shown.output)["shown"]["status"] == "in_review"
