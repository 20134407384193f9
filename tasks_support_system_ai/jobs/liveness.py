"""Jobs whose worker died: heartbeats while a job runs, and a reaper that retries or fails them.

Every broker mode needs this: Redis and RabbitMQ redeliver an unacknowledged message, but the
embedded folder broker hands a message out once, so without a reaper a job whose worker was
killed would stay "running" for ever. A running job's worker touches the job row every
``job_heartbeat_s``; a job silent for ``job_lost_after_s`` has lost its worker. A single-stage
job is queued again while it has tries left (its record decides, so a late redelivery of the
old message finds it running elsewhere and skips), else failed with ``worker_lost``; a split
job (labeling) is failed, since its parts would need the whole chord again. Each kind's
clean-up after a lost worker (discarded staging parts, a failed model version) is registered
with its kind (``jobs.kinds``): this module knows no domain.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Final

from tasks_support_system_ai.db.models import utcnow
from tasks_support_system_ai.jobs.kinds import WorkerServices
from tasks_support_system_ai.jobs.store import JobRecord, JobStore

log = logging.getLogger(__name__)
WORKER_LOST: Final = "worker_lost"


@contextmanager
def beating(
    store: JobStore, job_id: str, every_s: float, part: int | None = None
) -> Iterator[None]:
    """Touch the job (and part) every ``every_s`` while the block runs, from a thread."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every_s):
            try:
                store.heartbeat(job_id, part)
            except Exception:  # a database hiccup must not kill the job; the next beat retries
                log.warning("Heartbeat of job %s failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def is_alive(record: JobRecord, lost_after_s: float) -> bool:
    """Running with a recent heartbeat: another worker has this job in hand."""
    beat = record.updated_at if record.updated_at.tzinfo else record.updated_at.replace(tzinfo=UTC)
    return record.status == "running" and utcnow() - beat < timedelta(seconds=lost_after_s)


def reap_lost_jobs(context: WorkerServices) -> list[str]:
    """Retry or fail every running job whose worker stopped beating; returns their ids."""
    settings = context.settings
    cutoff = utcnow() - timedelta(seconds=settings.job_lost_after_s)
    store = context.jobs.store
    reaped = []
    for record in store.silent_since(cutoff):
        if (
            not context.jobs.kinds.is_split(record.kind)
            and not record.cancel_requested
            and (record.attempts < settings.job_max_attempts)
        ):
            log.warning("Job %s lost its worker; queued again", record.id)
            store.requeue(record.id)
            context.jobs.resend(record.id)
        else:
            log.warning("Job %s lost its worker; failed", record.id)
            _fail(context, record)
        reaped.append(record.id)
    if settings.broker_url is None:
        reaped += _resend_waiting(context, cutoff)
    return reaped


def _resend_waiting(context: WorkerServices, cutoff: datetime) -> list[str]:
    """Folder broker: a message a worker took and then lost (its pool died before running it)
    is gone for good, so a single-stage job queued for longer than ``job_lost_after_s`` gets
    its message again (at most once per ``job_lost_after_s``). A duplicate is harmless: the
    first delivery claims the job in a locked transaction and every other one skips it."""
    store = context.jobs.store
    resent = []
    for record in store.waiting_since(cutoff):
        if not context.jobs.kinds.is_split(record.kind) and store.mark_resent(record.id, cutoff):
            log.warning("Job %s waited since %s; its message is sent again", record.id, cutoff)
            context.jobs.resend(record.id)
            resent.append(record.id)
    return resent


def _fail(context: WorkerServices, record: JobRecord) -> None:
    store = context.jobs.store
    if record.cancel_requested:
        store.cancelled(record.id)
    else:
        store.fail(
            record.id,
            WORKER_LOST,
            f"The worker running this job stopped (tried {record.attempts} time(s)); "
            "submit it again",
        )
    context.jobs.kinds.lost(context, record)


class Reaper:
    """Runs ``reap_lost_jobs`` every ``job_heartbeat_s`` in a daemon thread (the API's)."""

    def __init__(self, context: WorkerServices) -> None:
        self.context = context
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-reaper", daemon=True)

    def start(self) -> Reaper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.context.settings.job_heartbeat_s):
            try:
                reap_lost_jobs(self.context)
            except Exception:
                log.exception("Reaping lost jobs failed")
