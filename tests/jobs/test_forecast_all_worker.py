"""A whole-tree ``auto`` forecast as a job on a real prefork worker (``support-ai worker``).

The worker runs jobs in daemonic pool processes; ``auto`` fits statsmodels ETS per series over
a process pool of its own, which must start there too. 70 queues give more series than the
pool's in-process threshold, so the per-series pool really runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import to_csv
from fastapi.testclient import TestClient

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.forecasting.series_pool import MIN_PARALLEL_ROWS

LEAVES = MIN_PARALLEL_ROWS + 6


def _hierarchy() -> bytes:
    lines = ["queueId,parentId,name", "1,,Support"]
    lines += [f"{q},1,Queue {q}" for q in range(2, LEAVES + 2)]
    return ("\n".join(lines) + "\n").encode()


def _tickets() -> bytes:
    rng = np.random.default_rng(11)
    days = pd.date_range("2021-01-04", periods=84, freq="D")
    weekly = np.where(days.day_of_week >= 5, 0.4, 1.0)
    frames = [
        pd.DataFrame({"queueId": q, "date": days, "new_tickets": rng.poisson(8 * weekly)})
        for q in range(2, LEAVES + 2)
    ]
    return to_csv(pd.concat(frames, ignore_index=True))


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, _hierarchy(), "h.csv", source="upload")
    context.datasets.ingest(DatasetKind.TICKETS, _tickets(), "t.csv", source="upload")
    yield context
    context.close()


@pytest.fixture
def worker(context: AppContext) -> Iterator[None]:
    env = {
        **os.environ,
        "SUPPORT_AI_DATA_DIR": str(context.settings.data_dir),
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "worker", "--concurrency", "1"]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    yield
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.usefixtures("worker")
def test_auto_forecast_all_job_succeeds_on_a_prefork_worker(context: AppContext) -> None:
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        body = {"forecast_horizon": 7, "model": "auto"}
        job = client.post("/api/jobs/forecast_all", json=body).json()
        deadline = time.monotonic() + 150
        seen: list[float] = []
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
            job = client.get(f"/api/jobs/{job['id']}").json()
            seen.append(job["progress"])
        assert job["status"] == "succeeded", job["error_message"]
        assert any(5 < share < 100 for share in seen)  # progress moved during the fits
        run_id = job["result"]["run_id"]
        queue = client.get(f"/api/forecast_all/{run_id}/queues/2")
        assert queue.status_code == 200, queue.text
