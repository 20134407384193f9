"""Seasonal median: per position of the season, the median of the last few seasons."""

from __future__ import annotations

import numpy as np
from forecast_simulations import series_of

from tasks_support_system_ai.forecasting.models import make_model
from tasks_support_system_ai.forecasting.models.median import SeasonalMedian


def test_each_weekday_is_the_median_of_the_last_eight() -> None:
    rng = np.random.default_rng(3)
    values = rng.poisson(20, size=7 * 12).astype(float)
    forecast = SeasonalMedian().fit(series_of(values)).predict(14, ())
    expected = np.median(values[-56:].reshape(8, 7), axis=0)
    np.testing.assert_allclose(forecast.mean, np.tile(expected, 2))


def test_one_odd_week_does_not_move_it() -> None:
    values = np.resize([10.0, 12, 11, 10, 9, 3, 2], 70)
    values[-7:] = 100.0  # an outage week at the end: seasonal naive would repeat it
    forecast = SeasonalMedian().fit(series_of(values)).predict(7, ())
    np.testing.assert_allclose(forecast.mean, [10, 12, 11, 10, 9, 3, 2])


def test_a_mostly_zero_queue_is_forecast_zero() -> None:
    values = np.zeros(84)
    values[[3, 30, 31, 60, 77]] = [2.0, 1.0, 1.0, 3.0, 1.0]
    forecast = SeasonalMedian().fit(series_of(values)).predict(28)
    np.testing.assert_allclose(forecast.mean, 0.0)
    assert np.all(forecast.upper[95] >= forecast.upper[80])
    assert np.all(forecast.lower[80] == 0.0)


def test_short_history_uses_the_seasons_it_has() -> None:
    values = np.resize([1.0, 2, 3, 4, 5, 6, 7], 21) + np.repeat([0.0, 1.0, 5.0], 7)
    forecast = make_model("median", seasons=8).fit(series_of(values)).predict(7, ())
    np.testing.assert_allclose(forecast.mean, np.arange(1, 8) + 1.0)


def test_intervals_cover_the_spread_around_the_medians() -> None:
    rng = np.random.default_rng(5)
    values = 50 + rng.normal(0, 5, size=7 * 40)
    forecast = SeasonalMedian(seasons=20).fit(series_of(values[:-28])).predict(28)
    actual = values[-28:]
    inside = (actual >= forecast.lower[80]) & (actual <= forecast.upper[80])
    assert 0.6 <= inside.mean() <= 1.0
    assert np.all(forecast.upper[95] - forecast.lower[95] > forecast.upper[80] - forecast.lower[80])
