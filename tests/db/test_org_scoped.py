"""Tenancy by construction: every organisation's table carries the one mixin, and only `authorize` makes a
scope."""

import pytest

from qtqms.db.base import Base, OrgScoped
from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import PermissionDenied
from qtqms.kernel.rbac import OrgScope, Permission, authorize

# Tables keyed by organisation that are not an organisation's records: the trail holds events of no organisation
# too (before one exists), and the counter's organisation is its primary key.
NOT_RECORDS = {"audit_event", "reference_counter"}


def test_every_table_with_an_organisation_column_is_org_scoped():
    import qtqms.models  # noqa: F401  (registers every model)

    unscoped = [
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if "organisation_id" in mapper.local_table.columns
        and mapper.local_table.name not in NOT_RECORDS
        and not issubclass(mapper.class_, OrgScoped)
    ]
    assert unscoped == []
    assert sum(issubclass(mapper.class_, OrgScoped) for mapper in Base.registry.mappers) >= 20


def test_the_exempt_tables_exist_so_the_exemption_cannot_go_stale():
    import qtqms.models  # noqa: F401

    assert set(Base.metadata.tables) >= NOT_RECORDS


def test_only_authorize_makes_a_scope():
    with pytest.raises(TypeError):
        OrgScope(object(), 1, None)
    viewer = Actor(user_id=1, username="val", role="viewer", organisation_id=7)
    assert authorize(viewer, Permission.READ).organisation_id == 7
    with pytest.raises(PermissionDenied):
        authorize(viewer, Permission.RISK_EDIT)
