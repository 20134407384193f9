"""Seasonal naive: next season = last season. The baseline every other model must beat."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import numpy as np

from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    FloatArray,
    Forecast,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.checks import (
    active_history,
    check_horizon,
    check_levels,
    fitted,
)
from tasks_support_system_ai.forecasting.models.intervals import (
    build_forecast,
    step_widths,
    symmetric_bounds,
)
from tasks_support_system_ai.forecasting.state import restore_series

__all__ = ["SeasonalNaive"]

# Errors ``s`` seasons apart are used only while at least this many exist; beyond that the
# widths grow like a random walk from the last well-estimated season.
_MIN_ERRORS = 30


class SeasonalNaive:
    """Repeats the last season; intervals are empirical quantiles of past s-season-ahead errors.

    Using the errors actually observed ``s`` seasons apart (rather than a normal
    approximation) keeps coverage honest for skewed, heteroscedastic ticket counts.
    """

    name = "naive"

    def __init__(self, season_length: int | None = None) -> None:
        self.season_length = season_length
        self._series: TimeSeries | None = None
        self._season = 0

    def fit(self, series: TimeSeries) -> Self:
        season = self.season_length or series.season_length
        series = active_history(series, 2 * season, self.name)
        self._series, self._season = series, season
        return self

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Loading from an artifact: the stored series comes back with plain-JSON types."""
        self.__dict__.update(state)
        self._series = restore_series(self._series)

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        series = fitted(self._series, self.name)
        values, season = series.values, self._season
        steps = np.arange(horizon)
        mean = values[-season:][steps % season]
        seasons_ahead = steps // season + 1
        seasons = int(seasons_ahead[-1])
        errors = _season_errors(values, season, seasons)
        widths = {level: step_widths(errors, level, seasons)[seasons_ahead - 1] for level in levels}
        return build_forecast(series, mean, symmetric_bounds(mean, widths))


def _season_errors(values: FloatArray, season: int, seasons: int) -> list[FloatArray]:
    """Absolute in-sample errors of forecasting ``s`` seasons ahead, for s = 1, 2, …"""
    errors = [np.abs(values[season:] - values[:-season])]
    for ahead in range(2, seasons + 1):
        lag = ahead * season
        if values.size - lag < _MIN_ERRORS:
            break
        errors.append(np.abs(values[lag:] - values[:-lag]))
    return errors
