"""Prophet: piecewise-linear trend + weekly/yearly Fourier seasonality + Russian holidays.

Fitted on ``log1p`` of the counts by default. On the raw scale a trend fitted through a
spike-and-decay (or a multiplicative season on a falling trend) extrapolates below zero, and
after clipping a forecast of exactly 0 for every day was observed on real web traffic; in log
space the trend can only shrink the forecast towards zero, additive seasonality there is a
multiplicative weekly swing, and intervals stay skewed like the counts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, Self

import numpy as np
import pandas as pd

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
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
from tasks_support_system_ai.forecasting.models._quiet import quiet_prophet
from tasks_support_system_ai.forecasting.models.intervals import build_forecast
from tasks_support_system_ai.forecasting.state import restore_series, without

if TYPE_CHECKING:
    from prophet import Prophet

__all__ = ["ProphetModel"]

_TWO_YEARS = np.timedelta64(730, "D")


class ProphetModel:
    """Prophet fitted once; every interval level comes from the same predictive samples.

    Prophet's own ``interval_width`` allows one level per fit, so the bounds are quantiles of
    ``predictive_samples`` instead. Yearly seasonality is only switched on with two years of
    history (one year cannot tell a yearly wave from trend); holidays only apply to daily data.
    Sampling uses numpy's global generator (Prophet offers no other), seeded with
    ``random_state`` and restored afterwards so repeated requests give identical intervals.
    """

    name = "prophet"

    def __init__(
        self,
        *,
        country_holidays: str | None = "RU",
        seasonality_mode: Literal["additive", "multiplicative"] = "additive",
        transform: Literal["log1p", "none"] = "log1p",
        changepoint_prior_scale: float = 0.05,
        uncertainty_samples: int = 500,
        max_history: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.country_holidays = country_holidays
        self.seasonality_mode = seasonality_mode
        self.transform = transform
        self.changepoint_prior_scale = changepoint_prior_scale
        self.uncertainty_samples = uncertainty_samples
        self.max_history = max_history
        self.random_state = random_state
        self._model: Prophet | None = None
        self._series: TimeSeries | None = None

    def fit(self, series: TimeSeries) -> Self:
        series = active_history(series, 2 * series.season_length, self.name)
        history = recent(series, self.max_history)
        frame = pd.DataFrame({"ds": pd.to_datetime(history.dates), "y": self._to_model(history)})
        with quiet_prophet():
            self._model = self._build(history).fit(frame)
        self._series = series
        return self

    def __getstate__(self) -> dict[str, Any]:
        """Plain data only: Prophet's own JSON instead of its Stan-backed objects.

        ``model_to_json`` holds the fitted parameters and everything ``predict`` needs, and a
        JSON string cannot run code when the artifact is loaded.
        """
        from prophet.serialize import model_to_json

        state = without(self.__dict__, "_model")
        state["_model_json"] = None if self._model is None else model_to_json(self._model)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Rebuild the fitted model from its JSON; nothing is re-estimated."""
        from prophet.serialize import model_from_json

        state = dict(state)
        state.setdefault("transform", "none")  # saved before the log fit: raw counts
        text = state.pop("_model_json", None)
        self.__dict__.update(state)
        self._series = restore_series(self._series)
        with quiet_prophet():
            self._model = None if text is None else model_from_json(text)

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        model, series = fitted(self._model, self.name), fitted(self._series, self.name)
        future = pd.DataFrame({"ds": pd.to_datetime(series.future_dates(horizon))})
        with quiet_prophet(), _seeded(self.random_state):
            mean = self._from_model(model.predict(future)["yhat"].to_numpy(np.float64))
            if not levels:  # point forecasts only (backtests that rank by MASE)
                return build_forecast(series, mean, {})
            samples = self._from_model(model.predictive_samples(future)["yhat"])
        bounds = {
            level: (
                np.quantile(samples, (1 - level / 100) / 2, axis=1),
                np.quantile(samples, (1 + level / 100) / 2, axis=1),
            )
            for level in levels
        }
        return build_forecast(series, mean, bounds)

    def _logged(self, series: TimeSeries | None = None) -> bool:
        if self.transform not in ("log1p", "none"):
            raise InvalidInputError(
                f"transform must be 'log1p' or 'none', got {self.transform!r}",
                code="invalid_model_params",
                model=self.name,
            )
        return self.transform == "log1p"

    def _to_model(self, history: TimeSeries) -> FloatArray:
        """The target Prophet fits: ``log1p`` of the counts (negative values are clipped)."""
        if self._logged():
            return np.log1p(np.clip(history.values, 0.0, None))
        return history.values

    def _from_model(self, values: FloatArray) -> FloatArray:
        """Back to counts: ``expm1`` of the log-scale values (quantiles map to quantiles)."""
        return np.expm1(values) if self._logged() else values

    def _build(self, history: TimeSeries) -> Prophet:
        from prophet import Prophet

        daily = history.granularity is Granularity.DAILY
        model = Prophet(
            growth="linear",
            weekly_seasonality=daily,
            yearly_seasonality=bool(history.dates[-1] - history.dates[0] >= _TWO_YEARS),
            daily_seasonality=False,
            seasonality_mode=self.seasonality_mode,
            changepoint_prior_scale=self.changepoint_prior_scale,
            uncertainty_samples=self.uncertainty_samples,
        )
        if daily and self.country_holidays:
            model.add_country_holidays(country_name=self.country_holidays)
        return model


@contextmanager
def _seeded(seed: int | None) -> Iterator[None]:
    """Seed numpy's global generator for the block, then put the caller's state back."""
    if seed is None:
        yield
        return
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)
