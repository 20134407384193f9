"""Forecasting endpoints on two years of seasonal synthetic tickets (tests/factories.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factories import HIERARCHY_CSV, seasonal_tickets_frame, to_csv
from fastapi.testclient import TestClient

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("fc"), _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv")
    context.datasets.ingest(DatasetKind.TICKETS, to_csv(seasonal_tickets_frame()), "t.csv")
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client
    context.close()


def test_forecast_spec_shape_and_intervals(client: TestClient) -> None:
    body = {"queue_id": 1, "forecast_horizon": 14, "include_confidence_intervals": True}
    result = client.post("/api/forecast", json=body).json()

    assert result["queue_id"] == 1
    assert result["granularity"] == "daily"
    assert result["timestamps"][0] == "2020-01-01"
    assert len(result["values"]) == len(result["timestamps"]) == 14
    assert set(result["intervals"]) == {"80", "95"}
    for low80, low95, mean, up80, up95 in zip(
        result["intervals"]["80"]["lower"],
        result["lower_bound"],
        result["values"],
        result["intervals"]["80"]["upper"],
        result["upper_bound"],
        strict=True,
    ):
        assert 0 <= low95 <= low80 <= mean <= up80 <= up95
    weekday, weekend = result["values"][0], result["values"][3]  # Wed 1 Jan, Sat 4 Jan
    assert weekend < weekday


def test_forecast_without_intervals_and_legacy_names(client: TestClient) -> None:
    body = {"queue_id": 1, "forecast_horizon": 4, "granularity": "weekly", "model_type": "naive"}
    result = client.post("/ts/api/forecast", json=body).json()
    assert "lower_bound" not in result
    assert result["model"] == "naive"
    assert result["timestamps"] == ["2020-01-05", "2020-01-12", "2020-01-19", "2020-01-26"]


def test_past_forecast_uses_only_earlier_history(client: TestClient) -> None:
    body = {
        "queue_id": 4,
        "forecast_horizon": 7,
        "model": "naive",
        "forecast_start_date": "2019-06-03",
    }
    result = client.post("/api/forecast", json=body).json()
    history = client.get(
        "/api/historical",
        params={"queue_id": 4, "start_date": "2019-05-27", "end_date": "2019-06-02"},
    ).json()
    assert result["timestamps"][0] == "2019-06-03"
    assert result["values"] == [float(v) for v in history["values"]]  # seasonal naive: last week


def test_second_request_uses_the_cached_model(client: TestClient) -> None:
    context = client.app.state.context  # type: ignore[attr-defined]
    client.delete("/api/clear_all_models")
    body = {"queue_id": 11, "forecast_horizon": 3, "model": "es"}
    first = client.post("/api/forecast", json=body).json()
    assert len(context.forecasts.models) == 1
    assert client.post("/api/forecast", json=body).json() == first
    assert len(context.forecasts.models) == 1
    removed = client.delete("/api/clear_models/11").json()
    assert removed["status"] == "success"
    assert len(context.forecasts.models) == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"queue_id": 1, "forecast_horizon": 301}, 422, "invalid_horizon"),
        ({"queue_id": 1, "forecast_horizon": 43, "granularity": "weekly"}, 422, "invalid_horizon"),
        ({"queue_id": 1, "forecast_horizon": 0}, 422, "invalid_horizon"),
        ({"queue_id": 12345, "forecast_horizon": 3}, 404, "queue_not_found"),
        ({"queue_id": 1, "model": "catbust"}, 422, "unknown_model"),
        ({"queue_id": 1, "forecast_start_date": "2018-01-03"}, 422, "series_too_short"),
        ({"queue_id": 1, "forecast_start_date": "2030-01-01"}, 422, "invalid_cutoff"),
        ({"queue_id": 1, "forecast_start_date": "2018-01-01"}, 422, "invalid_cutoff"),
        ({"forecast_horizon": 3}, 422, "invalid_request"),
    ],
)
def test_forecast_errors(
    client: TestClient, body: dict[str, object], status: int, code: str
) -> None:
    response = client.post("/api/forecast", json=body)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_all_zero_series_is_a_clear_error(client: TestClient) -> None:
    response = client.post("/api/forecast", json={"queue_id": 3, "forecast_horizon": 3})
    assert (response.status_code, response.json()["code"]) == (422, "all_zero_series")


def test_train_model_returns_original_metrics(client: TestClient) -> None:
    result = client.post(
        "/api/train_model", json={"queue_id": 1, "model_type": "es", "forecast_horizon": 14}
    ).json()
    assert result["model"] == "es"
    assert {"rmse", "mae", "mape", "smape", "mase"} <= set(result)
    assert result["rmse"] >= result["mae"] > 0


def test_compare_and_backtest(client: TestClient) -> None:
    body = {"queue_id": 1, "models": ["naive", "es"], "forecast_horizon": 14, "windows": 2}
    result = client.post("/api/compare_models", json=body).json()
    assert set(result["results"]) == {"naive", "es"}
    assert result["best"] in {"naive", "es"}
    backtest = client.post(
        "/api/backtest", json={"queue_id": 1, "model": "naive", "forecast_horizon": 7, "windows": 3}
    ).json()
    assert len(backtest["windows"]) == 3
    assert backtest["metrics"]["mase"] > 0


def test_forecast_all_is_coherent_stored_and_reused(client: TestClient) -> None:
    body = {"forecast_horizon": 14, "method": "mint_shrink"}
    run = client.post("/api/forecast_all", json=body).json()
    again = client.post("/api/forecast_all", json=body).json()
    assert run["created"] is True
    assert again["created"] is False
    assert again["run_id"] == run["run_id"]

    def values(queue: int) -> list[float]:
        return client.get(f"/api/forecast_all/{run['run_id']}/queues/{queue}").json()["values"]

    # Parent = own tickets + children; queue 2 has no own tickets, so it equals its child 4.
    assert values(2) == pytest.approx(values(4), abs=1e-6)
    assert all(r >= a + b - 1e-6 for r, a, b in zip(values(0), values(1), values(10), strict=True))
    assert client.get("/api/forecast_all").json()[0]["run_id"] == run["run_id"]
    reconciled = client.post("/api/reconciled_forecast?queue_id=4", json=body).json()
    assert reconciled["values"] == pytest.approx(values(4))
    missing = client.get("/api/forecast_all/nope/queues/1")
    assert missing.json()["code"] == "forecast_run_not_found"


def test_staffing_from_forecast(client: TestClient) -> None:
    body = {
        "queue_id": 0,
        "forecast_horizon": 7,
        "handling_minutes": 30,
        "working_hours": 8,
        "service_level": 0.8,
        "target_wait_hours": 0.5,
        "shrinkage": 0.2,
    }
    result = client.post("/api/staffing", json=body).json()
    assert len(result["agents_on_duty"]) == 7
    assert all(level >= 0.8 for level in result["service_level"])
    assert all(
        s >= d for s, d in zip(result["agents_scheduled"], result["agents_on_duty"], strict=True)
    )
    bad = client.post("/api/staffing", json={**body, "shrinkage": 1.5})
    assert bad.json()["code"] == "invalid_staffing"


@pytest.mark.parametrize("model", ["naive", "vets", "es", "gbm", "prophet"])
def test_saved_model_forecasts_like_the_live_one(client: TestClient, model: str) -> None:
    saved = client.post("/api/forecast_models/save", json={"queue_id": 1, "model": model})
    assert saved.status_code == 200, saved.text
    record = saved.json()
    assert (record["kind"], record["status"]) == ("forecaster", "ready")
    assert record["dataset_ref"].startswith("tickets@")
    live = client.post(
        "/api/forecast",
        json={
            "queue_id": 1,
            "model": model,
            "forecast_horizon": 10,
            "include_confidence_intervals": True,
        },
    ).json()
    stored = client.post(
        f"/api/forecast_models/{record['id']}/forecast", json={"forecast_horizon": 10}
    ).json()
    assert stored["values"] == pytest.approx(live["values"])
    assert stored["intervals"] == live["intervals"]
    assert record["id"] in {m["id"] for m in client.get("/api/forecast_models").json()}


def test_reconciled_forecast_needs_no_body(client: TestClient) -> None:
    response = client.post("/api/reconciled_forecast", params={"queue_id": 1})
    assert response.status_code == 200, response.text
    assert len(response.json()["values"]) == 30  # the default horizon


def test_every_422_names_the_field(client: TestClient) -> None:
    empty_id = client.post("/api/reconciled_forecast?queue_id=")
    assert empty_id.status_code == 422
    assert empty_id.json()["message"].startswith("query.queue_id: ")
    no_body = client.post("/api/forecast")
    assert no_body.status_code == 422
    assert no_body.json()["message"].startswith("body: Field required")
    not_an_object = client.post("/api/forecast", json=[1])
    assert not_an_object.json()["message"].startswith("body: ")
    missing = client.post("/api/forecast", json={"forecast_horizon": 3})
    assert missing.json()["message"].startswith("queue_id: Field required")
