"""Issue 15's defects, each reproduced as an attacker or a careless client would (and issue 14's
bad SQL source): every one failed before its fix."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from factories import HIERARCHY_CSV, seasonal_tickets_frame, to_csv
from fastapi.testclient import TestClient
from pydantic import SecretStr
from workers import JsonParams, in_process_worker

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.api.limits import Limits, RequestLimitsMiddleware, json_depth
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.datasets.store import ParseLimits

FORMULA_LABEL = "=HYPERLINK(evil)"
TWO_TOPICS = {
    "billing": ["charged twice for my invoice", "refund for the payment", "wrong amount on bill"],
    FORMULA_LABEL: ["mobile internet is down", "no connection at home", "router dropping wifi"],
}
SQL_PASSWORD = "s3cret-pw"


def two_label_texts() -> bytes:
    rows = [
        {"text": f"{phrases[k % 3]}, please help (case {k})", "label": label}
        for label, phrases in TWO_TOPICS.items()
        for k in range(30)
    ]
    return pd.DataFrame(rows).to_csv(index=False).encode()


def tickets_db(path: Path) -> str:
    """A small SQLite ticket table (synthetic)."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tickets (id INTEGER, created_at TIMESTAMP, text TEXT)")
        db.executemany(
            "INSERT INTO tickets VALUES (?, ?, ?)",
            [(i, f"2024-01-{1 + i % 28:02d} 10:00:00", f"refund please {i}") for i in range(50)],
        )
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    root = tmp_path_factory.mktemp("hardening")
    settings = Settings(data_dir=root / "data", _env_file=None)  # type: ignore[call-arg]
    settings.max_upload_mb = 1
    settings.max_cube_cells = 200_000
    settings.sql_connect_timeout_s = 2
    settings.sql_sources = {
        "tickets": SecretStr(tickets_db(root / "tickets.db")),
        "silent": SecretStr(f"postgresql+psycopg://u:{SQL_PASSWORD}@127.0.0.1:9/db"),
        "nowhere": SecretStr(f"postgresql+psycopg://u:{SQL_PASSWORD}@no-such-host.invalid/db"),
    }
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo")
    tickets = to_csv(seasonal_tickets_frame(days=200))
    context.datasets.ingest(DatasetKind.TICKETS, tickets, "t.csv", source="demo")
    context.datasets.ingest(DatasetKind.TEXTS, two_label_texts(), "texts.csv", source="demo")
    yield context
    context.close()


@pytest.fixture(scope="module")
def client(context: AppContext) -> Iterator[TestClient]:
    app = create_app(context=context)
    with in_process_worker(context), TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="module")
def classifier(client: TestClient) -> str:
    """Defect 10: two labels train (the ROC AUC step used to fail)."""
    response = client.post("/api/fit_nlp", json={"model": "logistic", "wait": True})
    assert response.status_code == 200, response.text
    model_id = str(response.json())
    stats = client.get(f"/api/statistics/{model_id}")
    assert stats.status_code == 200, stats.text
    assert 0.5 <= stats.json()["roc_auc"] <= 1
    return model_id


@pytest.fixture(scope="module")
def forecaster(client: TestClient) -> str:
    response = client.post("/api/forecast_models/save", json={"queue_id": 1, "model": "naive"})
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "error"
    if code is not None:
        assert body["code"] == code, body
    return body


# 1. One request freezes the API --------------------------------------------------------------


def test_forecast_levels_are_bounded(client: TestClient) -> None:
    levels = list(range(1, 100)) * 100  # ~30 KB of levels
    response = client.post("/api/forecast", json={"queue_id": 1, "levels": levels})
    assert_error(response, 422, "invalid_request")


