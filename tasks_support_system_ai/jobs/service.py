"""Submitting, watching and cancelling jobs: what the API and CLI call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from tasks_support_system_ai.errors import ConflictError
from tasks_support_system_ai.jobs.store import JobRecord, JobStore
from tasks_support_system_ai.jobs.tasks import LABEL_PART, PUBLISH_LABELS, RUN_JOB

if TYPE_CHECKING:
    from tasks_support_system_ai.jobs.celery_app import JobsCelery
    from tasks_support_system_ai.jobs.kinds import JobParams

WAIT_POLL_S: Final = 0.05
COOPERATIVE_KINDS: Final = frozenset({"labeling"})
"""Job kinds that check for cancellation often enough not to be terminated."""


class JobService:
    """Job records plus the Celery app that carries them, made on first use: a process that
    only reads and updates records (a labeling child process) never imports Celery."""

    def __init__(self, store: JobStore, make_app: Callable[[], JobsCelery]) -> None:
        self.store = store
        self._make_app = make_app
        self._app: JobsCelery | None = None
        self._lock = threading.Lock()

    @property
    def app(self) -> JobsCelery:
        with self._lock:
            if self._app is None:
                self._app = self._make_app()
            return self._app

    def submit(self, kind: str, params: JobParams) -> JobRecord:
        """Record a single-stage job and queue it; the message carries only the job id."""
        record = self.store.create(kind, params.to_json(), [kind])
        self.app.send_task(RUN_JOB, args=[record.id], task_id=record.id)
        return record

    def submit_split(
        self, kind: str, params: JobParams, parts: int, stages: tuple[str, str]
    ) -> JobRecord:
        """Run parts in parallel (a chord's header), then the finishing step once all are done;
        ``stages`` names the two on the job's record (labeling: label, publish)."""
        record = self.store.create(kind, params.to_json(), list(stages))
        self.store.add_parts(record.id, parts)
        header = [
            self.app.signature(LABEL_PART, args=[record.id, part], immutable=True).set(
                task_id=f"{record.id}-part-{part}"
            )
            for part in range(parts)
        ]
        body = self.app.signature(PUBLISH_LABELS, args=[record.id], immutable=True).set(
            task_id=f"{record.id}-publish"
        )
        from celery import chord

        chord(header, app=self.app)(body)
        return record

    def cancel(self, job_id: str) -> JobRecord:
        """Queued jobs end at once. A running labeling job stops at its parts' next batch; a
        running single-stage job (a fit, a backtest, a whole-tree forecast: long calls into
        libraries with no place to check a flag) has its process terminated by its worker,
        which starts a fresh one, and is recorded as cancelled here since it cannot say so."""
        record = self.store.get(job_id)
        if record.finished:
            raise ConflictError(
                f"Job {job_id} already {record.status}", code="job_finished", status=record.status
            )
        record = self.store.request_cancel(job_id)
        if record.status == "running" and record.kind not in COOPERATIVE_KINDS:
            self.app.control.revoke(job_id, terminate=True, signal="SIGTERM")
            record = self.store.cancelled(job_id)
        return record

    def wait(self, job_id: str, timeout_s: float) -> JobRecord:
        """The job once finished, or as it is when ``timeout_s`` runs out."""
        deadline = time.monotonic() + timeout_s
        record = self.store.get(job_id)
        while not record.finished and time.monotonic() < deadline:
            time.sleep(WAIT_POLL_S)
            record = self.store.get(job_id)
        return record
