"""Seasonal median: each position of the next season is the median of that position over the
last few seasons (daily data: every Monday the median of the last eight Mondays).

A robust baseline where the mean-seeking models are weakest. On intermittent queues (a few
tickets on a few days) the median of mostly-zero days is zero, which is the forecast that
minimises absolute error there; on busy queues one odd week (a holiday, an outage) moves it
less than it moves the seasonal naive, which repeats that week.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from tasks_support_system_ai.forecasting.base import DEFAULT_LEVELS, FloatArray, Forecast
from tasks_support_system_ai.forecasting.checks import check_horizon, check_levels, fitted
from tasks_support_system_ai.forecasting.models.intervals import (
    build_forecast,
    conformal_quantile,
    symmetric_bounds,
)
from tasks_support_system_ai.forecasting.models.naive import SeasonalNaive

__all__ = ["SEASONS", "SeasonalMedian"]

SEASONS: Final = 8
"""Seasons the median looks back over (daily data: eight weeks)."""


class SeasonalMedian(SeasonalNaive):
    """The per-position median of the last ``seasons`` complete seasons (fewer if the history
    is shorter); intervals are quantiles of the absolute deviations from those medians.

    Fitting is the seasonal naive's (the active history, at least two seasons of it); only the
    forecast differs.
    """

    name = "median"

    def __init__(self, seasons: int = SEASONS, season_length: int | None = None) -> None:
        super().__init__(season_length)
        self.seasons = seasons

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        series = fitted(self._series, self.name)
        recent = _last_seasons(series.values, self._season, max(1, self.seasons))
        profile: FloatArray = np.median(recent, axis=0)
        mean = profile[np.arange(horizon) % self._season]
        deviations = np.abs(recent - profile).ravel()
        widths = {
            level: np.full(horizon, conformal_quantile(deviations, level)) for level in levels
        }
        return build_forecast(series, mean, symmetric_bounds(mean, widths))


def _last_seasons(values: FloatArray, season: int, seasons: int) -> FloatArray:
    """The last ``seasons`` complete seasons (as many as there are), one per row, aligned so
    that column j is the position the forecast's step j (mod season) falls on."""
    count = min(seasons, values.size // season)
    rows: FloatArray = values[values.size - count * season :].reshape(count, season)
    return rows
