"""A real Celery worker for tests: a thread pool in this process, consuming the app's broker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from celery.contrib.testing.worker import start_worker

from tasks_support_system_ai.context import AppContext


@contextmanager
def in_process_worker(context: AppContext, concurrency: int = 2) -> Iterator[None]:
    """Tasks run against ``context`` itself, so tests can inspect the same database."""
    context.jobs.kinds.use(context)
    with start_worker(
        context.jobs.app,
        pool="threads",
        concurrency=concurrency,
        perform_ping_check=False,
        loglevel="WARNING",
    ):
        yield


@dataclass(frozen=True)
class JsonParams:
    """Parameters of the job kinds tests define (or malformed ones), given as plain JSON."""

    values: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return dict(self.values)
