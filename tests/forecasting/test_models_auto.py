"""AutoModel: backtest the candidates, keep the scores, refit and average the best (or, with a
margin, the incumbent unless a challenger clearly wins); intervals from the backtest errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from forecast_simulations import daily_load, series_of

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models import (
    AutoModel,
    ExponentialSmoothing,
    LinearModel,
    make_model,
)
from tasks_support_system_ai.registry import dump_artifact, load_artifact

CANDIDATES = ("naive", "linear", "es")


def _auto(**options: Any) -> AutoModel:
    """An ``AutoModel`` choosing among the catalogue's models (as ``make_model("auto")``)."""
    return AutoModel(make_model=make_model, **options)


def _mase(auto: AutoModel) -> dict[str, float]:
    return {score.model: score.metrics.mase for score in auto.scores.values() if score.metrics}


def test_keeps_the_incumbent_against_a_worse_challenger_and_refits_it() -> None:
    # Strong trend, noisy days: smoothing averages the noise, last-week-repeated cannot.
    series = daily_load(400, seed=7, trend=0.3, noise=12.0)
    auto = _auto(candidates=("naive", "es"), combine=1).fit(series)
    assert auto.chosen == "es"
    assert auto.members == ("es",)
    assert set(auto.scores) == {"naive", "es"}
    mase = _mase(auto)
    assert mase["es"] < 0.9 * mase["naive"]
    expected = ExponentialSmoothing().fit(series).predict(10)
    np.testing.assert_allclose(auto.predict(10).mean, expected.mean)


def test_a_clear_winner_replaces_the_incumbent() -> None:
    series = daily_load(400, seed=7, trend=0.3, noise=12.0)
    auto = _auto(candidates=("naive", "es"), incumbent="naive", margin=0.1).fit(series)
    assert auto.chosen == "es"  # more than 10 % lower backtest MASE than the incumbent


def test_a_near_tie_keeps_the_incumbent() -> None:
    """On this series linear's backtest MASE is ~3 % below es's: not evidence enough."""
    series = daily_load(200, seed=8)
    auto = _auto(candidates=CANDIDATES, horizon=7, margin=0.1).fit(series)
    mase = _mase(auto)
    assert min(mase, key=mase.__getitem__) == "linear"
    assert 0.9 * mase["es"] <= mase["linear"] < mase["es"]
    assert auto.chosen == "es"
    argmin = _auto(candidates=CANDIDATES, horizon=7, margin=0.0, combine=1).fit(series)
    assert argmin.chosen == "linear"
    expected = LinearModel().fit(series).predict(7)
    np.testing.assert_allclose(argmin.predict(7).mean, expected.mean)


def test_a_clear_lead_switches_from_the_incumbent() -> None:
    series = daily_load(200, seed=11)
    auto = _auto(candidates=CANDIDATES, horizon=7, margin=0.1).fit(series)
    mase = _mase(auto)
    assert mase["linear"] < 0.9 * mase["es"]
    assert auto.chosen == "linear"
    kept = _auto(candidates=CANDIDATES, horizon=7, margin=0.5).fit(series)
    assert kept.chosen == "es"


@pytest.mark.parametrize("seed", [8, 11, 15, 21, 27])
def test_choice_follows_the_rule(seed: int) -> None:
    series = daily_load(200, seed=seed)
    auto = _auto(candidates=CANDIDATES, horizon=7, margin=0.1).fit(series)
    mase = _mase(auto)
    best = min(mase, key=mase.__getitem__)
    assert auto.chosen == (best if mase[best] < 0.9 * mase["es"] else "es")
    plain = _auto(candidates=CANDIDATES, horizon=7, single_if_dominant=False).fit(series)
    assert plain.chosen == best
    assert plain.members == tuple(sorted(mase, key=mase.__getitem__))  # all three, best first


def _settled(pattern: list[float], days: int) -> TimeSeries:
    """A weekly pattern, doubled for the first 49 days and then repeated exactly."""
    values = np.resize(np.asarray(pattern, dtype=float), days)
    values[:49] *= 2
    return series_of(values)


def test_a_best_that_wins_every_window_is_used_alone() -> None:
    pattern = [5.0, 9.0, 7.0, 6.0, 8.0, 1.0, 0.0]
    series = _settled(pattern, 200)
    candidates = ("naive", "es", "linear", "median")
    auto = _auto(candidates=candidates, horizon=7).fit(series)
    assert len(auto.members) == 1
    assert auto.members[0] in {"naive", "median"}  # both exact since the shift
    np.testing.assert_allclose(auto.predict(14).mean, np.resize(pattern, 200 + 14)[200:])
    averaged = _auto(candidates=candidates, horizon=7, single_if_dominant=False).fit(series)
    assert len(averaged.members) == 3


def test_a_queue_gone_intermittent_gets_the_zero_forecast_of_the_median() -> None:
    busy = np.resize([30.0, 32, 31, 29, 28, 5, 4], 150)
    rare = np.zeros(84)
    rare[[10, 40, 41, 70]] = 1.0  # a ticket on four days in twelve weeks
    series = series_of(np.concatenate([busy, rare]))
    auto = _auto(candidates=("naive", "median", "es", "linear"), horizon=14).fit(series)
    assert auto.members == ("median",)
    np.testing.assert_allclose(auto.predict(14).mean, 0.0)


