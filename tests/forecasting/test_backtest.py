"""Rolling-origin backtests: where the cut-offs fall, what is scored, and failure handling."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Self

import numpy as np
import pytest
from forecast_simulations import daily_load, series_of

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.backtest import backtest, compare_models
from tasks_support_system_ai.forecasting.base import DEFAULT_LEVELS, Forecast, TimeSeries
from tasks_support_system_ai.forecasting.models import make_model


class Oracle:
    """Knows the whole series: forecasts the truth, or a constant ``offset`` away from it."""

    name = "oracle"

    def __init__(self, truth: TimeSeries, offset: float = 0.0) -> None:
        self.truth, self.offset = truth, offset
        self.train_sizes: list[int] = []

    def fit(self, series: TimeSeries) -> Self:
        self.train_sizes.append(len(series.values))
        return self

    def predict(self, horizon: int, levels: Sequence[int] = DEFAULT_LEVELS) -> Forecast:
        start = self.train_sizes[-1]
        actual = self.truth.values[start : start + horizon]
        mean = actual + self.offset
        return Forecast(
            mean,
            self.truth.dates[start : start + horizon],
            lower=dict.fromkeys(levels, mean - 1),
            upper=dict.fromkeys(levels, mean + 1),
        )


def test_cutoffs_roll_forward_to_the_end() -> None:
    series = series_of(np.arange(1.0, 101.0))
    oracle = Oracle(series)
    result = backtest(lambda: oracle, series, horizon=10, windows=3, step=5)
    assert oracle.train_sizes == [80, 85, 90]
    assert [w.train_size for w in result.windows] == [80, 85, 90]
    assert [w.cutoff for w in result.windows] == [str(series.dates[i - 1]) for i in (80, 85, 90)]
    assert result.model == "oracle"
    assert result.horizon == 10


def test_step_defaults_to_the_horizon() -> None:
    series = series_of(np.arange(1.0, 101.0))
    oracle = Oracle(series)
    backtest(lambda: oracle, series, horizon=10, windows=3)
    assert oracle.train_sizes == [70, 80, 90]


def test_window_metrics_and_their_average() -> None:
    series = series_of(np.arange(1.0, 101.0))
    result = backtest(lambda: Oracle(series, offset=2.0), series, horizon=10, windows=2)
    for window in result.windows:
        assert window.metrics.mae == pytest.approx(2.0)
        assert window.metrics.rmse == pytest.approx(2.0)
        assert window.metrics.mase == pytest.approx(2.0 / 7.0)  # weekly differences are 7
        assert window.metrics.coverage == {80: 0.0, 95: 0.0}
    mapes = [window.metrics.mape for window in result.windows]
    assert result.metrics.mape == pytest.approx(np.mean(mapes))
    perfect = backtest(lambda: Oracle(series), series, horizon=10, windows=2, levels=(50,))
    assert perfect.metrics.mae == 0
    assert perfect.metrics.coverage == {50: 1.0}


def test_result_is_json_friendly_even_with_undefined_metrics() -> None:
    values = np.arange(1.0, 101.0)
    values[-20:] = 0  # MAPE is undefined on all-zero windows
    series = series_of(values)
    result = backtest(lambda: Oracle(series), series, horizon=10, windows=2)
    assert math.isnan(result.metrics.mape)
    payload = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert payload["metrics"]["mape"] is None
    assert payload["windows"][0]["metrics"]["coverage"] == {"80": 1.0, "95": 1.0}


def test_too_short_for_the_windows() -> None:
    series = series_of(np.arange(1.0, 31.0))
    with pytest.raises(InvalidInputError) as caught:
        backtest(lambda: Oracle(series), series, horizon=10, windows=3)
    assert caught.value.code == "series_too_short"
    assert caught.value.details == {"needed": 38, "available": 30}
    assert "38" in caught.value.message
    assert "30" in caught.value.message


def test_invalid_window_arguments() -> None:
    series = series_of(np.arange(1.0, 101.0))
    with pytest.raises(InvalidInputError) as caught:
        backtest(lambda: Oracle(series), series, horizon=0)
    assert caught.value.code == "invalid_backtest"


def test_compare_records_a_failing_model_and_keeps_going() -> None:
    series = daily_load(45, seed=3)  # first cut-off 24 days: too short for SARIMA (30)
    scores = compare_models(
        ["naive", "sarima", "catboost"], series, horizon=7, windows=3, make_model=make_model
    )
    assert scores["naive"].metrics is not None
    assert scores["naive"].error is None
    failed = scores["sarima"]
    assert failed.metrics is None
    assert failed.error_code == "series_too_short"
    assert failed.error is not None
    assert "30" in failed.error
    assert scores["catboost"].model == "gbm"
    assert scores["catboost"].error_code == "series_too_short"
    json.dumps({name: score.to_dict() for name, score in scores.items()}, allow_nan=False)


def test_compare_passes_parameters_and_rejects_unknown_names() -> None:
    series = daily_load(120, seed=4)
    scores = compare_models(
        ["naive"],
        series,
        7,
        2,
        make_model=make_model,
        params={"naive": {"season_length": 1}},
        levels=(90,),
    )
    metrics = scores["naive"].metrics
    assert metrics is not None
    assert set(metrics.coverage) == {90}
    with pytest.raises(InvalidInputError) as caught:
        compare_models(["naive", "arima"], series, 7, make_model=make_model)
    assert caught.value.code == "unknown_model"
