"""What `qtqms trail verify` costs on a long trail: the whole chain, the quick check after a checkpoint, and the
machine's bare SHA-256 over the same canonical bytes (the floor verification could reach). Figures are CPU seconds
of this process, since the machine is shared.

QTQMS_BENCH_TRAIL_EVENTS sets the trail's length (default 200,000; the target is stated for 1,000,000).
SQLite always; PostgreSQL too when QTQMS_BENCH_PG_URL names a throwaway database.
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import UTC, datetime, timedelta

from benchmarks.common import each_backend, fresh_schema, machine

EVENTS = int(os.environ.get("QTQMS_BENCH_TRAIL_EVENTS", "200000"))
BATCH = 20_000


def _fill(engine) -> None:
    """A trail of realistic events (a before and an after document each), chained as the writer chains them."""
    from sqlalchemy import delete, insert

    from qtqms.db.audit import AuditEvent, TrailHead, chained_body
    from qtqms.kernel import hashchain

    prev, start = hashchain.GENESIS, datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for first in range(1, EVENTS + 1, BATCH):
            rows = []
            for seq in range(first, min(first + BATCH, EVENTS + 1)):
                fields = dict(seq=seq, occurred_at=start + timedelta(seconds=seq), organisation_id=1, actor_id=2,
                              actor_name="quinn.quality", action="update", entity_type="control",
                              entity_id=str(seq % 500), entity_label=f"CTL-{seq % 500}",
                              before={"status": "planned", "owner_id": 3, "title": f"Control {seq % 500}"},
                              after={"status": "implemented", "owner_id": 3, "title": f"Control {seq % 500}"},
                              reason="", request_id=f"{seq:032x}")  # fmt: skip
                digest = hashchain.chain_hash(prev, chained_body(**fields))
                rows.append({**fields, "prev_hash": prev, "hash": digest})
                prev = digest
            connection.execute(insert(AuditEvent), rows)
        connection.execute(delete(TrailHead))
        connection.execute(insert(TrailHead).values(id=1, last_seq=EVENTS, last_hash=prev))


def _bare_sha256(engine) -> float:
    """Seconds to SHA-256 the very bytes verification hashes, already in memory: the floor."""
    from qtqms.db.uow import UnitOfWork
    from qtqms.kernel import hashchain
    from qtqms.trail import repository

    with UnitOfWork(engine) as uow:
        payloads = [prev.encode() + b"\n" + hashchain.canonical(body)
                    for _, prev, _, body in repository.chain_rows(uow.session)]  # fmt: skip
    start = time.process_time()
    for payload in payloads:
        hashlib.sha256(payload).hexdigest()
    return time.process_time() - start


def run_backend(label: str) -> None:
    import tempfile
    from pathlib import Path

    from qtqms.db.runtime import get_engine
    from qtqms.db.uow import UnitOfWork
    from qtqms.org import service as org_service
    from qtqms.trail import service

    engine = get_engine(require_current=False)
    fresh_schema(engine)
    with UnitOfWork(engine, write=True) as uow:
        org_service.initialise(uow, organisation_name="Bench Quantum", admin_username="admin")
        uow.commit()
    from sqlalchemy import text

    with engine.begin() as connection:  # the bench trail replaces the few events of the set-up
        connection.execute(text("DELETE FROM audit_event"))
        connection.execute(text("DELETE FROM trail_head"))
    _fill(engine)
    from qtqms.identity import service as identity_service

    with UnitOfWork(engine) as uow:
        admin = identity_service.local_actor(uow, "admin")
    with UnitOfWork(engine) as uow:
        start, wall = time.process_time(), time.perf_counter()
        result = service.verify(uow, admin)
        whole, wall = time.process_time() - start, time.perf_counter() - wall
    assert result.intact and result.events_checked == EVENTS, result
    floor = _bare_sha256(engine)
    with tempfile.TemporaryDirectory() as out, UnitOfWork(engine) as uow:
        cut = service.cut_checkpoint(uow, admin, Path(out))
        start = time.perf_counter()
        quick = service.verify(uow, admin, Path(cut.path), since_checkpoint=True)
        after_checkpoint = time.perf_counter() - start
    assert quick.intact
    per_million = 1_000_000 / EVENTS
    print(f"{label}, {EVENTS:,} events: verify {whole:.2f} s CPU, {wall:.2f} s wall "
          f"({whole * per_million:.1f} s CPU per million; target < 7 s)")  # fmt: skip
    print(f"{label}: bare SHA-256 of the same bytes {floor:.2f} s: verify is {whole / floor:.0f}x the floor")
    print(f"{label}: verify --since-checkpoint right after a checkpoint: {after_checkpoint * 1000:.0f} ms")


def main() -> None:
    print(machine())
    each_backend(run_backend)


if __name__ == "__main__":
    main()
