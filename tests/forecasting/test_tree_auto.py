"""forecast_tree(model="auto"): per-queue choice, coherence, storage of the choice in runs."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tasks_support_system_ai.analytics import QueueLoad
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models.catalogue import make_model
from tasks_support_system_ai.forecasting.runs import ForecastRuns, RunSpec
from tasks_support_system_ai.forecasting.tree_auto import CANDIDATES, TOP_CANDIDATES, choose
from tasks_support_system_ai.forecasting.tree_forecast import TreeForecast, forecast_tree
from tasks_support_system_ai.forecasting.vectorised_naive import naive_forecast
from tasks_support_system_ai.hierarchy import ROOT_ID, QueueTree
from tasks_support_system_ai.storage.local import LocalObjectStore

WEEK = np.array([10, 12, 11, 10, 9, 3, 2])  # Monday .. Sunday
HORIZON = 14


@pytest.fixture(scope="module")
def load() -> QueueLoad:
    """Queue 1 has children 2 (exactly weekly-periodic) and 3 (steep trend plus noise)."""
    tree = pd.DataFrame(
        {"queueId": [1, 2, 3], "parentId": pd.array([None, 1, 1], dtype="Int64"), "name": "q"}
    )
    days = pd.date_range("2019-01-07", periods=210, freq="D")  # starts on a Monday
    rng = np.random.default_rng(3)
    trend = 5 + 0.5 * np.arange(days.size) + WEEK[days.day_of_week] + rng.poisson(2, days.size)
    frame = pd.concat(
        [
            pd.DataFrame({"queueId": 2, "date": days, "new_tickets": WEEK[days.day_of_week]}),
            pd.DataFrame({"queueId": 3, "date": days, "new_tickets": trend.astype(int)}),
        ],
        ignore_index=True,
    )
    return QueueLoad.build(QueueTree.from_frame(tree), frame)


@pytest.fixture(scope="module")
def auto(load: QueueLoad) -> TreeForecast:
    return forecast_tree(load, horizon=HORIZON, model="auto")


def chosen_for(load: QueueLoad, forecast: TreeForecast, queue_id: int) -> str:
    assert forecast.chosen is not None
    return str(forecast.chosen[load.tree.index_of(queue_id)])


def test_auto_picks_naive_for_periodic_and_another_model_for_trend(
    load: QueueLoad, auto: TreeForecast
) -> None:
    assert chosen_for(load, auto, 2) == "naive"
    assert chosen_for(load, auto, 3) != "naive"
    assert auto.chosen is not None
    assert auto.chosen.shape == (len(load.tree),)
    assert set(auto.chosen.tolist()) <= {*CANDIDATES, "auto"}
    periodic = auto.for_queue(2)
    np.testing.assert_allclose(periodic.mean, WEEK[np.arange(HORIZON) % 7], atol=1e-3)


def test_top_of_the_tree_can_get_single_series_auto_over_every_model(
    load: QueueLoad, auto: TreeForecast
) -> None:
    """Optionally the root and first-level queues get AutoModel over all models."""
    assert chosen_for(load, auto, ROOT_ID) != "auto"  # off by default
    top = forecast_tree(load, horizon=HORIZON, model="auto", top_auto=True)
    assert chosen_for(load, top, ROOT_ID) == "auto"
    assert chosen_for(load, top, 1) == "auto"
    assert chosen_for(load, top, 2) == "naive"
    assert set(TOP_CANDIDATES) >= {"sarima", "gbm", "prophet", "es", "naive"}
    children = top.mean[load.tree.index_of(2)] + top.mean[load.tree.index_of(3)]
    np.testing.assert_allclose(top.mean[load.tree.index_of(1)], children, atol=1e-6)


def test_auto_is_coherent_with_intervals(load: QueueLoad, auto: TreeForecast) -> None:
    children = np.zeros_like(auto.mean)
    np.add.at(children, load.tree.parent_index[1:], auto.mean[1:])
    inner = [load.tree.index_of(q) for q in (ROOT_ID, 1)]
    np.testing.assert_allclose(auto.mean[inner], children[inner], atol=1e-6)
    for level in (80, 95):
        assert (auto.lower[level] <= auto.mean + 1e-9).all()
        assert (auto.upper[level] >= auto.mean - 1e-9).all()
    assert (auto.upper[95] - auto.lower[95] >= auto.upper[80] - auto.lower[80] - 1e-9).all()


def test_vets_default_records_no_choice(load: QueueLoad) -> None:
    assert forecast_tree(load, horizon=HORIZON).chosen is None


def test_choose_breaks_near_ties_towards_the_simpler_model() -> None:
    scores = np.array([[1.0, 2.0, np.nan], [1.0 - 1e-9, 1.0, 0.5], [3.0, 0.5, 0.7]])
    np.testing.assert_array_equal(choose(scores), [0, 2, 1])


def test_vectorised_naive_matches_the_single_series_model() -> None:
    rng = np.random.default_rng(5)
    values = np.concatenate([np.zeros(20), rng.poisson(30 * np.tile(WEEK / 10, 40))])
    dates = np.datetime64("2020-01-01") + np.arange(values.size).astype("timedelta64[D]")
    single = make_model("naive").fit(TimeSeries(values.astype(float), dates)).predict(40)
    matrix = naive_forecast(values[np.newaxis].astype(float), 7, 40, (80, 95))
    np.testing.assert_allclose(matrix.mean[0], single.mean)
    for level in (80, 95):
        np.testing.assert_allclose(np.maximum(matrix.lower[level][0], 0), single.lower[level])
        np.testing.assert_allclose(matrix.upper[level][0], single.upper[level])


def test_runs_store_and_reload_the_choice(load: QueueLoad, tmp_path: Path) -> None:
    data = SimpleNamespace(
        load=load,
        tickets=SimpleNamespace(content_hash="t", id=1),
        hierarchy=SimpleNamespace(content_hash="h", id=1),
    )
    store = LocalObjectStore(tmp_path)
    info = ForecastRuns(store).run(data, RunSpec(horizon=HORIZON, model="auto"))  # type: ignore[arg-type]
    reloaded = ForecastRuns(store).get(info.run_id)  # fresh cache: read from the npz
    assert reloaded.chosen is not None
    assert chosen_for(load, reloaded, 2) == "naive"
    assert reloaded.chosen.dtype.kind == "U"
    plain = ForecastRuns(store).run(data, RunSpec(horizon=HORIZON))  # type: ignore[arg-type]
    assert ForecastRuns(store).get(plain.run_id).chosen is None


def test_unknown_model_is_rejected(load: QueueLoad, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as error:
        forecast_tree(load, horizon=HORIZON, model="prophet")
    assert error.value.code == "unknown_model"
    runs = ForecastRuns(LocalObjectStore(tmp_path))
    with pytest.raises(InvalidInputError) as error:
        runs.run(SimpleNamespace(), RunSpec(model="magic"))  # type: ignore[arg-type]
    assert error.value.code == "unknown_model"


def test_auto_reports_progress_over_every_pass_up_to_done(load: QueueLoad) -> None:
    shares: list[float] = []
    forecast_tree(load, horizon=HORIZON, model="auto", progress=shares.append)
    assert shares == sorted(shares)
    assert shares[-1] == 1.0
    assert sum(share <= 1 / 3 for share in shares) >= 2  # the first of three passes, chunk by chunk
