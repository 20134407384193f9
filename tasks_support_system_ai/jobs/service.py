"""Submitting, watching and cancelling jobs: what the API and CLI call."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from tasks_support_system_ai.errors import ConflictError
from tasks_support_system_ai.jobs.store import JobRecord, JobStore
from tasks_support_system_ai.jobs.tasks import FINISH_PARTS, RUN_JOB, RUN_PART
from tasks_support_system_ai.observability.events import job_entered
from tasks_support_system_ai.observability.request_id import current_request_id

if TYPE_CHECKING:
    from tasks_support_system_ai.jobs.celery_app import JobsCelery
    from tasks_support_system_ai.jobs.kinds import JobKinds, JobParams

log = logging.getLogger(__name__)
WAIT_POLL_S: Final = 0.05
QUEUE_DEPTH_TIMEOUT_S: Final = 2.0


class JobService:
    """Job records plus the Celery app that carries them, made on first use: a process that
    only reads and updates records (a labeling child process) never imports Celery.

    ``kinds`` are the job kinds the wiring registered (``job_kinds``): the app's workers run
    them, and a split kind's running job is cancelled cooperatively, not terminated.
    """

    def __init__(
        self, store: JobStore, make_app: Callable[[], JobsCelery], kinds: JobKinds[Any]
    ) -> None:
        self.store = store
        self.kinds = kinds
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
        record = self.store.create(kind, params.to_json(), [kind], request_id=current_request_id())
        self.app.send_task(RUN_JOB, args=[record.id], task_id=record.id)
        job_entered(kind, "queued")
        return record

    def resend(self, job_id: str) -> None:
        """Queue a single-stage job's message again (after its worker died)."""
        self.app.send_task(RUN_JOB, args=[job_id], task_id=job_id)

    def submit_split(
        self, kind: str, params: JobParams, parts: int, stages: tuple[str, str]
    ) -> JobRecord:
        """Run parts in parallel (a chord's header), then the finishing step once all are done;
        ``stages`` names the two on the job's record, in order (labeling: label, publish)."""
        record = self.store.create(
            kind, params.to_json(), list(stages), request_id=current_request_id()
        )
        self.store.add_parts(record.id, parts)
        header = [
            self.app.signature(RUN_PART, args=[record.id, part], immutable=True).set(
                task_id=f"{record.id}-part-{part}"
            )
            for part in range(parts)
        ]
        body = self.app.signature(FINISH_PARTS, args=[record.id], immutable=True).set(
            task_id=f"{record.id}-{stages[1]}"
        )
        from celery import chord

        chord(header, app=self.app)(body)
        job_entered(kind, "queued")
        return record

    def cancel(self, job_id: str) -> JobRecord:
        """Queued jobs end at once. A running split job (labeling) stops at its parts' next
        batch; a running single-stage job (a fit, a backtest, a whole-tree forecast: long calls
        into libraries with no place to check a flag) is recorded as cancelled here, and its
        worker, watching the record, kills the child process doing the work (``jobs.forked``)."""
        record = self.store.get(job_id)
        if record.finished:
            raise ConflictError(
                f"Job {job_id} already {record.status}", code="job_finished", status=record.status
            )
        record = self.store.request_cancel(job_id)
        if record.status == "running" and not self.kinds.is_split(record.kind):
            record = self.store.cancelled(job_id)
        if record.status == "cancelled":
            job_entered(record.kind, "cancelled")
        return record

    def queue_depth(self) -> int | None:
        """Job messages waiting in the broker queue, or None if the broker does not answer."""
        from kombu.exceptions import ChannelError

        try:
            with self.app.connection_for_read() as connection:
                connection.ensure_connection(max_retries=1, timeout=QUEUE_DEPTH_TIMEOUT_S)
                queue = self.app.conf.task_default_queue
                try:
                    declared = connection.default_channel.queue_declare(queue=queue, passive=True)
                except ChannelError:  # "not found": Redis keeps no empty queues
                    return 0
                return int(declared.message_count)
        except Exception as error:  # a metrics scrape must not fail on the broker
            log.warning("queue depth unavailable: %s", type(error).__name__)
            return None

    def wait(self, job_id: str, timeout_s: float) -> JobRecord:
        """The job once finished, or as it is when ``timeout_s`` runs out."""
        deadline = time.monotonic() + timeout_s
        record = self.store.get(job_id)
        while not record.finished and time.monotonic() < deadline:
            time.sleep(WAIT_POLL_S)
            record = self.store.get(job_id)
        return record
