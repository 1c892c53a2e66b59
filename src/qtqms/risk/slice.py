"""The risk register as the composition root mounts it."""

from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="risk",
    package="qtqms.risk",
    api="qtqms.risk.api:router",
    views="qtqms.risk.views:router",
    commands={
        "risk": Command("qtqms.risk.cli:app", "Risk register (ISO/IEC 27005) with the quantum threat model and Mosca.")
    },
    templates=True,
    nav=(NavItem("Risk", "/risk", 30),),
    related={"catalog.control": "qtqms.risk.views:risks_treating_controls"},
    subjects={"risk": "qtqms.risk.service:find_risks"},
    packs=("qtqms.risk.packs:RISK_MATRIX", "qtqms.risk.packs:THREAT_CATALOGUE", "qtqms.risk.packs:CRQC_SCENARIOS"),
)
