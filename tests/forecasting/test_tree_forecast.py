"""forecast_tree on a hand-checkable load, on simulated Poisson queues, and request errors."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd
import pytest
from factories import HIERARCHY_CSV, tickets_frame

from tasks_support_system_ai.analytics import Granularity, QueueLoad
from tasks_support_system_ai.analytics.periods import as_date
from tasks_support_system_ai.errors import InvalidInputError, NotFoundError
from tasks_support_system_ai.forecasting.reconcile import METHODS
from tasks_support_system_ai.forecasting.tree_forecast import (
    TreeForecast,
    complete_periods,
    forecast_tree,
)
from tasks_support_system_ai.hierarchy import ROOT_ID, QueueTree

RATES = {1: 5, 10: 8, 3: 20, 4: 12, 5: 30, 11: 25, 12: 3, 13: 40}  # own tickets per day
WEEK = np.array([1.0, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3])  # Monday .. Sunday


def hierarchy_frame() -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(HIERARCHY_CSV))
    frame["parentId"] = frame["parentId"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def small() -> QueueLoad:
    """factories' 4-week tree: constant daily tickets, so forecasts are exact."""
    return QueueLoad.build(QueueTree.from_frame(hierarchy_frame()), tickets_frame())


@pytest.fixture(scope="module")
def simulated() -> QueueLoad:
    """Two years of Poisson tickets with a weekly pattern; inner queues 1 and 10 get tickets."""
    parents = [None, None, 1, 1, 2, 2, 10, 10, 10]
    ids = [1, 10, 2, 3, 4, 5, 11, 12, 13]
    frame = pd.DataFrame(
        {"queueId": ids, "parentId": pd.array(parents, dtype="Int64"), "name": "q"}
    )
    days = pd.date_range("2018-01-01", "2019-12-31", freq="D")
    week = WEEK[days.day_of_week]
    rng = np.random.default_rng(7)
    parts = [
        pd.DataFrame({"queueId": q, "date": days, "new_tickets": rng.poisson(r * week)})
        for q, r in RATES.items()
    ]
    return QueueLoad.build(QueueTree.from_frame(frame), pd.concat(parts, ignore_index=True))


def implied_own(load: QueueLoad, forecast: TreeForecast) -> np.ndarray:
    """Each node's forecast minus its children's forecasts."""
    children = np.zeros_like(forecast.mean)
    parents = load.tree.parent_index
    np.add.at(children, parents[1:], forecast.mean[1:])
    return forecast.mean - children


def test_hand_checked_daily_forecast(small: QueueLoad) -> None:
    forecast = forecast_tree(small, horizon=7)
    assert forecast.mean.shape == (7, 7)
    assert forecast.dates[0] == np.datetime64("2017-01-30")
    assert forecast.cutoff == date(2017, 1, 29)
    assert forecast.method == "mint_shrink"
    billing = np.array([3, 3, 3, 3, 3, 1, 1], dtype=float)  # own 2 on weekdays + queue 4's 1
    np.testing.assert_allclose(forecast.for_queue(1).mean, billing, atol=1e-6)
    np.testing.assert_allclose(forecast.for_queue(2).mean, 1.0, atol=1e-6)
    np.testing.assert_allclose(forecast.for_queue(3).mean, 0.0, atol=1e-6)
    np.testing.assert_allclose(forecast.for_queue(10).mean, 3.0, atol=1e-6)
    np.testing.assert_allclose(forecast.for_queue(ROOT_ID).mean, billing + 4, atol=1e-6)
    queue = forecast.for_queue(11)
    np.testing.assert_allclose(queue.lower[95], queue.upper[95], atol=1e-6)
    np.testing.assert_array_equal(queue.dates, forecast.dates)


def test_weekly_uses_whole_weeks_only(small: QueueLoad) -> None:
    full = forecast_tree(small, horizon=2, granularity="weekly")
    assert full.granularity is Granularity.WEEKLY
    np.testing.assert_array_equal(full.dates, np.array(["2017-02-05", "2017-02-12"], "M8[D]"))
    np.testing.assert_allclose(full.for_queue(1).mean, 17.0, atol=1e-6)
    cut = forecast_tree(small, horizon=1, granularity=Granularity.WEEKLY, cutoff=date(2017, 1, 25))
    assert cut.dates[0] == np.datetime64("2017-01-29")  # the cut-off's week, forecast in full
    np.testing.assert_allclose(cut.for_queue(11).mean, 21.0, atol=1e-6)


