"""Seasonal naive for every row of an (n, T) matrix at once: the whole-tree baseline candidate.

Same model as ``models.naive.SeasonalNaive`` (repeat the last season; intervals are conformal
quantiles of the absolute errors observed ``k`` seasons apart, never shrinking with ``k`` and
growing like a random walk past the seasons the history can measure), but computed with array
operations so thousands of queues cost one sort instead of thousands of Python calls. Errors
before a row's first non-zero period are ignored: those are days before the queue existed.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import FloatArray
from tasks_support_system_ai.forecasting.models.median import SEASONS
from tasks_support_system_ai.forecasting.vectorised import MatrixForecast

__all__ = ["median_forecast", "median_mean", "naive_forecast", "naive_mean", "naive_residuals"]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
MIN_ERRORS = 30  # as in SeasonalNaive: fewer errors k seasons apart and k is not measured


def naive_mean(values: FloatArray, season: int, horizon: int) -> FloatArray:
    """(n, h) point forecasts: the last ``season`` columns repeated."""
    steps = np.arange(horizon) % season
    result: FloatArray = values[:, -season:][:, steps]
    return result


def naive_forecast(
    values: FloatArray, season: int, horizon: int, levels: Sequence[int]
) -> MatrixForecast:
    """Point forecasts with symmetric empirical intervals at every level."""
    if values.shape[1] < season:
        raise InvalidInputError(
            f"The history has {values.shape[1]} periods; the seasonal naive model needs at "
            f"least one season ({season})",
            code="series_too_short",
        )
    mean = naive_mean(values, season, horizon)
    ahead = np.arange(horizon) // season  # 0 = one season ahead
    start = _first_active(values)
    lower, upper = {}, {}
    for level in levels:
        width = _widths(values, season, int(ahead[-1]) + 1, level, start)[:, ahead]
        lower[level], upper[level] = mean - width, mean + width
    return MatrixForecast(mean, lower, upper)


def median_mean(
    values: FloatArray, season: int, horizon: int, seasons: int = SEASONS
) -> FloatArray:
    """(n, h) seasonal-median point forecasts (``models.median.SeasonalMedian`` for every row);
    NaN where a row has no active period at that position of the season."""
    profile, _ = _median_profile(values, season, seasons)
    result: FloatArray = profile[:, np.arange(horizon) % season]
    return result


def median_forecast(
    values: FloatArray,
    season: int,
    horizon: int,
    levels: Sequence[int],
    seasons: int = SEASONS,
) -> MatrixForecast:
    """Seasonal medians with intervals from the absolute deviations around them (per row)."""
    profile, recent = _median_profile(values, season, seasons)
    mean: FloatArray = profile[:, np.arange(horizon) % season]
    deviations = np.abs(recent - np.tile(profile, recent.shape[1] // season))
    valid = np.isfinite(deviations)
    lower, upper = {}, {}
    for level in levels:
        width = _conformal(np.where(valid, deviations, 0.0), valid, level)[:, np.newaxis]
        lower[level], upper[level] = mean - width, mean + width
    return MatrixForecast(mean, lower, upper)


def _median_profile(values: FloatArray, season: int, seasons: int) -> tuple[FloatArray, FloatArray]:
    """(n, season) medians of the last complete seasons, and those (n, k·season) periods with
    the ones before each row's first non-zero period as NaN (the queue did not exist)."""
    count = max(1, min(seasons, values.shape[1] // season))
    width = count * season
    recent = values[:, -width:].astype(float, copy=True)
    offset = values.shape[1] - width
    before = np.arange(width)[np.newaxis, :] + offset < _first_active(values)[:, np.newaxis]
    recent[before] = np.nan
    by_season = recent.reshape(values.shape[0], count, season)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN positions: NaN, as wanted
        profile: FloatArray = np.nanmedian(by_season, axis=1)
    return profile, recent


def naive_residuals(values: FloatArray, season: int) -> FloatArray:
    """(n, T - season) one-step in-sample errors: this period minus the same one a season ago."""
    result: FloatArray = values[:, season:] - values[:, :-season]
    return result


def _first_active(values: FloatArray) -> IntArray:
    """Index of each row's first non-zero value (T for an all-zero row)."""
    nonzero = values != 0
    first = np.argmax(nonzero, axis=1)
    result: IntArray = np.where(nonzero.any(axis=1), first, values.shape[1]).astype(np.int64)
    return result


def _widths(
    values: FloatArray, season: int, seasons: int, level: int, start: IntArray
) -> FloatArray:
    """(n, seasons) half-widths for 1..seasons seasons ahead."""
    known: list[FloatArray] = []
    for k in range(1, seasons + 1):
        lag = k * season
        if values.shape[1] - lag < (1 if k == 1 else MIN_ERRORS):
            break
        errors = np.abs(values[:, lag:] - values[:, :-lag])
        valid = np.arange(errors.shape[1])[np.newaxis, :] >= start[:, np.newaxis]
        known.append(_conformal(errors, valid, level))
    if not known:
        return np.zeros((values.shape[0], seasons))
    measured = np.maximum.accumulate(np.stack(known, axis=1), axis=1)
    growth = np.sqrt(np.arange(1, seasons + 1) / measured.shape[1])
    beyond = measured[:, -1:] * growth[np.newaxis, measured.shape[1] :]
    return np.concatenate([measured, beyond], axis=1)


def _conformal(errors: FloatArray, valid: BoolArray, level: int) -> FloatArray:
    """Per row, the ⌈(n+1)·level⌉-th smallest valid error (the largest if too few; 0 if none)."""
    count = valid.sum(axis=1)
    rank = np.minimum(count, np.ceil((count + 1) * level / 100).astype(np.int64))
    ordered = np.sort(np.where(valid, errors, np.inf), axis=1)
    picked = np.take_along_axis(ordered, np.maximum(rank - 1, 0)[:, np.newaxis], axis=1)[:, 0]
    result: FloatArray = np.where(count > 0, picked, 0.0)
    return result
