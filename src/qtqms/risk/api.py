"""/api/v1/risk: the risk register, assessment, treatment, signed acceptance, matrices, threats and Mosca."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from qtqms.identity.deps import CurrentActor
from qtqms.kit.web.deps import RecordId, Uow
from qtqms.kit.web.downloads import download
from qtqms.kit.web.errors import ERROR_RESPONSES
from qtqms.risk import service
from qtqms.risk.schemas import (
    AcceptanceIn,
    ActionClose,
    ActionRead,
    AssessmentIn,
    AssetCreate,
    AssetRead,
    DataClassCreate,
    DataClassRead,
    DataClassUpdate,
    ExposureCreate,
    HeatMap,
    MatrixChoiceIn,
    MatrixRead,
    MigrationYearsIn,
    MoscaBasisIn,
    MoscaReport,
    RegisterPage,
    RegisterQuery,
    RiskCreate,
    RiskRead,
    RiskUpdate,
    ThreatRead,
    TreatmentIn,
)

router = APIRouter(prefix="/api/v1/risk", tags=["risk"], responses=ERROR_RESPONSES)
CREATED = status.HTTP_201_CREATED


@router.get("/risks", response_model=RegisterPage, summary="The risk register: filter, sort, page by cursor")
def list_risks(uow: Uow, actor: CurrentActor, query: Annotated[RegisterQuery, Query()]) -> RegisterPage:
    return service.register(uow, actor, query)


@router.get(
    "/risks/export",
    summary="The register as CSV or XLSX: the same filters and sort as the list, every matching risk",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/octet-stream": {}}}},
)
def export_risks(
    uow: Uow,
    actor: CurrentActor,
    query: Annotated[RegisterQuery, Query()],
    fmt: Annotated[Literal["csv", "xlsx"], Query(alias="format")] = "csv",
) -> Response:
    return download(*service.export_register(uow, actor, fmt, query))


@router.post("/risks", response_model=RiskRead, status_code=CREATED, summary="Identify a risk scenario")
def create_risk(data: RiskCreate, uow: Uow, actor: CurrentActor) -> RiskRead:
    risk = service.create_risk(uow, actor, data)
    return service.get_risk(uow, actor, f"R-{risk.number}")


@router.get("/risks/{ref}", response_model=RiskRead, summary="One risk, with treatment and checked acceptances")
def get_risk(ref: str, uow: Uow, actor: CurrentActor) -> RiskRead:
    return service.get_risk(uow, actor, ref)


@router.patch("/risks/{ref}", response_model=RiskRead, summary="Describe a risk; changing its assets is material")
def update_risk(ref: str, data: RiskUpdate, uow: Uow, actor: CurrentActor) -> RiskRead:
    service.update_risk(uow, actor, ref, data)
    return service.get_risk(uow, actor, ref)


@router.post("/risks/{ref}/assessments", response_model=RiskRead, summary="Rate likelihood and impact")
def assess_risk(ref: str, data: AssessmentIn, uow: Uow, actor: CurrentActor) -> RiskRead:
    service.assess_risk(uow, actor, ref, data)
    return service.get_risk(uow, actor, ref)


@router.post("/risks/{ref}/treatment", response_model=RiskRead, summary="Choose a treatment and plan its actions")
def treat_risk(ref: str, data: TreatmentIn, uow: Uow, actor: CurrentActor) -> RiskRead:
    service.treat_risk(uow, actor, ref, data)
    return service.get_risk(uow, actor, ref)


@router.post("/risks/{ref}/acceptances", response_model=RiskRead, status_code=CREATED, summary="Accept (signed)")
def accept_risk(ref: str, data: AcceptanceIn, uow: Uow, actor: CurrentActor) -> RiskRead:
    service.accept_risk(uow, actor, ref, data)
    return service.get_risk(uow, actor, ref)


@router.post("/actions/{action_id}/close", response_model=RiskRead, summary="Close a treatment action")
def close_action(action_id: RecordId, data: ActionClose, uow: Uow, actor: CurrentActor) -> RiskRead:
    risk = service.close_action(uow, actor, action_id, data)
    return service.get_risk(uow, actor, f"R-{risk.number}")


@router.get("/treatment-plan", response_model=list[ActionRead], summary="Open treatment actions, overdue marked")
def treatment_plan(uow: Uow, actor: CurrentActor, overdue_only: bool = False) -> list[ActionRead]:
    return service.treatment_plan(uow, actor, overdue_only=overdue_only)


@router.get("/heatmap", response_model=HeatMap, summary="Risk counts per matrix cell")
def heat_map(
    uow: Uow,
    actor: CurrentActor,
    kind: Literal["inherent", "residual"] = "inherent",
    matrix: str | None = None,
    domain: str | None = None,
) -> HeatMap:
    return service.heat_map(uow, actor, kind=kind, matrix_id=matrix, domain_name=domain)


@router.get("/matrices", response_model=list[MatrixRead], summary="Risk matrices and the domains using each")
def list_matrices(uow: Uow, actor: CurrentActor) -> list[MatrixRead]:
    return service.list_matrices(uow, actor)


@router.put("/matrices/domains/{domain}", response_model=MatrixRead, summary="Choose a risk domain's matrix")
def choose_matrix(domain: str, data: MatrixChoiceIn, uow: Uow, actor: CurrentActor) -> MatrixRead:
    return service.choose_matrix(uow, actor, domain, data.matrix)


@router.get("/threats", response_model=list[ThreatRead], summary="The threat catalogue")
def list_threats(
    uow: Uow, actor: CurrentActor, category: Literal["general", "quantum"] | None = None
) -> list[ThreatRead]:
    return service.list_threats(uow, actor, category=category)


@router.get("/assets", response_model=list[AssetRead], summary="Assets and their owners")
def list_assets(uow: Uow, actor: CurrentActor) -> list[AssetRead]:
    return service.list_assets(uow, actor)


@router.post("/assets", response_model=AssetRead, status_code=CREATED, summary="Add an asset")
def create_asset(data: AssetCreate, uow: Uow, actor: CurrentActor) -> AssetRead:
    return service.create_asset(uow, actor, data)


@router.put("/assets/{key}/migration-years", response_model=AssetRead, summary="Set Mosca's y for a system")
def set_migration_years(key: str, data: MigrationYearsIn, uow: Uow, actor: CurrentActor) -> AssetRead:
    return service.set_migration_years(uow, actor, system=key, years=data.years, source=data.source)


@router.get("/data-classes", response_model=list[DataClassRead], summary="Data classes and their shelf life")
def list_data_classes(uow: Uow, actor: CurrentActor) -> list[DataClassRead]:
    return service.list_data_classes(uow, actor)


@router.post("/data-classes", response_model=DataClassRead, status_code=CREATED, summary="Add a data class")
def create_data_class(data: DataClassCreate, uow: Uow, actor: CurrentActor) -> DataClassRead:
    return service.create_data_class(uow, actor, data)


@router.patch("/data-classes/{key}", response_model=DataClassRead, summary="Change a data class (re-runs Mosca)")
def update_data_class(key: str, data: DataClassUpdate, uow: Uow, actor: CurrentActor) -> DataClassRead:
    return service.update_data_class(uow, actor, key, data)


@router.get("/mosca", response_model=MoscaReport, summary="Mosca exposure per data class, system and scenario")
def mosca(uow: Uow, actor: CurrentActor) -> MoscaReport:
    return service.mosca_report(uow, actor)


@router.post("/mosca/exposures", response_model=MoscaReport, status_code=CREATED, summary="A system protects data")
def add_exposure(data: ExposureCreate, uow: Uow, actor: CurrentActor) -> MoscaReport:
    return service.add_exposure(uow, actor, data)


@router.put("/mosca/basis", response_model=MoscaReport, summary="The CRQC scenario that raises risks")
def set_mosca_basis(data: MoscaBasisIn, uow: Uow, actor: CurrentActor) -> MoscaReport:
    return service.set_mosca_basis(uow, actor, data.scenario)
