"""The whole-tree seasonal median: every row at once, as ``SeasonalMedian`` does one row."""

from __future__ import annotations

import numpy as np
from forecast_simulations import series_of

from tasks_support_system_ai.forecasting.models.median import SeasonalMedian
from tasks_support_system_ai.forecasting.vectorised_naive import median_forecast, median_mean


def test_rows_match_the_single_series_model() -> None:
    rng = np.random.default_rng(4)
    values = rng.poisson([[3.0], [40.0], [0.3]], size=(3, 7 * 15)).astype(float)
    values[:, 0] = 1.0  # every row active from the start
    matrix = median_forecast(values, 7, 28, (80, 95))
    for row in range(3):
        single = SeasonalMedian().fit(series_of(values[row])).predict(28)
        np.testing.assert_allclose(matrix.mean[row], single.mean)
        for level in (80, 95):
            np.testing.assert_allclose(
                np.clip(matrix.upper[level][row], 0, None), single.upper[level]
            )


def test_days_before_a_queue_existed_do_not_count() -> None:
    young = np.zeros(7 * 10)
    young[-21:] = np.resize([5.0, 6, 7, 8, 9, 2, 1], 21)  # opened three weeks ago
    mean = median_mean(young[np.newaxis], 7, 7)[0]
    np.testing.assert_allclose(mean, [5, 6, 7, 8, 9, 2, 1])
