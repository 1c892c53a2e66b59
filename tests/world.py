"""The world most tests start from: an organisation with one user per working role, a second organisation with
its own admin (which must see nothing of the first), the shipped catalogue when a test needs it, and the demo
company. Build functions here make them through the services; the fixtures in tests/conftest.py and the slices'
conftests save them as snapshots (tests/snapshots.py), so each is built once per session.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from qtqms.app.demo import service as demo_service
from qtqms.catalog import service as catalog_service
from qtqms.db.uow import UnitOfWork
from qtqms.identity import service as identity_service
from qtqms.kernel.actor import Actor
from tests.builders import PASSWORD, make_org, make_user

ORGANISATION = "Test Quantum Ltd"
OTHER_ORGANISATION = "Other Photonics BV"


@dataclass
class World:
    """Everyone's password is PASSWORD."""

    db: Engine
    admin: Actor  # "admin"
    quality: Actor  # "quinn", quality_manager
    owner: Actor  # "riley", risk_owner
    owner2: Actor  # "robin", a second risk_owner, to accept what the first proposed
    engineer: Actor  # "emery"
    viewer: Actor  # "val"
    other_admin: Actor  # "olga", the admin of OTHER_ORGANISATION

    def run(self, actor: Actor, use_case, *args, **kwargs):
        """Run one use case as `actor` in its own committed transaction, as the web and CLI entry points do."""
        with UnitOfWork(self.db, write=True, actor=actor) as uow:
            result = use_case(uow, actor, *args, **kwargs)
            uow.commit()
            return result

    def read(self, actor: Actor, use_case, *args, **kwargs):
        """Run one read-only use case as `actor`."""
        with UnitOfWork(self.db, actor=actor) as uow:
            return use_case(uow, actor, *args, **kwargs)


def build_world(db: Engine) -> World:
    admin = make_org(db, ORGANISATION)
    return World(
        db=db,
        admin=admin,
        quality=make_user(db, admin, "quinn", "quality_manager"),
        owner=make_user(db, admin, "riley", "risk_owner"),
        owner2=make_user(db, admin, "robin", "risk_owner"),
        engineer=make_user(db, admin, "emery", "engineer"),
        viewer=make_user(db, admin, "val", "viewer"),
        other_admin=make_org(db, OTHER_ORGANISATION, admin_username="olga"),
    )


def load_catalogue(db: Engine) -> None:
    """The shipped framework packs and mapping sets, as `qtqms init` loads them."""
    with UnitOfWork(db, write=True) as uow:
        catalog_service.sync_shipped_packs(uow)
        uow.commit()


def build_demo(db: Engine) -> demo_service.DemoCredentials:
    """The demo company, with every demo user's password but the admin's set to PASSWORD so tests can log in as
    any role (the admin's is in the credentials)."""
    with UnitOfWork(db, write=True) as uow:
        credentials = demo_service.build_demo(uow)
        admin = identity_service.local_actor(uow, credentials.admin_username)
        uow.actor = admin
        for username, _role, _name in demo_service.DEMO_USERS:
            identity_service.set_password(uow, admin, username, PASSWORD)
        uow.commit()
    return credentials
