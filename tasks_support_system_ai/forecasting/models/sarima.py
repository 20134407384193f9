"""Seasonal ARIMA via statsmodels' state-space SARIMAX."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Self

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
    recent,
)
from tasks_support_system_ai.forecasting.models._quiet import quiet_statsmodels
from tasks_support_system_ai.forecasting.models._smoothed_state import SmoothedState
from tasks_support_system_ai.forecasting.models._threads import single_threaded
from tasks_support_system_ai.forecasting.models.intervals import build_forecast

if TYPE_CHECKING:
    from statsmodels.tsa.statespace.sarimax import SARIMAX, SARIMAXResults

__all__ = ["Sarima"]

Order = tuple[int, int, int]
_MIN_PERIODS = 30


class Sarima(SmoothedState):
    """SARIMA(p,d,q)(P,D,Q,s), by default (1,0,1)(1,1,1,s) with a drift term.

    One seasonal difference removes the weekly profile, the drift carries a linear trend
    through it, and the ARMA terms absorb the short-lived level shifts. The state-space fit
    is the slowest of the classical models, so only the last ``max_history`` periods are used.
    Seasons longer than ``max_season`` (weekly data, s = 52) would need a 100+-dimensional
    state and a fit far too slow for a request, so there the seasonal part is dropped and one
    regular difference tracks the level instead.
    """

    name = "sarima"

    def __init__(
        self,
        *,
        order: Order = (1, 0, 1),
        seasonal_order: Order = (1, 1, 1),
        season_length: int | None = None,
        trend: str | None = "c",
        max_history: int | None = 365,
        max_iterations: int = 50,
        max_season: int = 24,
    ) -> None:
        self.order = order
        self.seasonal_order = seasonal_order
        self.season_length = season_length
        self.trend = trend
        self.max_history = max_history
        self.max_iterations = max_iterations
        self.max_season = max_season
        self._result: SARIMAXResults | None = None
        self._series: TimeSeries | None = None

    def fit(self, series: TimeSeries) -> Self:
        season = self.season_length or series.season_length
        # One season is lost to differencing; two more estimate the seasonal terms.
        needed = max(3 * self._orders(season)[1][3], _MIN_PERIODS)
        series = active_history(series, needed, self.name)
        with quiet_statsmodels(), single_threaded():
            self._result = self._model(series).fit(disp=False, maxiter=self.max_iterations)
        self._series = series
        return self

    def _restore_fields(self) -> None:
        # JSON turned the order tuples into lists.
        self.order, self.seasonal_order = _order(self.order), _order(self.seasonal_order)

    def _model(self, series: TimeSeries) -> SARIMAX:
        """The unfitted model on the training window: shared by ``fit`` and loading."""
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        order, seasonal_order = self._orders(self.season_length or series.season_length)
        return SARIMAX(
            recent(series, self.max_history).values,
            order=order,
            seasonal_order=seasonal_order,
            trend=self.trend,
        )

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        result, series = fitted(self._result, self.name), fitted(self._series, self.name)
        with quiet_statsmodels(), single_threaded():
            prediction = result.get_forecast(horizon)
            mean = np.asarray(prediction.predicted_mean, dtype=np.float64)
            bounds = {
                level: _bounds(prediction.conf_int(alpha=1 - level / 100)) for level in levels
            }
        return build_forecast(series, mean, bounds)

    def _orders(self, season: int) -> tuple[Order, tuple[int, int, int, int]]:
        if season <= self.max_season:
            return self.order, (*self.seasonal_order, season)
        p, d, q = self.order
        return (p, max(d, 1), q), (0, 0, 0, 0)


def _order(values: Sequence[int]) -> Order:
    p, d, q = (int(value) for value in values)
    return p, d, q


def _bounds(interval: object) -> tuple[FloatArray, FloatArray]:
    array = np.asarray(interval, dtype=np.float64)
    return array[:, 0], array[:, 1]
