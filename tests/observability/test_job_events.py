"""A job's stage runs under the id of the request that submitted it, and is counted."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.jobs.progress import JobProgress
from tasks_support_system_ai.jobs.tasks import guarded
from tasks_support_system_ai.observability.request_id import current_request_id


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_stage_runs_under_the_submitting_request_id(settings: Settings) -> None:
    context = build_context(settings)
    seen: list[str | None] = []

    def work(_: JobProgress) -> dict[str, Any]:
        seen.append(current_request_id())
        return {"ok": True}

    def failing(_: JobProgress) -> dict[str, Any]:
        raise RuntimeError("boom")

    try:
        ok = context.jobs.store.create("probe", {}, ["probe"], request_id="req-7")
        bad = context.jobs.store.create("probe", {}, ["probe"])
        succeeded = _count("support_ai_job_transitions_total", kind="probe", state="succeeded")
        failed = _count("support_ai_job_duration_seconds_count", kind="probe", state="failed")
        guarded(context.jobs.store, ok.id, "probe", work)
        guarded(context.jobs.store, bad.id, "probe", failing)
        assert seen == ["req-7"]
        assert current_request_id() is None
        assert context.jobs.store.get(ok.id).request_id == "req-7"
        assert context.jobs.store.get(bad.id).status == "failed"
    finally:
        context.close()
    assert (
        _count("support_ai_job_transitions_total", kind="probe", state="succeeded") == succeeded + 1
    )
    assert (
        _count("support_ai_job_duration_seconds_count", kind="probe", state="failed") == failed + 1
    )
