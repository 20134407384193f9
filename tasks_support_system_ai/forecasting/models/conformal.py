"""Split-conformal prediction intervals from a model's own backtest errors.

A model's built-in intervals assume its error model is right; on real counts they often are
not (too wide on smooth web traffic, too narrow after level shifts). The backtest that chose
the model already measured how far its forecasts missed over whole windows of the same
horizon, so the half-width at level ``l`` is the conformal ``l``-quantile of those absolute
errors, pooled over every window and step: with ``n`` errors it covers a new one with
probability ≥ ``l`` when errors are exchangeable across windows. Pooling steps (one width for
the backtested horizon) rather than taking a quantile per step keeps enough errors for the
95 % rank (three 28-day windows give 84, but only 3 per step); steps past the backtested
horizon widen like a random walk, ``w·sqrt(k/K)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tasks_support_system_ai.forecasting.base import FloatArray, Forecast
from tasks_support_system_ai.forecasting.models.intervals import conformal_quantile

__all__ = ["MIN_ERRORS", "conformal_forecast", "conformal_widths", "enough_errors"]

# Fewer errors than this (e.g. one short window) say too little about the tails: the model's
# own intervals are kept instead.
MIN_ERRORS = 20


def enough_errors(errors: FloatArray) -> bool:
    """Whether ``errors`` (windows, steps) can size intervals: ``MIN_ERRORS`` finite ones."""
    return errors.ndim == 2 and int(np.isfinite(errors).sum()) >= MIN_ERRORS


def conformal_widths(errors: FloatArray, level: int, horizon: int) -> FloatArray:
    """Half-widths for steps ``1..horizon`` from (windows, steps) backtest errors."""
    finite = np.abs(errors[np.isfinite(errors)])
    width = conformal_quantile(finite, level)
    known = errors.shape[-1]
    steps = np.arange(1, horizon + 1, dtype=np.float64)
    growth: FloatArray = np.sqrt(np.maximum(steps / known, 1.0))
    return width * growth


def conformal_forecast(forecast: Forecast, errors: FloatArray, levels: Sequence[int]) -> Forecast:
    """``forecast`` with symmetric conformal bounds, clipped at zero like every forecast.

    Returns ``forecast`` unchanged when ``errors`` holds fewer than ``MIN_ERRORS`` finite ones.
    """
    if not enough_errors(errors):
        return forecast
    horizon = forecast.mean.size
    lower: dict[int, FloatArray] = {}
    upper: dict[int, FloatArray] = {}
    for level in levels:
        width = conformal_widths(errors, level, horizon)
        lower[level] = np.clip(forecast.mean - width, 0.0, None)
        upper[level] = np.clip(forecast.mean + width, 0.0, None)
    return Forecast(mean=forecast.mean, dates=forecast.dates, lower=lower, upper=upper)
