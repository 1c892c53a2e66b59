"""The trail is one chain for the whole installation, but each organisation reads only its own events."""

from qtqms.db.uow import UnitOfWork
from qtqms.org import service as org_service
from qtqms.org.schemas import SiteCreate
from qtqms.trail import service
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