def test_forecast_computes_off_the_event_loop(
    client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"queue_id": 1, "model": "naive", "forecast_horizon": 7}
    assert client.post("/api/forecast", json=body).status_code == 200  # cached from now on
    on_loop: list[bool] = []
    real = context.forecasts.forecast

    def spy(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return real(*args, **kwargs)

    monkeypatch.setattr(context.forecasts, "forecast", spy)
    assert client.post("/api/forecast", json=body).status_code == 200
    assert on_loop == [False]


def test_json_bodies_over_one_megabyte_are_refused(client: TestClient) -> None:
    text = "x" * (1 << 20)
    response = client.post("/api/predict_nlp", json={"id": "production", "text": text})
    assert_error(response, 413, "body_too_large")


# 2. SQL sources are named connections (and issue 14 defect 4) ------------------------------


def sql_task(connection: str, table: str = "tickets", **extra: Any) -> dict[str, Any]:
    source = {"kind": "sql", "connection": connection, "table": table, **extra}
    return {"source": source, "rules": [{"keyword": "refund", "label": "billing"}]}


def test_sql_source_url_from_a_request_is_refused(client: TestClient) -> None:
    body = sql_task("tickets", url="sqlite:////etc/passwd")
    assert_error(client.post("/api/labeling/create_task", json=body), 422, "invalid_request")


@pytest.mark.parametrize(
    ("connection", "table", "status", "code"),
    [
        ("unknown", "tickets", 404, "sql_source_not_found"),
        ("tickets", "registered_models", 404, "table_not_found"),
        ("silent", "tickets", 502, "source_unavailable"),
        ("nowhere", "tickets", 502, "source_unavailable"),
    ],
)
def test_bad_sql_sources_are_coded_errors(
    client: TestClient, connection: str, table: str, status: int, code: str
) -> None:
    response = client.post("/api/labeling/create_task", json=sql_task(connection, table))
    body = assert_error(response, status, code)
    assert SQL_PASSWORD not in response.text
    assert "127.0.0.1" not in body["message"]


def test_named_sql_source_labels_and_never_shows_its_url(client: TestClient) -> None:
    response = client.post("/api/labeling/create_task", json=sql_task("tickets"))
    assert response.status_code == 202, response.text
    listed = client.get("/api/jobs").text + client.get("/api/labeling/task_list").text
    assert "tickets.db" not in listed
    assert "sqlite" not in listed
    assert '"connection":"tickets"' in listed.replace(" ", "")


# 5. 500s ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/api/predict_nlp", {"text": "refund please"}),
        ("/api/predict_nlp_batch", {"texts": ["refund please"]}),
        ("/api/predict_scores", {"texts": ["refund please"]}),
    ],
)
def test_forecaster_id_on_classifier_routes_is_404(
    client: TestClient, forecaster: str, route: str, body: dict[str, Any]
) -> None:
    response = client.post(route, json={"id": forecaster, **body})
    assert_error(response, 404, "model_not_found")


def test_classifier_id_on_clustering_routes_is_404(client: TestClient, classifier: str) -> None:
    names = client.put(f"/api/clustering/{classifier}/names", json={"names": {"0": "x"}})
    assert_error(names, 404, "model_not_found")
    assign = client.post(f"/api/clustering/{classifier}/assign", json={"id": "x", "texts": ["a"]})
    assert_error(assign, 404, "model_not_found")


def test_deeply_nested_json_is_422(client: TestClient) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/forecast", content=deep, headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "json_too_deep")
    assert json_depth(b'{"a": "[[[[[[", "b": [[1]]}') == 3  # brackets in strings do not count


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/api/forecast", {"queue_id": 1, "forecast_start_date": "0001-01-01"}),
        ("/api/staffing", {"queue_id": 1, "handling_minutes": 1e308}),
        ("/api/staffing", {"queue_id": 1, "working_hours": 1e-300}),
        ("/api/forecast", {"queue_id": 2**70}),
    ],
)
def test_extreme_values_are_422(client: TestClient, route: str, body: dict[str, Any]) -> None:
    assert_error(client.post(route, json=body), 422)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/statistics/{id}"),
        ("get", "/api/clustering/{id}"),
        ("get", "/api/jobs/{id}"),
        ("get", "/api/forecast_all/{id}/queues/1"),
        ("post", "/api/models/{id}/load"),
        ("delete", "/api/remove_nlp/{id}"),
    ],
)
def test_five_thousand_character_ids_are_not_found(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path.format(id="a" * 5000))
    body = assert_error(response, 404)
    assert len(response.text) < 2000, "the id is not repeated in full"
    assert "a" * 200 not in body["message"]


