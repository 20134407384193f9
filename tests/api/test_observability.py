"""Request ids, request and inference metrics, and ``/metrics`` on the real app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factories import labelled_texts_csv
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from workers import in_process_worker

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    """A client and a trained classifier (trained through a job on an in-process worker)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("observe"), _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    app = create_app(context=context)
    with in_process_worker(context), TestClient(app, raise_server_exceptions=False) as client:
        files = {"file": ("texts.csv", labelled_texts_csv(), "text/csv")}
        assert client.post("/api/upload_data", data={"df_type": "texts"}, files=files).is_success
        fit = {"model": "logistic", "wait": True}
        response = client.post("/api/fit_nlp", json=fit, headers={"X-Request-ID": "fit-req-1"})
        assert response.status_code == 200, response.text
        yield client, response.json()
    context.close()


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_request_id_is_returned_propagated_or_generated(served: tuple[TestClient, str]) -> None:
    client, _ = served
    assert (
        client.get("/health", headers={"X-Request-ID": "nginx-abc"}).headers["x-request-id"]
        == "nginx-abc"
    )
    generated = client.get("/health").headers["x-request-id"]
    assert len(generated) == 32
    forged = client.get("/health", headers={"X-Request-ID": "a b<script>"}).headers["x-request-id"]
    assert forged != "a b<script>"
    assert len(forged) == 32


def test_requests_are_counted_by_route_template_and_status(served: tuple[TestClient, str]) -> None:
    client, _ = served
    before = scrape(client)
    for _ in range(3):
        assert client.get("/api/jobs/job_doesnotexist").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    after = scrape(client)
    template = {"method": "GET", "route": "/api/jobs/{job_id}"}
    counted = "support_ai_http_requests_total"
    assert (
        value(after, counted, **template, status="404")
        - value(before, counted, **template, status="404")
        == 3
    )
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert value(after, counted, **unmatched) - value(before, counted, **unmatched) == 1
    assert not any("job_doesnotexist" in str(labels) for _, labels in after)
    latency = "support_ai_http_request_duration_seconds_count"
    assert value(after, latency, **template) - value(before, latency, **template) == 3
    assert ("support_ai_http_requests_in_flight", frozenset()) in after


def test_predictions_are_measured_on_the_fast_and_the_full_path(
    served: tuple[TestClient, str],
) -> None:
    client, model_id = served
    before = scrape(client)
    body = {"id": model_id, "text": "I was charged twice this month"}
    answers = [client.post("/api/predict_nlp", json=body) for _ in range(3)]
    assert [a.json() for a in answers] == ["billing"] * 3
    assert all(a.headers["x-request-id"] for a in answers)
    batch = client.post(
        "/api/predict_nlp_batch", json={"id": model_id, "texts": ["router down", "refund"]}
    )
    assert batch.status_code == 200
    after = scrape(client)
    inferences = "support_ai_model_inferences_total"
    fast = value(after, inferences, model=model_id, path="fast") - value(
        before, inferences, model=model_id, path="fast"
    )
    full = value(after, inferences, model=model_id, path="route") - value(
        before, inferences, model=model_id, path="route"
    )
    assert fast >= 2  # the first call may load the model through the full route
    assert fast + full == 3 + 2
    route = {"method": "POST", "route": "/api/predict_nlp", "status": "200"}
    assert (
        value(after, "support_ai_http_requests_total", **route)
        - value(before, "support_ai_http_requests_total", **route)
        == 3
    )
    assert value(after, "support_ai_model_inference_duration_seconds_count", model=model_id) > 0


def test_jobs_store_the_submitting_request_id_and_are_counted(
    served: tuple[TestClient, str],
) -> None:
    client, model_id = served
    fits = client.get("/api/jobs", params={"kind": "nlp_fit"}).json()
    mine = next(job for job in fits if job["params"].get("model_id") == model_id)
    assert mine["request_id"] == "fit-req-1"
    found = scrape(client)
    assert value(found, "support_ai_jobs", kind="nlp_fit", state="succeeded") >= 1
    assert value(found, "support_ai_job_transitions_total", kind="nlp_fit", state="succeeded") >= 1
    assert (
        value(found, "support_ai_job_duration_seconds_count", kind="nlp_fit", state="succeeded")
        >= 1
    )
    assert value(found, "support_ai_dataset_versions", kind="texts") == 1


def test_metrics_can_be_switched_off(settings: Settings) -> None:
    settings.metrics_enabled = False
    context: AppContext = build_context(settings)
    with TestClient(create_app(context=context)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/health").headers["x-request-id"]
    context.close()
