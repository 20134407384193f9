"""Prediction intervals cover close to their nominal level on simulated seasonal series.

Each draw is a fixed random weekly profile plus Gaussian noise (no random walk), so the
true forecast distribution is known; coverage is pooled over draws and the horizon.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from forecast_simulations import seasonal_draw

from tasks_support_system_ai.forecasting.base import Forecaster
from tasks_support_system_ai.forecasting.models import (
    ExponentialSmoothing,
    GradientBoosting,
    LinearModel,
    SeasonalNaive,
)

HISTORY = 365
HORIZON = 14
NOMINAL = {80: (0.72, 0.88), 95: (0.90, 0.99)}


def pooled_coverage(factory: Callable[[], Forecaster], draws: int) -> dict[int, float]:
    rng = np.random.default_rng(2024)
    inside: dict[int, list[float]] = {level: [] for level in NOMINAL}
    for _ in range(draws):
        series, actual = seasonal_draw(rng, HISTORY, HORIZON)
        forecast = factory().fit(series).predict(HORIZON, levels=tuple(NOMINAL))
        for level, shares in inside.items():
            inside_interval = (actual >= forecast.lower[level]) & (actual <= forecast.upper[level])
            shares.append(float(np.mean(inside_interval)))
    return {level: float(np.mean(shares)) for level, shares in inside.items()}


@pytest.mark.parametrize(
    ("factory", "draws"),
    [
        pytest.param(SeasonalNaive, 200, id="naive"),
        pytest.param(ExponentialSmoothing, 100, id="es"),
        # Fewer, smaller boosting rounds keep this fast; conformal validity does not
        # depend on the regressor being good.
        pytest.param(lambda: GradientBoosting(max_iter=30), 50, id="gbm"),
        pytest.param(LinearModel, 100, id="linear"),
    ],
)
def test_interval_coverage_is_near_nominal(factory: Callable[[], Forecaster], draws: int) -> None:
    observed = pooled_coverage(factory, draws)
    for level, (low, high) in NOMINAL.items():
        assert low <= observed[level] <= high, (level, observed)
