"""The organisation slice as the composition root mounts it."""

from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="org",
    package="qtqms.org",
    api="qtqms.org.api:router",
    views="qtqms.org.views:router",
    commands={"org": Command("qtqms.org.cli:app", "Organisation, scope, sites, products and jurisdictions.")},
    templates=True,
    nav=(NavItem("Organisation", "/org", 10),),
    subjects={"product": "qtqms.org.service:find_products"},
)
