"""Per-series model selection by a quick rolling-origin backtest."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Self

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.backtest import MODEL_FAILURES, ModelScore, compare_models
from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    Forecast,
    Forecaster,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.models._checks import active_history, fitted

__all__ = ["AutoModel"]

# Backtest horizon when none is given: two weeks, two months, a quarter.
_DEFAULT_HORIZON = {Granularity.DAILY: 14, Granularity.WEEKLY: 8, Granularity.MONTHLY: 3}


class AutoModel:
    """Backtests each candidate on the series, then refits the lowest-MASE one on all of it.

    Queues differ too much for one model to win everywhere: a steady queue is best served by
    smoothing, a bursty one by the naive baseline. After ``fit``, ``scores`` holds every
    candidate's backtest (or its error) and ``chosen`` the winner's name. If no candidate can
    be backtested (history shorter than the windows), the first that fits the series is used.
    """

    name = "auto"

    def __init__(
        self,
        *,
        candidates: Sequence[str] = ("naive", "es", "gbm"),
        horizon: int | None = None,
        windows: int = 3,
        params: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.candidates = candidates
        self.horizon = horizon
        self.windows = windows
        self.params = params
        self.chosen: str | None = None
        self.scores: dict[str, ModelScore] = {}
        self._model: Forecaster | None = None

    def fit(self, series: TimeSeries) -> Self:
        self._check_candidates()
        series = active_history(series, 2 * series.season_length, self.name)
        horizon = self.horizon or _DEFAULT_HORIZON[series.granularity]
        self.scores = compare_models(
            self.candidates, series, horizon, self.windows, params=self.params
        )
        self.chosen, self._model = self._fit_best(series)
        return self

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        return fitted(self._model, self.name).predict(horizon, levels)

    def _check_candidates(self) -> None:
        if not self.candidates or any(
            name.strip().lower() == self.name for name in self.candidates
        ):
            raise InvalidInputError(
                "AutoModel needs at least one candidate, and 'auto' cannot be one",
                code="invalid_candidates",
                candidates=list(self.candidates),
            )

    def _fit_best(self, series: TimeSeries) -> tuple[str, Forecaster]:
        """Fit candidates best-first until one succeeds on the full series."""
        from tasks_support_system_ai.forecasting.models.registry import make_model  # cycle

        failures: list[Exception] = []
        for name in sorted(self.candidates, key=lambda name: _rank(self.scores[name])):
            try:
                model = make_model(name, **(self.params or {}).get(name, {}))
                return self.scores[name].model, model.fit(series)
            except MODEL_FAILURES as error:
                failures.append(error)
        raise failures[0]


def _rank(score: ModelScore) -> tuple[float, float]:
    """Lower is better: by MASE, then MAE; failed or undefined scores last."""
    if score.metrics is None:
        return (math.inf, math.inf)
    mase, mae = score.metrics.mase, score.metrics.mae
    return (mase if math.isfinite(mase) else math.inf, mae if math.isfinite(mae) else math.inf)
