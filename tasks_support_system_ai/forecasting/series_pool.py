"""Single-series models fitted row by row over worker processes.

statsmodels fits hold the GIL, so threads would not help; chunks of rows go to a process pool
(one worker per available core) that lives as long as the ``SeriesPool`` context, so the
backtest and the final fits pay the workers' start-up (importing statsmodels) once. Small
batches run in-process: spawning workers costs more than it saves. Rows a model rejects
(all zero, too short) come back as ``None``.

The pool may be started from a daemonic process (a job running in a Celery pool process): its
workers are tied to this process's life (``lifetime``), so a terminated job leaves none behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from types import TracebackType
from typing import Any, Self

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import DayArray, FloatArray, Forecast, TimeSeries
from tasks_support_system_ai.forecasting.models.catalogue import make_model
from tasks_support_system_ai.lifetime import children_allowed, die_with_parent

__all__ = ["Progress", "SeriesPool"]

Progress = Callable[[float], None]
"""Called with the share of the work done so far (0..1); may raise to stop the work."""

MIN_PARALLEL_ROWS = 64
CHUNKS_PER_WORKER = 4  # several chunks per worker even out slow and fast series


@dataclass(frozen=True)
class _Job:
    """One chunk of rows to fit with ``model``; plain data so it pickles cheaply."""

    model: str
    values: FloatArray
    labels: DayArray
    granularity: Granularity
    horizon: int
    levels: tuple[int, ...]
    params: dict[str, Any] = field(default_factory=dict)


class SeriesPool:
    """Context manager fitting one model per row; processes only when the batch is large."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or len(os.sched_getaffinity(0))
        self._executor: Executor | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def forecast(
        self,
        model: str,
        values: FloatArray,
        labels: DayArray,
        *,
        granularity: Granularity,
        horizon: int,
        levels: tuple[int, ...],
        progress: Progress | None = None,
        params: dict[str, Any] | None = None,
        min_parallel_rows: int = MIN_PARALLEL_ROWS,
    ) -> list[Forecast | None]:
        """One forecast (or ``None``) per row of ``values``, in row order.

        ``progress`` hears the share of rows done after every chunk. ``params`` go to the
        model's constructor; slow models (e.g. ``auto``) may lower ``min_parallel_rows`` so
        that even a few rows are spread over the workers.
        """
        n_chunks = max(1, min(values.shape[0], self.workers * CHUNKS_PER_WORKER))
        jobs = [
            _Job(model, chunk, labels, granularity, horizon, levels, dict(params or {}))
            for chunk in np.array_split(values, n_chunks)
        ]
        report = progress or (lambda _: None)
        results: list[list[Forecast | None]] = []
        if self.workers <= 1 or values.shape[0] < min_parallel_rows:
            for done, job in enumerate(jobs, start=1):
                results.append(_fit_rows(job))
                report(done / len(jobs))
            return [row for rows in results for row in rows]
        with children_allowed():
            futures = {self._pool().submit(_fit_rows, job): k for k, job in enumerate(jobs)}
        return _in_order(futures, report)

    def _pool(self) -> Executor:
        if self._executor is None:
            # spawn: forking a parent that may hold BLAS or server threads is unsafe.
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("spawn"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        return self._executor


def _in_order(
    futures: dict[Future[list[Forecast | None]], int], report: Progress
) -> list[Forecast | None]:
    """The chunks' rows in submission order, reporting each chunk as it completes."""
    chunks: list[list[Forecast | None]] = [[] for _ in futures]
    for done, future in enumerate(as_completed(futures), start=1):
        chunks[futures[future]] = future.result()
        report(done / len(futures))
    return [row for rows in chunks for row in rows]


def _fit_rows(job: _Job) -> list[Forecast | None]:
    """Worker entry point: fit and forecast every row of the chunk."""
    return [_fit_one(job, row) for row in job.values]


def _fit_one(job: _Job, row: FloatArray) -> Forecast | None:
    if not row.any():
        return None
    try:
        series = TimeSeries(row, job.labels, job.granularity)
        return make_model(job.model, **job.params).fit(series).predict(job.horizon, job.levels)
    except (InvalidInputError, ValueError, np.linalg.LinAlgError):
        return None
