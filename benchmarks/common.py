"""Small helpers shared by the benchmarks: timing and a machine description."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date


def machine() -> str:
    cores = os.cpu_count()
    return (
        f"{platform.system()} {platform.machine()}, {cores} cores, Python {platform.python_version()}, {date.today()}"
    )


def timed(function: Callable[[], object], *, runs: int, warmup: int = 1) -> dict[str, float]:
    """Wall-clock seconds per run: median, 95th percentile and best, after warm-up runs."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))],
        "best": samples[0],
        "runs": runs,
    }


def report(label: str, figures: dict[str, float], *, target: float | None = None) -> None:
    verdict = "" if target is None else ("  meets target" if figures["median"] < target else "  MISSES target")
    print(
        f"{label}: median {figures['median'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms, "
        f"best {figures['best'] * 1000:.0f} ms over {figures['runs']} runs"
        + (f" (target < {target * 1000:.0f} ms){verdict}" if target else "")
    )


def configure(url: str, data_dir: str) -> None:
    """Point qtqms at a benchmark database and data dir, with the cheap password hash."""
    from qtqms.settings import reset_settings

    os.environ.update(
        QTQMS_DATABASE_URL=url,
        QTQMS_DATA_DIR=data_dir,
        QTQMS_ARGON2_PROFILE="cheapest",
        QTQMS_SECRET_KEY="benchmark-secret",
    )
    reset_settings()


def fresh_schema(engine) -> None:
    """An empty, migrated schema (on PostgreSQL the public schema is dropped first: a throwaway database only)."""
    from sqlalchemy import text

    from qtqms.db import migrate

    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)


def log_in(client, username: str, password: str) -> None:
    """A session for the web pages, through the login form as a browser would."""
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    form = {"username": username, "password": password, "csrf_token": token, "next": "/"}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def each_backend(run: Callable[[str], None]) -> None:
    """`run(label)` on SQLite (a temporary file), then on PostgreSQL when QTQMS_BENCH_PG_URL names a throwaway
    database (its public schema is dropped); qtqms is configured for each backend before it runs."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="qtqms-bench-") as data_dir:
        backends = [("SQLite", f"sqlite:///{Path(data_dir) / 'bench.sqlite'}")]
        if os.environ.get("QTQMS_BENCH_PG_URL"):
            backends.append(("PostgreSQL", os.environ["QTQMS_BENCH_PG_URL"]))
        for label, url in backends:
            configure(url, data_dir)
            run(label)
        from qtqms.db.runtime import dispose_all

        dispose_all()


def get_page(client, path: str) -> str:
    """A page's HTML, or a failed benchmark naming the page and what it answered."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response.text


def measure_pages(label: str, engine, client, pages: dict[str, str], *, runs: int, target: float) -> None:
    """Each page's query count (one view) and its time over `runs` views after two warm-up views."""
    from tests.builders import query_counter

    for name, path in pages.items():
        with query_counter(engine) as statements:
            get_page(client, path)
        figures = timed(lambda path=path: get_page(client, path), runs=runs, warmup=2)
        report(f"{label} {name} ({len(statements)} queries)", figures, target=target)