def test_identical_uploads_at_the_same_moment_both_succeed(client: TestClient) -> None:
    content = HIERARCHY_CSV + b"77,,Race queue\n"

    def upload(_: int) -> int:
        files = {"file": ("h.csv", content, "text/csv")}
        return client.post(
            "/api/upload_data", data={"df_type": "hierarchy"}, files=files
        ).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(upload, range(4))) == [200] * 4
    client.post(
        "/api/upload_data",
        data={"df_type": "hierarchy"},
        files={"file": ("h.csv", HIERARCHY_CSV, "text/csv")},
    )


# 6. Upload size is checked while streaming ---------------------------------------------------


def test_upload_limit_is_enforced_while_the_body_streams() -> None:
    """A plain ASGI run: the middleware stops reading a multipart body past the limit."""
    chunk, chunks = b"x" * 65536, 200  # 12.5 MB offered
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": read < chunks}

    async def app(scope: Any, receive: Any, send: Any) -> None:  # reads everything, like a form
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"stored"})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware = RequestLimitsMiddleware(app, Limits(1 << 20, 32, upload_bytes=1 << 20))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/upload_data",
        "headers": [(b"content-type", b"multipart/form-data; boundary=x")],
    }
    asyncio.run(middleware(scope, receive, send))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["code"] == "file_too_large"
    assert read * len(chunk) <= (2 << 20) + len(chunk), "stopped reading past the limit"


def test_declared_oversized_upload_is_refused_before_reading(client: TestClient) -> None:
    files = {"file": ("t.csv", b"x" * (3 << 20), "text/csv")}
    response = client.post("/api/upload_data", data={"df_type": "tickets"}, files=files)
    assert_error(response, 413, "file_too_large")


# 7. Small files, big cost --------------------------------------------------------------------


def upload(client: TestClient, kind: str, content: bytes, name: str = "f.csv") -> Any:
    files = {"file": (name, content, "text/csv")}
    return client.post("/api/upload_data", data={"df_type": kind}, files=files)


def test_three_centuries_of_tickets_are_refused(client: TestClient) -> None:
    content = b"queueId,date,new_tickets\n1,1900-01-01,1\n1,2199-12-31,1\n"
    assert_error(upload(client, "tickets", content), 422, "data_too_large")


def test_a_hundred_thousand_columns_are_refused(client: TestClient) -> None:
    header = ",".join(f"c{i}" for i in range(100_000)).encode()
    assert_error(upload(client, "tickets", header + b"\n"), 422, "too_many_columns")


# 8. Internals leak ---------------------------------------------------------------------------


def test_object_not_found_never_names_a_server_path(
    client: TestClient, context: AppContext
) -> None:
    body = {
        "source": {"kind": "object", "key": "nope/x.parquet"},
        "rules": [{"keyword": "a", "label": "b"}],
    }
    response = client.post("/api/labeling/create_task", json=body)
    assert_error(response, 404)
    assert str(context.settings.data_dir.resolve()) not in response.text


def test_long_bad_values_are_cut_in_messages(client: TestClient) -> None:
    cell = "9" * 300_000
    content = f"queueId,date,new_tickets\n1,2018-01-01,{cell}x\n".encode()
    response = upload(client, "tickets", content)
    assert response.status_code == 422
    assert len(response.text) < 5000


def test_failed_job_error_carries_no_traceback(client: TestClient, context: AppContext) -> None:
    record = context.jobs.submit("forecast_all", JsonParams({"horizon": "not a number"}))
    finished = context.jobs.wait(record.id, 30)
    assert finished.status == "failed"
    message = finished.error_message or ""
    assert "Traceback" not in message, message
    assert "/" not in message, message


