"""`qtqms catalog list|show|import|diff`, `qtqms control`, `qtqms soa export` and `qtqms readiness` on a database."""

from __future__ import annotations

import json
from dataclasses import replace

from typer.testing import CliRunner

from qtqms.catalog import packs
from qtqms.cli.main import app
from tests.catalog.test_api import big_framework

runner = CliRunner()


def qtqms(*args: str):
    return runner.invoke(app, list(args))


def test_list_and_show_json_shapes_and_annex_counts(world):
    listed = json.loads(qtqms("catalog", "list", "--json").output)
    assert {"id", "title", "version", "requirement_count"} <= set(listed[0]) and len(listed) == 9
    for pack_id, count in (("iso27001-2022", 93), ("iso42001-2023", 38)):
        shown = json.loads(qtqms("catalog", "show", pack_id, "--json").output)
        assert {"id", "title", "version", "requirements"} <= set(shown)
        assert {"id", "parent", "kind", "assessable", "label"} <= set(shown["requirements"][0])
        annex = [r for r in shown["requirements"] if r["kind"] == "control" and r["id"].startswith("A.")]
        assert len(annex) == count


def test_import_a_yaml_pack_twice_then_a_new_edition_and_diff(world, tmp_path):
    first = tmp_path / "gen-1.yaml"
    first.write_text(packs.dump_yaml(big_framework("gen-cli", 40)))
    assert "loaded gen-cli 1" in qtqms("catalog", "import", str(first)).output
    again = qtqms("catalog", "import", str(first))
    assert again.exit_code == 0 and "already loaded; no change" in again.output
    second = tmp_path / "gen-2.yaml"
    newer = big_framework("gen-cli", 41)
    second.write_text(packs.dump_yaml(replace(newer, info=replace(newer.info, version="2"))))
    assert qtqms("catalog", "import", str(second)).exit_code == 0
    diff = json.loads(qtqms("catalog", "diff", "gen-cli", "1", "2", "--json").output)
    assert (diff["added"], diff["removed"], diff["changed"]) == (["H2"], [], [])


def test_control_evidence_readiness_and_explain(world, tmp_path):
    added = qtqms(
        "control",
        "add",
        "CTL-CLI",
        "--title",
        "Core risk",
        "--owner",
        "admin",
        "--status",
        "implemented",
        "-r",
        "qtqms-profile CORE.RISK",
    )
    assert added.exit_code == 0, added.output
    record = tmp_path / "minutes.txt"
    record.write_text("risk review minutes")
    attached = qtqms("control", "evidence", "CTL-CLI", "--title", "Minutes", "--file", str(record))
    assert attached.exit_code == 0 and "sha256" in attached.output
    result = {r["framework"]: r for r in json.loads(qtqms("readiness", "--json").output)}
    assert {"framework", "assessable", "met", "partial", "score"} <= set(result["iso27001-2022"])
    assert result["iso27001-2022"]["met"] >= 1 and 0 < result["iso27001-2022"]["score"] < 1
    explained = qtqms("readiness", "--framework", "iso27001-2022", "--explain", "6.1.1")
    assert "reached from qtqms-profile CORE.RISK" in explained.output and "CTL-CLI" in explained.output


def test_bad_input_exits_2_with_one_line(world):
    missing = qtqms("readiness", "--framework", "iso99999")
    assert missing.exit_code == 2 and "not loaded" in missing.output
    bad = qtqms("control", "add", "CTL-B", "--title", "x", "--owner", "admin", "-r", "iso27001-2022")
    assert bad.exit_code == 2 and "pack id and the requirement id" in bad.output


def test_soa_export_csv_and_oscal_profile(world, tmp_path):
    csv_text = qtqms("soa", "export", "iso42001-2023").output
    assert csv_text.splitlines()[0].startswith("framework,requirement") and len(csv_text.splitlines()) == 39
    target = tmp_path / "soa.json"
    assert qtqms("soa", "export", "iso27001-2022", "-f", "oscal", "-o", str(target)).exit_code == 0
    profile = json.loads(target.read_text())["profile"]
    assert len(profile["imports"][0]["include-controls"][0]["with-ids"]) == 93


def test_control_set_changes_status_and_links_more_requirements(world):
    qtqms("control", "add", "CTL-SET", "--title", "Key rotation", "--owner", "admin")
    changed = qtqms(
        "control",
        "set",
        "CTL-SET",
        "--status",
        "implemented",
        "--owner",
        "emery",
        "-r",
        "iso27001-2022 A.8.24",
        "--review-date",
        "2027-06-30",
    )
    assert changed.exit_code == 0, changed.output
    shown = next(c for c in json.loads(qtqms("control", "list", "--json").output) if c["key"] == "CTL-SET")
    assert (shown["status"], shown["owner"], shown["review_date"]) == ("implemented", "emery", "2027-06-30")
    assert shown["requirements"] == [{"framework": "iso27001-2022", "requirement": "A.8.24"}]
    refused = qtqms("control", "set", "CTL-SET", "--status", "finished")
    assert refused.exit_code == 2 and "status" in refused.output
    assert qtqms("control", "set", "CTL-SET", "--unlink", "iso27001-2022 A.8.24").exit_code == 0
    assert json.loads(qtqms("control", "list", "--json").output)[0]["requirements"] == []
    missing = qtqms("control", "set", "CTL-SET", "--unlink", "iso27001-2022 A.8.24")
    assert missing.exit_code == 2 and "is not linked" in missing.output


def test_soa_oscal_profile_excludes_the_not_applicable_with_their_justification(world, tmp_path):
    from qtqms.catalog import service
    from qtqms.catalog.schemas import SoaEntryUpdate

    reason = "No development is outsourced at all."
    world.run(
        world.admin,
        service.set_soa_entry,
        "iso27001-2022",
        "A.8.30",
        SoaEntryUpdate(applicable=False, justification=reason),
    )
    target = tmp_path / "soa.json"
    assert qtqms("soa", "export", "iso27001-2022", "-f", "oscal", "-o", str(target)).exit_code == 0
    profile = json.loads(target.read_text())["profile"]
    assert profile["imports"][0]["exclude-controls"][0]["with-ids"] == ["A.8.30"]
    assert "A.8.30" not in profile["imports"][0]["include-controls"][0]["with-ids"]
    alter = next(a for a in profile["modify"]["alters"] if a["control-id"] == "A.8.30")
    assert alter["adds"][0]["parts"][0]["prose"] == reason
