"""Per-series model choice by a rolling-origin backtest over several month-long windows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self

import numpy as np

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.backtest import MODEL_FAILURES, ModelScore
from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    FloatArray,
    Forecast,
    Forecaster,
    ModelMaker,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.checks import active_history, fitted
from tasks_support_system_ai.forecasting.models.conformal import conformal_forecast, enough_errors
from tasks_support_system_ai.forecasting.selection import (
    CandidateRun,
    Race,
    backtest_candidates,
    combined_errors,
    quiet_windows,
    rank_key,
    ranked,
    recent,
)

__all__ = ["DEFAULT_CANDIDATES", "AutoModel"]

# Backtest horizon when none is given: four weeks (the evaluation protocol's), two months, a
# quarter. Short daily histories fall back to two-week windows (see ``_plan``).
_DEFAULT_HORIZON = {Granularity.DAILY: 28, Granularity.WEEKLY: 8, Granularity.MONTHLY: 3}
_SHORTEST_DAILY_HORIZON = 14
DEFAULT_CANDIDATES = ("naive", "median", "es", "vets", "linear", "prophet", "sarima", "gbm")
Intervals = Literal["conformal", "model"]
# Candidates that cost 5–50x a fast one per fit; with ``race`` they are backtested after the
# fast ones and stopped after one window when they cannot plausibly make the average.
SLOW_MODELS = frozenset({"prophet", "sarima", "gbm"})


class AutoModel:
    """Backtests each candidate, then refits and averages the ``combine`` best by mean MASE.

    Rule: every candidate is backtested on the series (``windows`` rolling origins of
    ``horizon`` periods, point forecasts only) and ranked by mean MASE. The ``combine`` best are
    refitted on the whole series and their point forecasts averaged (``combine=1``: the best
    alone), unless the best was at least as good as the runner-up in every window
    (``single_if_dominant``): then it is used alone. With a ``margin`` the incumbent (``es``) is
    used alone unless the best challenger has MASE < (1 − margin) · the incumbent's. Intervals
    (``intervals="conformal"``) are split-conformal widths from the same backtest's errors of
    the forecast actually made (the average), see ``models.conformal``; ``"model"`` keeps the
    models' own bounds (averaged over the members). With ``race`` (a slack, 10 % by default) the
    slow candidates (``SLOW_MODELS``) are scored on the latest window first and stopped there if
    their MASE exceeds (1 + race) times the ``combine``-th best fast candidate's on that window
    (their score then has the error code ``pruned``), which saves most of their cost where they
    cannot make the average anyway.

    Defaults chosen on the open evaluation sets by replaying rules on backtests that end before
    each evaluation window (``benchmarks/auto_rules.py``; figures in docs/benchmarks.md): three
    28-day windows select better than two 14-day ones; with three windows the single best is
    often a noise pick, so the average of three was better on the sets with many series and
    worse only where one model is structurally ahead; a best that wins every window is kept
    alone (on quiet, intermittent queues that is the zero forecast the seasonal median makes,
    which averaging would lift); all eight models are candidates (``sarima``, ``gbm`` and
    ``median`` each improved the average on the sets with many series); the models' own
    intervals over-covered on smooth series where conformal widths were close to nominal. If no
    candidate can be backtested (history too short even for two-week windows) there is no
    evidence: the incumbent alone is used, then the others in order, whichever first fits, with
    its own intervals. A member that fails to refit is dropped; if all fail, the incumbent and
    then the rest (best first) are tried alone.

    After ``fit``, ``scores`` holds every candidate's backtest (or its error), ``members`` the
    refitted models' names (best first) and ``chosen`` the first of them. ``make_model``
    makes the candidates by name: the catalogue passes its own (``make_model("auto", ...)``),
    so this module never imports the catalogue.
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
        combine: int = 3,
        single_if_dominant: bool = True,
        intervals: Intervals = "conformal",
        race: float | None = 0.1,
    ) -> None:
        self.make_model = make_model
        self.candidates = candidates
        self.horizon = horizon
        self.windows = windows
        self.params = params
        self.incumbent = incumbent
        self.margin = margin
        self.combine = combine
        self.single_if_dominant = single_if_dominant
        self.intervals = intervals
        self.race = race
        self.chosen: str | None = None
        self.members: tuple[str, ...] = ()
        self.scores: dict[str, ModelScore] = {}
        self._models: list[Forecaster] | None = None
        self._errors: FloatArray = np.empty((0, 0))

    def fit(self, series: TimeSeries) -> Self:
        self._check_options()
        series = active_history(series, 2 * series.season_length, self.name)
        horizon = self._plan(series)
        race = None if self.race is None else Race(SLOW_MODELS, self.combine, self.race)
        runs = backtest_candidates(
            self.candidates,
            series,
            horizon,
            self.windows,
            make=self.make_model,
            params=self.params,
            race=race,
        )
        self.scores = {name: run.score for name, run in runs.items()}
        quiet = quiet_windows(series, horizon, self.windows)
        if quiet:  # gone quiet: judge and calibrate on the silent windows only
            runs = {name: recent(run, quiet) for name, run in runs.items()}
        names, self._models = self._fit_members(runs, series)
        self.members = tuple(self.scores[name].model for name in names)
        self.chosen = self.members[0]
        backtested = [runs[name] for name in names if runs[name].errors.size]
        evidence = len(backtested) == len(names)
        self._errors = combined_errors(backtested) if evidence else np.empty((0, 0))
        return self

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        models = fitted(self._models, self.name)
        conformal = self.intervals == "conformal" and enough_errors(self._errors)
        forecasts = [model.predict(horizon, () if conformal else levels) for model in models]
        mean: FloatArray = np.mean([forecast.mean for forecast in forecasts], axis=0)
        average = Forecast(
            mean=mean,
            dates=forecasts[0].dates,
            lower={level: _mean_bound(forecasts, level, "lower") for level in levels},
            upper={level: _mean_bound(forecasts, level, "upper") for level in levels},
        )
        return conformal_forecast(average, self._errors, levels) if conformal else average

    def __getstate__(self) -> dict[str, Any]:
        """Artifacts keep the fitted members, not the catalogue's ``make_model`` (a function
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
        if self.combine < 1 or self.intervals not in ("conformal", "model"):
            raise InvalidInputError(
                "combine must be at least 1 and intervals 'conformal' or 'model', got "
                f"{self.combine} and {self.intervals!r}",
                code="invalid_model_params",
                model=self.name,
            )
        if self.incumbent is not None:
            self.make_model(self.incumbent)  # an unknown name is a client error, before any fit

    def _fit_members(
        self, runs: Mapping[str, CandidateRun], series: TimeSeries
    ) -> tuple[list[str], list[Forecaster]]:
        """Refit the rule's members; if none refits, the fallbacks alone, first that fits."""
        members, fallbacks = self._preference(runs)
        fits = [(name, self._refit(name, series)) for name in members]
        kept = [(name, model) for name, model in fits if not isinstance(model, Exception)]
        if kept:
            return [name for name, _ in kept], [model for _, model in kept]
        failures = [model for _, model in fits if isinstance(model, Exception)]
        for name in fallbacks:
            model = self._refit(name, series)
            if not isinstance(model, Exception):
                return [name], [model]
            failures.append(model)
        raise failures[0]

    def _preference(self, runs: Mapping[str, CandidateRun]) -> tuple[list[str], list[str]]:
        """The members to average, then single models to try if none of them refits."""
        order = ranked(runs)
        incumbent = self._incumbent()
        finite = [name for name in order if np.isfinite(rank_key(runs[name])[0])]
        if not finite:
            # Nothing backtested: no evidence against the incumbent; others in given order.
            fallbacks = list(dict.fromkeys([*([incumbent] if incumbent else []), *self.candidates]))
            return fallbacks[:1], fallbacks[1:]
        fallbacks = list(dict.fromkeys([*([incumbent] if incumbent else []), *order]))
        if incumbent is not None and self.margin > 0:
            best, kept = rank_key(runs[finite[0]])[0], rank_key(runs[incumbent])[0]
            if not best < (1 - self.margin) * kept:  # no clear win: the incumbent alone
                return [incumbent], [name for name in fallbacks if name != incumbent]
        members = finite[: self.combine]
        if (
            self.single_if_dominant
            and len(finite) > 1
            and _dominates(*(runs[n] for n in finite[:2]))
        ):
            members = finite[:1]
        return members, [name for name in fallbacks if name not in members]

    def _refit(self, name: str, series: TimeSeries) -> Forecaster | Exception:
        """``name`` fitted on the whole series, or the model failure it raised."""
        try:
            return self.make_model(name, **(self.params or {}).get(name, {})).fit(series)
        except MODEL_FAILURES as error:
            return error

    def _incumbent(self) -> str | None:
        """The candidate entry (as spelt in ``candidates``) naming the incumbent model."""
        if self.incumbent is None:
            return None
        wanted = self.make_model(self.incumbent).name
        return next((name for name in self.candidates if self.scores[name].model == wanted), None)


def _dominates(best: CandidateRun, runner_up: CandidateRun) -> bool:
    """``best`` was at least as good as ``runner_up`` in every backtest window."""
    mine, theirs = best.window_mase, runner_up.window_mase
    return mine.size == theirs.size and bool(np.all(mine <= theirs))


def _mean_bound(forecasts: Sequence[Forecast], level: int, side: str) -> FloatArray:
    """The members' bounds at ``level`` averaged (quantile averaging); empty if not asked."""
    bounds = [(f.lower if side == "lower" else f.upper).get(level) for f in forecasts]
    present = [bound for bound in bounds if bound is not None]
    if not present:
        return np.empty(0)
    mean: FloatArray = np.mean(present, axis=0)
    return mean
