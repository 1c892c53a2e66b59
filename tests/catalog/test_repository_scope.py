"""The catalogue repository reads nothing of another organisation's controls, even given their ids: the links of
controls by id are checked on the rows (db.scoping.owned), the controls by id in the query."""

from __future__ import annotations

from sqlalchemy import select

from qtqms.catalog import repository as repo
from qtqms.db.uow import UnitOfWork
from qtqms.kernel.rbac import Permission, authorize
from qtqms.models.catalog import Control


def control_ids(world) -> list[int]:
    world.control("CTL-KEYS", "iso27001-2022|A.8.24")
    with UnitOfWork(world.db) as uow:
        return list(uow.session.scalars(select(Control.id)))


def test_a_controls_links_are_read_in_its_own_organisation(world):
    ids = control_ids(world)
    with UnitOfWork(world.db, actor=world.viewer) as uow:
        scope = authorize(world.viewer, Permission.READ)
        assert [c.key for c in repo.controls(uow.session, scope, ids)] == ["CTL-KEYS"]
        assert [link.requirement_ref for link in repo.links_of(uow.session, scope, ids)[ids[0]]] == ["A.8.24"]


def test_another_organisation_gets_neither_the_controls_nor_their_links_by_id(world):
    ids = control_ids(world)
    with UnitOfWork(world.db, actor=world.other_admin) as uow:
        scope = authorize(world.other_admin, Permission.READ)
        assert repo.controls(uow.session, scope, ids) == []
        assert repo.links_of(uow.session, scope, ids) == {}
        assert repo.controls_for(uow.session, scope, [("iso27001-2022", "A.8.24")]) == {}
