"""The post-quantum slice as the composition root mounts it."""

from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="pqc",
    package="qtqms.pqc",
    api="qtqms.pqc.api:router",
    views="qtqms.pqc.views:router",
    commands={
        "pqc": Command("qtqms.pqc.cli:app", "Post-quantum readiness: crypto inventory, CBOM, policies, migration.")
    },
    templates=True,
    nav=(NavItem("Crypto (PQC)", "/pqc", 40),),
    packs=("qtqms.pqc.packs:CRYPTO_POLICY", "qtqms.pqc.packs:REPLACEMENTS"),
)
