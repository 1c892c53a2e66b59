"""Controlled documents and the task list at scale: 10,000 effective documents that apply to everyone (so
10,000 acknowledgements wait) and 50,000 CAPA actions owned by one person, under 100 ms per page.

SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database. Pages are
fetched through the web app with a logged-in session: authentication, SQL and HTML rendering included.
"""

from __future__ import annotations

from datetime import timedelta

from benchmarks.common import each_backend, fresh_schema, log_in, machine, measure_pages

DOCUMENTS = 10_000
ACTIONS = 50_000
NONCONFORMITIES = 1_000
BATCH = 5_000
TARGET_SECONDS = 0.1
RUNS = 30
PASSWORD = "bench-password-42-long"
PAGES = {
    "document register, first page": "/quality/documents",
    "document register, effective, by title": "/quality/documents?status=effective&sort=title",
    "document register, title search": "/quality/documents?search=calibration",
    "nonconformities, overdue": "/quality/nonconformities?overdue=true",
    "my tasks (60,000 waiting)": "/quality/tasks",
}


def _organisation(engine) -> tuple[int, int]:
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.org import service as org_service

    with UnitOfWork(engine, write=True) as uow:
        organisation, _ = org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        identity_service.set_password(uow, admin, "admin", PASSWORD)
        uow.commit()
        return organisation.id, admin.user_id


def _insert(connection, table, rows) -> None:
    from sqlalchemy import insert

    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(insert(table), batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)


def _load(engine, organisation_id: int, admin_id: int) -> None:
    """Bulk insert straight into the tables: benchmark data, so it bypasses the audit trail on purpose."""
    from sqlalchemy import text

    from qtqms.kernel import clock
    from qtqms.models.quality import CorrectiveAction, Document, DocumentVersion, Nonconformity

    now, today = clock.now(), clock.today()
    words = ("calibration", "cryostat", "laser", "detector", "supplier", "key", "firmware", "audit")
    common = {"organisation_id": organisation_id, "created_at": now, "updated_at": now}
    with engine.begin() as connection:
        _insert(connection, Document, ({
            **common, "id": n, "number": n, "kind": "procedure", "title": f"{words[n % 8]} procedure {n}",
            "status": "effective", "owner_id": admin_id, "effective_version": 1, "latest_version": 1,
            "review_interval_months": 12, "next_review_on": today + timedelta(days=n % 400), "audience": ["all"],
        } for n in range(1, DOCUMENTS + 1)))  # fmt: skip
        _insert(connection, DocumentVersion, ({
            **common, "document_id": n, "version": 1, "status": "effective", "title": f"procedure {n}",
            "content": "Do it.", "change_reason": "bench", "author_id": admin_id, "effective_on": today,
        } for n in range(1, DOCUMENTS + 1)))  # fmt: skip
        _insert(connection, Nonconformity, ({
            **common, "id": n, "number": n, "title": f"nonconformity {n}", "source": "incident", "severity": "minor",
            "status": "acting", "detected_on": today, "raised_by_id": admin_id, "owner_id": admin_id,
            "whys": [], "cause_categories": [],
        } for n in range(1, NONCONFORMITIES + 1)))  # fmt: skip
        _insert(connection, CorrectiveAction, ({
            **common, "nonconformity_id": n % NONCONFORMITIES + 1, "kind": "corrective", "title": f"action {n}",
            "owner_id": admin_id, "due_on": today + timedelta(days=n % 200 - 20),
        } for n in range(1, ACTIONS + 1)))  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


def run_backend(label: str) -> None:
    from fastapi.testclient import TestClient

    from qtqms.app.web import create_app
    from qtqms.db.runtime import get_engine

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    organisation_id, admin_id = _organisation(engine)
    with TestClient(create_app()) as client:
        log_in(client, "admin", PASSWORD)
        measure_pages(f"{label} (empty)", engine, client, PAGES, runs=RUNS, target=TARGET_SECONDS)
        _load(engine, organisation_id, admin_id)
        print(f"-- {label}: {DOCUMENTS:,} documents, {NONCONFORMITIES:,} nonconformities, {ACTIONS:,} actions")
        measure_pages(label, engine, client, PAGES, runs=RUNS, target=TARGET_SECONDS)


def main() -> None:
    print(machine())
    each_backend(run_backend)


if __name__ == "__main__":
    main()
