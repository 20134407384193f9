"""Jobs run by a real Celery worker: a thread pool in this process, on the embedded broker."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from workers import in_process_worker

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.job_kinds import HANDLERS
from tasks_support_system_ai.jobs import JobProgress


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("jobs"), _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    yield context
    context.close()


@pytest.fixture(scope="module")
def worker(context: AppContext) -> Iterator[None]:
    with in_process_worker(context):
        yield


def _count_to(
    context: AppContext, params: Mapping[str, Any], progress: JobProgress
) -> dict[str, Any]:
    """A job kind for lifecycle tests: counts in steps, checking for cancel between them."""
    import time

    for step in range(params["steps"]):
        if params.get("fail_at") == step:
            raise ValueError(f"failed at step {step}")
        progress.update(100 * step / params["steps"])
        time.sleep(params.get("step_s", 0.0))
    return {"counted": params["steps"]}


@pytest.fixture(autouse=True, scope="module")
def counting_job_kind() -> Iterator[None]:
    HANDLERS["count"] = _count_to
    yield
    del HANDLERS["count"]
