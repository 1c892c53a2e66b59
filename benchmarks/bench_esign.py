"""What verifying acceptances costs the risk register: a page of 50 risks, none accepted, then all 50 accepted
(each row's Ed25519 + ML-DSA-65 signature verified over the risk's present state), first view and later views.

SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database.
"""

from __future__ import annotations

import statistics
import time

from tests.builders import query_counter

from benchmarks.common import each_backend, fresh_schema, log_in, machine, report, timed

RISKS = 50
RUNS = 30
PASSWORD = "bench-password-42-long"


def _team(engine):
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.identity.schemas import UserCreate
    from qtqms.org import service as org_service

    with UnitOfWork(engine, write=True) as uow:
        org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        identity_service.set_password(uow, admin, "admin", PASSWORD)
        user, _ = identity_service.create_user(
            uow, admin, UserCreate(username="proposer", role="engineer", password=PASSWORD)
        )
        proposer = identity_service.local_actor(uow, user.username)
        uow.commit()
        return admin, proposer


def _run(engine, actor, use_case, *args):
    from qtqms.db.uow import UnitOfWork

    with UnitOfWork(engine, write=True, actor=actor) as uow:
        result = use_case(uow, actor, *args)
        uow.commit()
        return result


def _page(client) -> None:
    assert client.get("/risk").status_code == 200


def _cpu_ms(function) -> float:
    """Median CPU time of the process in ms: the machine is shared, and wall-clock figures swing with its load."""
    samples = []
    for _ in range(RUNS):
        start = time.process_time()
        function()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def _measure(label: str, engine, client) -> None:
    with query_counter(engine) as statements:
        _page(client)
    report(f"{label} ({len(statements)} queries)", timed(lambda: _page(client), runs=RUNS, warmup=2))
    print(f"{label}: median CPU {_cpu_ms(lambda: _page(client)):.1f} ms")


def run_backend(label: str) -> None:
    from fastapi.testclient import TestClient

    from qtqms.app.web import create_app
    from qtqms.db.runtime import get_engine
    from qtqms.esign import domain as esign_domain
    from qtqms.risk import service as risk_service
    from qtqms.risk.schemas import AcceptanceIn, RatingIn, RiskCreate

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    admin, proposer = _team(engine)
    rating = RatingIn(likelihood=1, impact=2)
    refs = []
    for index in range(RISKS):
        data = RiskCreate(title=f"Bench risk {index}", domain="security", inherent=rating, current=rating)
        refs.append(f"R-{_run(engine, proposer, risk_service.create_risk, data).number:04d}")
    with TestClient(create_app()) as client:
        log_in(client, "admin", PASSWORD)
        _measure(f"{label} register of {RISKS}, none accepted", engine, client)
        acceptance = AcceptanceIn(password=PASSWORD, justification="Low, and watched by the benchmark.")
        for ref in refs:
            _run(engine, admin, risk_service.accept_risk, ref, acceptance)
        esign_domain._VERIFIED.clear()
        start, cpu = time.perf_counter(), time.process_time()
        _page(client)
        wall, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
        print(f"{label} register of {RISKS}, all accepted, first view: {wall:.0f} ms, CPU {cpu:.1f} ms")
        _measure(f"{label} register of {RISKS}, all accepted, later views", engine, client)


def main() -> None:
    print(machine())
    each_backend(run_backend)


if __name__ == "__main__":
    main()
