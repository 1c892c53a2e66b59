"""The technology lifecycle as the composition root mounts it: one manifest for its sub-slices (products, gates,
ELSPI, export control), each with its own routers, commands, templates and packs."""

from qtqms.kit.slices import Command, Slice

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

SLICES: tuple[Slice, ...] = (PRODUCTS,)
