"""Single-series models fitted row by row over worker processes.

statsmodels fits hold the GIL, so threads would not help; chunks of rows go to a process pool
(one worker per available core) that lives as long as the ``SeriesPool`` context, so the
backtest and the final fits pay the workers' start-up (importing statsmodels) once. Small
batches run in-process: spawning workers costs more than it saves. Rows a model rejects
(all zero, too short) come back as ``None``.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from types import TracebackType
from typing import Self

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import DayArray, FloatArray, Forecast, TimeSeries
from tasks_support_system_ai.forecasting.models.catalogue import make_model

__all__ = ["SeriesPool"]

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
    ) -> list[Forecast | None]:
        """One forecast (or ``None``) per row of ``values``, in row order."""
        n_chunks = max(1, min(values.shape[0], self.workers * CHUNKS_PER_WORKER))
        jobs = [
            _Job(model, chunk, labels, granularity, horizon, levels)
            for chunk in np.array_split(values, n_chunks)
        ]
        if self.workers <= 1 or values.shape[0] < MIN_PARALLEL_ROWS:
            return [row for job in jobs for row in _fit_rows(job)]
        return [row for rows in self._pool().map(_fit_rows, jobs) for row in rows]

    def _pool(self) -> Executor:
        if self._executor is None:
            # spawn: forking a parent that may hold BLAS or server threads is unsafe.
            self._executor = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
        return self._executor


def _fit_rows(job: _Job) -> list[Forecast | None]:
    """Worker entry point: fit and forecast every row of the chunk."""
    return [_fit_one(job, row) for row in job.values]


def _fit_one(job: _Job, row: FloatArray) -> Forecast | None:
    if not row.any():
        return None
    try:
        model = make_model(job.model).fit(TimeSeries(row, job.labels, job.granularity))
        return model.predict(job.horizon, job.levels)
    except (InvalidInputError, ValueError, np.linalg.LinAlgError):
        return None
