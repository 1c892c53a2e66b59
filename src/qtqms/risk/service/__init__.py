"""Risk use cases per ISO/IEC 27005: assets, scenarios, assessment, treatment, signed acceptance, Mosca exposure.

One module per sub-domain; this face re-exports their use cases, so callers write `service.create_risk(...)` and
never need to know which module holds one. The register's tuning knobs (`reading.COUNT_CAP`, `EXPORT_BATCH`) stay
in their module: a test that changes them must change them where they are read.
"""

from qtqms.risk.service.acceptance import accept_risk
from qtqms.risk.service.assets import (
    create_asset,
    create_data_class,
    list_assets,
    list_data_classes,
    set_migration_years,
    update_data_class,
)
from qtqms.risk.service.criteria import (
    choose_matrix,
    domain_matrices,
    list_matrices,
    list_threats,
    matrix_options,
)
from qtqms.risk.service.heat import heat_map, heat_maps, rebuild_heat_counts
from qtqms.risk.service.mosca import add_exposure, apply_migration_plan, mosca_report, set_mosca_basis
from qtqms.risk.service.reading import (
    EXPORT_COLUMNS,
    assessment_history,
    control_choices,
    export_register,
    export_rows,
    find_risks,
    get_risk,
    register,
    risk_id,
    risks_treated_by_controls,
)
from qtqms.risk.service.scenarios import assess_risk, close_action, create_risk, treat_risk, treatment_plan, update_risk

__all__ = [
    "EXPORT_COLUMNS",
    "accept_risk",
    "add_exposure",
    "apply_migration_plan",
    "assess_risk",
    "assessment_history",
    "choose_matrix",
    "close_action",
    "control_choices",
    "create_asset",
    "create_data_class",
    "create_risk",
    "domain_matrices",
    "export_register",
    "export_rows",
    "find_risks",
    "get_risk",
    "heat_map",
    "heat_maps",
    "list_assets",
    "list_data_classes",
    "list_matrices",
    "list_threats",
    "matrix_options",
    "mosca_report",
    "rebuild_heat_counts",
    "register",
    "risk_id",
    "risks_treated_by_controls",
    "set_migration_years",
    "set_mosca_basis",
    "treat_risk",
    "treatment_plan",
    "update_data_class",
    "update_risk",
]
