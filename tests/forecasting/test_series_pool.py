"""SeriesPool from a daemonic process (a Celery pool process runs jobs in one) and its workers'
lifetime: they die with the process that started them."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from multiprocessing.queues import Queue
from typing import Any

import numpy as np
import pytest

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.series_pool import MIN_PARALLEL_ROWS, SeriesPool

DAYS = np.arange("2020-01-01", "2020-03-01", dtype="datetime64[D]")


def _values(rows: int) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(1)
    return rng.poisson(10, (rows, DAYS.size)).astype(np.float64)


def _forecast_in_pool(results: Queue[Any], hold: bool) -> None:
    """Run in a daemonic child: forecast over a 2-worker pool, report, optionally stay alive."""
    with SeriesPool(workers=2) as pool:
        try:
            rows = pool.forecast(
                "naive",
                _values(MIN_PARALLEL_ROWS),
                DAYS,
                granularity=Granularity.DAILY,
                horizon=7,
                levels=(80,),
            )
        except BaseException as error:  # the pre-fix AssertionError, reported to the test
            results.put(("error", f"{type(error).__name__}: {error}"))
            return
        workers = list(pool._executor._processes) if pool._executor else []  # type: ignore[attr-defined]
        results.put(("ok", sum(r is not None for r in rows), workers))
        while hold:
            time.sleep(0.1)


def _start(hold: bool) -> tuple[multiprocessing.process.BaseProcess, tuple[Any, ...]]:
    context = multiprocessing.get_context("fork")
    results: Queue[Any] = context.Queue()
    child = context.Process(target=_forecast_in_pool, args=(results, hold), daemon=True)
    child.start()
    return child, results.get(timeout=120)


def test_pool_runs_inside_a_daemonic_process() -> None:
    child, outcome = _start(hold=False)
    child.join(30)
    assert outcome[0] == "ok", outcome
    assert outcome[1] == MIN_PARALLEL_ROWS
    assert len(outcome[2]) == 2  # the rows really went to worker processes


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie awaiting its reaper counts as gone
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_pool_workers_die_with_the_process_that_started_them() -> None:
    child, outcome = _start(hold=True)
    assert outcome[0] == "ok", outcome
    workers = outcome[2]
    assert all(_alive(pid) for pid in workers)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)  # a terminated job's pool process
    child.join(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.parametrize("rows", [3, MIN_PARALLEL_ROWS])
def test_progress_reports_every_chunk_up_to_done(rows: int) -> None:
    shares: list[float] = []
    with SeriesPool(workers=2) as pool:
        pool.forecast(
            "naive",
            _values(rows),
            DAYS,
            granularity=Granularity.DAILY,
            horizon=7,
            levels=(80,),
            progress=shares.append,
        )
    assert shares == sorted(shares)
    assert shares[-1] == 1.0
    assert len(shares) == min(rows, 2 * 4)
