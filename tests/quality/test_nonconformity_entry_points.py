"""Nonconformities through the web pages, the API and the command line, and on the demo company."""

from __future__ import annotations

import html
import json

from typer.testing import CliRunner

from qtqms.app.cli import app
from tests.builders import PASSWORD, api_token, csrf_from, log_in

runner = CliRunner()


def qtqms(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_raising_on_the_web_marks_bad_fields_and_redirects_when_right(client, team):
    log_in(client, "emery")
    token = csrf_from(client.get("/quality/nonconformities/new").text)
    typed = {"title": "", "source": "incident", "severity": "minor", "documents": "DOC-0042", "csrf_token": token}
    refused = client.post("/quality/nonconformities/new", data=typed)
    assert refused.status_code == 422 and 'id="err-title">this is required<' in html.unescape(refused.text)
    typed |= {"title": "Cryostat alarm ignored", "documents": ""}
    posted = client.post("/quality/nonconformities/new", data=typed, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/quality/nonconformities/NC-0001"
    page = client.get("/quality/nonconformities/NC-0001").text
    assert "NC-0001 raised" in page and "Cryostat alarm ignored" in page


def test_a_step_refused_on_the_web_says_why(client, team):
    log_in(client, "emery")
    token = csrf_from(client.get("/quality/nonconformities/new").text)
    client.post("/quality/nonconformities/new", data={"title": "X-ray", "source": "incident", "severity": "minor",
                                                      "csrf_token": token})  # fmt: skip
    refused = client.post("/quality/nonconformities/NC-0001/steps", data={"action": "contain", "csrf_token": token})
    assert refused.status_code == 409 and "say how it is contained first" in refused.text


def test_the_api_refuses_a_closure_before_the_check(client, team):
    headers = {"Authorization": f"Bearer {api_token(team.db, team.quality)}"}
    made = client.post("/api/v1/quality/nonconformities", headers=headers,
                       json={"title": "Late calibration", "source": "audit_finding", "severity": "major",
                             "owner": "emery", "containment": "instrument quarantined"}).json()  # fmt: skip
    ref = made["ref"]
    client.post(f"/api/v1/quality/nonconformities/{ref}/steps", json={"action": "contain"}, headers=headers)
    client.patch(f"/api/v1/quality/nonconformities/{ref}", json={"root_cause": "no plan", "reason": "found"},
                 headers=headers)  # fmt: skip
    nc = client.post(f"/api/v1/quality/nonconformities/{ref}/actions", headers=headers,
                     json={"title": "Plan calibrations", "owner": "emery", "due_on": "2030-01-01"}).json()  # fmt: skip
    client.post(f"/api/v1/quality/nonconformities/{ref}/steps", json={"action": "act"}, headers=headers)
    client.post(f"/api/v1/quality/actions/{nc['actions'][0]['id']}/done", json={"outcome": "plan"}, headers=headers)
    client.post(f"/api/v1/quality/nonconformities/{ref}/steps", json={"action": "verify"}, headers=headers)
    early = client.post(f"/api/v1/quality/nonconformities/{ref}/closure", json={"password": PASSWORD},
                        headers=headers)  # fmt: skip
    assert early.status_code == 409 and "effectiveness check has not been made" in early.text


def test_the_command_line_runs_a_capa_to_closure(team):
    made = qtqms("--as", "emery", "nc", "raise", "Wrong firmware", "--source", "customer_complaint",
                 "--severity", "minor", "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    ref = json.loads(made.output)["ref"]
    analysed = qtqms("--as", "emery", "nc", "analyse", ref, "--reason", "found", "--containment", "unit updated",
                     "--why", "checklist silent", "--root-cause", "checklist silent")  # fmt: skip
    assert analysed.exit_code == 0, analysed.stderr
    assert qtqms("--as", "emery", "nc", "step", ref, "contain").exit_code == 0
    planned = qtqms("--as", "emery", "nc", "action", ref, "Add firmware to checklist", "--owner", "emery",
                    "--due", "2030-01-01", "--json")  # fmt: skip
    action_id = json.loads(planned.output)["actions"][0]["id"]
    assert qtqms("--as", "emery", "nc", "step", ref, "act").exit_code == 0
    assert qtqms("--as", "emery", "nc", "done", str(action_id), "--outcome", "added").exit_code == 0
    assert qtqms("--as", "emery", "nc", "step", ref, "verify").exit_code == 0
    early = qtqms("--as", "quinn", "nc", "close", ref, "--password-stdin", stdin=PASSWORD + "\n")
    assert early.exit_code == 2 and "effectiveness check has not been made" in early.stderr
    checked = qtqms("--as", "quinn", "nc", "check", ref, "--note", "no repeat", "--password-stdin",
                    stdin=PASSWORD + "\n")  # fmt: skip
    assert checked.exit_code == 0, checked.stderr
    assert qtqms("--as", "quinn", "nc", "close", ref, "--password-stdin", stdin=PASSWORD + "\n").exit_code == 0
    shown = qtqms("nc", "show", ref)
    assert "closed" in shown.output and "signature valid" in shown.output


def test_the_demo_has_nonconformities_at_every_stage(demo, client):
    listed = json.loads(qtqms("nc", "list", "--json").output)["rows"]
    assert {row["status"] for row in listed} == {"open", "acting", "verifying", "closed"}
    assert any(row["overdue"] for row in listed)
    reopened = [json.loads(qtqms("nc", "show", row["ref"], "--json").output) for row in listed]
    assert any(nc["reopened"] == 1 and not nc["checks"][0]["passed"] for nc in reopened)
    log_in(client, "val.viewer")
    assert client.get("/quality/nonconformities?overdue=true").status_code == 200
    assert client.get("/quality").status_code == 200
