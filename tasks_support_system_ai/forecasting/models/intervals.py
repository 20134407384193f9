"""Turning errors into interval widths, and widths into a non-negative ``Forecast``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from tasks_support_system_ai.forecasting.base import FloatArray, Forecast, TimeSeries

__all__ = ["build_forecast", "conformal_quantile", "step_widths", "symmetric_bounds"]

Bounds = Mapping[int, tuple[FloatArray, FloatArray]]


def conformal_quantile(abs_errors: FloatArray, level: int) -> float:
    """The ⌈(n+1)·level⌉-th smallest error: covers a new error with probability ≥ level.

    With too few errors for that rank the largest one is used (slightly under-covering).
    """
    n = abs_errors.size
    if n == 0:
        return float("nan")
    rank = min(n, math.ceil((n + 1) * level / 100))
    return float(np.partition(abs_errors, rank - 1)[rank - 1])


def step_widths(errors_by_step: Sequence[FloatArray], level: int, steps: int) -> FloatArray:
    """Half-widths for steps ``1..steps`` from the absolute errors observed at each step.

    Widths never shrink with the step (errors accumulate); steps beyond the observed ones grow
    like a random walk, ``w_K·sqrt(k/K)``.
    """
    known = np.array([conformal_quantile(errors, level) for errors in errors_by_step])
    known = np.maximum.accumulate(known)
    if steps <= known.size:
        return known[:steps]
    last = known.size
    beyond = known[-1] * np.sqrt(np.arange(last + 1, steps + 1) / last)
    return np.concatenate([known, beyond])


def symmetric_bounds(mean: FloatArray, widths: Mapping[int, FloatArray]) -> Bounds:
    return {level: (mean - width, mean + width) for level, width in widths.items()}


def build_forecast(series: TimeSeries, mean: FloatArray, bounds: Bounds) -> Forecast:
    """Forecast for the periods after ``series``; ticket counts cannot go below zero."""
    horizon = mean.size
    return Forecast(
        mean=np.clip(mean, 0.0, None),
        dates=series.future_dates(horizon),
        lower={level: np.clip(low, 0.0, None) for level, (low, _) in bounds.items()},
        upper={level: np.clip(high, 0.0, None) for level, (_, high) in bounds.items()},
    )
