"""The model registry and the contract every model keeps: names, errors, dates and bounds."""

from __future__ import annotations

import numpy as np
import pytest
from forecast_simulations import daily_load, series_of
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models import (
    MODEL_NAMES,
    AutoModel,
    ExponentialSmoothing,
    GradientBoosting,
    LinearModel,
    ProphetModel,
    Sarima,
    SeasonalMedian,
    SeasonalNaive,
    make_model,
)

# The shortest history each catalogue model accepts (daily data).
MINIMUM = {
    "naive": 14,
    "median": 14,
    "es": 10,
    "sarima": 30,
    "prophet": 14,
    "gbm": 64,
    "linear": 64,
    "auto": 14,
    "vets": 14,
}
MODELS = MODEL_NAMES  # the shared contract: every name in the catalogue keeps it


@pytest.mark.parametrize(
    ("name", "cls", "canonical"),
    [
        ("naive", SeasonalNaive, "naive"),
        ("median", SeasonalMedian, "median"),
        ("es", ExponentialSmoothing, "es"),
        ("prophet", ProphetModel, "prophet"),
        ("catboost", GradientBoosting, "gbm"),
        ("CatBoost", GradientBoosting, "gbm"),
        ("linear", LinearModel, "linear"),
        ("sarima", Sarima, "sarima"),
        ("gbm", GradientBoosting, "gbm"),
        ("auto", AutoModel, "auto"),
    ],
)
def test_names_and_original_service_aliases(name: str, cls: type, canonical: str) -> None:
    model = make_model(name)
    assert isinstance(model, cls)
    assert model.name == canonical


def test_model_names() -> None:
    assert set(MINIMUM) == set(MODEL_NAMES)  # a new model must state its minimum here


def test_parameters_reach_the_constructor() -> None:
    model = make_model("es", max_history=100)
    assert isinstance(model, ExponentialSmoothing)
    assert model.max_history == 100


def test_unknown_model_lists_valid_names() -> None:
    with pytest.raises(InvalidInputError) as caught:
        make_model("arima")
    assert caught.value.code == "unknown_model"
    assert "catboost" in caught.value.details["valid"]
    assert "naive" in caught.value.message


@pytest.mark.parametrize("name", MODELS)
def test_a_model_is_named_as_in_the_catalogue(name: str) -> None:
    assert make_model(name).name == name  # backtests and comparisons report models by it


def test_unknown_parameter() -> None:
    with pytest.raises(InvalidInputError) as caught:
        make_model("naive", depth=3)
    assert caught.value.code == "invalid_model_params"


@pytest.mark.parametrize("name", MODELS)
def test_minimum_history(name: str) -> None:
    needed = MINIMUM[name]
    series = daily_load(needed, seed=5)
    with pytest.raises(InvalidInputError) as caught:
        make_model(name).fit(series.head(needed - 1))
    assert caught.value.code == "series_too_short"
    assert caught.value.details["needed"] == needed
    assert caught.value.details["available"] == needed - 1
    assert f"{needed} " in caught.value.message
    forecast = make_model(name).fit(series).predict(3)
    assert forecast.mean.shape == (3,)


