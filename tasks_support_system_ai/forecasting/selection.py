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
from functools import partial
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
    "Race",
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


@dataclass(frozen=True)
class Race:
    """Stop slow candidates early: each is scored on the latest window first and dropped if
    its MASE there exceeds ``1 + slack`` times the ``keep``-th best fast candidate's."""

    slow: frozenset[str]  # canonical model names backtested after the fast ones
    keep: int  # how many candidates the rule keeps (a slow one must be able to enter them)
    slack: float

    def bar(self, runs: Mapping[str, CandidateRun]) -> float | None:
        """The latest-window MASE a slow candidate must not exceed; None: not enough runs."""
        latest = sorted(
            float(run.window_mase[-1])
            for run in runs.values()
            if run.window_mase.size and math.isfinite(run.window_mase[-1])
        )
        return latest[self.keep - 1] * (1 + self.slack) if len(latest) >= self.keep else None


def backtest_candidates(
    names: Sequence[str],
    series: TimeSeries,
    horizon: int,
    windows: int,
    *,
    make: MakeModel,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    race: Race | None = None,
) -> dict[str, CandidateRun]:
    """Backtest each candidate on the same windows (point forecasts); failures are recorded.

    A history too short for the windows fails every candidate with ``series_too_short``; a
    slow candidate stopped by ``race`` is recorded with the error code ``pruned``. ``make`` is
    the catalogue's ``make_model``; an unknown name or invalid parameters are a client error,
    raised before anything is fitted. Results come back in the order of ``names``.
    """
    params = params or {}
    canonical = {name: make(name, **params.get(name, {})).name for name in names}
    slow = race.slow if race is not None else frozenset()
    runs: dict[str, CandidateRun] = {}
    for name in sorted(names, key=lambda name: canonical[name] in slow):  # stable: fast first
        bar = race.bar(runs) if race is not None and canonical[name] in slow else None
        model = partial(make, name, **params.get(name, {}))
        runs[name] = _run(model, canonical[name], series, (horizon, windows), bar=bar)
    return {name: runs[name] for name in names}


def _run(
    model: Callable[[], Forecaster],
    canonical: str,
    series: TimeSeries,
    plan: tuple[int, int],
    *,
    bar: float | None,
) -> CandidateRun:
    """One candidate's (horizon, windows) backtest, the latest window first so that ``bar``
    can stop it after one."""
    horizon, windows = plan
    started = time.perf_counter()
    empty = CandidateRun(ModelScore(canonical, None, 0.0), np.empty((0, horizon)), np.empty(0))
    try:
        cuts = cutoffs(series, horizon, windows, horizon)
        if bar is not None and bar <= 0:  # fast candidates were exact: a tie at best
            message = "not fitted: faster candidates forecast the latest window exactly"
            return replace(empty, score=_pruned(canonical, message, started))
        latest = _window(model(), series, cuts[-1], horizon)
        if bar is not None and not latest[0].mase <= bar:
            message = f"stopped after the latest window: MASE {latest[0].mase:.3g} > {bar:.3g}"
            return replace(empty, score=_pruned(canonical, message, started))
        results = [*(_window(model(), series, cut, horizon) for cut in cuts[:-1]), latest]
    except MODEL_FAILURES as error:
        return replace(empty, score=failure_score(canonical, error, time.perf_counter() - started))
    metrics = average_metrics([result for result, _ in results])
    errors = np.stack([error for _, error in results])
    window_mase = np.array([result.mase for result, _ in results])
    score_ = ModelScore(canonical, metrics, time.perf_counter() - started)
    return CandidateRun(score_, errors, window_mase)


def _pruned(canonical: str, message: str, started: float) -> ModelScore:
    seconds = time.perf_counter() - started
    return ModelScore(canonical, None, seconds, error=message, error_code="pruned")


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