def test_the_default_averages_the_three_best_refitted_on_the_whole_series() -> None:
    series = daily_load(200, seed=8)
    auto = _auto(candidates=("naive", "linear", "es", "vets"), horizon=7).fit(series)
    mase = _mase(auto)
    best_three = tuple(sorted(mase, key=mase.__getitem__)[:3])
    assert auto.members == best_three
    refits = [make_model(name).fit(series).predict(10, ()).mean for name in best_three]
    np.testing.assert_allclose(auto.predict(10).mean, np.mean(refits, axis=0))


def test_without_the_incumbent_the_lowest_backtest_mase_wins() -> None:
    series = daily_load(200, seed=8)
    auto = _auto(candidates=("naive", "linear", "catboost"), horizon=7).fit(series)
    mase = _mase(auto)
    assert len(mase) == 3
    assert auto.chosen == min(mase, key=mase.__getitem__)
    assert auto.scores["catboost"].model == "gbm"
    plain = _auto(candidates=CANDIDATES, horizon=7, incumbent=None).fit(series)
    assert plain.chosen == "linear"


def test_incumbent_may_be_named_by_alias() -> None:
    series = daily_load(200, seed=11)
    auto = _auto(
        candidates=("linear", "catboost"), horizon=7, incumbent="CatBoost", margin=0.99
    ).fit(series)
    assert auto.chosen == "gbm"


def test_default_backtest_is_three_four_week_windows_shortened_for_short_histories() -> None:
    long = _auto(candidates=("naive", "es")).fit(daily_load(200, seed=3))
    assert long._plan(daily_load(200)) == 28
    assert long._plan(daily_load(70)) == 20  # (70 − 8) // 3 days still fit three windows
    assert long._plan(daily_load(40)) == 14  # shortest; too short to backtest at all
    assert all(score.metrics is not None for score in long.scores.values())


def test_falls_back_to_the_incumbent_when_no_candidate_can_be_backtested() -> None:
    series = daily_load(30, seed=9)  # 3 windows of 14 days do not fit
    auto = _auto().fit(series)
    assert all(score.error_code == "series_too_short" for score in auto.scores.values())
    assert auto.chosen == "es"
    assert auto.members == ("es",)  # no evidence to average on
    forecast = auto.predict(7)
    assert forecast.mean.shape == (7,)
    own = ExponentialSmoothing().fit(series).predict(7)  # no backtest errors: its own bounds
    np.testing.assert_allclose(forecast.upper[95], own.upper[95])
    first = _auto(incumbent=None).fit(series)
    assert first.chosen == "naive"  # no evidence, no incumbent: the first that fits


def test_a_candidate_that_cannot_fit_is_skipped() -> None:
    """gbm needs 64 days for each backtest cut: it fails, the others are compared."""
    series = daily_load(80, seed=10)
    auto = _auto(candidates=("gbm", "naive", "es"), horizon=7).fit(series)
    assert auto.scores["gbm"].metrics is None
    assert auto.chosen in {"naive", "es"}
    gbm_first = _auto(candidates=("gbm", "naive"), horizon=7, incumbent="gbm").fit(series)
    assert gbm_first.chosen == "naive"  # the incumbent has no score: the challenger wins


def test_rejects_bad_options_and_unusable_series() -> None:
    with pytest.raises(InvalidInputError) as caught:
        _auto(candidates=("naive", "auto")).fit(daily_load(100))
    assert caught.value.code == "invalid_candidates"
    with pytest.raises(InvalidInputError) as caught:
        _auto().fit(series_of(np.zeros(100)))
    assert caught.value.code == "all_zero_series"
    for margin in (-0.1, 1.0):
        with pytest.raises(InvalidInputError) as caught:
            _auto(margin=margin).fit(daily_load(100))
        assert caught.value.code == "invalid_margin"
    for options in ({"combine": 0}, {"intervals": "exact"}):
        with pytest.raises(InvalidInputError) as caught:
            _auto(**options).fit(daily_load(100))
        assert caught.value.code == "invalid_model_params"
    with pytest.raises(InvalidInputError) as caught:
        _auto(incumbent="arima").fit(daily_load(100))
    assert caught.value.code == "unknown_model"


def test_registry_passes_the_rule_options_and_artifacts_keep_them() -> None:
    series: TimeSeries = daily_load(200, seed=8)
    model = make_model("auto", candidates=CANDIDATES, horizon=7, margin=0.0).fit(series)
    assert isinstance(model, AutoModel)
    loaded = load_artifact(dump_artifact(model))
    assert (loaded.chosen, loaded.incumbent, loaded.margin) == ("linear", "es", 0.0)
    np.testing.assert_allclose(loaded.predict(7).mean, model.predict(7).mean, rtol=0, atol=1e-8)
    assert set(loaded.scores) == set(CANDIDATES)
