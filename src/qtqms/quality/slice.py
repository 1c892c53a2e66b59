"""The quality slice as the composition root mounts it: its sub-slices' routers, commands and panels."""

from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="quality",
    package="qtqms.quality",
    api="qtqms.quality.api:router",
    views="qtqms.quality.views:router",
    commands={
        "document": Command(
            "qtqms.quality.documents.cli:app", "Controlled documents: versions, signed approvals, acknowledgements."
        ),
        "nc": Command(
            "qtqms.quality.nonconformity.cli:app", "Nonconformities and CAPA: containment, root cause, actions, checks."
        ),
        "tasks": Command("qtqms.quality.tasks.cli:tasks", "What waits for you across the slices, overdue first."),
    },
    templates=True,
    nav=(NavItem("Quality", "/quality", 70), NavItem("My tasks", "/quality/tasks", 5)),
    related={
        "catalog.control": "qtqms.quality.documents.views:documents_serving_controls",
        "catalog.requirement": "qtqms.quality.documents.views:documents_serving_requirements",
    },
    subjects={
        "document": "qtqms.quality.documents.service:find_documents",
        "nonconformity": "qtqms.quality.nonconformity.service:find_nonconformities",
    },
)
