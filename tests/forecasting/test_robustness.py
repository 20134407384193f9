"""Real-data failure modes: Prophet's all-zero forecasts, level shifts, long zero runs."""

from __future__ import annotations

import numpy as np
import pytest
from forecast_simulations import days, series_of

from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.level_shift import regime_start
from tasks_support_system_ai.forecasting.models import (
    MODEL_NAMES,
    ExponentialSmoothing,
    make_model,
)


def _weekly(n: int, level: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    profile = np.tile([1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.4], n // 7 + 1)[:n]
    return rng.poisson(level * profile).astype(np.float64)


def _spike_and_decay() -> TimeSeries:
    """A spiky web-traffic-like series that falls steeply over its last two months."""
    values = _weekly(150, 100.0, seed=3)
    values[90:] *= np.linspace(1.0, 0.05, 60)
    values[[40, 75, 101]] *= 6  # spikes
    return series_of(values)


def test_prophet_on_raw_counts_reproduces_the_all_zero_forecast() -> None:
    """The old configuration: a falling trend times a multiplicative season clips to zero."""
    old = make_model("prophet", transform="none", seasonality_mode="multiplicative")
    forecast = old.fit(_spike_and_decay()).predict(30)
    assert (forecast.mean == 0).mean() > 0.3


def test_prophet_default_forecast_stays_positive_with_bounds_around_it() -> None:
    forecast = make_model("prophet").fit(_spike_and_decay()).predict(30, (80, 95))
    assert (forecast.mean > 0).all()
    assert (forecast.upper[95] > forecast.lower[95]).all()
    assert (forecast.lower[80] <= forecast.mean).all()
    assert (forecast.mean <= forecast.upper[80]).all()
    assert forecast.mean.max() < 100  # it follows the fall, not the old level


def test_prophet_saved_before_the_log_fit_still_forecasts_raw_counts() -> None:
    model = make_model("prophet", transform="none")
    series = series_of(_weekly(120, 50.0))
    model.fit(series)
    state = model.__getstate__()
    state.pop("transform")  # an artifact written before the option existed
    loaded = type(model).__new__(type(model))
    loaded.__setstate__(state)
    assert loaded.transform == "none"
    np.testing.assert_allclose(loaded.predict(14).mean, model.predict(14).mean)


def test_regime_start_finds_a_halving_and_ignores_a_stable_series() -> None:
    halved = _weekly(600, 100.0)
    halved[480:] *= 0.5
    assert abs(regime_start(halved) - 480) <= 7
    assert regime_start(_weekly(600, 100.0)) == 0


def test_regime_start_after_a_long_zero_run_and_not_inside_one() -> None:
    restarted = _weekly(420, 80.0)
    restarted[100:250] = 0
    assert 245 <= regime_start(restarted) <= 252
    stopped = _weekly(420, 80.0)
    stopped[350:] = 0
    assert regime_start(stopped) == 0  # zero now: the zeros are what to forecast


def test_regime_start_ignores_a_yearly_wave() -> None:
    n = 840
    wave = 1 + 0.45 * np.sin(np.arange(n) * 2 * np.pi / 365)
    values = np.random.default_rng(1).poisson(100 * wave * np.tile([1, 1, 1, 1, 1, 0.5, 0.4], 120))
    assert regime_start(values.astype(np.float64)) == 0


def test_es_fits_from_the_level_shift() -> None:
    values = _weekly(600, 100.0, seed=2)
    values[480:] *= 0.5  # a lockdown halves the load
    model = make_model("es")
    assert isinstance(model, ExponentialSmoothing)
    model.fit(series_of(values))
    assert 120 <= model._window(series_of(values)).size < 127  # from the shift (week-aligned)
    new_level = values[-28:].mean()
    assert abs(model.predict(28).mean.mean() - new_level) / new_level < 0.15
    whole = make_model("es", level_shifts=False)
    assert isinstance(whole, ExponentialSmoothing)
    assert whole._window(series_of(values)).size == 600


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_forecasts_after_a_long_zero_run(name: str) -> None:
    values = _weekly(300, 60.0, seed=4)
    values[60:200] = 0  # the queue was closed for months, then reopened
    series = TimeSeries(values, days(values.size))
    forecast = make_model(name).fit(series).predict(28, (80, 95))
    assert np.isfinite(forecast.mean).all()
    assert (forecast.mean >= 0).all()
    assert forecast.mean.mean() > 10  # the reopened level, not the closed months
