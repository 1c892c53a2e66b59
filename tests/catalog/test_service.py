"""Packs in the database, controls and evidence, the SoA and readiness, through the service layer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from qtqms.catalog import service
from qtqms.catalog.domain import FrameworkPack, PackInfo, Requirement, RequirementKind
from qtqms.catalog.schemas import ControlCreate, ControlUpdate, RequirementRef, SoaEntryUpdate
from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service as evidence_service
from qtqms.kernel.errors import InvalidInput, NotFound, PermissionDenied
from qtqms.models.catalog import CatalogRequirement, FrameworkVersion
from tests.builders import query_counter
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.usefixtures("fixed_clock")
TODAY = FIXED_NOW.date()


def _count(db, model) -> int:
    with UnitOfWork(db) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_loading_the_shipped_packs_twice_changes_nothing(world):
    rows, events = _count(world.db, CatalogRequirement), _count(world.db, AuditEvent)
    with UnitOfWork(world.db) as uow:
        imports = uow.session.scalar(select(func.count()).where(AuditEvent.action == "import"))
    assert imports == 26  # one event per pack loaded, none per requirement or mapping
    report = world.run(world.admin, service.sync_shipped_packs)
    assert report.frameworks_added == [] and report.mapping_sets_added == [] and report.unchanged == 26
    assert (_count(world.db, CatalogRequirement), _count(world.db, AuditEvent)) == (rows, events)


def test_shipped_catalogue_counts_in_the_database(world):
    iso27 = world.read(world.viewer, service.show_framework, "iso27001-2022")
    annex = [r for r in iso27.requirements if r.kind == "control" and r.id.startswith("A.")]
    by_theme = [sum(1 for r in annex if r.parent == f"A.{n}") for n in (5, 6, 7, 8)]
    assert (len(annex), by_theme) == (93, [37, 8, 14, 34])
    assert len(world.read(world.viewer, service.soa, "iso42001-2023")) == 38


def _edition(version: str, labels: dict[str, str]) -> FrameworkPack:
    info = PackInfo("acme-lab", "Acme lab rules", version, "Acme", "intranet", TODAY, "internal")
    requirements = tuple(Requirement(ref, RequirementKind.CONTROL, label) for ref, label in labels.items())
    return FrameworkPack(info=info, edition=version, requirements=requirements)


def test_a_new_edition_keeps_the_old_one_and_the_links_and_shows_the_diff(world):
    world.run(world.admin, service.import_pack, _edition("1", {"L1": "Oxygen monitors", "L2": "Badge access"}))
    world.control("CTL-O2", "acme-lab|L1")
    world.run(world.admin, service.import_pack, _edition("2", {"L1": "Oxygen alarms", "L3": "Helium recovery"}))
    editions = [
        (f.version, f.is_current)
        for f in world.read(world.viewer, service.list_frameworks, all_editions=True)
        if f.id == "acme-lab"
    ]
    assert editions == [("1", False), ("2", True)]
    diff = world.read(world.viewer, service.diff_editions, "acme-lab", "1", "2")
    assert (diff.added, diff.removed) == (["L3"], ["L2"])
    assert [(c.requirement, c.fields["label"]) for c in diff.changed] == [("L1", ["Oxygen monitors", "Oxygen alarms"])]
    assert world.read(world.viewer, service.get_control, "CTL-O2").requirements[0].requirement == "L1"
    result = world.read(world.viewer, service.readiness, "acme-lab")[0]
    assert (result.version, result.assessable, result.met) == ("2", 2, 1)
    again = world.run(world.admin, service.import_pack, _edition("2", {"L9": "ignored: same version"}))
    assert again.unchanged == 1 and _count(world.db, FrameworkVersion) == 11


def test_only_catalogue_editors_import_packs(world):
    with pytest.raises(PermissionDenied):
        world.run(world.engineer, service.import_pack, _edition("1", {"L1": "x"}))


def test_a_control_with_current_evidence_meets_its_requirement_and_everything_mapped_from_it(world):
    world.control("CTL-RISK", "qtqms-profile|CORE.RISK")
    explained = world.read(world.viewer, service.explain, "iso27001-2022", "6.1.1")
    assert explained.status == "met" and explained.origin == "qtqms-profile CORE.RISK"
    assert [s.mapping_set for s in explained.path] == ["qtqms-profile-to-hs-2021", "hs-2021-to-iso27001-2022"]
    assert explained.origin_controls[0].control == "CTL-RISK" and explained.direct_controls == []


def test_expired_evidence_or_an_unimplemented_control_meets_nothing(world):
    world.control(
        "CTL-OLD", "iso27001-2022|A.8.24", valid_from=TODAY - timedelta(days=400), valid_until=TODAY - timedelta(days=1)
    )
    world.control("CTL-PLAN", "iso27001-2022|A.8.32", status="planned")
    world.control("CTL-NOEV", "iso27001-2022|A.8.8", evidence=False)
    assert world.read(world.viewer, service.readiness, "iso27001-2022")[0].met == 0
    assert not world.read(world.viewer, service.get_control, "CTL-OLD").evidence[0].current
    world.run(world.admin, service.update_control, "CTL-PLAN", ControlUpdate(status="implemented"))
    assert world.read(world.viewer, service.readiness, "iso27001-2022")[0].met == 1


def test_a_partial_inference_is_reported_partial_with_its_weight(world):
    with UnitOfWork(world.db) as uow:
        from qtqms.catalog import repository as repo

        partial = next(m for m in repo.current_mappings(uow.session) if m[5] in ("subset", "intersect"))
    set_id, source_pack, target_pack, source, target, relationship, strength = partial
    world.control("CTL-P", f"{source_pack}|{source}")
    found = world.read(world.viewer, service.explain, target_pack, target)
    assert found.status == "partial" and found.value <= strength
    assert any(step.relationship in ("subset", "intersect") for step in found.path)


def test_not_applicable_soa_entries_leave_the_assessable_count(world):
    before = world.read(world.viewer, service.readiness, "iso27001-2022")[0].assessable
    entry = SoaEntryUpdate(applicable=False, justification="No development is outsourced at all.")
    row = world.run(world.quality, service.set_soa_entry, "iso27001-2022", "A.8.30", entry)
    assert (row.applicable, row.decided) == (False, True)
    assert world.read(world.viewer, service.readiness, "iso27001-2022")[0].assessable == before - 1
    with pytest.raises(NotFound):
        world.run(world.quality, service.set_soa_entry, "iso27001-2022", "6.1.2", entry)
    with pytest.raises(PermissionDenied):
        world.run(world.engineer, service.set_soa_entry, "iso27001-2022", "A.8.30", entry)


def test_soa_lists_the_controls_that_implement_each_annex_control_and_exports(world):
    world.control("CTL-KEYS", "iso27001-2022|A.8.24")
    rows = world.read(world.viewer, service.soa, "iso27001-2022")
    assert next(r for r in rows if r.requirement == "A.8.24").controls == ["CTL-KEYS"]
    text, media, _ = world.read(world.viewer, service.export_soa, "iso27001-2022", "csv")
    assert media == "text/csv; charset=utf-8" and "A.8.24" in text.decode() and "CTL-KEYS" in text.decode()
    xlsx, _, _ = world.read(world.viewer, service.export_soa, "iso27001-2022", "xlsx")
    assert xlsx[:2] == b"PK"
    with pytest.raises(InvalidInput):
        world.read(world.viewer, service.soa, "iso9001-2015")


def test_a_justification_that_is_a_spreadsheet_formula_is_exported_as_plain_text(world):
    """Defect 2 (issue 10): the SoA export wrote a justification such as =HYPERLINK(...) as a live formula."""
    from io import BytesIO

    from openpyxl import load_workbook

    formula = '=HYPERLINK("http://evil","click me")'
    entry = SoaEntryUpdate(applicable=False, justification=formula)
    world.run(world.quality, service.set_soa_entry, "iso27001-2022", "A.8.30", entry)
    text, _, _ = world.read(world.viewer, service.export_soa, "iso27001-2022", "csv")
    exported = next(line for line in text.decode().splitlines() if line.startswith("iso27001-2022,A.8.30,"))
    assert '"\'=HYPERLINK(""http://evil"",""click me"")"' in exported
    xlsx, _, _ = world.read(world.viewer, service.export_soa, "iso27001-2022", "xlsx")
    sheet = load_workbook(BytesIO(xlsx)).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("requirement")].value == "A.8.30")
    cell = row[header.index("justification")]
    assert (cell.data_type, cell.value) == ("s", "'" + formula)
    kept = next(r for r in world.read(world.viewer, service.soa, "iso27001-2022") if r.requirement == "A.8.30")
    assert kept.justification == formula  # the record keeps what was typed; only the export is made inert


def test_unknown_requirements_are_each_reported(world):
    data = ControlCreate(
        key="CTL-BAD",
        title="x",
        owner="admin",
        requirements=[
            RequirementRef(framework="iso27001-2022", requirement="A.99"),
            RequirementRef(framework="nope", requirement="1"),
        ],
    )
    with pytest.raises(InvalidInput) as raised:
        world.run(world.admin, service.create_control, data)
    assert [p.where for p in raised.value.problems] == ["requirements[0]", "requirements[1]"]


def test_a_disabled_user_cannot_be_given_a_control(world):
    from qtqms.identity import service as identity_service
    from qtqms.identity.schemas import UserUpdate

    world.run(world.admin, identity_service.update_user, world.engineer.username, UserUpdate(disabled=True))
    data = ControlCreate(key="CTL-GONE", title="x", owner=world.engineer.username)
    with pytest.raises(InvalidInput, match=f"owner: no active user '{world.engineer.username}'") as raised:
        world.run(world.admin, service.create_control, data)
    assert [p.field for p in raised.value.problems] == ["owner"]
    assert world.read(world.admin, service.list_controls) == []


def test_control_changes_and_evidence_files_are_audited_and_stored_by_content(world, tmp_path):
    world.control("CTL-CAL", "qtqms-profile|QMS.MEASUREMENT", evidence=False)
    item = world.run(
        world.engineer,
        evidence_service.add_file,
        "control",
        "CTL-CAL",
        title="Certificate",
        filename="../cert.pdf",
        content=b"%PDF calibration",
    )
    from qtqms.settings import get_settings

    stored = get_settings().blob_dir / item.sha256[:2] / item.sha256
    assert stored.read_bytes() == b"%PDF calibration" and item.filename == "cert.pdf"
    with UnitOfWork(world.db) as uow:
        kinds = set(uow.session.scalars(select(AuditEvent.entity_type).where(AuditEvent.action == "create")))
    assert {"control", "control_requirement", "evidence"} <= kinds
    with pytest.raises(PermissionDenied):
        world.run(world.viewer, evidence_service.add_url, "control", "CTL-CAL", title="x", url="https://example.org")


def test_readiness_query_count_does_not_grow_with_controls_links_and_evidence(world):
    world.control("CTL-1", "iso27001-2022|A.8.24")
    with query_counter(world.db) as few:
        world.read(world.viewer, service.assessments, "iso27001-2022")
    for index in range(2, 8):
        world.control(f"CTL-{index}", "iso27001-2022|A.8.24", f"iso42001-2023|A.2.{2 + index % 3}")
    with query_counter(world.db) as many:
        world.read(world.viewer, service.assessments, "iso27001-2022")
        world.read(world.viewer, service.readiness)
    assert len(many) == 2 * len(few) and len(few) <= 8


def test_a_user_pack_whose_mapping_targets_are_not_loaded_is_refused(world):
    from qtqms.catalog.domain import Mapping, MappingSet, Relationship

    info = replace(_edition("1", {}).info, id="acme-to-nothing")
    pack = MappingSet(info, "acme-lab", "iso27001-2022", (Mapping("L1", "A.8.24", Relationship.RELATED, 0.5, "x"),))
    with pytest.raises(InvalidInput, match="acme-lab"):
        world.run(world.admin, service.import_pack, pack)


def test_a_pack_too_long_for_the_catalogue_is_refused_with_each_field_named(world):
    pack = _edition("1" * 41, {"L" * 121: "too long"})
    with pytest.raises(InvalidInput) as raised:
        world.run(world.admin, service.import_pack, pack)
    assert [p.field for p in raised.value.problems] == ["version", "L" * 40]
