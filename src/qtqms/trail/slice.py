"""The audit-trail slice as the composition root mounts it."""

from qtqms.kernel.rbac import Permission
from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="trail",
    package="qtqms.trail",
    api="qtqms.trail.api:router",
    views="qtqms.trail.views:router",
    commands={"trail": Command("qtqms.trail.cli:app", "The tamper-evident audit trail.")},
    templates=True,
    nav=(NavItem("Audit trail", "/trail", 80, Permission.TRAIL_READ),),
)
