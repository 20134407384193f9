"""A real Celery worker for tests: a thread pool in this process, consuming the app's broker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from celery.contrib.testing.worker import start_worker

from tasks_support_system_ai.context import AppContext
from tasks_support_system_ai.jobs.runtime import use_context


@contextmanager
def in_process_worker(context: AppContext, concurrency: int = 2) -> Iterator[None]:
    """Tasks run against ``context`` itself, so tests can inspect the same database."""
    use_context(context)
    with start_worker(
        context.jobs.app,
        pool="threads",
        concurrency=concurrency,
        perform_ping_check=False,
        loglevel="WARNING",
    ):
        yield
