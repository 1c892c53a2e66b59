"""The standards catalogue as the composition root mounts it."""

from qtqms.kit.slices import Command, NavItem, Slice

SLICE = Slice(
    name="catalog",
    package="qtqms.catalog",
    api="qtqms.catalog.api:router",
    views="qtqms.catalog.views:router",
    commands={
        "catalog": Command("qtqms.catalog.cli:app", "Framework packs, cross-framework mappings and OSCAL."),
        "control": Command("qtqms.catalog.cli:control_app", "The organisation's controls and their evidence."),
        "soa": Command("qtqms.catalog.cli:soa_app", "Statement of Applicability (ISO/IEC 27001 and 42001 Annex A)."),
        "readiness": Command(
            "qtqms.catalog.cli:readiness", "Share of assessable requirements met, per framework and clause."
        ),
    },
    templates=True,
    nav=(NavItem("Standards", "/catalog", 20),),
    subjects={
        "control": "qtqms.catalog.service:find_controls",
        "requirement": "qtqms.catalog.service:find_requirements",
    },
    packs=("qtqms.catalog.packs:FRAMEWORK", "qtqms.catalog.packs:MAPPING_SET"),
)
