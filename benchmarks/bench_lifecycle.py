"""What a gate check and the lifecycle board cost: `gate check` of a product with 1,000 risks, 5,000 evidence
items and 200 assessments (warm, with its query count), and the board page of 1,000 products (one page of 50
shown, each with its gate checked).

SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database.
"""

from __future__ import annotations

from tests.builders import query_counter

from benchmarks.common import each_backend, fresh_schema, log_in, machine, report, timed

RISKS, EVIDENCE, ASSESSMENTS, PRODUCTS = 1000, 5000, 200, 1000
PASSWORD = "bench-password-42-long"


def _admin(engine):
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.org import service as org_service

    with UnitOfWork(engine, write=True) as uow:
        org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        identity_service.set_password(uow, admin, "admin", PASSWORD)
        uow.commit()
        return admin


def _load(engine, admin) -> None:
    """One product with many records, then PRODUCTS - 1 more products, each in one transaction per batch."""
    from qtqms.db.uow import UnitOfWork
    from qtqms.evidence import service as evidence_service
    from qtqms.lifecycle.elspi import service as elspi
    from qtqms.lifecycle.products import service as products
    from qtqms.org import service as org_service
    from qtqms.org.schemas import ProductCreate
    from qtqms.risk import service as risk_service
    from qtqms.risk.schemas import RatingIn, RiskCreate

    with UnitOfWork(engine, write=True, actor=admin) as uow:
        for index in range(PRODUCTS):
            org_service.add_product(uow, admin, ProductCreate(key=f"P-{index:04d}", name=f"Probe {index}",
                                                              technology="sensing"))  # fmt: skip
            products.enrol_product(uow, admin, f"P-{index:04d}")
        rating = RatingIn(likelihood=5, impact=5)
        for index in range(RISKS):
            data = RiskCreate(title=f"Risk {index}", domain="security", product="P-0000", current=rating)
            risk_service.create_risk(uow, admin, data)
        for index in range(EVIDENCE):
            evidence_service.add_url(uow, admin, "product", "P-0000", title=f"E {index}",
                                     url=f"https://example.org/{index}")  # fmt: skip
        for _ in range(ASSESSMENTS):
            elspi.start_assessment(uow, admin, "P-0000")
        uow.commit()


def run_backend(label: str) -> None:
    from fastapi.testclient import TestClient

    from qtqms.app.web import create_app
    from qtqms.db.runtime import get_engine
    from qtqms.db.uow import UnitOfWork
    from qtqms.lifecycle.gates import service as gates

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    app = create_app()  # installs the slices' subjects, which evidence cites products through
    admin = _admin(engine)
    _load(engine, admin)

    def check() -> None:
        with UnitOfWork(engine, actor=admin) as uow:
            gates.check_gate(uow, admin, "P-0000")

    with query_counter(engine) as statements:
        check()
    report(f"{label} gate check, {RISKS} risks, {EVIDENCE} evidence, {ASSESSMENTS} assessments "
           f"({len(statements)} queries)", timed(check, runs=20), target=0.1)  # fmt: skip
    with TestClient(app) as client:
        log_in(client, "admin", PASSWORD)
        report(f"{label} board page of {PRODUCTS} products (50 shown)",
               timed(lambda: client.get("/lifecycle"), runs=10), target=0.1)  # fmt: skip


def main() -> None:
    print(machine())
    each_backend(run_backend)


if __name__ == "__main__":
    main()
