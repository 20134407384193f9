"""``support-ai serve`` on a fresh data dir: generates demo data, serves it over real HTTP,
and runs jobs on the worker process it starts (the README's quick start, end to end).

Answers are checked against a brute-force pandas computation on the generated files.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    data_dir = tmp_path_factory.mktemp("served") / "data"
    port = _free_port()
    env = {**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir), "SUPPORT_AI_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "serve", "--port", str(port)]
    command.append("--no-dashboard")  # the dashboard's own tests start it (tests/live_server.py)
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
            try:
                if client.get("/ready").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        key_file = data_dir / "admin_api_key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        client.headers["X-API-Key"] = key_file.read_text().strip()
        yield client, data_dir
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=30)
    assert not list(Path.cwd().glob("control")), "the embedded broker wrote outside data_dir"


def _brute_force_daily(data_dir: Path, queue_id: int) -> pd.Series:
    tickets = pd.read_parquet(data_dir / "demo" / "tickets.parquet")
    tree = pd.read_parquet(data_dir / "demo" / "hierarchy.parquet")
    members = {queue_id}
    frontier = {queue_id}
    while frontier:
        frontier = set(tree.loc[tree["parentId"].isin(frontier), "queueId"].astype(int))
        members |= frontier
    rows = tickets if queue_id == 0 else tickets[tickets["queueId"].isin(members)]
    return rows.groupby(pd.to_datetime(rows["date"]))["new_tickets"].sum()


def test_serve_generates_and_loads_synthetic_demo_data(served: tuple[httpx.Client, Path]) -> None:
    client, data_dir = served
    status = client.get("/api/data-status").json()
    assert status["status"] is True
    assert status["synthetic"] is True
    assert (data_dir / "demo" / "manifest.json").exists()
    queues = client.get("/api/queues").json()
    n_queues = sum(len(level) for level in queues["queues_by_level"].values())
    assert 1600 <= n_queues <= 1700
    assert queues["total_load"] == int(_brute_force_daily(data_dir, 0).sum())


def test_served_answers_match_brute_force(served: tuple[httpx.Client, Path]) -> None:
    client, data_dir = served
    level2 = client.get("/api/queues").json()["queues_by_level"]["2"]
    busiest = level2[0]["id"]
    for queue_id in (0, busiest):
        expected = _brute_force_daily(data_dir, queue_id)
        params = {"queue_id": queue_id, "start_date": "2018-01-01", "end_date": "2018-12-31"}
        body = client.get("/api/historical", params=params).json()
        got = pd.Series(body["values"], index=pd.to_datetime(body["timestamps"]))
        want = expected.reindex(got.index, fill_value=0)
        assert got.tolist() == want.tolist()
        stats = client.get("/api/queue_stats", params=params).json()
        assert stats["load"]["total_tickets"] == int(want.sum())
        assert stats["load"]["peak_load"] == int(want.max())


def test_served_openapi_and_legacy_alias(served: tuple[httpx.Client, Path]) -> None:
    client, _ = served
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/historical", "/api/queue_stats", "/api/upload_data", "/api/data-status"):
        assert path in paths
    assert client.get("/ts/api/data-status").json()["status"] is True


def test_jobs_run_on_the_started_worker(served: tuple[httpx.Client, Path]) -> None:
    """Training and batch labeling go through the embedded broker to the worker process."""
    client, _ = served
    body = {"model": "logistic", "config": {"C": 10}, "wait": True}
    model_id = client.post("/api/fit_nlp", json=body, timeout=300).json()
    assert client.get(f"/api/statistics/{model_id}").json()["macro_avg"]["f1_score"] >= 0.85
    fits = client.get("/api/jobs", params={"kind": "nlp_fit"}).json()
    assert fits[0]["status"] == "succeeded"
    assert fits[0]["params"]["model_id"] == model_id
    result = client.get(f"/api/jobs/{fits[0]['id']}/result").json()
    assert result["model_id"] == model_id
    assert result["macro_f1"] >= 0.85
    texts = ["Роуминг не работает", "Верните деньги"]
    labels = client.post("/api/predict_nlp_batch", json={"id": model_id, "texts": texts})
    assert labels.status_code == 200


def test_a_fresh_install_gets_a_protected_default_production_model(
    served: tuple[httpx.Client, Path],
) -> None:
    """The README's labeling and scoring examples say ``"id": "production"``: it must exist."""
    client, _ = served
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        models = client.get("/api/get_models").json()
        default = [m for m in models if m["protected"]]
        if default and default[0]["stage"] == "production":
            break
        time.sleep(0.5)
    assert len(default) == 1, models
    assert default[0]["stage"] == "production", models
    answer = client.post("/api/predict_nlp", json={"id": "production", "text": "Нет интернета"})
    assert answer.status_code == 200
    assert answer.json()
    assert client.delete("/api/remove_all_nlp").status_code == 200  # keeps protected ones
    left = client.get("/api/get_models").json()
    assert [m["id"] for m in left] == [default[0]["id"]]
    assert client.delete("/api/remove_all_nlp", params={"force": True}).status_code == 200
    assert client.get("/api/get_models").json() == []
