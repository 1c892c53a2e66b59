"""Catalogue use cases: packs in the database, controls (their evidence is the evidence slice's), the Statement of
Applicability, readiness.

One module per sub-domain; this face re-exports their use cases, so callers write `service.create_control(...)`
and never need to know which module holds one.
"""

from qtqms.catalog.service._common import CONTROL_SUBJECT
from qtqms.catalog.service.applicability import SOA_FRAMEWORKS, export_soa, import_soa_profile, set_soa_entry, soa
from qtqms.catalog.service.browse import (
    diff_editions,
    find_requirements,
    list_frameworks,
    mapping_links,
    show_framework,
)
from qtqms.catalog.service.compliance import assessments, explain, readiness
from qtqms.catalog.service.controls import (
    control_to_edit,
    create_control,
    find_controls,
    get_control,
    link_requirement,
    list_controls,
    unlink_requirement,
    update_control,
)
from qtqms.catalog.service.loading import import_pack, loaded_pack, sync_shipped_packs

__all__ = [
    "CONTROL_SUBJECT",
    "SOA_FRAMEWORKS",
    "assessments",
    "control_to_edit",
    "create_control",
    "diff_editions",
    "explain",
    "export_soa",
    "find_controls",
    "find_requirements",
    "get_control",
    "import_pack",
    "import_soa_profile",
    "link_requirement",
    "list_controls",
    "list_frameworks",
    "loaded_pack",
    "mapping_links",
    "readiness",
    "set_soa_entry",
    "show_framework",
    "soa",
    "sync_shipped_packs",
    "unlink_requirement",
    "update_control",
]
