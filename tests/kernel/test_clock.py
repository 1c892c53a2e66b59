"""One clock for the whole process, read in UTC: services, CLI defaults and timestamps agree on the day wherever
the process runs, and a test can stop it."""

from __future__ import annotations

import ast
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qtqms
from qtqms.app.cli import app
from qtqms.kernel import clock
from qtqms.risk import service as risk_service
from qtqms.risk.schemas import RatingIn, RiskCreate

# Half an hour either side of midnight UTC, in the two zones furthest from it: the local date is the next day in
# UTC+14 (POSIX spells it Etc/GMT-14) and the previous day in UTC-12, so anything reading local time is a day off.
NEAR_MIDNIGHT = {
    "Etc/GMT-14": datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
    "Etc/GMT+12": datetime(2026, 3, 2, 0, 30, tzinfo=UTC),
}
SYSTEM_CLOCK_READS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today")}


@pytest.fixture(params=sorted(NEAR_MIDNIGHT))
def far_zone(request):
    """The process in a far time zone with the clock stopped half an hour from midnight UTC."""
    if not hasattr(time, "tzset"):
        pytest.skip("this platform cannot change the time zone of a running process")
    zone, before = request.param, os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        with clock.use(clock.FixedClock(NEAR_MIDNIGHT[zone])) as fixed:
            yield fixed
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_the_zone_really_puts_the_local_date_on_another_day(far_zone):
    assert far_zone.now().astimezone().date() != clock.today()


def test_a_new_risk_is_due_for_treatment_counted_from_the_utc_day(far_zone, world):
    data = RiskCreate(title="Detector blinding", domain="security", current=RatingIn(likelihood=4, impact=4))
    created = world.run(world.owner, risk_service.create_risk, data)
    risk = world.read(world.viewer, risk_service.get_risk, f"R-{created.number:04d}")
    assert risk.assessed_at == far_zone.now()
    assert risk.treat_by == far_zone.now().date() + timedelta(days=180)


def test_the_scanners_as_of_date_defaults_to_the_utc_day(far_zone, tmp_path):
    (tmp_path / "wrap.py").write_text("from cryptography.hazmat.primitives.asymmetric import rsa\n")
    result = CliRunner().invoke(app, ["pqc", "scan", str(tmp_path), "--policy", "nist-ir-8547", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["policy"]["as_of"] == far_zone.now().date().isoformat()


def test_use_puts_the_previous_clock_back():
    before = clock.now()
    with clock.use(clock.FixedClock(datetime(2001, 2, 3, 4, 5, tzinfo=UTC))):
        assert clock.today().isoformat() == "2001-02-03"
    assert clock.now() >= before


def _system_clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (name, node.func.attr) in SYSTEM_CLOCK_READS:
                found.append(f"{path}:{node.lineno}")
    return found


def test_nothing_but_the_clock_reads_the_system_time():
    package = Path(qtqms.__file__).parent
    sources = [
        p for p in package.rglob("*.py") if "demo_source" not in p.parts and p != package / "kernel" / "clock.py"
    ]
    assert [read for path in sources for read in _system_clock_reads(path)] == []
