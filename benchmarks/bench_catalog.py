"""Standards catalogue: readiness of every shipped framework, with mapping inference, for an organisation with
10,000 controls, 50,000 control-requirement links and 100,000 evidence records (target < 200 ms warm), and the
API listing of a 1,200-requirement framework's assessments (target < 100 ms).

SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database
(its public schema is dropped and rebuilt).
"""

from __future__ import annotations

import random
from datetime import timedelta

from benchmarks.common import each_backend, fresh_schema, machine, report, timed

CONTROLS = 10_000
LINKS = 50_000
EVIDENCE = 100_000
BATCH = 5_000
READINESS_TARGET = 0.2
LISTING_TARGET = 0.1


def _organisation(engine):
    from tests.catalog.test_api import big_framework

    from qtqms.catalog import service
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.org import service as org_service

    with UnitOfWork(engine, write=True) as uow:
        organisation, _ = org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        service.sync_shipped_packs(uow, admin)
        service.import_pack(uow, admin, big_framework("gen-1200", 1200))
        uow.commit()
    return admin


def _requirement_keys(engine) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from qtqms.models.catalog import CatalogRequirement, FrameworkVersion

    stmt = (
        select(FrameworkVersion.pack_id, CatalogRequirement.ref)
        .join(FrameworkVersion, FrameworkVersion.id == CatalogRequirement.framework_version_id)
        .where(CatalogRequirement.assessable.is_(True), FrameworkVersion.pack_id != "gen-1200")
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(stmt)]


def _insert(connection, table, rows) -> None:
    from sqlalchemy import insert

    for start in range(0, len(rows), BATCH):
        connection.execute(insert(table), rows[start : start + BATCH])


def _load(engine, admin) -> None:
    """Bulk insert straight into the tables: benchmark data, so it bypasses the audit trail on purpose."""
    from sqlalchemy import text

    from qtqms.kernel import clock
    from qtqms.models.catalog import Control, ControlRequirement
    from qtqms.models.evidence import Evidence

    rng = random.Random(42)
    keys = _requirement_keys(engine)
    now, today = clock.now(), clock.today()
    org, owner = admin.organisation_id, admin.user_id
    controls = [
        {
            "id": i,
            "organisation_id": org,
            "key": f"CTL-{i:05d}",
            "title": f"Control {i}",
            "owner_id": owner,
            "status": rng.choice(("implemented", "implemented", "implemented", "in_progress", "planned")),
            "implementation": "",
            "created_at": now,
            "updated_at": now,
        }  # fmt: skip
        for i in range(1, CONTROLS + 1)
    ]
    links, seen = [], set()
    while len(links) < LINKS:
        control, (framework, ref) = rng.randint(1, CONTROLS), rng.choice(keys)
        if (control, framework, ref) not in seen:
            seen.add((control, framework, ref))
            links.append({"organisation_id": org, "control_id": control, "framework": framework,
                          "requirement_ref": ref, "created_at": now, "updated_at": now})  # fmt: skip
    evidence = [
        {
            "organisation_id": org,
            "subject_type": "control",
            "subject_id": f"CTL-{rng.randint(1, CONTROLS):05d}",
            "title": f"Record {i}",
            "kind": "url",
            "url": "https://example.org/r",
            "sha256": "",
            "filename": "",
            "size": 0,
            "valid_from": today - timedelta(days=rng.randint(30, 900)),
            "valid_until": today + timedelta(days=rng.randint(-600, 300)),
            "created_at": now,
            "updated_at": now,
        }  # fmt: skip
        for i in range(EVIDENCE)
    ]
    with engine.begin() as connection:
        _insert(connection, Control, controls)
        _insert(connection, ControlRequirement, links)
        _insert(connection, Evidence, evidence)
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT setval('control_id_seq', (SELECT max(id) FROM control))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


def run_backend(label: str) -> None:
    from fastapi.testclient import TestClient
    from tests.builders import api_token

    from qtqms.app.web import create_app
    from qtqms.catalog import service
    from qtqms.db.runtime import get_engine
    from qtqms.db.uow import UnitOfWork

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    admin = _organisation(engine)
    _load(engine, admin)

    def every_framework():
        with UnitOfWork(engine, actor=admin) as uow:
            return service.readiness(uow, admin)

    results = every_framework()
    summary = ", ".join(f"{r.framework} {r.score:.0%}" for r in results if r.framework != "gen-1200")
    print(f"[{label}] readiness: {summary}")
    report(f"[{label}] readiness of every framework (10k controls, 50k links, 100k evidence)",
           timed(every_framework, runs=15, warmup=2), target=READINESS_TARGET)  # fmt: skip
    headers = {"Authorization": f"Bearer {api_token(engine, admin, 'bench')}"}
    with TestClient(create_app()) as client:

        def listing():
            response = client.get("/api/v1/catalog/readiness/gen-1200", headers=headers)
            assert response.status_code == 200, response.text[:300]

        report(f"[{label}] API: assessments of a 1,200-requirement framework",
               timed(listing, runs=15, warmup=2), target=LISTING_TARGET)  # fmt: skip
    engine.dispose()


def main() -> None:
    print(f"machine: {machine()}")
    each_backend(run_backend)


if __name__ == "__main__":
    main()
