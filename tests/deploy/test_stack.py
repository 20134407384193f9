"""The deployment's topology, natively: everything driven through the real nginx.

Upload, a forecast, a classifier trained as a job on the Celery worker (Redis), predictions
(the fast path included), the upload limit at nginx, request ids from nginx to the job record,
the dashboard over its websocket, and the series in the real Prometheus.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from deploy_support import REQUIRE_SERVICES, find_tool
from factories import HIERARCHY_CSV, TOTAL_LOAD, labelled_texts_csv, tickets_csv
from native_stack import NativeStack
from servers import PostgresDatabases

pytestmark = pytest.mark.slow


def _require(tools: tuple[str, ...]) -> None:
    missing = [tool for tool in tools if find_tool(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (apt-get install nginx-light prometheus)"
        if REQUIRE_SERVICES:
            pytest.fail(message + " (REQUIRE_SERVICES=1)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_databases: PostgresDatabases,
    redis_url: str,
) -> Iterator[NativeStack]:
    _require(("nginx", "prometheus", "moto_server"))
    postgres_url = postgres_databases.create()
    scratch = tmp_path_factory.mktemp(f"stack-{uuid.uuid4().hex[:6]}")
    running = NativeStack(scratch=scratch, database_url=postgres_url, redis_url=redis_url)
    try:
        yield running.start()
    finally:
        running.stop()


def upload(client: httpx.Client, kind: str, content: bytes) -> httpx.Response:
    files = {"file": (f"{kind}.csv", content, "text/csv")}
    return client.post("/api/upload_data", data={"df_type": kind}, files=files)


def test_deployment_topology_through_nginx(stack: NativeStack) -> None:
    """One test, one stack (a module fixture would start one per xdist worker)."""
    with httpx.Client(base_url=stack.url, timeout=60, headers=stack.api_headers()) as client:
        _serves_end_to_end(stack, client)
        _enforces_the_upload_limit(client)
        _proxies_docs_and_metrics(client)
        _dashboard_over_the_websocket(stack)
        _prometheus_has_the_series(stack)


def _serves_end_to_end(stack: NativeStack, client: httpx.Client) -> None:
    for kind, content in (
        ("hierarchy", HIERARCHY_CSV),
        ("tickets", tickets_csv()),
        ("texts", labelled_texts_csv()),
    ):
        response = upload(client, kind, content)
        assert response.status_code == 200, response.text
    assert client.get("/ready").status_code == 200
    assert client.get("/api/queues").json()["total_load"] == TOTAL_LOAD
    assert client.get("/ts/api/queues").json()["total_load"] == TOTAL_LOAD

    forecast = client.post("/api/forecast", json={"queue_id": 1, "forecast_horizon": 7})
    assert forecast.status_code == 200, forecast.text
    assert len(forecast.json()["values"]) == 7

    fit = client.post("/api/fit_nlp", json={"model": "logistic", "wait": True}, timeout=180)
    assert fit.status_code == 200, fit.text
    model_id = fit.json()
    fits = client.get("/api/jobs", params={"kind": "nlp_fit"}).json()
    job = next(j for j in fits if j["params"].get("model_id") == model_id)
    assert job["status"] == "succeeded", job
    assert job["request_id"] == fit.headers["x-request-id"], "nginx's request id reaches the job"

    text = {"id": model_id, "text": "I was charged twice this month"}
    labels = [client.post("/api/predict_nlp", json=text) for _ in range(5)]
    assert [r.json() for r in labels] == ["billing"] * 5

    assert _logged_by_nginx(stack, labels[-1].headers["x-request-id"])


def _logged_by_nginx(stack: NativeStack, request_id: str, within_s: float = 10.0) -> bool:
    """nginx writes a request's access-log line after sending its response, so the client
    may read the response before the line is there: look again for a while."""
    deadline = time.monotonic() + within_s
    while True:
        log_lines = (stack.scratch / "nginx" / "access.log").read_text().splitlines()
        if request_id in {json.loads(line)["request_id"] for line in log_lines}:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def _enforces_the_upload_limit(client: httpx.Client) -> None:
    """nginx answers above the API's limit (2 MB here), in the API's error shape."""
    too_big = b"queueId,date,new_tickets\n" + b"1,2017-01-02,1\n" * 200_000
    assert len(too_big) > 2 * 1024 * 1024
    response = upload(client, "tickets", too_big)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert client.get("/api/queues").json()["total_load"] == TOTAL_LOAD


def _proxies_docs_and_metrics(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/queues" in client.get("/openapi.json").json()["paths"]
    metrics = client.get("/metrics")  # allowed from loopback and private networks only
    assert metrics.status_code == 200
    assert "support_ai_http_requests_total" in metrics.text


def _prometheus_has_the_series(stack: NativeStack) -> None:
    up = stack.wait_for_series(
        "up",
        lambda r: len(r) == 2 and all(s["value"][1] == "1" for s in r),  # type: ignore[index]
    )
    assert {s["metric"]["job"] for s in up} == {"support-ai-api", "support-ai-worker"}, up  # type: ignore[index]
    worker_fit = 'job="support-ai-worker",kind="nlp_fit",state="succeeded"'
    expected = {
        'support_ai_http_requests_total{route="/api/upload_data",status="200"}': 3,
        'support_ai_http_requests_total{route="/api/predict_nlp",status="200"}': 5,
        'support_ai_model_inferences_total{path="fast"}': 1,
        'support_ai_jobs{kind="nlp_fit",state="succeeded"}': 1,
        f"support_ai_job_duration_seconds_count{{{worker_fit}}}": 1,
        'support_ai_job_transitions_total{kind="nlp_fit",state="queued"}': 1,
        "support_ai_worker_heartbeat_timestamp_seconds": 1,
        "support_ai_dataset_versions": 3,
        "support_ai_job_queue_depth": 0,
        "support_ai_http_requests_in_flight": 0,
    }
    for query, minimum in expected.items():
        result = stack.wait_for_series(
            f"sum({query})",
            lambda r, m=minimum: bool(r) and float(r[0]["value"][1]) >= m,  # type: ignore[misc]
        )
        assert result, f"no series for {query}"
        assert float(result[0]["value"][1]) >= minimum, (query, result)  # type: ignore[index]


def _dashboard_over_the_websocket(stack: NativeStack) -> None:
    page = httpx.get(f"{stack.url}/", timeout=30)
    assert page.status_code == 200
    assert "<noscript>" in page.text or "streamlit" in page.text.lower()
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{stack.ports['nginx']}/_stcore/stream", open_timeout=20):
        pass  # the handshake succeeded: nginx upgraded the connection
    _render_in_browser(stack.url, stack.scratch / "dashboard.png")


def _render_in_browser(url: str, screenshot: Path) -> None:
    """Headless chromium: Streamlit draws the page only after its websocket delivers it."""
    if find_tool("chromedriver") is None:
        if REQUIRE_SERVICES:
            pytest.fail("chromedriver not installed (REQUIRE_SERVICES=1)")
        return
    from selenium import webdriver
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.binary_location = find_tool("chromium") or ""
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(find_tool("chromedriver"))
    )
    try:
        driver.get(url)
        rendered = (
            'return document.querySelectorAll(\'[data-testid="stAppViewContainer"] '
            '[data-testid="stMarkdownContainer"], [data-testid="stAppViewContainer"] h1\').length'
        )
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(rendered) > 0)
        driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
