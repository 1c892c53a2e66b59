"""Lifecycle products through the CLI, the API and the web, on the demo company."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from qtqms.app.cli import app
from tests.builders import PASSWORD, csrf_from, log_in
from tests.lifecycle.conftest import demo_headers

runner = CliRunner()


def qtqms(*args: str):
    return runner.invoke(app, list(args))


def test_the_cli_shows_and_describes_a_product_and_refuses_a_wrong_unit_in_one_line(demo):
    shown = qtqms("product", "show", "QPU-NEXT", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["parameters"][0] == {
        "name": "physical_qubits",
        "label": "Physical qubits (fully controlled, connected, working)",
        "type": "integer",
        "unit": "qubits",
        "value": 100,
    }
    refused = qtqms("--as", "emery.engineer", "product", "describe", "QPU-NEXT", "--param", "cnot_error=0.05:percent")
    assert refused.exit_code == 2 and "parameters.cnot_error: unit 'percent'" in refused.output
    assert "Traceback" not in refused.output
    done = qtqms(
        "--as", "emery.engineer", "product", "describe", "QPU-NEXT", "--param", "physical_qubits=120", "--json"
    )
    assert done.exit_code == 0 and json.loads(done.output)["parameters"][0]["value"] == 120
    listed = qtqms("product", "list", "--limit", "2", "--json")
    assert listed.exit_code == 0 and len(json.loads(listed.output)["rows"]) == 2


def test_the_api_takes_typed_parameters_and_names_the_field_it_refuses(demo, db, client):
    headers = demo_headers(db, "emery.engineer")
    refused = client.patch(
        "/api/v1/lifecycle/products/QKD-LINK", json={"parameters": {"qber": "high"}}, headers=headers
    )
    assert refused.status_code == 422 and "parameters.qber" in refused.text
    ok = client.get("/api/v1/lifecycle/products/QKD-LINK", headers=headers)
    assert ok.status_code == 200 and ok.json()["parameters"][1]["value"] == 2.1


def test_the_product_page_shows_the_profile_and_keeps_what_was_typed_on_a_refusal(demo, client):
    log_in(client, "emery.engineer", PASSWORD)
    page = client.get("/lifecycle/products/QPU-NEXT")
    assert page.status_code == 200 and "Physical qubits" in page.text and "Demo data" in page.text
    token = csrf_from(page.text)
    refused = client.post(
        "/lifecycle/products/QPU-NEXT",
        data={"csrf_token": token, "trl": "4", "parameters.physical_qubits": "lots", "parameters.cnot_error": "0.0005"},
    )
    assert refused.status_code == 422
    assert 'id="err-parameters.physical_qubits"' in refused.text and 'value="lots"' in refused.text
    saved = client.post(
        "/lifecycle/products/QPU-NEXT",
        data={"csrf_token": token, "trl": "5", "parameters.physical_qubits": "100", "sold_in": "EU, US"},
    )
    assert saved.status_code == 200 and "product profile saved" in saved.text
    listing = client.get("/lifecycle/products", params={"stage": "S0"})
    assert listing.status_code == 200 and "QPU-NEXT" in listing.text
