"""Risk register with 100,000 risk scenarios: a filtered, sorted register page and both heat maps, under 100 ms each.

SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database
(its public schema is dropped and rebuilt). Pages are fetched through the web app with a logged-in
session, so the figures include authentication, SQL and HTML rendering.
"""

from __future__ import annotations

import random

from benchmarks.common import each_backend, fresh_schema, get_page, log_in, machine, measure_pages

RISKS = 100_000
BATCH = 5_000
TARGET_SECONDS = 0.1
RUNS = 50
PASSWORD = "bench-password-42-long"
WORDS = ("detector", "helium", "calibration", "export", "phishing", "ransomware", "drift", "laser", "fridge", "key")
PAGES = {
    "register, domain filter, sorted by level": "/risk?domain=security&sort=level&order=desc",
    "register, page 5 by cursor": None,  # filled in from the first page's next link
    "register, title search, sorted by title": "/risk?search=drift&sort=title&order=asc",
    "heat maps, inherent and residual": "/risk/heatmap",
}


def _organisation(engine) -> tuple[int, list[int]]:
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.identity.schemas import UserCreate
    from qtqms.org import service as org_service

    with UnitOfWork(engine, write=True) as uow:
        organisation, _ = org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        identity_service.set_password(uow, admin, "admin", PASSWORD)
        owners = [admin.user_id]
        for index in range(9):
            user, _ = identity_service.create_user(uow, admin, UserCreate(username=f"owner{index}", role="risk_owner"))
            owners.append(user.id)
        uow.commit()
        return organisation.id, owners


def _rows(organisation_id: int, owners: list[int]):
    """Synthetic risks spread over domains, statuses and every cell of the 5x5 matrix (fixed seed)."""
    from qtqms.kernel import clock
    from qtqms.risk import packs

    matrix = packs.shipped().matrix(packs.DEFAULT_MATRIX)
    rng = random.Random(42)
    domains = ("security", "ai", "quality", "elspi", "compliance")
    statuses = ("identified", "assessed", "treating", "treated", "accepted")
    now = clock.now()
    for number in range(1, RISKS + 1):
        il, ii = rng.randint(1, 5), rng.randint(1, 5)
        cl, ci = max(1, il - rng.randint(0, 2)), ii
        residual = rng.random() < 0.3
        rl, ri = (max(1, cl - 1), ci) if residual else (None, None)
        yield {
            "organisation_id": organisation_id,
            "number": number,
            "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} risk {number}",
            "description": "",
            "approach": "event",
            "domain": rng.choice(domains),
            "threat_ref": "",
            "vulnerabilities": "",
            "existing_controls": "",
            "owner_id": rng.choice(owners),
            "matrix_id": matrix.id,
            "matrix_version": matrix.version,
            "inherent_likelihood": il,
            "inherent_impact": ii,
            "inherent_level": matrix.level_of(il, ii).index,
            "current_likelihood": cl,
            "current_impact": ci,
            "current_level": matrix.level_of(cl, ci).index,
            "residual_likelihood": rl,
            "residual_impact": ri,
            "residual_level": matrix.level_of(rl, ri).index if residual else -1,
            "treatment_plan": "",
            "status": rng.choice(statuses),
            "acceptance_status": "none",
            "source": "manual",
            "computation": "",
            "state_hash": "",
            "created_at": now,
            "updated_at": now,
        }


def _load(engine, organisation_id: int, owners: list[int]) -> None:
    """Bulk insert straight into the table: benchmark data, so it bypasses the audit trail on purpose."""
    from sqlalchemy import insert, text

    from qtqms.models.risk import Risk

    batch: list[dict] = []
    with engine.begin() as connection:
        for row in _rows(organisation_id, owners):
            batch.append(row)
            if len(batch) == BATCH:
                connection.execute(insert(Risk), batch)
                batch = []
        if batch:
            connection.execute(insert(Risk), batch)
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.risk import service as risk_service

    with UnitOfWork(engine, write=True) as uow:
        admin = identity_service.local_actor(uow, "admin")
        assert risk_service.rebuild_heat_counts(uow, admin) == RISKS
        uow.commit()
    # What autovacuum does after a bulk load on PostgreSQL: statistics, and the visibility map that lets
    # counts read only the index.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


def _fifth_page(client) -> str:
    import html
    import re

    path = PAGES["register, domain filter, sorted by level"]
    for _ in range(4):
        found = re.search(r'href="([^"]+)" id="next-page"', get_page(client, path))
        assert found, "the register has fewer than five pages"
        path = html.unescape(found.group(1))
    return path


def run_backend(label: str) -> None:
    from fastapi.testclient import TestClient

    from qtqms.app.web import create_app
    from qtqms.db.runtime import get_engine

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    organisation_id, owners = _organisation(engine)
    with TestClient(create_app()) as client:
        log_in(client, "admin", PASSWORD)
        # The same pages with nothing in the register: what the web stack costs by itself.
        empty = {"register": "/risk", "heat maps": "/risk/heatmap"}
        measure_pages(f"{label} (empty register)", engine, client, empty, runs=RUNS, target=TARGET_SECONDS)
        _load(engine, organisation_id, owners)
        print(f"-- {label}: {RISKS:,} risks loaded")
        pages = {**PAGES, "register, page 5 by cursor": _fifth_page(client)}
        measure_pages(label, engine, client, pages, runs=RUNS, target=TARGET_SECONDS)


def main() -> None:
    print(machine())
    each_backend(run_backend)


if __name__ == "__main__":
    main()
