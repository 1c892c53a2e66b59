"""The identity slice as the composition root mounts it."""

from qtqms.kernel.rbac import Permission
from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="identity",
    package="qtqms.identity",
    api="qtqms.identity.api:router",
    views="qtqms.identity.views:router",
    commands={
        "user": Command("qtqms.identity.cli:user_app", "User accounts and roles."),
        "token": Command("qtqms.identity.cli:token_app", "API tokens for the REST API."),
    },
    templates=True,
    nav=(NavItem("Users", "/admin/users", 90, Permission.USER_ADMIN),),
)
