"""`qtqms catalog list|show|import|diff`, `qtqms control`, `qtqms soa export` and `qtqms readiness` on a database."""

from __future__ import annotations

import json
from dataclasses import replace

from typer.testing import CliRunner

from qtqms.app.cli import app
from qtqms.catalog import packs
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


def _tagged_framework(version: str = "1.0.0"):
    """A user's framework with everything a requirement can carry: parent, kind, heading, description, tags."""
    from datetime import date

    from qtqms.catalog.domain import FrameworkPack, PackInfo, Requirement, RequirementKind

    info = PackInfo("acme-lab", "Acme lab rules", version, "Acme", "lab handbook", date(2026, 11, 24), "internal")
    rows = (
        Requirement("GOV", RequirementKind.CLAUSE, "Governance", assessable=False),
        Requirement("GOV.1", RequirementKind.CONTROL, "Owner named", parent="GOV", description="Each rig has one.",
                    tags={"theme": ("people",), "type": ("preventive", "detective")}),
        Requirement("GOV.1.a", RequirementKind.GUIDANCE, "Record it", parent="GOV.1", assessable=False),
    )  # fmt: skip
    return FrameworkPack(info=info, edition="2026", requirements=rows)


def test_export_a_users_pack_from_the_database_as_yaml_and_oscal_back_to_the_same_tree(world, tmp_path):
    from qtqms.catalog import service
    from qtqms.catalog.formats import oscal

    pack = _tagged_framework()
    world.run(world.admin, service.import_pack, pack)
    world.run(world.admin, service.import_pack, replace(pack, info=replace(pack.info, version="2.0.0"),
                                                        requirements=pack.requirements[:2]))  # fmt: skip
    exported = tmp_path / "acme-lab.yaml"
    assert qtqms("catalog", "export", "acme-lab", "--version", "1.0.0", "-o", str(exported)).exit_code == 0
    assert qtqms("catalog", "validate", str(exported)).exit_code == 0
    assert packs.load_file(exported) == pack  # the same tree, labels, descriptions and tags
    current = packs.load_file(_written(tmp_path / "current.yaml", qtqms("catalog", "export", "acme-lab").stdout))
    assert current.info.version == "2.0.0" and len(current.requirements) == 2
    catalog = qtqms("catalog", "export", "acme-lab", "--version", "1.0.0", "-f", "oscal")
    assert catalog.exit_code == 0, catalog.output
    assert oscal.import_catalog(catalog.stdout, source="acme-lab.json") == pack
    missing = qtqms("catalog", "export", "acme-lab", "--version", "9")
    assert missing.exit_code == 2 and "pack 'acme-lab' version 9 is not loaded" in missing.output


def test_export_a_users_mapping_set_from_the_database(world, tmp_path):
    from qtqms.catalog import service
    from qtqms.catalog.domain import Mapping, MappingSet, Relationship

    framework = _tagged_framework()
    world.run(world.admin, service.import_pack, framework)
    rows = (Mapping("GOV.1", "A.5.2", Relationship.SUBSET, 0.6, "Naming rig owners is part of assigning roles."),)
    mapping_set = MappingSet(info=replace(framework.info, id="acme-lab-to-iso27001"), source_pack="acme-lab",
                             target_pack="iso27001-2022", mappings=rows)  # fmt: skip
    world.run(world.admin, service.import_pack, mapping_set)
    exported = _written(tmp_path / "map.yaml", qtqms("catalog", "export", "acme-lab-to-iso27001").stdout)
    framework_file = _written(tmp_path / "acme-lab.yaml", qtqms("catalog", "export", "acme-lab").stdout)
    checked = qtqms("catalog", "validate", str(framework_file), str(exported))
    assert checked.exit_code == 0, checked.output
    again, problems = packs.check_files([framework_file, exported])[str(exported)]
    assert (
        not problems
        and again.mappings == rows
        and (again.source_pack, again.target_pack) == ("acme-lab", "iso27001-2022")
    )
    assert again.info == mapping_set.info  # publisher, source, licence and check date kept


def test_export_of_a_shipped_pack_from_the_database_is_the_shipped_file(world):
    shipped = packs.dump_yaml(packs.find_shipped("iso27001-2022"))
    assert qtqms("catalog", "export", "iso27001-2022").stdout == shipped  # notes included
    unknown = qtqms("catalog", "export", "no-such-pack")
    assert unknown.exit_code == 2 and "pack 'no-such-pack' is not loaded" in unknown.output


def _written(path, text: str):
    path.write_text(text)
    return path


def test_soa_import_round_trips_an_exported_profile_and_refuses_unknown_controls(world, tmp_path):
    from qtqms.catalog import service
    from qtqms.catalog.schemas import SoaEntryUpdate

    reason = "No development is outsourced at all."
    world.run(world.admin, service.set_soa_entry, "iso27001-2022", "A.8.30",
              SoaEntryUpdate(applicable=False, justification=reason, implementation_status="retired"))  # fmt: skip
    world.run(world.admin, service.set_soa_entry, "iso27001-2022", "A.5.1",
              SoaEntryUpdate(applicable=True, justification="Policies apply to every site."))  # fmt: skip
    profile = tmp_path / "soa.json"
    assert qtqms("soa", "export", "iso27001-2022", "-f", "oscal", "-o", str(profile)).exit_code == 0
    world.run(world.admin, service.set_soa_entry, "iso27001-2022", "A.8.30",
              SoaEntryUpdate(applicable=True, justification="Changed our mind after the export."))  # fmt: skip
    imported = qtqms("soa", "import", str(profile))
    assert imported.exit_code == 0, imported.output
    assert "iso27001-2022: 2 decision(s) recorded; 91 without a justification left as they were" in imported.output
    rows = {r.requirement: r for r in world.read(world.viewer, service.soa, "iso27001-2022")}
    assert (rows["A.8.30"].applicable, rows["A.8.30"].justification, rows["A.8.30"].implementation_status) == (
        False, reason, "retired")  # fmt: skip
    assert rows["A.5.1"].decided and not rows["A.5.2"].decided  # undecided controls stay undecided
    text = profile.read_text()
    profile.write_text(text.replace('"A.8.30"', '"A.8.99"').replace('"Policies apply to every site."', '"Short"'))
    refused = qtqms("soa", "import", str(profile))
    assert refused.exit_code == 2 and "control 'A.8.99' is not in iso27001-2022 1.0.0" in refused.output
    profile.write_text(text.replace('"Policies apply to every site."', '"Short"'))
    short = qtqms("soa", "import", str(profile))
    assert short.exit_code == 2 and "A.5.1: String should have at least 10 characters" in short.output
    assert f"{profile}:" in short.output and "profile.modify.alters[0]" in short.output
    viewer = qtqms("--as", "val", "soa", "import", str(profile))
    assert viewer.exit_code == 2 and "may not do 'catalog:edit'" in viewer.output
