"""Recursive multi-step forecasting with any regressor, plus split-conformal intervals.

The regressor predicts one period ahead from lag features; longer horizons feed predictions
back in as lags. Intervals: a second copy of the regressor is trained without the last part
of the history (the calibration window) and forecasts recursively from every origin inside
it; the absolute errors at each step ``k`` give the half-width for step ``k``. These errors
include the compounding of recursive forecasts, which in-sample residuals would hide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, Self, TypedDict

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    DayArray,
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
from tasks_support_system_ai.forecasting.models._threads import single_threaded
from tasks_support_system_ai.forecasting.models.calendar import calendar_features
from tasks_support_system_ai.forecasting.models.intervals import (
    build_forecast,
    step_widths,
    symmetric_bounds,
)
from tasks_support_system_ai.forecasting.models.lags import LagSpec, default_lags
from tasks_support_system_ai.forecasting.state import restore_series

__all__ = ["RecursiveOptions", "RecursiveRegressor"]

_MIN_TRAIN_ROWS = 24
_MIN_CALIBRATION = 12
_MAX_CALIBRATION = 365


class Regressor(Protocol):
    def fit(self, X: FloatArray, y: FloatArray) -> Any: ...  # noqa: N803 (scikit-learn)
    def predict(self, X: FloatArray) -> Any: ...  # noqa: N803


class RecursiveOptions(TypedDict, total=False):
    """Options shared by every recursive model (see ``RecursiveRegressor``)."""

    lags: Sequence[int] | None
    windows: Sequence[int] | None
    calibration_fraction: float
    max_history: int | None
    country_holidays: str | None


@dataclass(frozen=True)
class _Fitted:
    series: TimeSeries
    spec: LagSpec
    final: Regressor  # trained on everything: gives the point forecast
    calibration: Regressor  # trained before ``calibration_start``: gives the errors
    calibration_start: int


class RecursiveRegressor:
    """Base class; subclasses name themselves and build the scikit-learn regressor.

    ``lags``/``windows`` default per granularity (``lags.default_lags``);
    ``calibration_fraction`` of the history is held out for the conformal errors.
    """

    name = "recursive"

    def __init__(
        self,
        *,
        lags: Sequence[int] | None = None,
        windows: Sequence[int] | None = None,
        calibration_fraction: float = 0.2,
        max_history: int | None = None,
        country_holidays: str | None = "RU",
    ) -> None:
        self.lags = lags
        self.windows = windows
        self.calibration_fraction = calibration_fraction
        self.max_history = max_history
        self.country_holidays = country_holidays
        self._fitted: _Fitted | None = None

    def _make_estimator(self) -> Regressor:
        raise NotImplementedError

    def fit(self, series: TimeSeries) -> Self:
        spec = self._spec(series)
        series = active_history(
            series, spec.lookback + _MIN_TRAIN_ROWS + _MIN_CALIBRATION, self.name
        )
        series = recent(series, self.max_history)
        start = len(series.values) - self._calibration_size(len(series.values), spec)
        # Built outside the thread limit: their import loads the OpenMP runtime, and a limit
        # only reaches runtimes already loaded when it is set.
        final, calibration = self._make_estimator(), self._make_estimator()
        with single_threaded():
            self._fitted = _Fitted(
                series=series,
                spec=spec,
                final=self._train(final, series, spec, len(series.values)),
                calibration=self._train(calibration, series, spec, start),
                calibration_start=start,
            )
        return self

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Loading from an artifact: put back the types JSON flattened.

        A ``str`` granularity would silently drop the weekday and holiday features (the
        estimators then reject the narrower rows) and the lag tuples come back as lists.
        """
        self.__dict__.update(state)
        self._fitted = _restore(self._fitted)

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        state = fitted(self._fitted, self.name)
        series, lookback = state.series, state.spec.lookback
        calendar = self._calendar(series.future_dates(horizon), series)
        context = series.values[None, -lookback:]
        with single_threaded():
            mean = _recursive(state.final, state.spec, context, calendar[None])[0]
            errors = self._calibration_errors(state, horizon)
        widths = {level: step_widths(errors, level, horizon) for level in levels}
        return build_forecast(series, mean, symmetric_bounds(mean, widths))

    def _spec(self, series: TimeSeries) -> LagSpec:
        default = default_lags(series.granularity)
        return LagSpec(
            lags=tuple(self.lags or default.lags), windows=tuple(self.windows or default.windows)
        )

    def _calibration_size(self, periods: int, spec: LagSpec) -> int:
        rows = periods - spec.lookback
        size = int(self.calibration_fraction * rows)
        size = min(max(size, _MIN_CALIBRATION), _MAX_CALIBRATION)
        return min(size, rows - _MIN_TRAIN_ROWS)

    def _calendar(self, dates: DayArray, series: TimeSeries) -> FloatArray:
        return calendar_features(dates, series.granularity, self.country_holidays)

    def _train(
        self, estimator: Regressor, series: TimeSeries, spec: LagSpec, end: int
    ) -> Regressor:
        """Fit on targets ``lookback..end-1``: each row sees the ``lookback`` values before it."""
        history = sliding_window_view(series.values[: end - 1], spec.lookback)
        features = np.hstack(
            [spec.features(history), self._calendar(series.dates[spec.lookback : end], series)]
        )
        estimator.fit(features, series.values[spec.lookback : end] - spec.level(history))
        return estimator

    def _calibration_errors(self, state: _Fitted, horizon: int) -> list[FloatArray]:
        """Absolute errors at steps ``1..K`` from every origin in the calibration window.

        ``K`` is at most half the window so each step still has enough errors; the interval
        code extends the widths beyond it.
        """
        values, start = state.series.values, state.calibration_start
        steps = min(horizon, max(1, (values.size - start) // 2))
        origins = np.arange(start, values.size)
        context = values[origins[:, None] + np.arange(-state.spec.lookback, 0)]
        dates = np.concatenate([state.series.dates, state.series.future_dates(steps)])
        calendar = self._calendar(dates, state.series)[origins[:, None] + np.arange(steps)]
        paths = _recursive(state.calibration, state.spec, context, calendar)
        errors = []
        for step in range(steps):
            valid = origins + step < values.size
            errors.append(np.abs(values[origins[valid] + step] - paths[valid, step]))
        return errors


def _restore(state: _Fitted | None) -> _Fitted | None:
    if state is None:
        return None
    spec = LagSpec(
        lags=tuple(int(lag) for lag in state.spec.lags),
        windows=tuple(int(window) for window in state.spec.windows),
    )
    return replace(state, series=restore_series(state.series), spec=spec)


def _recursive(
    estimator: Regressor, spec: LagSpec, context: FloatArray, calendar: FloatArray
) -> FloatArray:
    """Forecast every row of ``context`` (rows × lookback) over ``calendar`` (rows × steps × k).

    Each step's prediction (clipped at zero, like the counts it imitates) becomes a lag of
    the next; all rows advance together so scikit-learn is called once per step.
    """
    rows, steps = calendar.shape[:2]
    path = np.concatenate([context, np.zeros((rows, steps))], axis=1)
    for step in range(steps):
        history = path[:, step : step + spec.lookback]
        features = np.hstack([spec.features(history), calendar[:, step]])
        prediction = spec.level(history) + np.asarray(estimator.predict(features))
        path[:, spec.lookback + step] = np.clip(prediction, 0.0, None)
    result: FloatArray = path[:, spec.lookback :]
    return result
