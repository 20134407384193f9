"""Per-series model selection by a rolling-origin backtest over several month-long windows."""

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
    ModelMaker,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.checks import active_history, fitted

__all__ = ["DEFAULT_CANDIDATES", "AutoModel"]

# Backtest horizon when none is given: four weeks (the evaluation protocol's), two months, a
# quarter. Short daily histories fall back to two-week windows (see ``_plan``).
_DEFAULT_HORIZON = {Granularity.DAILY: 28, Granularity.WEEKLY: 8, Granularity.MONTHLY: 3}
_SHORTEST_DAILY_HORIZON = 14
DEFAULT_CANDIDATES = ("naive", "es", "vets", "linear", "prophet")


class AutoModel:
    """Backtests each candidate, then refits the one with the lowest mean backtest MASE.

    Rule: every candidate is backtested on the series (``windows`` rolling origins of
    ``horizon`` periods, point forecasts only); the lowest mean MASE wins, unless ``margin``
    asks for more: the incumbent (``es``) is then kept unless the best challenger has MASE
    < (1 − margin) · the incumbent's. The winner is refitted on the whole series.

    Defaults chosen on the open evaluation sets (``benchmarks/quality_series.py``,
    docs/quality.md), by simulating the rule on backtests that end before each evaluation
    window: three 28-day windows select well, two 14-day ones did not (on ED arrivals the
    best model, Prophet, lost to noise); a margin favouring ``es`` cost 15 % MASE there;
    averaging the best two or all candidates helped on one set and hurt on another.
    ``sarima`` and ``gbm`` are valid candidates (pass ``candidates``) but were not chosen
    often enough to pay for their fitting time, which counts twice: ``auto`` must stay faster
    than AutoARIMA. If no candidate can be backtested (history too short even for two-week
    windows) there is no evidence: the incumbent is used, then the others in order, whichever
    first fits the series. Should the chosen model fail to refit, the incumbent and then the
    rest (best first) are tried.

    After ``fit``, ``scores`` holds every candidate's backtest (or its error) and ``chosen``
    the refitted model's name. ``make_model`` makes the candidates by name: the catalogue
    passes its own (``make_model("auto", ...)``), so this module never imports the catalogue.
    """

    name = "auto"

    def __init__(
        self,
        *,
        make_model: ModelMaker,
        candidates: Sequence[str] = DEFAULT_CANDIDATES,
        horizon: int | None = None,
        windows: int = 3,
        params: Mapping[str, Mapping[str, Any]] | None = None,
        incumbent: str | None = "es",
        margin: float = 0.0,
    ) -> None:
        self.make_model = make_model
        self.candidates = candidates
        self.horizon = horizon
        self.windows = windows
        self.params = params
        self.incumbent = incumbent
        self.margin = margin
        self.chosen: str | None = None
        self.scores: dict[str, ModelScore] = {}
        self._model: Forecaster | None = None

    def fit(self, series: TimeSeries) -> Self:
        self._check_options()
        series = active_history(series, 2 * series.season_length, self.name)
        self.scores = compare_models(
            self.candidates,
            series,
            self._plan(series),
            self.windows,
            make_model=self.make_model,
            params=self.params,
            levels=(),
        )
        self.chosen, self._model = self._fit_first(self._preference(), series)
        return self

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        return fitted(self._model, self.name).predict(horizon, levels)

    def __getstate__(self) -> dict[str, Any]:
        """Artifacts keep the chosen model, not the catalogue's ``make_model`` (a function
        reference would tie them to a module path); a loaded model predicts, a refit needs a
        new one from ``make_model("auto")``."""
        return {**self.__dict__, "make_model": None}

    def _plan(self, series: TimeSeries) -> int:
        """The backtest horizon: as asked, else the default, shortened for short daily data."""
        if self.horizon is not None:
            return self.horizon
        horizon = _DEFAULT_HORIZON[series.granularity]
        if series.granularity is Granularity.DAILY:
            room = (len(series.values) - series.season_length - 1) // self.windows
            horizon = max(_SHORTEST_DAILY_HORIZON, min(horizon, room))
        return horizon

    def _check_options(self) -> None:
        if not self.candidates or any(
            name.strip().lower() == self.name for name in self.candidates
        ):
            raise InvalidInputError(
                "AutoModel needs at least one candidate, and 'auto' cannot be one",
                code="invalid_candidates",
                candidates=list(self.candidates),
            )
        if not 0 <= self.margin < 1:
            raise InvalidInputError(
                f"The margin is a fraction of the incumbent's MASE in [0, 1), got {self.margin}",
                code="invalid_margin",
                margin=self.margin,
            )
        if self.incumbent is not None:
            self.make_model(self.incumbent)  # an unknown name is a client error, before any fit

    def _preference(self) -> list[str]:
        """Names to refit in order: the rule's choice, the incumbent, the rest best-first."""
        ranked = sorted(self.candidates, key=lambda name: _rank(self.scores[name]))
        incumbent = self._incumbent()
        if incumbent is None:
            return ranked
        if not any(math.isfinite(_rank(self.scores[name])[0]) for name in ranked):
            # Nothing backtested: no evidence against the incumbent; others in given order.
            return list(dict.fromkeys([incumbent, *self.candidates]))
        best, kept = _rank(self.scores[ranked[0]])[0], _rank(self.scores[incumbent])[0]
        first = ranked[0] if best < (1 - self.margin) * kept else incumbent  # a clear win?
        return list(dict.fromkeys([first, incumbent, *ranked]))

    def _incumbent(self) -> str | None:
        """The candidate entry (as spelt in ``candidates``) naming the incumbent model."""
        if self.incumbent is None:
            return None
        wanted = self.make_model(self.incumbent).name
        return next((name for name in self.candidates if self.scores[name].model == wanted), None)

    def _fit_first(self, names: Sequence[str], series: TimeSeries) -> tuple[str, Forecaster]:
        """Fit the models in order until one succeeds on the full series."""
        failures: list[Exception] = []
        for name in names:
            try:
                model = self.make_model(name, **(self.params or {}).get(name, {}))
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
