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
