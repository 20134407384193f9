"""Exponential smoothing (ETS): a few weekly-seasonal forms, the best chosen per series by AICc."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Self

import numpy as np
import pandas as pd

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import DEFAULT_LEVELS, Forecast, TimeSeries
from tasks_support_system_ai.forecasting.checks import (
    active_history,
    check_horizon,
    check_levels,
    fitted,
    recent,
)
from tasks_support_system_ai.forecasting.level_shift import regime_start
from tasks_support_system_ai.forecasting.models._quiet import quiet_statsmodels
from tasks_support_system_ai.forecasting.models._smoothed_state import SmoothedState
from tasks_support_system_ai.forecasting.models._threads import single_threaded
from tasks_support_system_ai.forecasting.models.intervals import build_forecast

if TYPE_CHECKING:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel, ETSResults

__all__ = ["ExponentialSmoothing"]

# statsmodels' heuristic initialisation needs ten observations.
_MIN_PERIODS = 10
_SIMULATION_SEED: Final = 0
DEFAULT_FORMS: Final = ("ANA", "AAdA", "MNM")
_FORM_CODE: Final = re.compile(r"([AM])(N|Ad|A)([NAM])")


@dataclass(frozen=True)
class EtsForm:
    """One ETS form in Hyndman's notation: error, trend (N, A, Ad), season (N, A, M)."""

    error: Literal["add", "mul"]
    trend: Literal["add"] | None
    damped: bool
    seasonal: Literal["add", "mul"] | None

    @classmethod
    def parse(cls, code: str) -> EtsForm:
        """``"AAdA"`` → additive error, damped additive trend, additive season."""
        kinds = {"A": "add", "M": "mul", "N": None, "Ad": "add"}
        parts = _FORM_CODE.fullmatch(code)
        if parts is None:
            raise InvalidInputError(
                f"Not an ETS form like 'ANA', 'AAdA' or 'MNM' (error A/M, trend N/A/Ad, "
                f"season N/A/M): {code!r}",
                code="invalid_ets_form",
                form=code,
            )
        error, trend, season = parts.groups()
        return cls(kinds[error], kinds[trend], trend == "Ad", kinds[season])  # type: ignore[arg-type]

    @property
    def multiplicative(self) -> bool:
        """Needs strictly positive data."""
        return "mul" in (self.error, self.seasonal)


class ExponentialSmoothing(SmoothedState):
    """statsmodels ``ETSModel``: each form in ``forms`` is fitted, the lowest AICc wins.

    Defaults: no trend with additive weekly season (ANA), a damped trend (AAdA), and
    multiplicative error and season (MNM) for strictly positive series, whose weekly swing
    grows with their level. On the benchmark queues a fixed damped trend lost to AutoETS by
    about 1 %; with this choice ``es`` matches it at a fraction of the time (docs/benchmarks.md).
    A trend is only ever damped, so long horizons do not run away on temporary growth. The
    heuristic initialisation fits much faster than estimating the initial states and is as
    accurate once two years of daily data have been smoothed. Seasonality is dropped when the
    history is too short to initialise it. With ``level_shifts`` the fit starts at the latest
    level shift (``level_shift.regime_start``). After ``fit``, ``form_`` is the chosen form.
    """

    name = "es"

    def __init__(
        self,
        *,
        season_length: int | None = None,
        seasonal: bool = True,
        forms: Sequence[str] = DEFAULT_FORMS,
        max_history: int | None = 730,
        initialization: Literal["heuristic", "estimated"] = "heuristic",
        level_shifts: bool = True,
    ) -> None:
        self.season_length = season_length
        self.seasonal = seasonal
        self.forms = forms
        self.max_history = max_history
        self.initialization = initialization
        self.level_shifts = level_shifts
        self.form_: str | None = None
        self._result: ETSResults | None = None
        self._series: TimeSeries | None = None

    def fit(self, series: TimeSeries) -> Self:
        series = active_history(series, _MIN_PERIODS, self.name)
        candidates = self._candidate_forms(self._window(series))
        fits: list[tuple[float, str, ETSResults]] = []
        with quiet_statsmodels(), single_threaded():
            for code in candidates:
                try:
                    result = self._model(series, code).fit(disp=False)
                except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                    if code == candidates[-1] and not fits:
                        raise  # no form fits: the caller sees why
                    continue  # another form may fit (multiplicative ones fail more easily)
                aicc = float(result.aicc)
                fits.append((aicc if np.isfinite(aicc) else np.inf, code, result))
        _, self.form_, self._result = min(fits, key=lambda fit: fit[0])
        self._series = series
        return self

    def _candidate_forms(self, values: np.ndarray) -> list[str]:
        """The configured forms the data allows (multiplicative ones need values > 0)."""
        forms = [EtsForm.parse(code) for code in self.forms]  # a bad code fails before fitting
        if not forms:
            raise InvalidInputError(
                "ETS needs at least one form, e.g. 'ANA'", code="invalid_ets_form"
            )
        positive = bool(values.size) and float(values.min()) > 0
        allowed = [
            code
            for code, form in zip(self.forms, forms, strict=True)
            if positive or not form.multiplicative
        ]
        return allowed or ["ANA"]  # only multiplicative forms asked for, but the data has zeros

    def _model(self, series: TimeSeries, code: str | None = None) -> ETSModel:
        """The unfitted model of one form on the training window: shared by ``fit`` and loading."""
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        form = EtsForm.parse(code or fitted(self.form_, self.name))
        values = self._window(series)
        season = self._usable_season(values.size, self.season_length or series.season_length)
        return ETSModel(
            pd.Series(values.astype(np.float64)),  # statsmodels 0.15 fails on bare ndarrays
            error=form.error,
            trend=form.trend,
            damped_trend=form.damped,
            seasonal=form.seasonal if season and form.seasonal else None,
            seasonal_periods=season if form.seasonal else None,
            initialization_method=self.initialization,
        )

    def _window(self, series: TimeSeries) -> np.ndarray:
        """The values fitted on: the last ``max_history``, from the latest level shift on.

        Fitting across a level shift (e.g. a lockdown halving the load) teaches the model a
        level and weekly swing of neither regime; see ``level_shift.regime_start``.
        """
        values = recent(series, self.max_history).values
        if self.level_shifts:
            values = values[regime_start(values, self.season_length or series.season_length) :]
        return values

    def _restore_fields(self) -> None:
        self.__dict__.setdefault("level_shifts", False)  # saved before: fitted on everything
        if (
            "form_" not in self.__dict__
        ):  # saved before forms were chosen: always damped Holt-Winters
            self.form_ = "AAdA" if self.__dict__.pop("damped_trend", True) else "AAA"
            self.forms = (self.form_,)

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        check_horizon(horizon)
        levels = check_levels(levels)
        result, series = fitted(self._result, self.name), fitted(self._series, self.name)
        start = int(result.nobs)
        if not levels:  # point forecasts only: no simulation for multiplicative forms
            with quiet_statsmodels(), single_threaded():
                mean = np.asarray(result.forecast(horizon), dtype=np.float64)
            return build_forecast(series, mean, {})
        with quiet_statsmodels(), single_threaded():
            # Multiplicative forms get simulated intervals: seeded, so a forecast is repeatable.
            prediction = result.get_prediction(
                start=start, end=start + horizon - 1, rng=np.random.default_rng(_SIMULATION_SEED)
            )
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
