"""Crypto inventory pages of one product with 50 systems × 500 distinct assets (25,000 inventory rows), fetched
through the web app with a logged-in session: the whole inventory grouped by algorithm, judged as of 2036 and
grouped by verdict, filtered to one system, its last page; the scan history with its diff; the migration plan (16,750
tasks) paged and filtered; every product's progress.

SQLite always (a temporary file); PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database (its public
schema is dropped and rebuilt). The scans are recorded and the migration planned through the services, as
`qtqms pqc scan --record` and `qtqms pqc migrate plan` would, so verdicts, deadlines, tasks and the audit trail are
real; only the findings are synthetic.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

from tests.builders import query_counter

from benchmarks.common import each_backend, fresh_schema, log_in, machine, report, timed

SYSTEMS = 50
ASSETS_PER_SYSTEM = 500
PRODUCT = "BENCH-1"
PASSWORD = "bench-password-42-long"
TARGET = 0.2  # seconds, median: what a user waiting for a page notices
PAGES = {
    "inventory, grouped by algorithm": f"/pqc/products/{PRODUCT}",
    "inventory as of 2036-01-01, grouped by verdict": f"/pqc/products/{PRODUCT}?as_of=2036-01-01&group=verdict",
    "inventory filtered to one system (500 rows)": f"/pqc/products/{PRODUCT}?q=system-07&group=deadline",
    "inventory sorted by occurrences, last page": f"/pqc/products/{PRODUCT}?sort=occurrences&page=50",
    "scan history with the newest diff": f"/pqc/products/{PRODUCT}/scans",
    "migration plan (first 100 of 16,750 tasks)": f"/pqc/products/{PRODUCT}/plan",
    "migration plan, open tasks, page 20": f"/pqc/products/{PRODUCT}/plan?status=open&page=20",
    "progress of every product": "/pqc",
}
# (family, parameter, mode) of the algorithms a system's assets are drawn from: classical, legacy and post-quantum.
TEMPLATES = (
    ("RSA", 2048, None),
    ("RSA", 3072, None),
    ("RSA", 1024, None),
    ("ECDSA", "P-256", None),
    ("ECDH", "P-384", None),
    ("EdDSA", "Ed25519", None),
    ("AES", 256, "gcm"),
    ("AES", 128, "cbc"),
    ("3DES", None, "cbc"),
    ("SHA-1", "SHA-1", None),
    ("SHA-2", "SHA-256", None),
    ("HMAC", "SHA-256", None),
    ("ML-KEM", "768", None),
    ("ML-DSA", "65", None),
    ("Frobnicate", None, None),  # unknown to every policy
)


def _organisation(engine) -> None:
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.org import service as org_service
    from qtqms.org.schemas import ProductCreate

    with UnitOfWork(engine, write=True) as uow:
        org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        identity_service.set_password(uow, admin, "admin", PASSWORD)
        org_service.add_product(uow, admin, ProductCreate(key=PRODUCT, name="Bench product", technology="computing"))
        uow.commit()


def _findings(system: int, rng: random.Random) -> list:
    """500 distinct assets, each found in one to three places of the system's tree."""
    from qtqms.pqc.scanner import AssetType, Confidence, Finding, classify

    findings = []
    for number in range(ASSETS_PER_SYSTEM):
        family, parameter, mode = TEMPLATES[number % len(TEMPLATES)]
        base = classify(family, parameter, mode=mode)
        algorithm = replace(base, name=f"{base.name}/use-{number:03d}")
        for place in range(rng.randint(1, 3)):
            findings.append(
                Finding(
                    asset_type=AssetType.ALGORITHM,
                    algorithm=algorithm,
                    path=f"src/module_{number % 40:02d}/file_{place}.py",
                    line=rng.randint(1, 900),
                    column=5,
                    evidence=f"{family.lower()}_call(...)",
                    confidence=Confidence.HIGH,
                    rule_id="bench.synthetic",
                    language="python",
                )
            )
    return findings


def _load(engine) -> None:
    """Two scans of every system (so each has a diff), then the migration plan, all through the services."""
    from qtqms.db.uow import UnitOfWork
    from qtqms.identity import service as identity_service
    from qtqms.pqc import service

    rng = random.Random(42)
    with UnitOfWork(engine, write=True) as uow:
        admin = identity_service.local_actor(uow, "admin")
        uow.actor = admin
        for system in range(SYSTEMS):
            findings = _findings(system, rng)
            for scan_findings in (findings[: len(findings) * 9 // 10], findings):
                service.record_scan(uow, admin, product=PRODUCT, system=f"system-{system:02d}",
                                    findings=scan_findings, source="scanner", source_ref="bench")  # fmt: skip
        tasks = service.plan_migration(uow, admin, PRODUCT)
        uow.commit()
    print(f"   {len(tasks):,} migration tasks planned")


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


def run_backend(label: str) -> None:
    from fastapi.testclient import TestClient

    from qtqms.app.web import create_app
    from qtqms.db.runtime import get_engine

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    _organisation(engine)
    started = time.perf_counter()
    _load(engine)
    loaded = f"{SYSTEMS} systems × {ASSETS_PER_SYSTEM} assets"
    print(f"-- {label}: {loaded} recorded twice and planned in {time.perf_counter() - started:.1f} s")
    with TestClient(create_app()) as client:
        log_in(client, "admin", PASSWORD)
        for name, path in PAGES.items():
            with query_counter(engine) as statements:
                size = len(_page(client, path).encode())
            figures = timed(lambda path=path: _page(client, path), runs=10, warmup=1)
            report(f"{label} {name} ({len(statements)} queries, {size / 1e6:.2f} MB of HTML)", figures, target=TARGET)


def main() -> None:
    print(machine())
    each_backend(run_backend)


if __name__ == "__main__":
    main()
