"""Jobs API with a real worker: a whole-tree forecast as a job, list, status, result, cancel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from workers import in_process_worker

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.context import AppContext


@pytest.fixture
def client(context: AppContext) -> Iterator[TestClient]:
    app = create_app(context=context)
    with in_process_worker(context), TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_forecast_all_job_lifecycle(client: TestClient, context: AppContext) -> None:
    body = {"forecast_horizon": 7, "model": "vets"}
    created = client.post("/api/jobs/forecast_all", json=body)
    assert created.status_code == 202, created.text
    job = created.json()
    assert job["status"] == "queued"
    assert job["kind"] == "forecast_all"
    context.jobs.wait(job["id"], timeout_s=60)
    status = client.get(f"/api/jobs/{job['id']}").json()
    assert status["status"] == "succeeded", status
    assert status["progress"] == 100.0
    result = client.get(f"/api/jobs/{job['id']}/result").json()
    run = client.get(f"/api/forecast_all/{result['run_id']}/queues/0")
    assert run.status_code == 200
    assert len(run.json()["values"]) == 7
    listed = client.get("/api/jobs", params={"limit": 5, "kind": "forecast_all"}).json()
    assert listed[0]["id"] == job["id"]
    assert listed[0]["result"] is None  # lists stay light; the result is one call away
    finished = client.post(f"/api/jobs/{job['id']}/cancel")
    assert finished.status_code == 409
    assert finished.json()["code"] == "job_finished"


def test_backtest_job_gives_the_backtest_route_answer(
    client: TestClient, context: AppContext
) -> None:
    body = {"queue_id": 0, "model": "es", "forecast_horizon": 7, "windows": 2}
    job = client.post("/api/jobs/backtest", json=body).json()
    context.jobs.wait(job["id"], timeout_s=60)
    result = client.get(f"/api/jobs/{job['id']}/result")
    assert result.status_code == 200, client.get(f"/api/jobs/{job['id']}").json()
    assert result.json() == client.post("/api/backtest", json=body).json()
    unknown = client.post("/api/jobs/backtest", json={**body, "model": "nope"})
    assert unknown.status_code == 422


def test_job_errors_are_clear(client: TestClient) -> None:
    missing = client.get("/api/jobs/job_nope")
    assert missing.status_code == 404
    assert missing.json()["code"] == "job_not_found"
    assert client.get("/api/jobs", params={"status": "exploded"}).status_code == 422
    assert client.get("/api/jobs", params={"limit": 0}).status_code == 422
