"""Exponential smoothing (ETS) with a damped trend and weekly/yearly seasonality."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, Self

import numpy as np
import pandas as pd

from tasks_support_system_ai.forecasting.base import DEFAULT_LEVELS, Forecast, TimeSeries
from tasks_support_system_ai.forecasting.models._checks import (
    active_history,
    check_horizon,
    check_levels,
    fitted,
    recent,
)
from tasks_support_system_ai.forecasting.models._quiet import quiet_statsmodels
from tasks_support_system_ai.forecasting.models._smoothed_state import SmoothedState
from tasks_support_system_ai.forecasting.models._threads import single_threaded
from tasks_support_system_ai.forecasting.models.intervals import build_forecast

if TYPE_CHECKING:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults

__all__ = ["ExponentialSmoothing"]

# statsmodels' heuristic initialisation needs ten observations.
_MIN_PERIODS = 10


class ExponentialSmoothing(SmoothedState):
    """statsmodels ``ETSModel``: additive error, additive damped trend, additive seasonality.

    A damped trend keeps long horizons from running away on a queue's temporary growth. The
    default heuristic initialisation fits ~10x faster than estimating the initial states and
    is as accurate once two years of daily data have been smoothed. Seasonality is dropped
    when the history is too short to initialise it.
    """

    name = "es"

    def __init__(
        self,
        *,
        season_length: int | None = None,
        seasonal: bool = True,
        damped_trend: bool = True,
        max_history: int | None = 730,
        initialization: Literal["heuristic", "estimated"] = "heuristic",
    ) -> None:
        self.season_length = season_length
        self.seasonal = seasonal
        self.damped_trend = damped_trend
        self.max_history = max_history
        self.initialization = initialization
        self._result: ETSResults | None = None
        self._series: TimeSeries | None = None

    def fit(self, series: TimeSeries) -> Self:
        series = active_history(series, _MIN_PERIODS, self.name)
        with quiet_statsmodels(), single_threaded():
            self._result = self._model(series).fit(disp=False)
        self._series = series
        return self

    def _model(self, series: TimeSeries) -> ETSModel:
        """The unfitted model on the training window: shared by ``fit`` and loading."""
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        values = recent(series, self.max_history).values
        season = self._usable_season(values.size, self.season_length or series.season_length)
        return ETSModel(
            pd.Series(values),  # statsmodels 0.15 get_prediction fails on bare ndarrays
            error="add",
            trend="add",
            damped_trend=self.damped_trend,
            seasonal="add" if season else None,
            seasonal_periods=season,
            initialization_method=self.initialization,
        )

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        result, series = fitted(self._result, self.name), fitted(self._series, self.name)
        start = int(result.nobs)
        with quiet_statsmodels(), single_threaded():
            prediction = result.get_prediction(start=start, end=start + horizon - 1)
            frames = {level: prediction.summary_frame(alpha=1 - level / 100) for level in levels}
        mean = np.asarray(prediction.predicted_mean, dtype=np.float64)
        bounds = {
            level: (
                frame["pi_lower"].to_numpy(np.float64),
                frame["pi_upper"].to_numpy(np.float64),
            )
            for level, frame in frames.items()
        }
        return build_forecast(series, mean, bounds)

    def _usable_season(self, periods: int, season: int) -> int | None:
        """The season length, or ``None`` when too few full seasons exist to initialise it."""
        needed = max(2 * season, _MIN_PERIODS + 2 * (season // 2))
        return season if self.seasonal and season > 1 and periods >= needed else None
