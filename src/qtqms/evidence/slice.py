"""The evidence slice as the composition root mounts it."""

from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="evidence",
    package="qtqms.evidence",
    api="qtqms.evidence.api:router",
    views="qtqms.evidence.views:router",
    commands={
        "evidence": Command(
            "qtqms.evidence.cli:app", "Evidence attached to any record: files kept by SHA-256, or URLs."
        )
    },
    templates=True,
    nav=(NavItem("Evidence", "/evidence", 25),),
)
