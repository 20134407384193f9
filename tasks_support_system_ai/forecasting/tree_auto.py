"""Per-queue model choice for whole-tree forecasts ("auto"), by rolling-origin backtest MASE.

Every series (node loads and own-ticket series) is scored on the last ``WINDOWS`` windows of
``horizon`` periods by four candidates: the seasonal naive, the seasonal median and
``VectorisedETS`` (all three vectorised over all series) and statsmodels ETS ("es", per series
over a process pool). Each
series keeps the candidate with the lowest mean MASE; near ties (within ``TIE``) go to the
simpler model, in ``CANDIDATES`` order. Its base forecast and intervals then come from that
candidate refitted on the whole history (es only for the series that chose it).

The few series at the top of the tree (the root and the first level: ``top_rows``, when the
caller passes them) carry most of the load and may get single-series models the vectorised
ones cannot be: ``AutoModel`` over every catalogue model (``TOP_CANDIDATES``, with ``sarima`` and
``gbm``), which backtests them on three four-week windows; a row whose ``AutoModel`` fails keeps
the vectorised choice. Their ``chosen`` name is ``auto``. They keep the models' own (averaged)
intervals, like every other row of the tree, rather than ``AutoModel``'s conformal ones: that is
the combination measured after reconciliation (docs/quality.md); conformal widths inside the
tree are not measured yet.

Reconciliation needs in-sample one-step residuals of the base forecasts: naive rows use
seasonal differences (exactly its one-step errors), and so do median rows (a stand-in); es
rows use the VectorisedETS residuals, a close stand-in (same ETS(A,Ad,A) family), since the
workers do not ship residuals back.

Nearly all the time goes to the es fits (one pass per backtest window, one final pass), so
``progress`` hears the share of those passes done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.base import SEASON_LENGTH, DayArray, FloatArray
from tasks_support_system_ai.forecasting.series_pool import Progress, SeriesPool
from tasks_support_system_ai.forecasting.vectorised import MatrixForecast, VectorisedETS
from tasks_support_system_ai.forecasting.vectorised_naive import (
    median_forecast,
    median_mean,
    naive_forecast,
    naive_mean,
    naive_residuals,
)

__all__ = ["CANDIDATES", "AutoBase", "forecast_auto"]

StrArray = npt.NDArray[np.str_]
CANDIDATES = ("naive", "median", "vets", "es")  # simplest first: wins near ties
TOP_CANDIDATES = ("naive", "median", "es", "vets", "linear", "prophet", "sarima", "gbm")
NAIVE, MEDIAN, VETS, ES = range(len(CANDIDATES))
WINDOWS = 2
TIE = 1e-6  # relative MASE difference treated as a tie


@dataclass(frozen=True)
class AutoBase:
    """Unreconciled forecasts of every series, the residuals for MinT, and each row's model."""

    forecast: MatrixForecast
    residuals: FloatArray
    chosen: StrArray


@dataclass(frozen=True)
class _Setup:
    """Everything the candidates need besides the values."""

    labels: DayArray
    granularity: Granularity
    horizon: int
    levels: tuple[int, ...]
    max_history: int
    progress: Progress
    passes: int  # es passes: one per backtest window and the final fit

    def pass_progress(self, step: int) -> Progress:
        """``progress`` over all passes, for the share done of pass ``step``."""
        return lambda share: self.progress((step + share) / self.passes)

    @property
    def season(self) -> int:
        return SEASON_LENGTH[self.granularity]


def forecast_auto(
    values: FloatArray,
    labels: DayArray,
    granularity: Granularity,
    *,
    horizon: int,
    levels: Sequence[int],
    max_history: int,
    progress: Progress | None = None,
    top_rows: npt.NDArray[np.int64] | None = None,
) -> AutoBase:
    """Choose a model per row of the (n, T) ``values`` and forecast each row with it."""
    passes = len(_origins(values.shape[1], horizon, SEASON_LENGTH[granularity])) + 1
    report = progress or (lambda _: None)
    setup = _Setup(labels, granularity, horizon, tuple(levels), max_history, report, passes)
    with SeriesPool() as pool:
        best = choose(backtest_scores(values, setup, pool))
        base = _final(values, setup, best, pool)
        if top_rows is not None and top_rows.size:
            _single_series_auto(values, setup, pool, top_rows, base)
        return base


def _single_series_auto(
    values: FloatArray,
    setup: _Setup,
    pool: SeriesPool,
    rows: npt.NDArray[np.int64],
    base: AutoBase,
) -> None:
    """Replace ``rows`` of ``base`` (in place) by ``AutoModel`` forecasts over every model."""
    results = pool.forecast(
        "auto",
        values[rows, -setup.max_history :],
        setup.labels[-setup.max_history :],
        granularity=setup.granularity,
        horizon=setup.horizon,
        levels=setup.levels,
        params={"candidates": TOP_CANDIDATES, "intervals": "model"},
        min_parallel_rows=2,
    )
    for row, result in zip(rows, results, strict=True):
        if result is None:
            continue
        base.forecast.mean[row] = result.mean
        for level in setup.levels:
            base.forecast.lower[level][row] = result.lower[level]
            base.forecast.upper[level][row] = result.upper[level]
        base.chosen[row] = "auto"


def choose(scores: FloatArray) -> npt.NDArray[np.int64]:
    """Per column of (k, n) scores, the first candidate within ``TIE`` of the best."""
    scores = np.where(np.isnan(scores), np.inf, scores)
    floor = scores.min(axis=0) * (1 + TIE) + 1e-12
    best: npt.NDArray[np.int64] = np.argmax(scores <= floor, axis=0).astype(np.int64)
    return best


