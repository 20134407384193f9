"""Forecast accuracy metrics on plain arrays.

Ticket counts are often zero (weekends, quiet queues), so the percentage metrics say exactly
what they do with zeros instead of returning ``inf``; MASE is the one to rank models by because
it is scale-free and defined whenever the training series is not constant.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["coverage", "mae", "mape", "mase", "rmse", "smape"]

FloatArray = npt.NDArray[np.float64]


def _pair(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(actual, dtype=np.float64)
    f = np.asarray(forecast, dtype=np.float64)
    if y.shape != f.shape:
        raise ValueError(f"actual {y.shape} and forecast {f.shape} must have the same shape")
    return y, f


def _mean(values: FloatArray) -> float:
    """Mean that is ``nan`` (not a warning) for an empty array."""
    return float(values.mean()) if values.size else float("nan")


def mae(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    """Mean absolute error, in tickets."""
    y, f = _pair(actual, forecast)
    return _mean(np.abs(y - f))


def rmse(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    """Root mean squared error, in tickets; punishes the big misses that break staffing."""
    y, f = _pair(actual, forecast)
    return float(np.sqrt(_mean((y - f) ** 2)))


def mape(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    """Mean absolute percentage error, in percent.

    Periods whose actual is zero are left out of the mean (their percentage error is
    undefined); when every actual is zero the result is ``nan``.
    """
    y, f = _pair(actual, forecast)
    nonzero = y != 0
    return 100.0 * _mean(np.abs(y[nonzero] - f[nonzero]) / np.abs(y[nonzero]))


def smape(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    """Symmetric MAPE, ``200·|y−ŷ|/(|y|+|ŷ|)`` in percent (0..200); a 0/0 term counts as 0."""
    y, f = _pair(actual, forecast)
    denominator = np.abs(y) + np.abs(f)
    safe = np.where(denominator == 0, 1.0, denominator)
    terms = np.where(denominator == 0, 0.0, 200.0 * np.abs(y - f) / safe)
    return _mean(terms)


def mase(
    actual: npt.ArrayLike,
    forecast: npt.ArrayLike,
    training: npt.ArrayLike,
    season_length: int = 1,
) -> float:
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast.

    Below 1 means better than repeating the last season. ``nan`` when the training series is
    too short for one seasonal difference or the seasonal naive is perfect in-sample (scale 0).
    """
    history = np.asarray(training, dtype=np.float64)
    if season_length < 1:
        raise ValueError("season_length must be positive")
    if history.size <= season_length:
        return float("nan")
    scale = float(np.mean(np.abs(history[season_length:] - history[:-season_length])))
    if scale == 0:
        return float("nan")
    return mae(actual, forecast) / scale


def coverage(actual: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike) -> float:
    """Share (0..1) of actuals inside ``[lower, upper]``, bounds included."""
    y, low = _pair(actual, lower)
    _, high = _pair(actual, upper)
    return _mean(((y >= low) & (y <= high)).astype(np.float64))
