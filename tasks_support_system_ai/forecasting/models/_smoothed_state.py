"""Pickle-free saving for statsmodels-backed models (ETS, SARIMA).

statsmodels' results objects are Cython types skops cannot (and should not) store. The
training series is already part of the model, so the fitted parameters are enough: loading
re-runs the filter with ``smooth(params)`` and gets identical results without re-estimating.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models._quiet import quiet_statsmodels
from tasks_support_system_ai.forecasting.models._threads import single_threaded
from tasks_support_system_ai.forecasting.state import restore_series, without


class SmoothedState:
    """Mixin: ``__getstate__``/``__setstate__`` storing parameters instead of results."""

    _result: Any
    _series: TimeSeries | None

    def _model(self, series: TimeSeries) -> Any:
        """The unfitted statsmodels model on the training window (shared with ``fit``)."""
        raise NotImplementedError

    def _restore_fields(self) -> None:
        """Undo what JSON did to constructor parameters (e.g. tuples that became lists)."""

    def __getstate__(self) -> dict[str, Any]:
        state = without(self.__dict__, "_result")
        state["_params"] = None if self._result is None else np.asarray(self._result.params)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        params = state.pop("_params", None)
        self.__dict__.update(state)
        self._restore_fields()
        self._series = restore_series(self._series)
        self._result = None
        if params is not None and self._series is not None:
            with quiet_statsmodels(), single_threaded():
                self._result = self._model(self._series).smooth(np.asarray(params))
