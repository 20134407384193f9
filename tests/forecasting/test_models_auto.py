"""AutoModel: backtest the candidates, keep the scores, refit the winner."""

from __future__ import annotations

import numpy as np
import pytest
from forecast_simulations import daily_load, series_of

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.models import AutoModel, ExponentialSmoothing


def test_picks_the_clear_winner_and_refits_it() -> None:
    # Strong trend, noisy days: smoothing averages the noise, last-week-repeated cannot.
    series = daily_load(400, seed=7, trend=0.3, noise=12.0)
    auto = AutoModel(candidates=("naive", "es")).fit(series)
    assert auto.chosen == "es"
    assert set(auto.scores) == {"naive", "es"}
    es, naive = auto.scores["es"].metrics, auto.scores["naive"].metrics
    assert es is not None
    assert naive is not None
    assert es.mase < 0.9 * naive.mase
    expected = ExponentialSmoothing().fit(series).predict(10)
    np.testing.assert_allclose(auto.predict(10).mean, expected.mean)


def test_chosen_has_the_lowest_backtest_mase() -> None:
    series = daily_load(200, seed=8)
    auto = AutoModel(candidates=("naive", "linear", "catboost"), horizon=7).fit(series)
    mase = {score.model: score.metrics.mase for score in auto.scores.values() if score.metrics}
    assert len(mase) == 3
    assert auto.chosen == min(mase, key=mase.__getitem__)
    assert auto.scores["catboost"].model == "gbm"


def test_falls_back_when_no_candidate_can_be_backtested() -> None:
    series = daily_load(30, seed=9)  # 3 windows of 14 days do not fit
    auto = AutoModel().fit(series)
    assert all(score.error_code == "series_too_short" for score in auto.scores.values())
    assert auto.chosen == "naive"
    assert auto.predict(7).mean.shape == (7,)


def test_rejects_itself_as_candidate_and_unusable_series() -> None:
    with pytest.raises(InvalidInputError) as caught:
        AutoModel(candidates=("naive", "auto")).fit(daily_load(100))
    assert caught.value.code == "invalid_candidates"
    with pytest.raises(InvalidInputError) as caught:
        AutoModel().fit(series_of(np.zeros(100)))
    assert caught.value.code == "all_zero_series"
