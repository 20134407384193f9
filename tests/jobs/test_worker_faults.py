"""kill -9 of a worker mid-job on the default (folder) broker, which never redelivers: the
reaper notices the silent job and retries it (training, whole-tree forecast) or fails it
(labeling), with nothing duplicated or half-written and the active data untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from factories import HIERARCHY_CSV, seasonal_tickets_frame, to_csv

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.forecasting.runs import RunSpec
from tasks_support_system_ai.forecasting.service import BacktestParams
from tasks_support_system_ai.jobs.liveness import WORKER_LOST, reap_lost_jobs

SCRIPT = Path(__file__).with_name("fault_worker.py")
TEXTS = b"text,label\n" + b"".join(
    f"refund for invoice {k},billing\ninternet is down {k},internet\n".encode() for k in range(20)
)


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        job_heartbeat_s=0.3,
        job_lost_after_s=2,
        job_max_attempts=2,
        _env_file=None,
    )
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo")
    tickets = to_csv(seasonal_tickets_frame(days=120))
    context.datasets.ingest(DatasetKind.TICKETS, tickets, "t.csv", source="demo")
    context.datasets.ingest(DatasetKind.TEXTS, TEXTS, "texts.csv", source="demo")
    yield context
    context.close()


def start_worker(settings: Settings, delay_s: float) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SUPPORT_AI_DATA_DIR": str(settings.data_dir),
        "SUPPORT_AI_JOB_HEARTBEAT_S": str(settings.job_heartbeat_s),
        "SUPPORT_AI_JOB_LOST_AFTER_S": str(settings.job_lost_after_s),
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
        "FAULT_DELAY_S": str(delay_s),
    }
    command = [sys.executable, str(SCRIPT), "1"]
    return subprocess.Popen(command, env=env, start_new_session=True)


def kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its pool processes: nothing is handed back."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_for(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def active_versions(context: AppContext) -> list[int | None]:
    return [v.id if (v := context.datasets.active(k)) else None for k in DatasetKind]


def kill_mid_job_then_recover(context: AppContext, job_id: str, *, delay_s: float = 3) -> None:
    """Kill the worker once the job runs; reap as the API does; start a fresh worker."""
    worker = start_worker(context.settings, delay_s)
    try:
        wait_for(lambda: context.jobs.store.get(job_id).status == "running", 30)
    finally:
        kill(worker)
    assert not context.jobs.store.get(job_id).finished
    replacement = start_worker(context.settings, 0)
    try:
        deadline = time.monotonic() + 40
        while not context.jobs.store.get(job_id).finished and time.monotonic() < deadline:
            reap_lost_jobs(context)
            time.sleep(0.2)
    finally:
        kill(replacement)


def test_training_is_retried_after_its_worker_is_killed(context: AppContext) -> None:
    before = active_versions(context)
    record = context.nlp.fit("logistic", {}, wait=False)
    job_id = context.jobs.store.records(kind="nlp_fit", limit=1)[0].id
    kill_mid_job_then_recover(context, job_id)
    job = context.jobs.store.get(job_id)
    assert (job.status, job.attempts) == ("succeeded", 2), job
    assert context.registry.get(record.id).status == "ready"
    assert len(context.registry.records("nlp_classifier")) == 1, "no duplicate model"
    assert active_versions(context) == before


def test_whole_tree_forecast_is_retried_after_its_worker_is_killed(context: AppContext) -> None:
    params = RunSpec(14, Granularity.DAILY, None, "bottom_up", (80,), "vets")
    job_id = context.jobs.submit("forecast_all", params).id
    kill_mid_job_then_recover(context, job_id)
    job = context.jobs.store.get(job_id)
    assert (job.status, job.attempts) == ("succeeded", 2), job
    runs = [k for k in context.objects.list("forecasts/") if k.endswith("meta.json")]
    assert len(runs) == 1, runs


def test_labeling_fails_cleanly_after_its_worker_is_killed(context: AppContext) -> None:
    rows = 400_000
    times = [datetime(2022, 1, 1) + timedelta(seconds=k) for k in range(0, rows, 1)]
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "created_at": pa.array(times, pa.timestamp("us")),
            "text": pa.array(["роуминг не работает"] * rows),
        }
    )
    pq.write_table(table, context.settings.data_dir / "big.parquet", row_group_size=5_000)
    before = active_versions(context)
    request = {
        "source": {"kind": "parquet", "file": "big.parquet"},
        "rules": [{"keyword": "роуминг", "label": "roaming"}],
        "parts": 2,
        "batch_rows": 1_000,
    }
    job_id = context.labeling.submit(request).id
    worker = start_worker(context.settings, 0)
    try:
        wait_for(lambda: any(p.rows_done > 0 for p in context.jobs.store.parts(job_id)), 30)
    finally:
        kill(worker)
    wait_for(lambda: bool(reap_lost_jobs(context)) or context.jobs.store.get(job_id).finished, 15)
    job = context.jobs.store.get(job_id)
    assert (job.status, job.error_code) == ("failed", WORKER_LOST), job
    assert context.objects.list(f"labeling/{job_id}/") == [], "staging parts discarded"
    assert active_versions(context) == before


def test_ready_says_worker_stalled_when_jobs_wait_and_none_is_taken(context: AppContext) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import update

    from tasks_support_system_ai.api import create_app
    from tasks_support_system_ai.db.models import Job, utcnow

    with TestClient(create_app(context=context)) as client:
        assert client.get("/ready").json() == {"status": "ready"}
        job = context.jobs.store.create("forecast_all", {}, ["forecast_all"])  # no worker runs
        with context.engine.begin() as connection:
            old = utcnow() - timedelta(minutes=5)
            connection.execute(update(Job).where(Job.id == job.id).values(created_at=old))
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["code"] == "worker_stalled"


def test_worker_whose_pool_processes_were_all_killed_takes_jobs_again(
    context: AppContext,
) -> None:
    worker = subprocess.Popen(
        [sys.executable, str(SCRIPT), "2"],
        env={
            **os.environ,
            "SUPPORT_AI_DATA_DIR": str(context.settings.data_dir),
            "SUPPORT_AI_LOG_LEVEL": "WARNING",
        },
        start_new_session=True,
    )
    try:
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
        wait_for(lambda: len(children.read_text().split()) == 2, 30)
        time.sleep(4)  # the pool is up and idle
        for pid in children.read_text().split():
            os.kill(int(pid), signal.SIGKILL)
        params = BacktestParams(
            1, "naive", Granularity.DAILY, 7, windows=1, step=None, levels=(80,)
        )
        job_id = context.jobs.submit("backtest", params).id  # taken by the wedged worker
        deadline = time.monotonic() + 120  # a new pool imports the stack: slow on a loaded runner
        while not context.jobs.store.get(job_id).finished and time.monotonic() < deadline:
            reap_lost_jobs(context)  # as the API does: lost messages are sent again
            time.sleep(0.3)
        assert context.jobs.store.get(job_id).status == "succeeded"
    finally:
        kill(worker)
