"""Rolling-origin backtests: how a model would have done had it forecast from past cut-offs.

Results are plain dataclasses of floats/ints/strings so the API can return them as JSON
(``to_dict`` turns the ``nan`` of undefined metrics into ``null``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

import numpy as np

from tasks_support_system_ai.errors import InvalidInputError, SupportAIError
from tasks_support_system_ai.forecasting import metrics
from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    FloatArray,
    Forecast,
    Forecaster,
    ModelMaker,
    TimeSeries,
)

__all__ = [
    "MODEL_FAILURES",
    "BacktestResult",
    "Metrics",
    "ModelScore",
    "WindowResult",
    "average_metrics",
    "backtest",
    "compare_models",
    "cutoffs",
    "failure_score",
    "score",
]

# Failures a model may legitimately have on one series (too short, singular fit, Stan
# giving up); anything else is a bug and should surface.
MODEL_FAILURES = (SupportAIError, ValueError, ArithmeticError, RuntimeError)


@dataclass(frozen=True, slots=True)
class Metrics:
    mae: float
    rmse: float
    mape: float
    smape: float
    mase: float
    coverage: dict[int, float]  # level -> share of actuals inside that interval


@dataclass(frozen=True, slots=True)
class WindowResult:
    cutoff: str  # ISO date of the last period the model was trained on
    train_size: int
    metrics: Metrics


@dataclass(frozen=True, slots=True)
class BacktestResult:
    model: str
    horizon: int
    windows: list[WindowResult]
    metrics: Metrics  # mean over windows, ignoring windows where a metric is undefined

    def to_dict(self) -> dict[str, Any]:
        safe: dict[str, Any] = _json_safe(asdict(self))
        return safe


@dataclass(frozen=True, slots=True)
class ModelScore:
    """One model's outcome in a comparison: its metrics, or why it could not run."""

    model: str
    metrics: Metrics | None
    seconds: float
    error: str | None = None
    error_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        safe: dict[str, Any] = _json_safe(asdict(self))
        return safe


def score(actual: FloatArray, forecast: Forecast, training: FloatArray, season: int) -> Metrics:
    """All metrics of one forecast against what actually happened."""
    return Metrics(
        mae=metrics.mae(actual, forecast.mean),
        rmse=metrics.rmse(actual, forecast.mean),
        mape=metrics.mape(actual, forecast.mean),
        smape=metrics.smape(actual, forecast.mean),
        mase=metrics.mase(actual, forecast.mean, training, season),
        coverage={
            level: metrics.coverage(actual, forecast.lower[level], forecast.upper[level])
            for level in forecast.lower
        },
    )


def backtest(
    model_factory: Callable[[], Forecaster],
    series: TimeSeries,
    *,
    horizon: int,
    windows: int = 3,
    step: int | None = None,
    levels: Sequence[int] = DEFAULT_LEVELS,
) -> BacktestResult:
    """Fit a fresh model at each cut-off ``len − horizon − k·step`` (k = windows−1 … 0).

    ``step`` defaults to ``horizon``: consecutive test windows touch without overlapping.
    """
    step = horizon if step is None else step
    cuts = cutoffs(series, horizon, windows, step)
    results = [_window(model_factory, series, cut, horizon, levels) for cut in cuts]
    return BacktestResult(
        model=model_factory().name,
        horizon=horizon,
        windows=results,
        metrics=average_metrics([result.metrics for result in results]),
    )


def compare_models(
    names: Sequence[str],
    series: TimeSeries,
    horizon: int,
    windows: int = 3,
    *,
    make_model: ModelMaker,
    step: int | None = None,
    levels: Sequence[int] = DEFAULT_LEVELS,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, ModelScore]:
    """Backtest each named model on the same windows; a model that fails is recorded, not fatal.

    Unknown names and invalid parameters are a client error and are rejected before anything
    runs. ``params`` maps a name to its constructor parameters; ``make_model`` is the
    catalogue's (``forecasting.models.make_model``).
    """
    params = params or {}
    canonical = {name: make_model(name, **params.get(name, {})).name for name in names}
    scores = {}
    for name in names:
        options = params.get(name, {})
        started = time.perf_counter()
        try:
            result = backtest(
                partial(make_model, name, **options),
                series,
                horizon=horizon,
                windows=windows,
                step=step,
                levels=levels,
            )
        except MODEL_FAILURES as error:
            scores[name] = failure_score(canonical[name], error, time.perf_counter() - started)
        else:
            scores[name] = ModelScore(
                canonical[name], result.metrics, time.perf_counter() - started
            )
    return scores


def cutoffs(series: TimeSeries, horizon: int, windows: int, step: int) -> list[int]:
    """Training lengths of the windows, oldest first; the last window ends on the last period."""
    if min(horizon, windows, step) < 1:
        raise InvalidInputError(
            "horizon, windows and step must be at least 1",
            code="invalid_backtest",
            horizon=horizon,
            windows=windows,
            step=step,
        )
    available = len(series.values)
    needed = horizon + (windows - 1) * step + series.season_length + 1
    if available < needed:
        raise InvalidInputError(
            f"A backtest of {windows} windows of {horizon} periods needs at least {needed} "
            f"periods of history; the series has {available}",
            code="series_too_short",
            needed=needed,
            available=available,
        )
    return [available - horizon - k * step for k in range(windows - 1, -1, -1)]


def _window(
    model_factory: Callable[[], Forecaster],
    series: TimeSeries,
    cut: int,
    horizon: int,
    levels: Sequence[int],
) -> WindowResult:
    train = series.head(cut)
    forecast = model_factory().fit(train).predict(horizon, levels)
    actual = series.values[cut : cut + horizon]
    return WindowResult(
        cutoff=str(series.dates[cut - 1]),
        train_size=cut,
        metrics=score(actual, forecast, train.values, series.season_length),
    )


def average_metrics(results: Sequence[Metrics]) -> Metrics:
    """Mean of each metric over windows, ignoring windows where it is undefined."""

    def mean(values: Sequence[float]) -> float:
        finite = [value for value in values if not math.isnan(value)]
        return float(np.mean(finite)) if finite else float("nan")

    return Metrics(
        mae=mean([m.mae for m in results]),
        rmse=mean([m.rmse for m in results]),
        mape=mean([m.mape for m in results]),
        smape=mean([m.smape for m in results]),
        mase=mean([m.mase for m in results]),
        coverage={
            level: mean([m.coverage[level] for m in results]) for level in results[0].coverage
        },
    )


def failure_score(model: str, error: Exception, seconds: float) -> ModelScore:
    """A model's failure as a score: its error code and message instead of metrics."""
    code = error.code if isinstance(error, SupportAIError) else type(error).__name__
    message = error.message if isinstance(error, SupportAIError) else str(error)
    return ModelScore(model, None, seconds, error=message, error_code=code)


def _json_safe(value: Any) -> Any:
    """Replace ``nan``/``inf`` (not valid JSON) with ``None``, recursively."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value
