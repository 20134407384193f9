"""Job lifecycle on the embedded broker with a real worker: succeed, fail, cancel, list."""

from __future__ import annotations

import time

import pytest
from workers import JsonParams

from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.errors import ConflictError, NotFoundError

pytestmark = pytest.mark.usefixtures("worker")


def test_a_job_runs_to_success_with_its_result(context: AppContext) -> None:
    job = context.jobs.submit("count", JsonParams({"steps": 3}))
    assert job.status == "queued"
    done = context.jobs.wait(job.id, timeout_s=20)
    assert done.status == "succeeded"
    assert done.result == {"counted": 3}
    assert done.progress == 100.0
    assert done.stages["count"]["status"] == "succeeded"
    assert done.started_at is not None
    assert done.finished_at is not None


def test_a_failing_job_records_the_error(context: AppContext) -> None:
    job = context.jobs.submit("count", JsonParams({"steps": 3, "fail_at": 1}))
    done = context.jobs.wait(job.id, timeout_s=20)
    assert done.status == "failed"
    assert done.error_code == "internal_error"
    # Unexpected errors show their type only: their text may carry paths (the log has it).
    assert "ValueError" in (done.error_message or "")
    assert "failed at step 1" not in (done.error_message or "")


def test_cancel_stops_a_running_job(context: AppContext) -> None:
    job = context.jobs.submit("count", JsonParams({"steps": 200, "step_s": 0.05}))
    deadline = time.monotonic() + 20
    while context.jobs.store.get(job.id).status != "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    context.jobs.cancel(job.id)
    done = context.jobs.wait(job.id, timeout_s=20)
    assert done.status == "cancelled"
    assert done.progress < 100
    with pytest.raises(ConflictError):
        context.jobs.cancel(job.id)


def test_list_is_newest_first_and_filters(context: AppContext) -> None:
    ids = [context.jobs.submit("count", JsonParams({"steps": 1})).id for _ in range(3)]
    for job_id in ids:
        context.jobs.wait(job_id, timeout_s=20)
    records = context.jobs.store.records(kind="count", limit=2)
    assert [r.id for r in records] == ids[::-1][:2]
    assert all(r.status == "failed" for r in context.jobs.store.records(status="failed"))
    assert ids[0] not in [r.id for r in context.jobs.store.records(status="failed")]


def test_unknown_job_is_not_found(context: AppContext) -> None:
    with pytest.raises(NotFoundError):
        context.jobs.store.get("job_missing")
