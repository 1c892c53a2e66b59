"""The technology lifecycle as the composition root mounts it: one manifest for its sub-slices (products, gates,
ELSPI, export control), each with its own routers, commands, templates and packs."""

from qtqms.kit.slices import Command, NavItem, Slice

PRODUCT_PANELS = "lifecycle.product"

PRODUCTS = Slice(
    name="lifecycle.products",
    package="qtqms.lifecycle.products",
    api="qtqms.lifecycle.products.api:router",
    views="qtqms.lifecycle.products.views:router",
    commands={
        "product": Command(
            "qtqms.lifecycle.products.cli:app", "Products in the lifecycle: purpose, markets, TRL, parameters."
        )
    },
    templates=True,
    packs=("qtqms.lifecycle.products.packs:TECHNOLOGY_PARAMETERS",),
)

GATES = Slice(
    name="lifecycle.gates",
    package="qtqms.lifecycle.gates",
    api="qtqms.lifecycle.gates.api:router",
    views="qtqms.lifecycle.gates.views:router",
    commands={
        "gate": Command(
            "qtqms.lifecycle.gates.cli:app", "Stage gates: check (exit 1 when blocked), review, decide, sign."
        )
    },
    templates=True,
    nav=(NavItem("Lifecycle", "/lifecycle", 50),),
    related={PRODUCT_PANELS: "qtqms.lifecycle.gates.views:gate_panel"},
    packs=("qtqms.lifecycle.gates.packs:GATE_TEMPLATE",),
)

ELSPI = Slice(
    name="lifecycle.elspi",
    package="qtqms.lifecycle.elspi",
    api="qtqms.lifecycle.elspi.api:router",
    views="qtqms.lifecycle.elspi.views:router",
    commands={"elspi": Command("qtqms.lifecycle.elspi.cli:app", "ELSPI impact assessments and red lines.")},
    templates=True,
    nav=(NavItem("ELSPI", "/lifecycle/elspi", 60),),
    related={PRODUCT_PANELS: "qtqms.lifecycle.elspi.views:elspi_panel"},
    packs=("qtqms.lifecycle.elspi.packs:QUESTION_BANK", "qtqms.lifecycle.elspi.packs:RED_LINES"),
)

EXPORT_CONTROL = Slice(
    name="lifecycle.export_control",
    package="qtqms.lifecycle.export_control",
    api="qtqms.lifecycle.export_control.api:router",
    views="qtqms.lifecycle.export_control.views:router",
    commands={
        "export-control": Command(
            "qtqms.lifecycle.export_control.cli:app", "Export-control classification of products."
        )
    },
    templates=True,
    related={PRODUCT_PANELS: "qtqms.lifecycle.export_control.views:export_panel"},
    packs=("qtqms.lifecycle.export_control.packs:EXPORT_CONTROL_LIST",),
)

SLICES: tuple[Slice, ...] = (PRODUCTS, EXPORT_CONTROL, ELSPI, GATES)