# 9. CSV formula injection --------------------------------------------------------------------


def test_csv_output_neutralises_formulas(client: TestClient, classifier: str) -> None:
    content = "id,text\n1,\"=cmd|' /C calc'!A0\"\n2,mobile internet is down\n-3,@SUM(A1)\n"
    response = client.post(
        "/api/predict_nlp_csv",
        data={"id": classifier},
        files={"file": ("t.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in {"=", "+", "-", "@", "\t", "\r"}], rows
    assert "'" + FORMULA_LABEL in cells  # a formula-like label learned from the data


# 11. Totals overflow -------------------------------------------------------------------------


def test_counts_beyond_what_sums_hold_are_refused(client: TestClient) -> None:
    rows = "".join(f"1,2018-{1 + d // 28:02d}-{1 + d % 28:02d},{2**53}\n" for d in range(60))
    response = upload(client, "tickets", ("queueId,date,new_tickets\n" + rows).encode())
    assert_error(response, 422, "count_too_large")


# 12. Smaller: a model removed while it trains; OpenAPI; sample_data -----------------------------


def test_removing_a_model_while_it_trains_leaves_no_files(
    client: TestClient, context: AppContext
) -> None:
    model_id = client.post("/api/fit_nlp", json={"model": "logistic"}).json()
    job = context.jobs.store.records(kind="nlp_fit", limit=1)[0]
    deadline = time.monotonic() + 30
    while context.jobs.store.get(job.id).status == "queued" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client.delete(f"/api/remove_nlp/{model_id}").status_code == 200
    assert context.jobs.wait(job.id, 60).finished
    assert context.objects.list(f"models/{model_id}.") == []


def test_every_error_status_is_documented_and_sample_data_schema_is_valid(
    client: TestClient,
) -> None:
    schema = client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api"):
                assert {"404", "409", "413", "422", "429"} <= set(operation["responses"]), (
                    method,
                    path,
                )
    sample = client.get("/api/sample_data", params={"df_type": "tickets", "rows": 2})
    assert sample.status_code == 200
    assert len(sample.json()["shape"]) == 2


# Part 2: limits ------------------------------------------------------------------------------


def test_expensive_routes_say_busy_instead_of_piling_up(client: TestClient) -> None:
    slots = client.app.state.busy_slots  # type: ignore[attr-defined]
    for _ in range(slots.size):
        slots.acquire()
    try:
        response = client.post("/api/compare_models", json={"queue_id": 1, "models": ["naive"]})
        assert_error(response, 429, "busy")
        assert int(response.headers["retry-after"]) >= 1
    finally:
        for _ in range(slots.size):
            slots.release()
    ok = client.post("/api/compare_models", json={"queue_id": 1, "models": ["naive"]})
    assert ok.status_code == 200


def test_list_routes_page_with_limit_and_offset(client: TestClient) -> None:
    everything = client.get("/api/datasets").json()
    assert len(everything) >= 3
    second = client.get("/api/datasets", params={"limit": 1, "offset": 1}).json()
    assert [v["id"] for v in second] == [everything[1]["id"]]
    jobs = client.get("/api/jobs", params={"limit": 2}).json()
    next_page = client.get("/api/jobs", params={"limit": 1, "offset": 1}).json()
    assert [j["id"] for j in next_page] == [jobs[1]["id"]]
    for route in ("/api/get_models", "/api/forecast_models", "/api/forecast_all"):
        assert client.get(route, params={"limit": 1}).status_code == 200
        assert_error(client.get(route, params={"limit": 0}), 422)


def test_stored_data_quota(
    client: TestClient, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context.datasets, "limits", ParseLimits(max_stored_bytes=1000))
    before = client.get("/api/datasets").json()
    content = HIERARCHY_CSV + b"78,,Quota queue\n"
    response = upload(client, "hierarchy", content)
    assert_error(response, 413, "quota_exceeded")
    assert client.get("/api/datasets").json() == before
