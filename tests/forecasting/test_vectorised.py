"""VectorisedETS on simulated series: accuracy vs seasonal naive, coverage, wrapper equivalence."""

from __future__ import annotations

import numpy as np
import pytest

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.vectorised import VectorisedETS, VETSForecaster

WEEK = np.array([1.0, 1.1, 1.05, 1.0, 0.9, 0.45, 0.35])


def simulate(n: int, periods: int, seed: int, noise: float = 0.15) -> np.ndarray:
    """Local-level series with a weekly pattern and Gaussian noise (sd relative to the level)."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(20, 200, size=(n, 1))
    walk = np.cumsum(rng.normal(0, 0.01, size=(n, periods)), axis=1)
    level = base * np.exp(walk)
    pattern = level * WEEK[np.arange(periods) % 7]
    series: np.ndarray = pattern + rng.normal(0, noise, size=(n, periods)) * base
    return series


def seasonal_naive(train: np.ndarray, horizon: int, m: int = 7) -> np.ndarray:
    reps = -(-horizon // m)
    return np.tile(train[:, -m:], (1, reps))[:, :horizon]


def mase(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray, m: int = 7) -> float:
    scale = np.abs(train[:, m:] - train[:, :-m]).mean(axis=1)
    return float((np.abs(actual - forecast).mean(axis=1) / scale).mean())


def test_beats_seasonal_naive_on_seasonal_series() -> None:
    y = simulate(300, 428, seed=1)
    train, test = y[:, :400], y[:, 400:]
    forecast = VectorisedETS(7).fit(train).predict(28)
    model = mase(test, forecast.mean, train)
    naive = mase(test, seasonal_naive(train, 28), train)
    assert forecast.mean.shape == (300, 28)
    assert model < 0.9 * naive


def test_intervals_have_near_nominal_coverage() -> None:
    y = simulate(400, 428, seed=2)
    train, test = y[:, :400], y[:, 400:]
    forecast = VectorisedETS(7).fit(train).predict(28, levels=(80, 95))
    for level, low, high in ((80, 0.72, 0.88), (95, 0.90, 0.99)):
        inside = (test >= forecast.lower[level]) & (test <= forecast.upper[level])
        assert low <= inside.mean() <= high, (level, inside.mean())
        assert (forecast.lower[level] <= forecast.upper[level]).all()
    assert (forecast.upper[95] >= forecast.upper[80]).all()
    assert (forecast.lower[95] <= forecast.lower[80]).all()


def test_wrapper_matches_matrix_rows() -> None:
    y = simulate(5, 200, seed=3)
    dates = np.arange("2020-01-01", 200, dtype="datetime64[D]")
    matrix = VectorisedETS(7).fit(y).predict(10, levels=(80, 95))
    for row in range(y.shape[0]):
        single = VETSForecaster().fit(TimeSeries(y[row], dates)).predict(10, levels=(80, 95))
        np.testing.assert_allclose(single.mean, np.maximum(matrix.mean[row], 0.0))
        for level in (80, 95):
            np.testing.assert_allclose(single.lower[level], np.maximum(matrix.lower[level][row], 0))
            np.testing.assert_allclose(single.upper[level], np.maximum(matrix.upper[level][row], 0))
        assert single.dates[0] == np.datetime64("2020-07-19")


def test_wrapper_clips_at_zero_and_has_name() -> None:
    values = np.r_[np.full(60, 5.0), np.zeros(30)]
    dates = np.arange("2020-01-01", 90, dtype="datetime64[D]")
    forecast = VETSForecaster().fit(TimeSeries(values, dates)).predict(14)
    assert VETSForecaster.name == "vets"
    assert (forecast.mean >= 0).all()
    assert all((bound >= 0).all() for bound in forecast.lower.values())


def test_zero_and_constant_series_stay_flat() -> None:
    y = np.vstack([np.zeros(100), np.full(100, 7.0)])
    forecast = VectorisedETS(7).fit(y).predict(5)
    np.testing.assert_allclose(forecast.mean, [[0.0] * 5, [7.0] * 5], atol=1e-9)
    np.testing.assert_allclose(forecast.upper[95] - forecast.lower[95], 0.0, atol=1e-9)


@pytest.mark.parametrize(
    ("granularity", "periods", "expected_period"),
    [
        (Granularity.WEEKLY, 196, 52),
        (Granularity.WEEKLY, 80, 1),
        (Granularity.MONTHLY, 45, 12),
    ],
)
def test_season_is_switched_off_without_two_seasons(
    granularity: Granularity, periods: int, expected_period: int
) -> None:
    m = {Granularity.WEEKLY: 52, Granularity.MONTHLY: 12}[granularity]
    rng = np.random.default_rng(4)
    t = np.arange(periods)
    y = 100 + 20 * np.sin(2 * np.pi * t / m) + rng.normal(0, 3, size=(3, periods))
    model = VectorisedETS(m).fit(y)
    forecast = model.predict(m)
    assert model.period == expected_period
    assert np.isfinite(forecast.mean).all()
    if expected_period > 1:
        future = 100 + 20 * np.sin(2 * np.pi * np.arange(periods, periods + m) / m)
        assert np.abs(forecast.mean - future).mean() < 8


def test_long_horizons_extrapolate_interval_width() -> None:
    y = simulate(20, 120, seed=5)
    forecast = VectorisedETS(7).fit(y).predict(300)
    width = forecast.upper[95] - forecast.lower[95]
    assert forecast.mean.shape == (20, 300)
    assert (width[:, -1] >= width[:, 0]).all()


def test_residuals_skip_the_burn_in_season() -> None:
    y = simulate(4, 100, seed=6)
    model = VectorisedETS(7, max_history=60).fit(y)
    assert model.residuals.shape == (4, 60 - 7)


def test_rejects_bad_input() -> None:
    with pytest.raises(InvalidInputError) as short:
        VectorisedETS(7).fit(np.ones((3, 1)))
    assert short.value.code == "insufficient_history"
    with pytest.raises(InvalidInputError) as nan:
        VectorisedETS(7).fit(np.array([[1.0, np.nan, 2.0]]))
    assert nan.value.code == "invalid_series"
    model = VectorisedETS(7).fit(np.ones((2, 30)))
    with pytest.raises(InvalidInputError) as horizon:
        model.predict(0)
    assert horizon.value.code == "invalid_horizon"
    with pytest.raises(InvalidInputError) as level:
        model.predict(3, levels=(100,))
    assert level.value.code == "invalid_level"
    with pytest.raises(RuntimeError):
        VectorisedETS(7).predict(3)
