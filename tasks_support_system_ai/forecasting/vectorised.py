"""Damped-trend additive Holt-Winters for thousands of series at once, in one numpy recursion.

Whole-tree forecasts need one model per queue; fitting them one by one in Python is too slow, so
the recursion runs over time with every series (and every grid point of smoothing parameters)
in the same arrays. Each series keeps the grid point with the smallest in-sample one-step SSE.
Intervals are empirical quantiles of that series' own in-sample h-step errors, so they follow
the skew and heteroscedasticity of ticket counts without distributional assumptions. They are
measured at a dozen horizons and interpolated, widened by the usual sqrt(T / (T - k))
in-sample correction, and grown with the analytical ETS variance beyond the horizons the
history can measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, Self

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    FloatArray,
    Forecast,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.checks import active_history
from tasks_support_system_ai.forecasting.state import restore_series

__all__ = ["MatrixForecast", "VETSForecaster", "VectorisedETS"]

IntArray = npt.NDArray[np.int64]

ALPHAS = (0.02, 0.1, 0.3)
BETAS = (0.0, 0.005, 0.03)
GAMMAS = (0.02, 0.1, 0.25)
PHI = 0.9
MIN_ERRORS = 30  # fewer in-sample h-step errors than this: extrapolate the interval width
N_KNOTS = 12  # horizons at which error quantiles are measured; interpolated in between


@dataclass(frozen=True)
class MatrixForecast:
    """Point forecasts and interval bounds for many series: every array is (n_series, h)."""

    mean: FloatArray
    lower: dict[int, FloatArray] = field(default_factory=dict)
    upper: dict[int, FloatArray] = field(default_factory=dict)


@dataclass(frozen=True)
class _Params:
    """Smoothing parameters, one value per grid point or per series (broadcast together)."""

    alpha: FloatArray
    beta: FloatArray
    gamma: FloatArray
    phi: float


@dataclass(frozen=True)
class _States:
    """Level, trend and (updated) seasonal state after every period, each (T, n)."""

    level: FloatArray
    trend: FloatArray
    season: FloatArray


@dataclass(frozen=True)
class _Fitted:
    """Everything ``predict`` needs: the (T, n) history, chosen parameters and state path."""

    values: FloatArray
    params: _Params
    states: _States
    period: int
    residuals: FloatArray  # (n, T - period) one-step errors after the burn-in season


class VectorisedETS:
    """ETS(A,Ad,A) fitted to every row of an (n, T) matrix; the whole-tree default model."""

    def __init__(
        self,
        season_length: int,
        max_history: int = 730,
        *,
        alphas: Sequence[float] = ALPHAS,
        betas: Sequence[float] = BETAS,
        gammas: Sequence[float] = GAMMAS,
        phi: float = PHI,
    ) -> None:
        """``max_history``: only the last periods are used (old regimes only add noise)."""
        if season_length < 1 or max_history < 2:
            raise ValueError("season_length must be >= 1 and max_history >= 2")
        self.season_length = season_length
        self.max_history = max_history
        self._grid = _grid(alphas, betas, gammas, phi)
        self._fitted: _Fitted | None = None

    @property
    def period(self) -> int:
        """Season length actually used: 1 when the history holds fewer than two seasons."""
        return self._require().period

    @property
    def residuals(self) -> FloatArray:
        """In-sample one-step errors after the burn-in season, (n, T'): reconciliation input."""
        return self._require().residuals

    def fit(self, values: FloatArray) -> Self:
        """Pick each row's parameters from the grid by one-step SSE and keep its state path."""
        y = _history(values, self.max_history)
        m = self.season_length if y.shape[1] >= 2 * self.season_length else 1
        series = np.ascontiguousarray(y.T)
        best = np.argmin(_grid_sse(series, self._grid, m), axis=0)
        grid = self._grid
        params = _Params(grid.alpha[best, 0], grid.beta[best, 0], grid.gamma[best, 0], grid.phi)
        states, errors = _state_path(series, params, m)
        self._fitted = _Fitted(series, params, states, m, np.ascontiguousarray(errors[m:].T))
        return self

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> MatrixForecast:
        """Mean (n, h) from the final state; bounds from quantiles of in-sample h-step errors."""
        fitted = self._require()
        _check_request(horizon, levels)
        steps = np.arange(1, horizon + 1, dtype=np.int64)
        last = np.array([fitted.values.shape[0] - 1])
        mean = _point(fitted.states, fitted.params.phi, fitted.period, last, steps)[0]
        quantiles = _error_quantiles(fitted, steps, _probabilities(levels))
        lower = {lv: np.ascontiguousarray((mean + quantiles[i]).T) for i, lv in enumerate(levels)}
        upper = {
            lv: np.ascontiguousarray((mean + quantiles[-1 - i]).T) for i, lv in enumerate(levels)
        }
        return MatrixForecast(np.ascontiguousarray(mean.T), lower, upper)

    def _require(self) -> _Fitted:
        if self._fitted is None:
            raise RuntimeError("VectorisedETS is not fitted")
        return self._fitted


def _error_quantiles(fitted: _Fitted, steps: IntArray, probs: FloatArray) -> FloatArray:
    """(n_probs, h, n) error quantiles: measured at knots, interpolated, then extrapolated."""
    usable = fitted.values.shape[0] - fitted.period - MIN_ERRORS
    knots = _knots(min(int(steps[-1]), max(usable, 1)))
    measured = np.stack([_quantiles_at(fitted, int(k), probs) for k in knots], axis=1)
    inside = _interpolate(knots, measured, np.minimum(steps, knots[-1]))
    scale = _width_ratio(fitted.params, fitted.period, steps, int(knots[-1]))
    result: FloatArray = inside * (scale[np.newaxis] * _small_sample_factor(fitted))
    return result


def _small_sample_factor(fitted: _Fitted) -> float:
    """Widening for errors measured in-sample: sqrt(T / (T - k)), as in the usual ETS σ².

    k = m + 4 counts the initial states and smoothing parameters fitted to the same data; it
    matters for short monthly/weekly histories (in-sample errors there are optimistic).
    """
    periods = fitted.values.shape[0]
    dof = max(periods - (fitted.period + 4), periods / 4)
    return float(np.sqrt(periods / dof))


def _quantiles_at(fitted: _Fitted, h: int, probs: FloatArray) -> FloatArray:
    """Quantiles (n_probs, n) of y[t+h] minus its forecast from origin t, over all origins."""
    m = fitted.period
    origins = np.arange(m - 1, fitted.values.shape[0] - h, dtype=np.int64)
    if origins.size == 0:
        return np.zeros((probs.size, fitted.values.shape[1]))
    step = np.array([h], dtype=np.int64)
    forecasts = _point(fitted.states, fitted.params.phi, m, origins, step)[:, 0]
    result: FloatArray = np.quantile(fitted.values[origins + h] - forecasts, probs, axis=0)
    return result


def _grid(
    alphas: Sequence[float], betas: Sequence[float], gammas: Sequence[float], phi: float
) -> _Params:
    """All parameter combinations as (g, 1) columns, ready to broadcast against n series."""
    points = np.array(list(product(alphas, betas, gammas)), dtype=np.float64)
    return _Params(points[:, :1], points[:, 1:2], points[:, 2:3], phi)


def _history(values: FloatArray, max_history: int) -> FloatArray:
    """The last ``max_history`` columns as float64, rejecting shapes the recursion cannot use."""
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 2 or y.shape[1] < 2 or y.shape[0] < 1:
        raise InvalidInputError(
            "Need an (n_series, n_periods) matrix with at least 2 periods",
            code="insufficient_history",
            shape=list(y.shape),
        )
    if not np.isfinite(y).all():
        raise InvalidInputError("Series contain NaN or infinite values", code="invalid_series")
    return y[:, -max_history:]


def _initial(series: FloatArray, m: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Level and trend just before period 0 and the m seasonal states, from the first seasons.

    The level is the first season's mean moved back to period -1, the trend the change between
    the first two season means (zero without seasonality), the seasonals the first season's
    deviations from that line.
    """
    if m == 1:
        start = series[: min(series.shape[0], 5)].mean(axis=0)
        return start, np.zeros_like(start), np.zeros((1, *start.shape))
    first = series[:m].mean(axis=0)
    trend = (series[m : 2 * m].mean(axis=0) - first) / m
    offsets = np.arange(m, dtype=np.float64)[:, np.newaxis] - (m - 1) / 2
    season = series[:m] - (first + offsets * trend)
    return first - (m + 1) / 2 * trend, trend, season


def _grid_sse(series: FloatArray, grid: _Params, m: int) -> FloatArray:
    """(g, n) one-step SSE after the burn-in season for every grid point and series at once."""
    level0, trend0, season0 = _initial(series, m)
    shape = (grid.alpha.shape[0], series.shape[1])
    level = np.broadcast_to(level0, shape).copy()
    trend = np.broadcast_to(trend0, shape).copy()
    season = np.broadcast_to(season0[:, np.newaxis], (m, *shape)).copy()
    sse = np.zeros(shape)
    damped, error, scratch = np.empty(shape), np.empty(shape), np.empty(shape)
    for t in range(series.shape[0]):
        phase = season[t % m]
        np.multiply(trend, grid.phi, out=damped)
        np.add(level, damped, out=level)
        np.subtract(series[t], level, out=error)
        np.subtract(error, phase, out=error)
        np.multiply(error, grid.alpha, out=scratch)
        np.add(level, scratch, out=level)
        np.multiply(error, grid.beta, out=scratch)
        np.add(damped, scratch, out=trend)
        np.multiply(error, grid.gamma, out=scratch)
        np.add(phase, scratch, out=phase)
        if t >= m:
            np.multiply(error, error, out=scratch)
            np.add(sse, scratch, out=sse)
    return sse


def _state_path(series: FloatArray, params: _Params, m: int) -> tuple[_States, FloatArray]:
    """Run the chosen per-series parameters once more, keeping every state and one-step error."""
    level, trend, ring = _initial(series, m)
    level, trend, ring = level.copy(), trend.copy(), ring.copy()
    levels, trends, seasons, errors = (np.empty_like(series) for _ in range(4))
    for t in range(series.shape[0]):
        phase = t % m
        damped = params.phi * trend
        errors[t] = series[t] - (level + damped + ring[phase])
        level = level + damped + params.alpha * errors[t]
        trend = damped + params.beta * errors[t]
        ring[phase] = ring[phase] + params.gamma * errors[t]
        levels[t], trends[t], seasons[t] = level, trend, ring[phase]
    return _States(levels, trends, seasons), errors


def _damping_sums(phi: float, steps: IntArray | FloatArray) -> FloatArray:
    """phi + phi² + ... + phi^h for every h in ``steps``."""
    if phi == 1.0:
        return steps.astype(np.float64)
    result: FloatArray = phi * (1 - phi ** steps.astype(np.float64)) / (1 - phi)
    return result


def _point(states: _States, phi: float, m: int, origins: IntArray, steps: IntArray) -> FloatArray:
    """(len(origins), len(steps), n) forecasts made after each origin period, h steps ahead."""
    o = origins[:, np.newaxis]
    h = steps[np.newaxis, :]
    season_at = o + h - m * ((h - 1) // m + 1)  # the latest seasonal state of the same phase
    damp = _damping_sums(phi, steps)[np.newaxis, :, np.newaxis]
    base = states.level[origins][:, np.newaxis] + damp * states.trend[origins][:, np.newaxis]
    result: FloatArray = base + (states.season[season_at] if m > 1 else 0.0)
    return result


def _knots(max_h: int) -> IntArray:
    """Up to ``N_KNOTS`` distinct horizons from 1 to ``max_h``, dense where widths change fast."""
    return np.unique(np.round(np.geomspace(1, max(max_h, 1), N_KNOTS))).astype(np.int64)


def _interpolate(knots: IntArray, measured: FloatArray, steps: IntArray) -> FloatArray:
    """Linear interpolation over the horizon axis of (n_probs, n_knots, n) quantiles."""
    position = np.interp(steps, knots, np.arange(knots.size, dtype=np.float64))
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, knots.size - 1)
    weight = (position - below)[np.newaxis, :, np.newaxis]
    result: FloatArray = measured[:, below] * (1 - weight) + measured[:, above] * weight
    return result


def _width_ratio(params: _Params, m: int, steps: IntArray, last_knot: int) -> FloatArray:
    """(h, n) growth of the ETS forecast sd beyond the last measured horizon (1 up to it).

    Uses the class-1 ETS variance factor 1 + sum_{j<h} c_j², c_j = α + β·φ_j + γ·[m divides j].
    """
    js = np.arange(1, int(steps[-1]), dtype=np.float64)[:, np.newaxis]
    seasonal = (js % m == 0) if m > 1 else np.zeros_like(js, dtype=bool)
    damp = _damping_sums(params.phi, js)
    c = params.alpha + params.beta * damp + params.gamma * seasonal
    variance = np.concatenate([np.ones((1, c.shape[1])), 1 + np.cumsum(c**2, axis=0)])
    ratio = np.sqrt(variance / variance[last_knot - 1])
    result: FloatArray = np.where(steps[:, np.newaxis] > last_knot, ratio, 1.0)
    return result


def _probabilities(levels: Sequence[int]) -> FloatArray:
    """Lower tails of every level (in order) followed by the matching upper tails reversed."""
    tails = np.array([(100 - lv) / 200 for lv in levels])
    return np.concatenate([tails, 1 - tails[::-1]])


def _check_request(horizon: int, levels: Sequence[int]) -> None:
    if horizon < 1:
        raise InvalidInputError(
            "Horizon must be at least 1", code="invalid_horizon", horizon=horizon
        )
    bad = [lv for lv in levels if not 0 < lv < 100]
    if bad:
        raise InvalidInputError(
            "Interval levels must be between 0 and 100", code="invalid_level", levels=bad
        )


class VETSForecaster:
    """Single-series ``Forecaster`` ("vets") on top of the matrix model; forecasts clipped at 0."""

    name = "vets"

    def __init__(self, max_history: int = 730) -> None:
        self.max_history = max_history
        self._model: VectorisedETS | None = None
        self._series: TimeSeries | None = None

    def fit(self, series: TimeSeries) -> Self:
        """Checked like every catalogue model: from the first non-zero day, two seasons."""
        series = active_history(series, 2 * series.season_length, self.name)
        model = VectorisedETS(series.season_length, max_history=self.max_history)
        self._model = model.fit(series.values[np.newaxis, :])
        self._series = series
        return self

    def __setstate__(self, state: dict[str, Any]) -> None:
        """skops returns the series' Granularity as a plain string; make it an enum again."""
        self.__dict__.update(state)
        self._series = restore_series(self._series)

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        if self._model is None or self._series is None:
            raise RuntimeError("VETSForecaster is not fitted")
        matrix = self._model.predict(horizon, levels)
        return Forecast(
            mean=np.maximum(matrix.mean[0], 0.0),
            dates=self._series.future_dates(horizon),
            lower={lv: np.maximum(b[0], 0.0) for lv, b in matrix.lower.items()},
            upper={lv: np.maximum(b[0], 0.0) for lv, b in matrix.upper.items()},
        )
