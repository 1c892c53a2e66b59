"""OSCAL catalogs: every shipped pack exports, trestle reads the file back, and the import gives the same pack."""

import json
from types import SimpleNamespace

import pytest
from trestle.oscal.catalog import Catalog

from qtqms.catalog import packs
from qtqms.catalog.formats import oscal
from qtqms.kernel.errors import InvalidInput


@pytest.fixture(scope="module")
def frameworks():
    return packs.load_shipped()[0]


def test_every_shipped_pack_round_trips_through_an_oscal_file(frameworks, tmp_path):
    for pack in frameworks.values():
        path = tmp_path / f"{pack.id}.json"
        path.write_text(oscal.export_catalog(pack))
        catalog = Catalog.oscal_read(path)  # trestle's own reader and model validation
        assert catalog.metadata.title == pack.info.title
        assert oscal.import_catalog(path.read_text(), source=str(path)) == pack, pack.id


def test_structure_of_the_27001_catalog(frameworks):
    catalog = json.loads(oscal.export_catalog(frameworks["iso27001-2022"]))["catalog"]
    groups = {group["title"]: group for group in catalog["groups"]}
    annex = groups["Annex A reference controls"]
    themes = {theme["title"]: len(theme["controls"]) for theme in annex["controls"]}
    assert themes == {"Organisational controls": 37, "People controls": 8, "Physical controls": 14,
                      "Technological controls": 34}  # fmt: skip
    crypto = next(c for c in annex["controls"][3]["controls"] if c["id"] == "A.8.24")
    assert {"name": "label", "value": "A.8.24"} in crypto["props"]
    assert {"name": "control_type", "ns": oscal.NAMESPACE, "value": "preventive", "class": "tag"} in crypto["props"]
    assert groups["Context"]["controls"][0]["id"] == "req-4.1"  # OSCAL ids are tokens; "4.1" is not one


def test_export_is_reproducible(frameworks):
    pack = frameworks["elspi"]
    assert oscal.export_catalog(pack) == oscal.export_catalog(pack)


def test_a_foreign_catalog_gets_documented_defaults():
    text = json.dumps({"catalog": {
        "uuid": "0b0f6e1a-4a4e-4c1c-9b5e-2f4f3b0c9d11",
        "metadata": {"title": "Lab Safety Rules", "last-modified": "2026-01-05T10:00:00+00:00",
                     "version": "3", "oscal-version": "1.2.1"},
        "groups": [{"id": "cryo", "title": "Cryogenics", "controls": [
            {"id": "cryo-1", "title": "Oxygen monitors in every cryostat room",
             "parts": [{"name": "statement", "prose": "Monitors alarm below 19.5 percent oxygen."}]},
        ]}],
    }})  # fmt: skip
    pack = oscal.import_catalog(text, source="lab.json")
    assert (pack.id, pack.edition, pack.info.publisher) == ("lab-safety-rules", "3", oscal.NOT_STATED)
    assert str(pack.info.verified_on) == "2026-01-05"
    group, control = pack.requirements
    assert (group.id, group.kind.value, group.assessable) == ("cryo", "clause", False)
    assert (control.id, control.parent, control.kind.value, control.assessable) == ("cryo-1", "cryo", "control", True)
    assert control.description == "Monitors alarm below 19.5 percent oxygen."


def test_a_catalog_trestle_rejects_is_reported_field_by_field():
    text = json.dumps({"catalog": {"uuid": "not-a-uuid", "metadata": {"title": "X"}}})
    with pytest.raises(InvalidInput) as raised:
        oscal.import_catalog(text, source="x.json")
    fields = {problem.field for problem in raised.value.problems}
    assert {"catalog.uuid", "catalog.metadata.last-modified", "catalog.metadata.version"} <= fields


def test_not_json_and_not_a_catalog():
    with pytest.raises(InvalidInput, match=r"x.json:1: invalid JSON"):
        oscal.import_catalog("{nope", source="x.json")
    with pytest.raises(InvalidInput, match="not an OSCAL catalog"):
        oscal.import_catalog('{"profile": {}}', source="x.json")


SOA_ROWS = [
    SimpleNamespace(requirement="A.5.1", applicable=True, justification="Policies apply everywhere.",
                    implementation_status="implemented", controls=["CTL-POL"]),
    SimpleNamespace(requirement="A.7.4", applicable=False, justification="No premises of our own.",
                    implementation_status="planned", controls=[]),
]  # fmt: skip


def _profile(tmp_path, rows=SOA_ROWS, framework="iso27001-2022"):
    path = tmp_path / "soa.json"
    path.write_text(oscal.export_soa_profile(framework, rows))
    return path


def test_an_exported_soa_profile_checks_clean_against_the_catalog_beside_it_or_a_known_pack(frameworks, tmp_path):
    profile = _profile(tmp_path)
    assert oscal.validate_file(profile, frameworks) == []  # '<pack>-catalog.json' names a known pack
    (tmp_path / "iso27001-2022-catalog.json").write_text(oscal.export_catalog(frameworks["iso27001-2022"]))
    assert oscal.validate_file(profile, {}) == []  # the catalog file beside the profile


def test_every_unknown_control_is_reported_with_its_line_and_place(frameworks, tmp_path):
    rows = [*SOA_ROWS, SimpleNamespace(requirement="A.9.9", applicable=False, justification="No such control.",
                                       implementation_status="planned", controls=[])]  # fmt: skip
    profile = _profile(tmp_path, rows)
    text = profile.read_text()
    text = text.replace('"A.5.1"', '"A.5.99"', 1)  # an included id that the catalog does not have
    profile.write_text(text)
    problems = oscal.validate_file(profile, frameworks)
    lines = text.splitlines()
    by_field = {p.field: p for p in problems}
    assert set(by_field) == {
        "profile.imports[0].include-controls[0].with-ids[0]",
        "profile.imports[0].exclude-controls[0].with-ids[1]",
        "profile.modify.alters[2].control-id",
    }
    included = by_field["profile.imports[0].include-controls[0].with-ids[0]"]
    assert included.message == "control 'A.5.99' is not in iso27001-2022 1.0.0"
    line = int(included.where.rsplit(":", 1)[1])
    assert included.where.startswith(str(profile)) and '"A.5.99"' in lines[line - 1]
    assert "A.9.9" in by_field["profile.modify.alters[2].control-id"].message


def test_an_href_that_names_no_known_catalog_is_reported(frameworks, tmp_path):
    profile = _profile(tmp_path)
    profile.write_text(profile.read_text().replace("iso27001-2022-catalog.json", "https://example.org/other.json"))
    (problem,) = oscal.validate_file(profile, frameworks)  # unknown controls are not judged against nothing
    assert problem.field == "profile.imports[0].href" and "names no known catalog" in problem.message
    broken = _profile(tmp_path)
    (tmp_path / "iso27001-2022-catalog.json").write_text('{"catalog": {"uuid": "x"}}')
    (problem,) = oscal.validate_file(broken, frameworks)
    assert problem.field == "profile.imports[0].href" and "is not a usable catalog" in problem.message


def test_a_profile_trestle_rejects_and_a_file_that_is_not_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"profile": {"uuid": "not-a-uuid", "imports": []}}))
    fields = {p.field for p in oscal.validate_file(bad, {})}
    assert {"profile.uuid", "profile.metadata"} <= fields
    bad.write_text("{\n  nope")
    (problem,) = oscal.validate_file(bad, {})
    assert problem.where == f"{bad}:2" and "invalid JSON" in problem.message