def test_complete_periods_match_resample_labels(simulated: QueueLoad) -> None:
    days = simulated.dates[3:200]
    row = simulated.tree.index_of(10)
    for granularity in (Granularity.WEEKLY, Granularity.MONTHLY):
        labels, sums = complete_periods(simulated.matrix[:, 3:200].astype(float), days, granularity)
        start, end = as_date(days[0]), as_date(days[-1])
        expected_labels, expected = simulated.resample(10, granularity, start, end)
        np.testing.assert_array_equal(labels, expected_labels[1:-1])
        np.testing.assert_array_equal(sums[row], expected[1:-1])


@pytest.mark.parametrize("method", METHODS)
def test_simulated_forecasts_are_coherent_and_accurate(simulated: QueueLoad, method: str) -> None:
    cutoff = date(2019, 11, 30)
    forecast = forecast_tree(simulated, horizon=31, cutoff=cutoff, method=method)
    own = implied_own(simulated, forecast)
    assert own.min() >= -1e-6
    no_own = [simulated.tree.index_of(q) for q in (2, ROOT_ID)]
    np.testing.assert_allclose(own[no_own], 0.0, atol=1e-6)
    expected_root = sum(RATES.values()) * WEEK[(np.arange(31) + 6) % 7]  # 2019-12-01: Sunday
    assert np.abs(forecast.mean[0] / expected_root - 1).mean() < 0.05
    actual = simulated.matrix[:, -31:]
    inside = (actual >= forecast.lower[95]) & (actual <= forecast.upper[95])
    assert inside[1:].mean() >= 0.85
    assert (forecast.lower[80] >= 0).all()


def test_monthly_forecast(simulated: QueueLoad) -> None:
    forecast = forecast_tree(simulated, horizon=3, granularity="monthly", cutoff=date(2019, 9, 15))
    expected = np.array(["2019-09-30", "2019-10-31", "2019-11-30"], dtype="M8[D]")
    np.testing.assert_array_equal(forecast.dates, expected)
    assert np.isfinite(forecast.mean).all()
    assert set(forecast.upper) == {80, 95}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"horizon": 0}, "invalid_horizon"),
        ({"horizon": 301}, "invalid_horizon"),
        ({"horizon": 43, "granularity": "weekly"}, "invalid_horizon"),
        ({"horizon": 11, "granularity": "monthly"}, "invalid_horizon"),
        ({"horizon": 5, "cutoff": date(2016, 12, 31)}, "invalid_cutoff"),
        ({"horizon": 5, "cutoff": date(2017, 2, 1)}, "invalid_cutoff"),
        ({"horizon": 5, "cutoff": date(2017, 1, 2)}, "invalid_cutoff"),
        ({"horizon": 2, "granularity": "monthly"}, "invalid_cutoff"),
        ({"horizon": 5, "method": "magic"}, "invalid_method"),
        ({"horizon": 5, "granularity": "hourly"}, "invalid_granularity"),
    ],
)
def test_rejects_bad_requests(small: QueueLoad, kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        forecast_tree(small, **kwargs)  # type: ignore[arg-type]
    assert error.value.code == code


def test_unknown_queue(small: QueueLoad) -> None:
    forecast = forecast_tree(small, horizon=3, method="bottom_up")
    with pytest.raises(NotFoundError):
        forecast.for_queue(12345)


def test_a_clipped_lower_bound_stays_at_zero_when_the_mean_moves_up() -> None:
    """Synthetic 2-leaf tree of near-zero counts: reconciliation raises the leaves' means, but
    a base lower bound at 0 was clipped there and must keep covering zero days."""
    from tasks_support_system_ai.forecasting.reconcile import Hierarchy
    from tasks_support_system_ai.forecasting.tree_forecast import _reconciled
    from tasks_support_system_ai.forecasting.vectorised import MatrixForecast

    hierarchy = Hierarchy.from_summing(np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    mean = np.array([[2.0], [0.2], [0.2]])  # the total says more than its children
    base = MatrixForecast(
        mean, {80: np.array([[1.0], [0.0], [0.0]])}, {80: np.array([[3.0], [1.0], [1.0]])}
    )
    residuals = np.random.default_rng(0).normal(size=(3, 50))
    reconciled, lower, upper = _reconciled(base, hierarchy, "wls_struct", residuals)
    assert np.all(reconciled[1:] > mean[1:])  # the leaves moved up
    np.testing.assert_array_equal(lower[80][1:], 0.0)  # still covering a zero day
    assert np.all(upper[80][1:] > 1.0)  # the upper bound moved with the mean
    assert lower[80][0, 0] > 0.0  # an unclipped bound moves as before
