"""Coherent forecasts for every queue at once: one vectorised model, then reconciliation.

All node loads and the own-ticket series of inner queues are forecast together by
``VectorisedETS`` and reconciled so each parent's forecast equals its own tickets plus its
children's loads. Weekly/monthly runs use complete periods only: a partial first or last
period (e.g. a cut-off on a Wednesday) would read as a sudden drop, so the period holding a
mid-period cut-off is forecast in full. Intervals are the base intervals shifted by the change
of the mean (see ``reconcile.shift_bounds``); everything is clipped at zero. ``model="auto"``
picks naive, VectorisedETS or statsmodels ETS per series by backtest (see ``tree_auto``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics import Granularity, QueueLoad
from tasks_support_system_ai.analytics.periods import (
    Calendar,
    as_date,
    parse_granularity,
    period_labels,
)
from tasks_support_system_ai.errors import InvalidInputError, NotFoundError
from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    SEASON_LENGTH,
    DayArray,
    FloatArray,
    Forecast,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.history import MAX_HORIZON_DAYS, PERIOD_DAYS, check_horizon
from tasks_support_system_ai.forecasting.reconcile import (
    Hierarchy,
    check_method,
    nonnegative,
    own_series_nodes,
    reconcile,
    shift_bounds,
)
from tasks_support_system_ai.forecasting.series_pool import Progress
from tasks_support_system_ai.forecasting.tree_auto import forecast_auto
from tasks_support_system_ai.forecasting.vectorised import MatrixForecast, VectorisedETS

__all__ = ["MAX_HORIZON_DAYS", "TREE_MODELS", "TreeForecast", "check_model", "forecast_tree"]

StrArray = npt.NDArray[np.str_]

IntArray = npt.NDArray[np.int64]
MAX_HISTORY = 730  # periods fed to the model; daily: two years
TREE_MODELS = ("vets", "auto")


@dataclass(frozen=True)
class TreeForecast:
    """Reconciled forecasts of every node's load; arrays are (n_nodes, h), rows = ``queue_ids``."""

    queue_ids: IntArray
    dates: DayArray
    mean: FloatArray
    lower: dict[int, FloatArray]
    upper: dict[int, FloatArray]
    method: str
    cutoff: date
    granularity: Granularity
    chosen: StrArray | None = None  # "auto" runs: each row's model name

    def for_queue(self, queue_id: int) -> Forecast:
        """One queue's slice (views, no copy); ``NotFoundError`` for an unknown id."""
        rows = np.flatnonzero(self.queue_ids == queue_id)
        if rows.size == 0:
            raise NotFoundError(
                f"Queue {queue_id} does not exist", code="queue_not_found", queue_id=queue_id
            )
        row = int(rows[0])
        return Forecast(
            mean=self.mean[row],
            dates=self.dates,
            lower={level: bound[row] for level, bound in self.lower.items()},
            upper={level: bound[row] for level, bound in self.upper.items()},
        )


def forecast_tree(
    load: QueueLoad,
    *,
    horizon: int,
    granularity: Granularity | str = Granularity.DAILY,
    cutoff: date | None = None,
    levels: Sequence[int] = DEFAULT_LEVELS,
    method: str = "mint_shrink",
    model: str = "vets",
    progress: Progress | None = None,
    top_auto: bool = False,
) -> TreeForecast:
    """Forecast every queue ``horizon`` periods past ``cutoff`` (default: the last data day).

    ``progress`` hears the share done of the per-series fits ("auto" runs only).
    ``top_auto`` (with ``model="auto"``): the root and first-level queues get single-series
    ``AutoModel`` over every model (see ``tree_auto``). Off by default: on the one open
    hierarchical set measured (website visitors, docs/quality.md) it made the top and bottom
    MASE worse than the per-queue naive/vets/es choice.
    """
    granularity = parse_granularity(granularity)
    check_horizon(horizon, granularity)
    check_method(method)
    check_model(model)
    inputs = _inputs(load, _cutoff_index(load.dates, cutoff), granularity)
    base, residuals, chosen = _base(
        inputs, granularity, horizon, levels, model, progress=progress, top_auto=top_auto
    )
    mean, lower, upper = _reconciled(base, inputs.hierarchy, method, residuals)
    n = len(load.tree)
    last = inputs.labels[-1:]
    return TreeForecast(
        queue_ids=load.tree.ids,
        dates=TimeSeries(np.zeros(1), last, granularity).future_dates(horizon),
        mean=mean[:n],
        lower={level: bound[:n] for level, bound in lower.items()},
        upper={level: bound[:n] for level, bound in upper.items()},
        method=method,
        cutoff=inputs.cutoff,
        granularity=granularity,
        chosen=None if chosen is None else chosen[:n],
    )


def check_model(model: str) -> None:
    """``unknown_model`` unless ``model`` is one of ``TREE_MODELS``."""
    if model not in TREE_MODELS:
        raise InvalidInputError(
            f"Unknown whole-tree model {model!r}; expected one of {', '.join(TREE_MODELS)}",
            code="unknown_model",
            model=model,
            valid=list(TREE_MODELS),
        )


