"""Cancelling a job stuck in one long call: the child process doing its work is killed, while the
pool process that ran it lives on and takes the next job (Celery's terminate left the worker
unable to take further jobs when a message arrived around the kill)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from workers import JsonParams

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.jobs import JobService

SCRIPT = Path(__file__).with_name("sleepy_worker.py")


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _running(jobs: JobService, job_id: str) -> bool:
    return jobs.store.get(job_id).status == "running"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("broker", ["embedded", "redis"])
def test_cancel_kills_the_work_of_a_job_stuck_in_one_call(
    tmp_path: Path, broker: str, request: pytest.FixtureRequest
) -> None:
    broker_url = request.getfixturevalue("redis_url") if broker == "redis" else None
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        broker_url=broker_url,
        job_queue=f"t-{uuid.uuid4().hex[:8]}",
        _env_file=None,
    )
    context = build_context(settings)
    env = {
        **os.environ,
        "SUPPORT_AI_DATA_DIR": str(settings.data_dir),
        "SUPPORT_AI_JOB_QUEUE": settings.job_queue,
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
        **({"SUPPORT_AI_BROKER_URL": broker_url} if broker_url else {}),
    }
    worker = subprocess.Popen(
        [sys.executable, str(SCRIPT), "1"],
        env=env,
        start_new_session=True,  # one pool process
    )
    try:
        pid_file = tmp_path / "pid"
        stuck = context.jobs.submit(
            "sleep", JsonParams({"seconds": 300, "pid_file": str(pid_file)})
        )
        _wait_for(lambda: _running(context.jobs, stuck.id) and pid_file.exists(), 60)
        pid, pool_pid = map(int, pid_file.read_text().split())
        assert pool_pid != worker.pid  # the work runs in a child of a pool process

        assert context.jobs.cancel(stuck.id).status == "cancelled"
        _wait_for(lambda: not _alive(pid), 30)  # killed, not just flagged
        assert _alive(pool_pid)

        # The same pool process takes the next job at once (with one process, it could not
        # while the stuck work lived); the cancelled job never comes back.
        quick_file = tmp_path / "q"
        quick = context.jobs.submit(
            "sleep", JsonParams({"seconds": 0, "pid_file": str(quick_file)})
        )
        assert context.jobs.wait(quick.id, timeout_s=60).status == "succeeded"
        assert int(quick_file.read_text().split()[1]) == pool_pid
        assert context.jobs.store.get(stuck.id).status == "cancelled"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        context.close()
