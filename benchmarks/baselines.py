"""External baselines wrapped in the project's Forecaster interface, for benchmarks only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np

from tasks_support_system_ai.forecasting.base import DEFAULT_LEVELS, Forecast, TimeSeries


class StatsforecastAutoETS:
    """Nixtla statsforecast's AutoETS (model selection by AICc), on the same windows."""

    name = "statsforecast AutoETS"

    def __init__(self, max_history: int = 730) -> None:
        self.max_history = max_history

    def fit(self, series: TimeSeries) -> Self:
        from statsforecast.models import AutoETS

        self.series = series
        values = series.values[-self.max_history :]
        self.model = AutoETS(season_length=series.season_length).fit(values)
        return self

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        out = self.model.predict(horizon, level=list(levels))
        clip = lambda a: np.clip(np.asarray(a, dtype=np.float64), 0, None)  # noqa: E731
        return Forecast(
            mean=clip(out["mean"]),
            dates=self.series.future_dates(horizon),
            lower={lv: clip(out[f"lo-{lv}"]) for lv in levels},
            upper={lv: clip(out[f"hi-{lv}"]) for lv in levels},
        )
