"""Evidence use cases: attached to any record by reference, files kept once by content, bad input refused whole
with the field named and nothing left behind, and every read scoped to the organisation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qtqms.catalog import service as catalog_service
from qtqms.catalog.schemas import ControlCreate, ControlUpdate, RequirementRef
from qtqms.db.audit import AuditEvent
from qtqms.db.uow import UnitOfWork
from qtqms.evidence import service, store
from qtqms.kernel import clock
from qtqms.kernel.errors import InvalidInput, NotFound, PermissionDenied
from qtqms.kit import subjects
from qtqms.kit.slices import Slice
from qtqms.kit.subjects import Subject
from qtqms.models.evidence import Evidence
from qtqms.org import service as org_service
from qtqms.org.schemas import ProductCreate
from qtqms.risk import service as risk_service
from qtqms.risk.schemas import AssetCreate, RatingIn, RiskCreate
from tests.evidence.conftest import kept, store_files


def _risk(desk) -> str:
    desk.run(desk.admin, risk_service.create_asset,
             AssetCreate(key="QKD-RX", name="QKD receiver", kind="quantum-equipment", owner="emery"))  # fmt: skip
    rating = RatingIn(likelihood=2, impact=2)
    data = RiskCreate(title="Detector blinding", domain="security", threat="qtqms-threats:Q-QKD-BLIND",
                      assets=["QKD-RX"], inherent=rating, current=rating)  # fmt: skip
    return f"R-{desk.run(desk.admin, risk_service.create_risk, data).number:04d}"


def test_evidence_attaches_to_a_control_a_requirement_a_risk_and_a_product_by_their_references(catalogue):
    desk = catalogue
    risk = _risk(desk)
    added = [
        desk.run(desk.engineer, service.add_url, "control", "CTL-KEYS", title="Design review", url="https://example.org/d"),
        desk.run(desk.engineer, service.add_file, "requirement", "iso27001-2022  A.8.24", title="Key policy",
                 filename="policy.pdf", content=b"%PDF policy"),
        desk.run(desk.engineer, service.add_url, "risk", risk.lower().replace("-000", "-"), title="Blinding test",
                 url="https://example.org/t", valid_until=clock.today() + timedelta(days=30)),
        desk.run(desk.engineer, service.add_file, "product", "QKD-LINK", title="", filename="C:\\lab\\qber.csv",
                 content=b"qber,0.02"),
    ]  # fmt: skip
    assert [(e.subject_type, e.subject_id) for e in added] == [
        ("control", "CTL-KEYS"), ("requirement", "iso27001-2022 A.8.24"), ("risk", risk), ("product", "QKD-LINK"),
    ]  # fmt: skip
    assert [e.kind for e in added] == ["url", "file", "url", "file"]
    assert added[3].title == added[3].filename == "qber.csv"  # no title: the file's own name, without its folders
    assert all(e.added_by == "emery" and e.added_at is not None and e.current for e in added)
    listed = desk.read(desk.viewer, service.list_evidence)
    assert sorted(e.id for e in listed) == sorted(e.id for e in added)
    of_risk = desk.read(desk.viewer, service.list_evidence, subject_type="risk", subject_id=risk)
    assert [e.title for e in of_risk] == ["Blinding test"]
    shown = desk.read(desk.viewer, service.subjects_of, listed)
    assert shown[("risk", risk)].href == f"/risk/{risk}" and shown[("product", "QKD-LINK")].label == "QKD link"
    assert shown[("requirement", "iso27001-2022 A.8.24")].label  # the requirement's own words
    control = desk.read(desk.viewer, catalog_service.get_control, "CTL-KEYS")
    assert [e.title for e in control.evidence] == ["Design review"]  # a control keeps its evidence through it


def test_one_file_is_kept_once_however_many_records_cite_it(desk):
    before = store_files()
    first = desk.run(desk.admin, service.add_file, "control", "CTL-KEYS", title="Scan", filename="a.txt",
                     content=b"the same bytes")  # fmt: skip
    second = desk.run(desk.admin, service.add_file, "product", "QKD-LINK", title="Scan", filename="b.txt",
                      content=b"the same bytes")  # fmt: skip
    assert first.sha256 == second.sha256 and kept(first.sha256).read_bytes() == b"the same bytes"
    assert len(store_files() - before) <= 1  # one file (none if an earlier test kept these bytes already)
    assert store_files() - before <= {kept(first.sha256)}


def _nothing_written(desk, before: set, call, error, field: str) -> None:
    with pytest.raises(error) as raised:
        desk.run(desk.engineer, call[0], *call[1:-1], **call[-1])
    assert [p.field for p in raised.value.problems] == [field], raised.value
    with UnitOfWork(desk.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert store_files() == before


def test_bad_input_is_refused_naming_the_field_and_leaves_no_row_and_no_file(desk):
    before = store_files()
    today = clock.today()
    file = {"title": "Scan", "filename": "scan.txt", "content": b"fresh bytes for a refused upload"}
    cases = [
        ((service.add_file, "control", "CTL-KEYS", {**file, "content": b"x" * (store.MAX_BYTES + 1)}),
         InvalidInput, "file"),
        ((service.add_file, "control", "CTL-KEYS", {**file, "content": b""}), InvalidInput, "file"),
        ((service.add_file, "control", "CTL-NONE", file), NotFound, "subject_id"),
        ((service.add_file, "gate", "G-1", file), InvalidInput, "subject_type"),
        ((service.add_file, "control", "CTL-KEYS", {**file, "valid_from": today, "valid_until": today - timedelta(1)}),
         InvalidInput, "valid_until"),
        ((service.add_file, "control", "CTL-KEYS", {**file, "title": "t" * 201}), InvalidInput, "title"),
        ((service.add_url, "control", "CTL-KEYS", {"title": "x", "url": "javascript:alert(1)"}), InvalidInput, "url"),
        ((service.add_url, "risk", "R-0099", {"title": "x", "url": "https://example.org"}), NotFound, "subject_id"),
    ]  # fmt: skip
    for call, error, field in cases:
        _nothing_written(desk, before, call, error, field)


def test_every_problem_of_one_input_is_named_at_once(desk):
    today = clock.today()
    with pytest.raises(InvalidInput) as raised:
        desk.run(desk.engineer, service.add_url, "control", "CTL-KEYS", title=" ", url="ftp://x",
                 valid_from=today, valid_until=today - timedelta(days=1))  # fmt: skip
    assert [p.field for p in raised.value.problems] == ["title", "url", "valid_until"]


def test_only_evidence_editors_attach_and_every_read_stays_in_the_organisation(desk):
    with pytest.raises(PermissionDenied):
        desk.run(desk.viewer, service.add_url, "control", "CTL-KEYS", title="x", url="https://example.org")
    item = desk.run(desk.admin, service.add_file, "control", "CTL-KEYS", title="Log", filename="log.txt",
                    content=b"private log")  # fmt: skip
    other = desk.other_admin
    assert desk.read(other, service.list_evidence) == []
    assert desk.read(other, service.evidence_of, "control", ["CTL-KEYS"]) == {}
    for use_case in (service.get_evidence, service.open_file):
        with pytest.raises(NotFound):
            desk.read(other, use_case, item.id)
    with pytest.raises(NotFound):  # nor can it attach to the first organisation's records
        desk.run(other, service.add_url, "control", "CTL-KEYS", title="x", url="https://example.org")
    assert desk.read(other, service.verify_files).checked == 0


def test_adding_evidence_is_in_the_trail_with_who_and_what(desk):
    item = desk.run(desk.engineer, service.add_url, "product", "QKD-LINK", title="Test report",
                    url="https://example.org/r")  # fmt: skip
    with UnitOfWork(desk.db) as uow:
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "evidence")).one()
        assert (event.action, event.entity_id, event.actor_name) == ("create", str(item.id), "emery")
        assert event.after["subject_type"] == "product" and event.after["subject_id"] == "QKD-LINK"


def test_readiness_counts_only_current_evidence_of_the_control_itself(catalogue):
    desk = catalogue
    before = {r.framework: r.met for r in desk.read(desk.viewer, catalog_service.readiness)}
    ref = RequirementRef(framework="iso27001-2022", requirement="A.8.24")
    desk.run(desk.admin, catalog_service.update_control, "CTL-KEYS", ControlUpdate(requirements=[ref]))
    # Evidence of other records, even one whose reference is the control's key, meets nothing ...
    desk.run(desk.admin, service.add_url, "requirement", "iso27001-2022 A.8.24", title="x", url="https://e.org")
    desk.run(desk.admin, org_service.add_product, ProductCreate(key="CTL-KEYS", name="x", technology="sensing"))
    desk.run(desk.admin, service.add_url, "product", "CTL-KEYS", title="x", url="https://e.org")
    other = desk.other_admin
    desk.run(
        other,
        catalog_service.create_control,
        ControlCreate(key="CTL-KEYS", title="x", owner=other.username, status="implemented", requirements=[ref]),
    )
    desk.run(other, service.add_url, "control", "CTL-KEYS", title="theirs", url="https://e.org")
    expired = date(2020, 1, 1)
    desk.run(desk.admin, service.add_url, "control", "CTL-KEYS", title="old", url="https://e.org",
             valid_from=expired, valid_until=expired + timedelta(days=365))  # fmt: skip
    assert {r.framework: r.met for r in desk.read(desk.viewer, catalog_service.readiness)} == before
    # ... the control's own current evidence does.
    desk.run(desk.admin, service.add_url, "control", "CTL-KEYS", title="now", url="https://e.org")
    after = {r.framework: r.met for r in desk.read(desk.viewer, catalog_service.readiness)}
    assert after["iso27001-2022"] == before["iso27001-2022"] + 1


def test_an_upload_refused_by_the_database_leaves_no_file(desk, monkeypatch):
    before = store_files()

    def refuse(self):
        raise RuntimeError("the database refused the row")

    monkeypatch.setattr(UnitOfWork, "flush", refuse)
    with pytest.raises(RuntimeError):
        desk.run(desk.admin, service.add_file, "control", "CTL-KEYS", title="Scan", filename="s.txt",
                 content=b"bytes no row will cite")  # fmt: skip
    assert store_files() == before


def documents(uow, actor, refs):
    """A toy slice's finder: one document, DOC-0001, in every organisation."""
    return {ref: Subject("document", "DOC-0001", "Quality manual", "/documents/DOC-0001") for ref in refs
            if ref.upper() == "DOC-0001"}  # fmt: skip


def test_a_new_slice_makes_its_records_citable_by_declaring_them_in_its_manifest(desk, monkeypatch):
    monkeypatch.setattr(subjects, "_declared", dict(subjects._declared))
    monkeypatch.setattr(subjects, "_loaded", dict(subjects._loaded))
    toy = Slice(name="documents", package="tests", subjects={"document": f"{__name__}:documents"})
    subjects.install([toy])
    item = desk.run(desk.admin, service.add_url, "document", "doc-0001", title="Review", url="https://example.org")
    assert (item.subject_type, item.subject_id) == ("document", "DOC-0001")
    with pytest.raises(NotFound):
        desk.run(desk.admin, service.add_url, "document", "DOC-0002", title="Review", url="https://example.org")
