"""Every fitted model survives the registry's skops round trip with identical forecasts.

``load_artifact`` refuses any type outside the trusted packages, so a successful load also
proves the artifact holds no statsmodels/Prophet/pandas objects (nothing pickled).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from forecast_simulations import daily_load

from tasks_support_system_ai.forecasting.base import Forecast, TimeSeries
from tasks_support_system_ai.forecasting.models import MODEL_NAMES, make_model
from tasks_support_system_ai.registry import dump_artifact, load_artifact

HORIZON = 14
LEVELS = (80, 95)
TOLERANCE = 1e-8


@pytest.fixture(scope="module")
def series() -> TimeSeries:
    """About a year of daily load with a weekly season: long enough for every model."""
    return daily_load(365, seed=3)


def _round_trip(model: Any) -> Any:
    return load_artifact(dump_artifact(model))


def _assert_same(before: Forecast, after: Forecast) -> None:
    np.testing.assert_allclose(after.mean, before.mean, rtol=0, atol=TOLERANCE)
    for level in LEVELS:
        np.testing.assert_allclose(after.lower[level], before.lower[level], rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(after.upper[level], before.upper[level], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_loaded_model_forecasts_identically(name: str, series: TimeSeries) -> None:
    # Prophet's bounds are sampled, but from a seeded generator, so they must match too.
    model = make_model(name).fit(series)
    loaded = _round_trip(model)
    assert type(loaded) is type(model)
    _assert_same(model.predict(HORIZON, LEVELS), loaded.predict(HORIZON, LEVELS))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_loaded_model_keeps_forecast_dates(name: str, series: TimeSeries) -> None:
    """skops stores the ``Granularity`` enum as a plain string; dates must not change."""
    model = make_model(name).fit(series)
    loaded = _round_trip(model)
    expected = model.predict(HORIZON, LEVELS).dates
    np.testing.assert_array_equal(loaded.predict(HORIZON, LEVELS).dates, expected)


@pytest.mark.parametrize("chosen", ["es", "sarima", "gbm"])
def test_auto_round_trips_its_chosen_model(chosen: str, series: TimeSeries) -> None:
    model = make_model("auto", candidates=(chosen,)).fit(series)
    loaded = _round_trip(model)
    assert loaded.chosen == chosen
    _assert_same(model.predict(HORIZON, LEVELS), loaded.predict(HORIZON, LEVELS))


@pytest.mark.parametrize("name", ["es", "sarima", "prophet", "gbm"])
def test_unfitted_model_round_trips(name: str) -> None:
    loaded = _round_trip(make_model(name))
    with pytest.raises(RuntimeError, match="not fitted"):
        loaded.predict(HORIZON, LEVELS)
