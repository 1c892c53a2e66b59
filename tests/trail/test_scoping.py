"""The trail is one chain for the whole installation, but each organisation reads only its own events."""

import pytest

from qtqms.db.uow import UnitOfWork
from qtqms.kernel.rbac import Permission, authorize
from qtqms.org import service as org_service
from qtqms.org.schemas import SiteCreate
from qtqms.trail import repository, service
from tests.builders import make_org


def test_a_second_organisation_reads_none_of_the_first_organisations_events(db):
    alpha = make_org(db, "Alpha", "alice")
    beta = make_org(db, "Beta", "bob")
    with UnitOfWork(db, write=True, actor=alpha) as uow:
        site = org_service.add_site(uow, alpha, SiteCreate(name="Alpha secret lab", country="DE"))
        uow.commit()
    with UnitOfWork(db) as uow:
        assert any(e.entity_label == "Alpha secret lab" for e in service.list_events(uow, alpha).events)
        listed = service.list_events(uow, beta).events
        assert listed and all(e.organisation_id == beta.organisation_id for e in listed)
        assert service.history(uow, beta, "site", site.id) == []
        assert all(e.organisation_id == beta.organisation_id for e in service.export_events(uow, beta))
        alpha_total = service.activity(uow, alpha)["total"]
        assert service.activity(uow, beta)["total"] == len(list(service.export_events(uow, beta))) < alpha_total


def test_creating_an_organisation_is_in_that_organisations_trail(db):
    make_org(db, "Alpha", "alice")
    beta = make_org(db, "Beta", "bob")
    with UnitOfWork(db) as uow:
        created = [e for e in service.export_events(uow, beta) if e.entity_type == "organisation"]
    assert [e.entity_label for e in created] == ["Beta"]


def _plan(db, stmt) -> str:
    compiled = stmt.compile(db, compile_kwargs={"literal_binds": True})
    with db.connect() as connection:
        return " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))


def test_an_organisations_events_and_a_records_history_are_read_by_index_in_order(db):
    """PostgreSQL's planner chooses by table statistics (a test's few rows read fastest unindexed), so the plan
    is checked on SQLite, whose choice does not depend on them; docs/performance.md has both databases' figures."""
    if db.dialect.name != "sqlite":
        pytest.skip("the plan of a nearly empty table says nothing on PostgreSQL")
    alpha = make_org(db, "Alpha", "alice")
    scope = authorize(alpha, Permission.TRAIL_READ)
    page = repository.page_statement(scope, limit=51, before_seq=9)
    assert "ix_audit_event_organisation_id_seq" in _plan(db, page) and "TEMP B-TREE" not in _plan(db, page)
    history = repository.page_statement(scope, limit=50, entity_type="site", entity_id="1")
    assert "ix_audit_event_organisation_id_entity" in _plan(db, history) and "TEMP B-TREE" not in _plan(db, history)
