import pytest

from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, NotAuthenticated, PermissionDenied
from qtqms.kernel.rbac import ROLE_PERMISSIONS, Permission, Role, authorize, can, parse_role


def actor(role: str) -> Actor:
    return Actor(user_id=1, username="u", role=role, organisation_id=1)


def test_every_role_can_read_and_only_admins_administer_users():
    for role in Role:
        assert can(actor(role), Permission.READ)
        assert can(actor(role), Permission.USER_ADMIN) == (role is Role.ADMIN)


def test_auditor_writes_nothing_but_audit_findings():
    writes = {
        p
        for p in ROLE_PERMISSIONS[Role.AUDITOR]
        if p not in (Permission.READ, Permission.TRAIL_READ, Permission.OWN_TOKENS)
    }
    assert writes == {Permission.AUDIT_FINDING_EDIT}


def test_viewer_cannot_read_the_trail_but_auditor_can():
    assert not can(actor("viewer"), Permission.TRAIL_READ)
    assert can(actor("auditor"), Permission.TRAIL_READ)


def test_authorize_refuses_anonymous_and_unprivileged():
    with pytest.raises(NotAuthenticated):
        authorize(None, Permission.READ)
    with pytest.raises(PermissionDenied, match="risk:accept"):
        authorize(actor("engineer"), Permission.RISK_ACCEPT)


def test_unknown_role_names_the_known_ones():
    with pytest.raises(InvalidInput, match="unknown role 'wizard'.*auditor"):
        parse_role("wizard")
