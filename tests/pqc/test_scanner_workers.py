"""The scanner's worker pool: results in task order whatever the timing, a bounded window, errors and dead
workers reported, nothing left running."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time

import pytest

from qtqms.kernel.errors import ConfigurationError
from qtqms.pqc.scanner.workers import ordered_results

FORK = multiprocessing.get_context("fork")


def jittery_doubler(seed: int):
    """A handler that takes a random little while, so that workers finish out of order."""
    rng = random.Random(seed)

    def handle(payload: int) -> int:
        time.sleep(rng.random() * 0.002)
        if payload == -1:
            raise ValueError("cannot handle -1")
        if payload == -2:
            os._exit(3)
        return payload * 2

    return handle


@pytest.fixture(autouse=True)
def no_hang_and_no_workers_left():
    def hung(*_):
        raise TimeoutError("the pool hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("seed", range(30))
def test_results_come_back_in_task_order_whatever_the_timing(seed):
    rng = random.Random(seed)
    count, jobs, window = rng.randrange(0, 60), rng.randrange(1, 4), rng.randrange(1, 7)
    results = []
    for key, result in ordered_results(
        ((f"task {n}", n) for n in range(count)),
        jobs=jobs,
        window=window,
        start=jittery_doubler,
        source=seed,
        context=FORK,
    ):
        if rng.random() < 0.2:
            time.sleep(0.002)  # a slow consumer
        results.append((key, result))
    assert results == [(f"task {n}", 2 * n) for n in range(count)]


def test_no_more_than_the_window_is_taken_from_the_tasks():
    taken = []

    def tasks():
        for n in range(100):
            taken.append(n)
            yield n, n

    stream = ordered_results(tasks(), jobs=2, window=3, start=jittery_doubler, source=0, context=FORK)
    assert next(stream) == (0, 0)
    assert len(taken) <= 4  # three out, and the next one taken when the first came back
    stream.close()


def test_an_error_in_a_handler_is_raised_to_the_caller():
    with pytest.raises(ValueError, match="cannot handle -1"):
        list(
            ordered_results(
                ((n, n) for n in (1, 2, -1, 4)), jobs=2, window=4, start=jittery_doubler, source=0, context=FORK
            )
        )


def test_a_worker_that_dies_is_reported_in_one_line():
    with pytest.raises(ConfigurationError, match=r"stopped unexpectedly \(exit code 3\); try again with --jobs 1"):
        list(
            ordered_results(
                ((n, n) for n in (1, -2, 3)), jobs=2, window=4, start=jittery_doubler, source=0, context=FORK
            )
        )
