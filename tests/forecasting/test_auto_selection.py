"""auto's backtest machinery: conformal intervals calibrated on synthetic series with known
noise, series that end in a long run of zeros, and slow candidates stopped early."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from forecast_simulations import days, seasonal_draw, series_of

from tasks_support_system_ai.forecasting.base import Forecast, TimeSeries
from tasks_support_system_ai.forecasting.models import AutoModel, make_model
from tasks_support_system_ai.forecasting.models.conformal import (
    conformal_forecast,
    conformal_widths,
    enough_errors,
)
from tasks_support_system_ai.forecasting.selection import (
    Race,
    backtest_candidates,
    quiet_windows,
    ranked,
)

NOMINAL = {80: (0.75, 0.85), 95: (0.90, 1.00)}  # the issue's ±5 points


def test_widths_cover_new_errors_from_the_same_distribution() -> None:
    """Synthetic: errors ~ N(0, 10) in 3 windows × 28 steps; coverage of new draws ≈ nominal."""
    rng = np.random.default_rng(7)
    covered: dict[int, list[float]] = {level: [] for level in NOMINAL}
    for _ in range(400):
        past, new = rng.normal(0, 10, (3, 28)), rng.normal(0, 10, 28)
        for level, shares in covered.items():
            shares.append(float(np.mean(np.abs(new) <= conformal_widths(past, level, 28))))
    for level, (low, high) in NOMINAL.items():
        assert low <= np.mean(covered[level]) <= high, level


def test_widths_are_flat_over_the_backtested_steps_and_grow_beyond() -> None:
    errors = np.tile(np.arange(1.0, 29.0), (3, 1))  # |errors| 1..28, each three times
    widths = conformal_widths(errors, 80, 56)
    assert np.all(widths[:28] == widths[0])
    np.testing.assert_allclose(widths[55], widths[0] * np.sqrt(2))
    assert np.all(np.diff(widths) >= 0)


def test_too_few_errors_keep_the_models_own_bounds() -> None:
    mean = np.full(7, 10.0)
    own = Forecast(mean, days(7), {80: mean - 1}, {80: mean + 1})
    assert not enough_errors(np.ones((1, 7)))
    assert conformal_forecast(own, np.ones((1, 7)), (80,)) is own
    widened = conformal_forecast(own, np.full((3, 14), 4.0), (80,))
    np.testing.assert_allclose(widened.upper[80], mean + 4)
    np.testing.assert_allclose(widened.lower[80], mean - 4)


def test_backtest_errors_agree_with_the_reported_mase() -> None:
    series = series_of(np.random.default_rng(3).poisson(50, 200).astype(np.float64))
    runs = backtest_candidates(("naive", "es"), series, 14, 3, make=make_model)
    for run in runs.values():
        assert run.errors.shape == (3, 14)
        assert run.score.metrics is not None
        mae = float(np.mean(np.abs(run.errors)))
        assert np.isclose(mae, run.score.metrics.mae)


def test_auto_intervals_are_calibrated_on_series_with_known_noise() -> None:
    """Synthetic: fixed weekly profile + N(0, 8) noise; auto's bounds pooled over draws."""
    rng = np.random.default_rng(2024)
    covered: dict[int, list[float]] = {level: [] for level in NOMINAL}
    for _ in range(12):
        series, actual = seasonal_draw(rng, 365, 28)
        auto = AutoModel(make_model=make_model, candidates=("naive", "vets")).fit(series)
        forecast = auto.predict(28)
        for level, shares in covered.items():
            inside = (actual >= forecast.lower[level]) & (actual <= forecast.upper[level])
            shares.append(float(np.mean(inside)))
    for level, (low, high) in NOMINAL.items():
        assert low <= np.mean(covered[level]) <= high, (level, np.mean(covered[level]))


def test_a_series_ending_in_a_long_zero_run_is_forecast_at_zero() -> None:
    """Synthetic: a busy year, then twelve weeks without a ticket (a queue that went quiet)."""
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.poisson(30, 365), np.zeros(84)]).astype(np.float64)
    auto = AutoModel(make_model=make_model).fit(series_of(values))
    assert auto.members[0] == "naive"  # exact zeros in the windows trained on the silence
    forecast = auto.predict(28)
    assert np.all(forecast.mean < 1.0)
    for level in (80, 95):
        assert np.all(forecast.lower[level] <= forecast.mean)
        assert np.all(forecast.mean <= forecast.upper[level])
        assert np.all(forecast.upper[level] < 2.0)  # not the old load's ±30 errors
    assert quiet_windows(series_of(values), 28, 3) == 2  # the first window saw the drop
    assert quiet_windows(series_of(values[:-60]), 28, 3) == 0


class _Constant:
    """A fake model forecasting a constant; counts its fits (for the race test)."""

    fits = 0

    def __init__(self, name: str, level: float) -> None:
        self.name, self.level = name, level

    def fit(self, series: TimeSeries) -> _Constant:
        type(self).fits += 1
        self._series = series
        return self

    def predict(self, horizon: int, levels: Sequence[int] = (80, 95)) -> Forecast:
        mean = np.full(horizon, self.level)
        return Forecast(mean, self._series.future_dates(horizon))


def test_a_slow_candidate_far_behind_on_the_latest_window_is_stopped_there() -> None:
    """Synthetic: constant 50 ± noise; 'slow' forecasts 500 and is dropped after one window."""
    series = series_of(np.random.default_rng(1).normal(50, 3, 200))
    levels = {"a": 50.0, "b": 52.0, "slow": 500.0, "close": 51.0}

    def make(name: str, **_: object) -> _Constant:
        return _Constant(name, levels[name])

    race = Race(frozenset({"slow", "close"}), keep=2, slack=0.1)
    _Constant.fits = 0
    runs = backtest_candidates(tuple(levels), series, 14, 3, make=make, race=race)
    assert list(runs) == list(levels)  # the given order, though slow ones ran last
    assert runs["slow"].score.error_code == "pruned"
    assert runs["slow"].errors.size == 0
    assert runs["close"].score.metrics is not None  # within the slack: fully backtested
    assert _Constant.fits == 3 + 3 + 1 + 3
    assert ranked(runs)[-1] == "slow"


def test_a_slow_candidate_is_not_fitted_when_fast_ones_were_exact() -> None:
    """A queue gone silent: two fast candidates forecast its zeros exactly, so no slow one
    could rank above them and none is fitted at all."""
    values = np.concatenate([np.random.default_rng(2).poisson(20, 150), np.zeros(60)])
    levels = {"a": 0.0, "b": 0.0, "slow": 0.0}

    def make(name: str, **_: object) -> _Constant:
        return _Constant(name, levels[name])

    race = Race(frozenset({"slow"}), keep=2, slack=0.1)
    _Constant.fits = 0
    runs = backtest_candidates(tuple(levels), series_of(values), 14, 3, make=make, race=race)
    assert runs["slow"].score.error_code == "pruned"
    assert _Constant.fits == 3 + 3  # the fast ones' windows only