def _base(
    inputs: _Inputs,
    granularity: Granularity,
    horizon: int,
    levels: Sequence[int],
    model: str,
    *,
    progress: Progress | None,
    top_auto: bool = False,
) -> tuple[MatrixForecast, FloatArray, StrArray | None]:
    """Unreconciled forecasts, their in-sample residuals and (for "auto") each row's model."""
    if model == "auto":
        auto = forecast_auto(
            inputs.values,
            inputs.labels,
            granularity,
            horizon=horizon,
            levels=levels,
            max_history=MAX_HISTORY,
            progress=progress,
            top_rows=inputs.top_rows if top_auto else None,
        )
        return auto.forecast, auto.residuals, auto.chosen
    vets = VectorisedETS(SEASON_LENGTH[granularity], max_history=MAX_HISTORY)
    return vets.fit(inputs.values).predict(horizon, levels), vets.residuals, None


@dataclass(frozen=True)
class _Inputs:
    """What the model sees: the hierarchy of ``y`` and its (n_all, P) values per period."""

    hierarchy: Hierarchy
    labels: DayArray
    values: FloatArray
    cutoff: date
    top_rows: IntArray  # the root and first-level queues (rows of ``values``)


def _inputs(load: QueueLoad, end: int, granularity: Granularity) -> _Inputs:
    """Loads of all nodes plus own tickets of inner nodes that have any, up to day ``end``.

    Only the days the model will look at are copied (``MAX_HISTORY`` periods and one spare).
    """
    days = load.dates[: end + 1]
    start = max(0, days.size - (MAX_HISTORY + 2) * PERIOD_DAYS[granularity])
    own = load.own_matrix()[:, start : end + 1]
    has_own = (own != 0).any(axis=1)
    rows = own_series_nodes(load.tree, has_own)
    series = np.vstack([load.matrix[:, start : end + 1], own[rows]]).astype(np.float64)
    labels, values = complete_periods(series, days[start:], granularity)
    hierarchy = Hierarchy.from_tree(load.tree, has_own)
    top_rows = np.flatnonzero(load.tree.levels <= 1).astype(np.int64)
    return _Inputs(hierarchy, labels, values, as_date(days[-1]), top_rows)


def complete_periods(
    series: FloatArray, days: DayArray, granularity: Granularity
) -> tuple[DayArray, FloatArray]:
    """Period labels and (n, P) sums over whole periods only; partial edge periods dropped.

    Same bins and labels as ``QueueLoad.resample`` (weeks Monday–Sunday labelled by Sunday,
    months by their last day); ``invalid_cutoff`` if fewer than two whole periods remain.
    """
    calendar = Calendar.of(days)
    ids = calendar.period_ids(granularity)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ids)) + 1)).astype(np.int64)
    sums = np.add.reduceat(series, starts, axis=1)
    labels = period_labels(ids[starts], granularity)
    keep = np.ones(starts.size, dtype=bool)
    if granularity is not Granularity.DAILY:
        first_days = _first_days(labels, granularity)
        keep[0] = days[0] == first_days[0]
        keep[-1] &= days[-1] == labels[-1]
    if keep.sum() < 2:
        raise InvalidInputError(
            "The cut-off leaves fewer than two whole periods of history",
            code="invalid_cutoff",
            granularity=granularity.value,
        )
    return labels[keep], sums[:, keep]


def _first_days(labels: DayArray, granularity: Granularity) -> DayArray:
    """First day of each labelled period (Monday of the week, 1st of the month)."""
    if granularity is Granularity.WEEKLY:
        return labels - np.timedelta64(6, "D")
    return labels.astype("datetime64[M]").astype("datetime64[D]")


def _reconciled(
    base: MatrixForecast, hierarchy: Hierarchy, method: str, residuals: FloatArray
) -> tuple[FloatArray, dict[int, FloatArray], dict[int, FloatArray]]:
    """Coherent non-negative means; base bounds moved with their means, clipped at zero."""
    mean = nonnegative(hierarchy, reconcile(base.mean, hierarchy, method, residuals))
    lower = shift_bounds(base.lower, base.mean, mean)
    upper = shift_bounds(base.upper, base.mean, mean)
    for level, bound in lower.items():
        # A base lower bound at 0 was clipped (its interval reached below zero, value unknown):
        # moving it up by a small change of the mean would drop the zero days it covered.
        bound[base.lower[level] <= 0] = 0.0
    for bounds in (lower, upper):
        for bound in bounds.values():
            np.maximum(bound, 0.0, out=bound)
    return mean, lower, upper


def _cutoff_index(dates: DayArray, cutoff: date | None) -> int:
    """Index of the cut-off day (inclusive); ``invalid_cutoff`` outside the data range."""
    if cutoff is None:
        return int(dates.size - 1)
    day = np.datetime64(cutoff, "D")
    if not dates[0] <= day <= dates[-1]:
        raise InvalidInputError(
            f"Cut-off must be between {as_date(dates[0])} and {as_date(dates[-1])}",
            code="invalid_cutoff",
            cutoff=str(cutoff),
        )
    return int((day - dates[0]).astype(np.int64))
