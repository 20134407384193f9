"""Metrics against hand-computed values, their zero conventions, and simple invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tasks_support_system_ai.forecasting.metrics import coverage, mae, mape, mase, rmse, smape

ACTUAL = [10.0, 0.0, 5.0, 20.0]
FORECAST = [8.0, 1.0, 5.0, 25.0]  # errors 2, 1, 0, 5


def test_mae_and_rmse_by_hand() -> None:
    assert mae(ACTUAL, FORECAST) == pytest.approx(8 / 4)
    assert rmse(ACTUAL, FORECAST) == pytest.approx(math.sqrt((4 + 1 + 0 + 25) / 4))


def test_mape_skips_zero_actuals() -> None:
    # |2|/10 = 0.2, |0|/5 = 0, |5|/20 = 0.25; the zero actual is left out.
    assert mape(ACTUAL, FORECAST) == pytest.approx(100 * (0.2 + 0 + 0.25) / 3)


def test_mape_of_all_zero_actuals_is_nan() -> None:
    assert math.isnan(mape([0.0, 0.0], [1.0, 0.0]))


def test_smape_by_hand_with_a_zero_over_zero_term() -> None:
    # 200·2/18, 200·1/1, 200·0/10, 200·5/45, and 0/0 → 0
    expected = (200 * 2 / 18 + 200 + 0 + 200 * 5 / 45 + 0) / 5
    assert smape([*ACTUAL, 0.0], [*FORECAST, 0.0]) == pytest.approx(expected)


def test_mase_scales_by_in_sample_seasonal_naive() -> None:
    training = [1.0, 2.0, 4.0, 7.0]  # lag-2 differences: 3, 5 → scale 4
    assert mase(ACTUAL, FORECAST, training, season_length=2) == pytest.approx(2 / 4)
    # lag-1 differences: 1, 2, 3 → scale 2
    assert mase(ACTUAL, FORECAST, training) == pytest.approx(2 / 2)


def test_mase_is_nan_when_undefined() -> None:
    assert math.isnan(mase([1.0], [2.0], [3.0, 3.0, 3.0], season_length=1))  # scale 0
    assert math.isnan(mase([1.0], [2.0], [3.0, 4.0], season_length=7))  # too short


def test_coverage_counts_bounds_as_inside() -> None:
    actual = [1.0, 2.0, 3.0, 4.0]
    assert coverage(actual, [1.0, 0.0, 3.5, 0.0], [1.0, 1.0, 4.0, 4.0]) == pytest.approx(0.5)


def test_shape_mismatch_is_rejected() -> None:
    with pytest.raises(ValueError, match="same shape"):
        mae([1.0, 2.0], [1.0])


counts = arrays(np.float64, st.integers(1, 30), elements=st.floats(0, 1e4))


@settings(max_examples=30, deadline=None)
@given(data=st.data(), actual=counts)
def test_invariants(data: st.DataObject, actual: np.ndarray) -> None:
    forecast = data.draw(arrays(np.float64, actual.shape, elements=st.floats(0, 1e4)))
    assert mae(actual, forecast) <= rmse(actual, forecast) + 1e-9
    assert 0 <= smape(actual, forecast) <= 200 + 1e-9
    assert mae(actual, actual) == 0
    assert coverage(actual, actual, actual) == 1
