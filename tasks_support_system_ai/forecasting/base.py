"""The one interface every forecasting model implements, scikit-learn style.

Parameters go to ``__init__``; ``fit(series)`` learns from a regular series; ``predict(h)``
returns point forecasts and prediction-interval bounds at the requested coverage levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Self

import numpy as np
import numpy.typing as npt

from tasks_support_system_ai.analytics import Granularity

FloatArray = npt.NDArray[np.float64]
DayArray = npt.NDArray[np.datetime64]

SEASON_LENGTH = {Granularity.DAILY: 7, Granularity.WEEKLY: 52, Granularity.MONTHLY: 12}
DEFAULT_LEVELS = (80, 95)


@dataclass(frozen=True)
class TimeSeries:
    """A regular series: one value per period, labelled like ``QueueLoad.resample``."""

    values: FloatArray
    dates: DayArray  # datetime64[D]: the day; the week's Sunday; the month's last day
    granularity: Granularity = Granularity.DAILY

    def __post_init__(self) -> None:
        if self.values.shape != self.dates.shape or self.values.ndim != 1:
            raise ValueError("values and dates must be 1-D arrays of the same length")

    @property
    def season_length(self) -> int:
        return SEASON_LENGTH[self.granularity]

    def future_dates(self, horizon: int) -> DayArray:
        """Labels of the next ``horizon`` periods after the last one."""
        last = self.dates[-1]
        steps = np.arange(1, horizon + 1)
        if self.granularity is Granularity.MONTHLY:
            month_starts = (last.astype("datetime64[M]") + steps + 1).astype("datetime64[D]")
            future: DayArray = month_starts - np.timedelta64(1, "D")
        else:
            days = 1 if self.granularity is Granularity.DAILY else 7
            future = last + (days * steps).astype("timedelta64[D]")
        return future

    def head(self, n: int) -> TimeSeries:
        """The first ``n`` periods (a cut-off for backtests and past forecasts)."""
        return TimeSeries(self.values[:n], self.dates[:n], self.granularity)


@dataclass(frozen=True)
class Forecast:
    mean: FloatArray
    dates: DayArray
    lower: dict[int, FloatArray] = field(default_factory=dict)  # level (e.g. 95) -> bound
    upper: dict[int, FloatArray] = field(default_factory=dict)


class Forecaster(Protocol):
    """What the service needs from a model; see ``models`` for the implementations."""

    name: str

    def fit(self, series: TimeSeries) -> Self: ...

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast: ...


class ModelMaker(Protocol):
    """Makes a new, unfitted model by catalogue name (``models.make_model``): passed to code
    that needs models by name but sits below the catalogue (backtests, ``AutoModel``)."""

    def __call__(self, name: str, /, **params: Any) -> Forecaster: ...
