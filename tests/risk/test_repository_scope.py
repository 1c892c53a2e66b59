"""The risk repository reads nothing of another organisation, even given the ids of its rows: the look-ups by id
check the organisation on the rows (db.scoping.owned) rather than in the WHERE clause, so each is tested here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from qtqms.db.uow import UnitOfWork
from qtqms.kernel import clock
from qtqms.kernel.errors import NotFound
from qtqms.kernel.rbac import Permission, authorize
from qtqms.models.risk import Asset, Risk, TreatmentAction
from qtqms.risk import repository as repo
from qtqms.risk import service
from qtqms.risk.schemas import AcceptanceIn, ActionIn, TreatmentIn
from tests.builders import PASSWORD
from tests.risk.conftest import new_risk


@pytest.fixture
def accepted(team):
    """A risk of the team with a treatment action and a standing acceptance, and the ids of its rows."""
    ref = new_risk(team, team.owner, current=(2, 2))
    action = ActionIn(title="Monitor detector photocurrent", owner="emery", due_date=clock.today() + timedelta(days=30))
    team.run(team.owner, service.treat_risk, ref, TreatmentIn(option="retain", actions=[action]))
    team.run(team.owner2, service.accept_risk, ref, AcceptanceIn(password=PASSWORD, justification="Within appetite."))
    with UnitOfWork(team.db) as uow:
        risk = uow.session.scalar(select(Risk).where(Risk.organisation_id == team.owner.organisation_id))
        action_id = uow.session.scalar(select(TreatmentAction.id).where(TreatmentAction.risk_id == risk.id))
        asset_ids = list(uow.session.scalars(select(Asset.id)))
        return risk.id, action_id, asset_ids


def test_the_rows_of_a_risk_are_found_in_its_own_organisation(team, accepted):
    risk_id, action_id, asset_ids = accepted
    with UnitOfWork(team.db, actor=team.viewer) as uow:
        scope = authorize(team.viewer, Permission.READ)
        assert repo.risk_by_id(uow.session, scope, risk_id).id == risk_id
        assert repo.action(uow.session, scope, action_id).risk_id == risk_id
        assert len(repo.risks_by_ids(uow.session, scope, [risk_id])) == 1
        assert repo.material_links(uow.session, scope, [risk_id])[risk_id].actions
        assert repo.actions_of(uow.session, scope, risk_id)
        assert repo.action_counts(uow.session, scope, risk_id) == (1, 0)
        assert repo.acceptances_of(uow.session, scope, risk_id)
        assert repo.standing_acceptances(uow.session, scope, risk_id)
        assert repo.latest_standing_acceptances(uow.session, scope, [risk_id])
        assert repo.assets_by_ids(uow.session, scope, asset_ids)


def test_another_organisation_gets_none_of_them_by_id(team, accepted):
    risk_id, action_id, asset_ids = accepted
    with UnitOfWork(team.db, actor=team.other_admin) as uow:
        scope = authorize(team.other_admin, Permission.READ)
        with pytest.raises(NotFound, match=f"risk {risk_id} not found"):
            repo.risk_by_id(uow.session, scope, risk_id)
        with pytest.raises(NotFound, match=f"treatment action {action_id} not found"):
            repo.action(uow.session, scope, action_id)
        assert repo.risks_by_ids(uow.session, scope, [risk_id]) == []
        assert repo.material_links(uow.session, scope, [risk_id])[risk_id].actions == []
        assert repo.actions_of(uow.session, scope, risk_id) == []
        assert repo.action_counts(uow.session, scope, risk_id) == (0, 0)
        assert repo.acceptances_of(uow.session, scope, risk_id) == []
        assert repo.standing_acceptances(uow.session, scope, risk_id) == []
        assert repo.latest_standing_acceptances(uow.session, scope, [risk_id]) == {}
        assert repo.assets_by_ids(uow.session, scope, asset_ids) == []