def backtest_scores(values: FloatArray, setup: _Setup, pool: SeriesPool) -> FloatArray:
    """(k, n) MASE of each candidate averaged over the last windows; ``inf`` if it failed.

    Without room for a window (short weekly/monthly histories) VectorisedETS wins by default.
    """
    origins = _origins(values.shape[1], setup.horizon, setup.season)
    if not origins:
        scores = np.full((len(CANDIDATES), values.shape[0]), np.inf)
        scores[VETS] = 0.0
        return scores
    total = np.zeros((len(CANDIDATES), values.shape[0]))
    for step, origin in enumerate(origins):
        train, actual = values[:, :origin], values[:, origin : origin + setup.horizon]
        forecasts = np.maximum(_candidate_means(train, setup, pool, step), 0.0)
        errors = np.abs(forecasts - actual[np.newaxis]).mean(axis=2)
        total += errors / _scale(train, setup.season)[np.newaxis]
    return total / len(origins)


def _origins(periods: int, horizon: int, season: int) -> list[int]:
    """Cut-offs of the backtest windows, newest last; each keeps two seasons to train on."""
    starts = [periods - w * horizon for w in range(WINDOWS, 0, -1)]
    return [s for s in starts if s >= 2 * season]


def _scale(train: FloatArray, season: int) -> FloatArray:
    """MASE denominators: in-sample seasonal-naive MAE, 1 where it is zero (then plain MAE)."""
    scale = np.abs(naive_residuals(train, season)).mean(axis=1)
    return np.where(scale > 0, scale, 1.0)


def _candidate_means(train: FloatArray, setup: _Setup, pool: SeriesPool, step: int) -> FloatArray:
    """(k, n, h) point forecasts of every candidate, NaN where a candidate failed."""
    vets = VectorisedETS(setup.season, max_history=setup.max_history).fit(train)
    es = _es_forecasts(train, setup, pool, np.arange(train.shape[0]), step)
    return np.stack(
        [
            naive_mean(train, setup.season, setup.horizon),
            median_mean(train, setup.season, setup.horizon),
            vets.predict(setup.horizon, setup.levels).mean,
            es.mean,
        ]
    )


def _es_forecasts(
    values: FloatArray,
    setup: _Setup,
    pool: SeriesPool,
    rows: npt.NDArray[np.int64],
    step: int,
) -> MatrixForecast:
    """es forecasts of ``rows`` as full (n, h) arrays, NaN in rows not fitted or rejected."""
    shape = (values.shape[0], setup.horizon)
    mean = np.full(shape, np.nan)
    lower = {level: np.full(shape, np.nan) for level in setup.levels}
    upper = {level: np.full(shape, np.nan) for level in setup.levels}
    labels = setup.labels[: values.shape[1]]  # backtest: the training periods
    results = pool.forecast(
        "es",
        values[rows],
        labels,
        granularity=setup.granularity,
        horizon=setup.horizon,
        levels=setup.levels,
        progress=setup.pass_progress(step),
    )
    for row, result in zip(rows, results, strict=True):
        if result is not None:
            mean[row] = result.mean
            for level in setup.levels:
                lower[level][row], upper[level][row] = result.lower[level], result.upper[level]
    return MatrixForecast(mean, lower, upper)


def _final(
    values: FloatArray, setup: _Setup, best: npt.NDArray[np.int64], pool: SeriesPool
) -> AutoBase:
    """Each row's forecast from its chosen candidate refitted on the whole history."""
    vets = VectorisedETS(setup.season, max_history=setup.max_history).fit(values)
    result = vets.predict(setup.horizon, setup.levels)
    naive = naive_forecast(values, setup.season, setup.horizon, setup.levels)
    median = median_forecast(values, setup.season, setup.horizon, setup.levels)
    es_rows = np.flatnonzero(best == ES).astype(np.int64)
    es = _es_forecasts(values, setup, pool, es_rows, setup.passes - 1)
    es_failed = es_rows[np.isnan(es.mean[es_rows, 0])]
    best = best.copy()
    best[es_failed] = VETS  # cannot happen unless the refit fails
    for k, source in ((NAIVE, naive), (MEDIAN, median), (ES, es)):
        _overwrite(result, source, best == k)
    chosen = np.array(CANDIDATES, dtype="<U8")[best]
    return AutoBase(result, _residuals(vets, values, setup, np.isin(best, (NAIVE, MEDIAN))), chosen)


def _overwrite(target: MatrixForecast, source: MatrixForecast, rows: npt.NDArray[np.bool_]) -> None:
    """Copy ``rows`` of every array of ``source`` into ``target`` in place."""
    target.mean[rows] = source.mean[rows]
    for level in target.lower:
        target.lower[level][rows] = source.lower[level][rows]
        target.upper[level][rows] = source.upper[level][rows]


def _residuals(
    vets: VectorisedETS, values: FloatArray, setup: _Setup, naive_rows: npt.NDArray[np.bool_]
) -> FloatArray:
    """VectorisedETS residuals, with seasonal differences for the rows that chose naive."""
    residuals = vets.residuals.copy()
    if vets.period == setup.season:  # same window and burn-in, so the shapes agree
        window = values[:, -setup.max_history :]
        residuals[naive_rows] = naive_residuals(window[naive_rows], setup.season)
    return residuals