@pytest.mark.parametrize("name", MODELS)
def test_all_zero_series_is_rejected(name: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        make_model(name).fit(series_of(np.zeros(100)))
    assert caught.value.code == "all_zero_series"


def test_leading_zeros_do_not_count_as_history() -> None:
    """Days before a queue opened are not history: 300 zeros + 13 days is 13 days."""
    load = daily_load(20, seed=6).values
    opened_late = series_of(np.concatenate([np.zeros(300), load[:13]]))
    with pytest.raises(InvalidInputError) as caught:
        SeasonalNaive().fit(opened_late)
    assert caught.value.details == {"model": "naive", "needed": 14, "available": 13}
    series = series_of(np.concatenate([np.zeros(300), load]))
    trimmed = series_of(load)
    forecast = SeasonalNaive().fit(series).predict(7)
    expected = SeasonalNaive().fit(trimmed).predict(7)  # zero-to-zero errors would narrow it
    np.testing.assert_array_equal(forecast.upper[95], expected.upper[95])
    np.testing.assert_array_equal(forecast.dates, series.future_dates(7))


def test_missing_values_are_rejected() -> None:
    values = daily_load(100).values.copy()
    values[50] = np.nan
    with pytest.raises(InvalidInputError) as caught:
        SeasonalNaive().fit(series_of(values))
    assert caught.value.code == "non_finite_values"


def test_predict_arguments_and_order() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        SeasonalNaive().predict(7)
    model = SeasonalNaive().fit(daily_load(60))
    with pytest.raises(InvalidInputError) as caught:
        model.predict(0)
    assert caught.value.code == "invalid_horizon"
    with pytest.raises(InvalidInputError) as caught:
        model.predict(7, levels=(80, 100))
    assert caught.value.code == "invalid_level"


@pytest.fixture(scope="module")
def sparse_queue() -> TimeSeries:
    """A quiet queue (≈1 ticket a day, many zeros): intervals would dip below zero unclipped."""
    rng = np.random.default_rng(11)
    return series_of(rng.poisson(1.0, 120).astype(float))


@pytest.mark.parametrize("name", MODELS)
def test_future_dates_and_non_negative_bounds(name: str, sparse_queue: TimeSeries) -> None:
    forecast = make_model(name).fit(sparse_queue).predict(10, levels=(50, 80, 95))
    np.testing.assert_array_equal(forecast.dates, sparse_queue.future_dates(10))
    assert forecast.dates[0] == sparse_queue.dates[-1] + np.timedelta64(1, "D")
    assert set(forecast.lower) == set(forecast.upper) == {50, 80, 95}
    assert np.all(forecast.mean >= 0)
    for level in (50, 80, 95):
        assert forecast.lower[level].shape == (10,)
        assert np.all(forecast.lower[level] >= 0)
        assert np.all(forecast.lower[level] <= forecast.upper[level])
    assert np.any(forecast.lower[95] == 0)  # clipped, not negative


@pytest.mark.parametrize("name", ["naive", "es", "sarima", "linear"])
@pytest.mark.parametrize(
    ("granularity", "periods", "step"),
    [(Granularity.WEEKLY, 160, np.timedelta64(7, "D")), (Granularity.MONTHLY, 45, None)],
)
def test_weekly_and_monthly_series(
    name: str, granularity: Granularity, periods: int, step: np.timedelta64 | None
) -> None:
    rng = np.random.default_rng(3)
    series = series_of(
        500 + 50 * np.sin(np.arange(periods)) + rng.normal(0, 10, periods), granularity
    )
    forecast = make_model(name).fit(series).predict(4)
    np.testing.assert_array_equal(forecast.dates, series.future_dates(4))
    if step is not None:
        assert np.all(np.diff(forecast.dates) == step)
    else:  # month ends
        assert np.all(
            (forecast.dates + 1).astype("datetime64[M]") != forecast.dates.astype("datetime64[M]")
        )
    assert np.all(np.abs(forecast.mean - 500) < 200)


loads = arrays(np.float64, st.integers(64, 150), elements=st.floats(0, 500))


@settings(max_examples=8, deadline=None)
@given(values=loads, name=st.sampled_from(["naive", "es", "linear"]))
def test_intervals_are_nested_on_random_loads(values: np.ndarray, name: str) -> None:
    if not values.any():
        values[0] = 1.0
    forecast = make_model(name).fit(series_of(values)).predict(9)
    assert np.all(np.isfinite(forecast.mean))
    assert np.all(forecast.lower[95] <= forecast.lower[80] + 1e-9)
    assert np.all(forecast.lower[80] <= forecast.upper[80] + 1e-9)
    assert np.all(forecast.upper[80] <= forecast.upper[95] + 1e-9)
