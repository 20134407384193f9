"""Every model must beat (or match) the seasonal naive baseline where the structure is known."""

from __future__ import annotations

import pytest
from forecast_simulations import daily_load

from tasks_support_system_ai.forecasting.backtest import backtest
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models import make_model

TOLERANCE = 1.05
HORIZON = 14


def backtest_mase(name: str, series: TimeSeries) -> float:
    result = backtest(lambda: make_model(name), series, horizon=HORIZON, windows=3)
    return result.metrics.mase


@pytest.fixture(scope="module")
def trend_and_weekly() -> tuple[TimeSeries, float]:
    """Two years of growing load with a 55% weekend dip and noise, and naive's MASE on it."""
    series = daily_load(730, seed=1, trend=0.05)
    return series, backtest_mase("naive", series)


@pytest.fixture(scope="module")
def yearly_wave() -> tuple[TimeSeries, float]:
    """Two and a half years with a ±25% yearly wave peaking in September."""
    series = daily_load(900, seed=2, trend=0.0, yearly=0.25)
    return series, backtest_mase("naive", series)


@pytest.mark.parametrize("name", ["es", "sarima", "gbm", "linear", "prophet"])
def test_beats_seasonal_naive_on_trend_and_weekly_season(
    name: str, trend_and_weekly: tuple[TimeSeries, float]
) -> None:
    series, naive = trend_and_weekly
    assert backtest_mase(name, series) <= naive * TOLERANCE


def test_prophet_beats_seasonal_naive_on_a_yearly_wave(
    yearly_wave: tuple[TimeSeries, float],
) -> None:
    series, naive = yearly_wave
    assert backtest_mase("prophet", series) <= naive * TOLERANCE
