"""Scaled mode: Redis broker, PostgreSQL metadata, separate worker processes that get killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.labeling import service as labeling

ROWS = 240_000
RESUBMITTED = 2_000
RULES = [{"keyword": "роуминг", "label": "roaming"}, {"keyword": "оплат", "label": "billing"}]


@pytest.fixture
def scaled_settings(tmp_path: Path, redis_url: str, postgres_url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=postgres_url,
        broker_url=redis_url,
        job_queue=f"test-{uuid.uuid4().hex[:8]}",
        job_visibility_timeout_s=3,
        _env_file=None,
    )


@pytest.fixture
def context(scaled_settings: Settings) -> Iterator[AppContext]:
    write_tickets(scaled_settings.data_dir / "big.parquet")
    context = build_context(scaled_settings)
    yield context
    context.close()


def write_tickets(path: Path) -> None:
    """Distinct ids a second apart; the last rows re-submit earlier ids (later wins)."""
    rng = np.random.default_rng(5)
    ids = np.arange(ROWS, dtype=np.int64)
    ids[-RESUBMITTED:] = rng.choice(ROWS - RESUBMITTED, RESUBMITTED, replace=False)
    words = np.array(["Роуминг не работает", "Ошибка оплаты", "Вопрос по тарифу"])
    texts = words[rng.integers(0, 3, ROWS)]
    times = [datetime(2022, 1, 1) + timedelta(seconds=int(k)) for k in range(ROWS)]
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table({"id": ids, "created_at": pa.array(times, pa.timestamp("us")), "text": texts})
    pq.write_table(table, path, row_group_size=10_000)


def start_worker(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SUPPORT_AI_DATA_DIR": str(settings.data_dir),
        "SUPPORT_AI_DATABASE_URL": settings.resolved_database_url,
        "SUPPORT_AI_BROKER_URL": str(settings.broker_url),
        "SUPPORT_AI_JOB_QUEUE": settings.job_queue,
        "SUPPORT_AI_JOB_VISIBILITY_TIMEOUT_S": str(settings.job_visibility_timeout_s),
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "worker", "--concurrency", "2"]
    return subprocess.Popen(command, env=env, start_new_session=True)


def kill(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its pool processes: no chance to hand work back."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def wait_until(condition: object, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.02)


def submit(context: AppContext) -> str:
    request = {
        "source": {"kind": "parquet", "file": "big.parquet"},
        "rules": RULES,
        "default_label": "other",
        "parts": 4,
        "batch_rows": 2_000,
    }
    return context.labeling.submit(request).id


def published_ids(context: AppContext, job_id: str) -> pa.Array:
    path = context.settings.data_dir / "published.parquet"
    context.objects.download(labeling.results_key(job_id), path)
    return pq.read_table(path, columns=["id"]).column("id")


def test_two_workers_share_a_job(context: AppContext) -> None:
    workers = [start_worker(context.settings) for _ in range(2)]
    try:
        job_id = submit(context)
        done = context.jobs.wait(job_id, timeout_s=120)
        assert done.status == "succeeded", done
        assert done.result is not None
        assert done.result["deduplicated"] == ROWS - RESUBMITTED
    finally:
        for worker in workers:
            kill(worker)


def test_killed_worker_job_completes_with_every_ticket_labeled_once(context: AppContext) -> None:
    worker = start_worker(context.settings)
    job_id = submit(context)

    def labeling_started() -> bool:
        return any(p.rows_done > 0 for p in context.jobs.store.parts(job_id))

    wait_until(labeling_started, 60)
    assert not context.jobs.store.get(job_id).finished, "job finished before the kill"
    kill(worker)
    interrupted = [p.part for p in context.jobs.store.parts(job_id) if p.status == "running"]
    assert interrupted, "no part was running when the worker was killed"

    replacement = start_worker(context.settings)
    try:
        done = context.jobs.wait(job_id, timeout_s=120)
    finally:
        kill(replacement)
    assert done.status == "succeeded", done
    ids = published_ids(context, job_id)
    assert len(ids) == ROWS - RESUBMITTED
    assert pc.count_distinct(ids).as_py() == len(ids)
    parts = context.jobs.store.parts(job_id)
    assert all(p.status == "succeeded" for p in parts)
    assert sum((p.summary or {})["rows_in"] for p in parts) == ROWS
    assert all(p.attempts >= 2 for p in parts if p.part in interrupted)


def test_rabbitmq_broker_runs_a_split_job(tmp_path: Path, rabbitmq_url: str) -> None:
    """RabbitMQ as the broker (chord results in the database): the same job, the same answer."""
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        broker_url=rabbitmq_url,
        job_queue=f"test-{uuid.uuid4().hex[:8]}",
        _env_file=None,
    )
    write_tickets(settings.data_dir / "big.parquet")
    context = build_context(settings)
    worker = start_worker(settings)
    try:
        done = context.jobs.wait(submit(context), timeout_s=120)
    finally:
        kill(worker)
        with context.jobs.app.connection_for_write() as connection:
            connection.default_channel.queue_delete(settings.job_queue)  # leave the server clean
        context.close()
    assert done.status == "succeeded", done
    assert done.result is not None
    assert done.result["deduplicated"] == ROWS - RESUBMITTED
