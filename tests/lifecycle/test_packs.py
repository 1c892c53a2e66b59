"""The lifecycle's pack kinds: the shipped ones are valid, and a broken one is refused with every problem at its
file, line and field, through `qtqms packs validate` like every other kind."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from qtqms.app.cli import app

PACKS = Path(__file__).resolve().parents[2] / "src/qtqms/lifecycle"


def _validate(path: Path):
    return CliRunner().invoke(app, ["packs", "validate", str(path)])


def test_the_shipped_lifecycle_packs_are_valid():
    files = sorted(PACKS.glob("*/packs/*.yaml"))
    assert len(files) == 7
    result = CliRunner().invoke(app, ["packs", "validate", *map(str, files)])
    assert result.exit_code == 0, result.output


def test_a_question_on_an_unknown_dimension_and_an_unordered_gate_list_are_refused_where_they_are(tmp_path):
    bank = (
        (PACKS / "elspi/packs/question-bank.yaml")
        .read_text()
        .replace("dimension: D10, kind: mitigation", "dimension: D11, kind: mitigation")
    )
    (tmp_path / "bank.yaml").write_text(bank)
    refused = _validate(tmp_path / "bank.yaml")
    assert refused.exit_code == 2 and "'D11' is not a dimension of this bank" in refused.output
    assert "bank.yaml:" in refused.output
    gates = (PACKS / "gates/packs/gate-template.yaml").read_text().replace("  - id: G1\n", "  - id: G2\n", 1)
    (tmp_path / "gates.yaml").write_text(gates)
    refused = _validate(tmp_path / "gates.yaml")
    assert refused.exit_code == 2 and "list the gates once each, in order G0 to G6" in refused.output


def test_a_table_with_a_gap_is_refused(tmp_path):
    text = (
        (PACKS / "export_control/packs/us-bis-2024.yaml")
        .read_text()
        .replace("{min: 100, max: 199", "{min: 101, max: 199")
    )
    (tmp_path / "us.yaml").write_text(text)
    refused = _validate(tmp_path / "us.yaml")
    assert refused.exit_code == 2 and "without gap or overlap" in refused.output
