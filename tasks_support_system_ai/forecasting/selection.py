"""Candidate backtests for ``auto`` that keep every window's errors, and the ranking by them.

``compare_models`` reports mean metrics (what the API returns); ``auto`` also needs each
window's forecast errors, to combine the best candidates and to size conformal intervals
(``models.conformal``) from the same fits, so nothing is fitted twice.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tasks_support_system_ai.forecasting.backtest import (
    MODEL_FAILURES,
    Metrics,
    ModelScore,
    average_metrics,
    cutoffs,
    failure_score,
    score,
)
from tasks_support_system_ai.forecasting.base import FloatArray, Forecaster, TimeSeries

__all__ = [
    "CandidateRun",
    "backtest_candidates",
    "combined_errors",
    "quiet_windows",
    "rank_key",
    "ranked",
    "recent",
]

MakeModel = Callable[..., Forecaster]


@dataclass(frozen=True)
class CandidateRun:
    """One candidate's backtest: its score (as ``compare_models`` gives) and raw errors."""

    score: ModelScore
    errors: FloatArray  # (windows, horizon): actual − point forecast; (0, horizon) if it failed
    window_mase: FloatArray  # (windows,): each window's MASE; empty if it failed


def backtest_candidates(
    names: Sequence[str],
    series: TimeSeries,
    horizon: int,
    windows: int,
    *,
    make: MakeModel,
    params: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, CandidateRun]:
    """Backtest each candidate on the same windows (point forecasts); failures are recorded.

    A history too short for the windows fails every candidate with ``series_too_short``.
    ``make`` is the catalogue's ``make_model``; an unknown name or invalid parameters are a
    client error, raised before anything is fitted.
    """
    params = params or {}
    canonical = {name: make(name, **params.get(name, {})).name for name in names}
    runs: dict[str, CandidateRun] = {}
    for name in names:
        started = time.perf_counter()
        try:
            results = [
                _window(make(name, **params.get(name, {})), series, cut, horizon)
                for cut in cutoffs(series, horizon, windows, horizon)
            ]
        except MODEL_FAILURES as error:
            failed = failure_score(canonical[name], error, time.perf_counter() - started)
            runs[name] = CandidateRun(failed, np.empty((0, horizon)), np.empty(0))
            continue
        metrics = average_metrics([result for result, _ in results])
        errors = np.stack([error for _, error in results])
        window_mase = np.array([result.mase for result, _ in results])
        seconds = time.perf_counter() - started
        score_ = ModelScore(canonical[name], metrics, seconds)
        runs[name] = CandidateRun(score_, errors, window_mase)
    return runs


def quiet_windows(series: TimeSeries, horizon: int, windows: int) -> int:
    """How many of the latest backtest windows lie in a trailing run of zeros, a season of
    which their training data already ended with.

    A queue that went quiet is a new regime: windows from before it (or the one forecast from
    the last busy day) measure how models handled the old load or the drop, not silence.
    """
    values = series.values
    active = np.flatnonzero(values)
    zeros = values.size - 1 - int(active[-1]) if active.size else values.size
    return max(0, min(windows, (zeros - series.season_length) // horizon))


def recent(run: CandidateRun, windows: int) -> CandidateRun:
    """``run`` scored on its last ``windows`` windows only (a failed run is returned as is)."""
    if run.score.metrics is None or windows >= run.window_mase.size:
        return run
    errors, window_mase = run.errors[-windows:], run.window_mase[-windows:]
    finite = window_mase[np.isfinite(window_mase)]
    metrics = replace(
        run.score.metrics,
        mae=float(np.mean(np.abs(errors))),
        mase=float(np.mean(finite)) if finite.size else float("nan"),
    )
    return CandidateRun(replace(run.score, metrics=metrics), errors, window_mase)


def rank_key(run: CandidateRun) -> tuple[float, float]:
    """Lower is better: by mean MASE, then MAE; failed or undefined scores last."""
    metrics = run.score.metrics
    if metrics is None:
        return (math.inf, math.inf)
    mase, mae = metrics.mase, metrics.mae
    return (mase if math.isfinite(mase) else math.inf, mae if math.isfinite(mae) else math.inf)


def ranked(runs: Mapping[str, CandidateRun]) -> list[str]:
    """Candidate names best first (stable: ties keep the given order)."""
    return sorted(runs, key=lambda name: rank_key(runs[name]))


def combined_errors(runs: Sequence[CandidateRun]) -> FloatArray:
    """Backtest errors of the equal-weight mean of ``runs``' forecasts (errors are linear)."""
    errors: FloatArray = np.mean(np.stack([run.errors for run in runs]), axis=0)
    return errors


def _window(
    model: Forecaster, series: TimeSeries, cut: int, horizon: int
) -> tuple[Metrics, FloatArray]:
    """Metrics and errors of a fresh ``model`` trained on the first ``cut`` periods."""
    train = series.head(cut)
    forecast = model.fit(train).predict(horizon, ())
    actual = series.values[cut : cut + horizon]
    return score(actual, forecast, train.values, series.season_length), actual - forecast.mean
