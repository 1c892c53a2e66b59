"""The lifecycle's pages and commands on the demo company: the board marks blocked gates, the gate page says why
and refuses a go on a blocked gate next to the form, the wizard keeps what was typed and names the question off
the scale, a red-line clearance is signed on its page, `gate check --json` exits 1 on a blocked gate."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qtqms.app.cli import app
from tests.builders import PASSWORD, csrf_from, log_in

runner = CliRunner()
EMPTY_TOKEN = 'name="csrf_token" value=""'


def test_the_board_shows_products_by_stage_with_blocked_gates_marked(demo, client):
    log_in(client, "val.viewer", PASSWORD)
    board = client.get("/lifecycle")
    assert board.status_code == 200 and "Demo data" in board.text
    assert 'id="stage-S1"' in board.text and 'data-product="GRAV-1"' in board.text and "blocked" in board.text
    product = client.get("/lifecycle/products/GRAV-1").text
    assert "ELSPI and red lines" in product and "RL2 hit" in product and "Next gate" in product


def test_the_gate_page_explains_each_criterion_and_refuses_a_go_on_a_blocked_gate(demo, client):
    log_in(client, "quinn.quality", PASSWORD)
    page = client.get("/lifecycle/products/QKD-LINK/gate")
    assert page.status_code == 200 and 'id="criterion-G0-2"' in page.text and "is draft, not signed off" in page.text
    assert EMPTY_TOKEN not in page.text
    token = csrf_from(page.text)
    refused = client.post(
        "/lifecycle/products/QKD-LINK/gate/decisions",
        data={"csrf_token": token, "outcome": "go", "rationale": "We want to move on now"},
    )
    assert refused.status_code == 409 and 'id="form-errors"' in refused.text
    assert (
        "G0-2: EIA-0002 is draft, not signed off" in refused.text
        and ">We want to move on now</textarea>" in refused.text
    )
    red = client.get("/lifecycle/products/GRAV-1/gate").text
    assert 'id="red-line-block"' in red


def test_the_wizard_saves_answers_and_names_the_question_off_the_scale(demo, client):
    log_in(client, "ellis.ethics", PASSWORD)
    page = client.get("/lifecycle/elspi/EIA-0002")
    assert page.status_code == 200 and "21 to go" in page.text
    assert EMPTY_TOKEN not in page.text  # every form carries the session's token, not an empty one
    token = csrf_from(page.text)
    refused = client.post("/lifecycle/elspi/EIA-0002/answers", data={"csrf_token": token, "D5.1": "7", "then": "save"})
    assert refused.status_code == 422 and 'id="err-D5.1"' in refused.text
    saved = client.post("/lifecycle/elspi/EIA-0002/answers", data={"csrf_token": token, "D5.1": "2", "then": "save"})
    assert saved.status_code == 200 and "answers saved" in saved.text and "20 to go" in saved.text


def test_a_red_line_clearance_is_signed_on_its_page(demo, client):
    log_in(client, "ellis.ethics", PASSWORD)
    listing = client.get("/lifecycle/red-lines")
    assert listing.status_code == 200 and "RL2" in listing.text
    page = client.get("/lifecycle/red-lines/1")
    assert EMPTY_TOKEN not in page.text and EMPTY_TOKEN not in listing.text
    token = csrf_from(page.text)
    short = client.post(
        "/lifecycle/red-lines/1/clear", data={"csrf_token": token, "password": PASSWORD, "justification": "no"}
    )
    assert short.status_code == 422 and 'id="err-justification"' in short.text
    done = client.post(
        "/lifecycle/red-lines/1/clear",
        data={"csrf_token": token, "password": PASSWORD, "justification": "The reseller withdrew the proposal."},
    )
    assert done.status_code == 200 and "clearance signed; the hit is open" in done.text


def test_gate_check_json_lists_each_criterion_and_exits_1_when_blocked(demo):
    result = runner.invoke(app, ["gate", "check", "QKD-LINK", "--json"])
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert found["passed"] is False and [c["passed"] for c in found["criteria"]] == [True, False, True]
    assert found["criteria"][1]["reason"] == "EIA-0002 is draft, not signed off"
    export = runner.invoke(app, ["export-control", "classify", "QPU-NEXT", "--json"])
    assert export.exit_code == 0 and "4A906.a" in export.output and "not legal advice" in export.output
