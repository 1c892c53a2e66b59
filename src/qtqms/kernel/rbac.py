"""Roles, permissions and the one check every service calls."""

from __future__ import annotations

from enum import StrEnum

from qtqms.kernel.actor import Actor
from qtqms.kernel.errors import InvalidInput, NotAuthenticated, PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_MANAGER = "quality_manager"
    RISK_OWNER = "risk_owner"
    ENGINEER = "engineer"
    ETHICS_OFFICER = "ethics_officer"
    AUDITOR = "auditor"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "records:read"
    USER_ADMIN = "users:admin"
    OWN_TOKENS = "tokens:own"
    TRAIL_READ = "trail:read"
    ORG_EDIT = "org:edit"
    CATALOG_EDIT = "catalog:edit"
    CONTROL_EDIT = "controls:edit"
    EVIDENCE_EDIT = "evidence:edit"
    RISK_EDIT = "risk:edit"
    RISK_ACCEPT = "risk:accept"
    PQC_EDIT = "pqc:edit"
    ELSPI_EDIT = "elspi:edit"
    LIFECYCLE_EDIT = "lifecycle:edit"
    GATE_DECIDE = "gates:decide"
    AUDIT_FINDING_EDIT = "audit_findings:edit"
    DOCUMENT_EDIT = "documents:edit"
    DOCUMENT_APPROVE = "documents:approve"
    NONCONFORMITY_EDIT = "nonconformity:edit"
    NONCONFORMITY_CLOSE = "nonconformity:close"


_EVERYONE = {Permission.READ, Permission.OWN_TOKENS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.QUALITY_MANAGER: frozenset(
        _EVERYONE
        | {
            Permission.TRAIL_READ,
            Permission.ORG_EDIT,
            Permission.CATALOG_EDIT,
            Permission.CONTROL_EDIT,
            Permission.EVIDENCE_EDIT,
            Permission.AUDIT_FINDING_EDIT,
            Permission.LIFECYCLE_EDIT,
            Permission.GATE_DECIDE,
            Permission.DOCUMENT_EDIT,
            Permission.DOCUMENT_APPROVE,
            Permission.NONCONFORMITY_EDIT,
            Permission.NONCONFORMITY_CLOSE,
        }
    ),
    Role.RISK_OWNER: frozenset(
        _EVERYONE
        | {
            Permission.RISK_EDIT,
            Permission.RISK_ACCEPT,
            Permission.CONTROL_EDIT,
            Permission.EVIDENCE_EDIT,
            Permission.GATE_DECIDE,
            Permission.NONCONFORMITY_EDIT,
        }
    ),
    Role.ENGINEER: frozenset(
        _EVERYONE
        | {
            Permission.PQC_EDIT,
            Permission.EVIDENCE_EDIT,
            Permission.CONTROL_EDIT,
            Permission.RISK_EDIT,
            Permission.LIFECYCLE_EDIT,
            Permission.DOCUMENT_EDIT,
            Permission.NONCONFORMITY_EDIT,
        }
    ),
    Role.ETHICS_OFFICER: frozenset(
        _EVERYONE | {Permission.ELSPI_EDIT, Permission.EVIDENCE_EDIT, Permission.GATE_DECIDE}
    ),
    # An auditor reads everything, the trail included, and writes only audit findings.
    Role.AUDITOR: frozenset(_EVERYONE | {Permission.TRAIL_READ, Permission.AUDIT_FINDING_EDIT}),
    Role.VIEWER: frozenset(_EVERYONE),
}


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        known = ", ".join(role.value for role in Role)
        raise InvalidInput(f"unknown role '{value}' (known roles: {known})") from None


def can(actor: Actor | None, permission: Permission) -> bool:
    if actor is None:
        return False
    try:
        return permission in ROLE_PERMISSIONS[Role(actor.role)]
    except ValueError:
        return False


_ONLY_AUTHORIZE = object()


class OrgScope:
    """The organisation a permitted use case works in.

    Only `authorize` (and `system_scope`, for the composition root's own jobs) makes one, and every repository
    function over an organisation's table asks for one: a query cannot run without the permission check having
    run first, nor in another organisation than the actor's.
    """

    __slots__ = ("actor", "organisation_id")

    def __init__(self, key: object, organisation_id: int, actor: Actor | None) -> None:
        if key is not _ONLY_AUTHORIZE:
            raise TypeError("an OrgScope comes from rbac.authorize, never from its constructor")
        self.organisation_id = organisation_id
        self.actor = actor

    def __repr__(self) -> str:
        return f"OrgScope(organisation_id={self.organisation_id})"


def authorize(actor: Actor | None, permission: Permission) -> OrgScope:
    """Raise PermissionDenied unless the actor's role grants the permission; return the actor's scope."""
    if actor is None:
        raise NotAuthenticated("log in first")
    if not can(actor, permission):
        raise PermissionDenied(f"role '{actor.role}' may not do '{permission.value}'")
    return OrgScope(_ONLY_AUTHORIZE, actor.organisation_id, actor)


def system_scope(organisation_id: int) -> OrgScope:
    """A scope with no actor, for work no user does: setting up an organisation, loading the demo, bookkeeping
    after authentication. Only the composition root, the set-up of a new organisation (org's `initialise`, which
    creates its first admin) and identity's own authentication call it."""
    return OrgScope(_ONLY_AUTHORIZE, organisation_id, None)
