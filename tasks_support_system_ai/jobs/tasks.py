"""Celery tasks: thin shells that load the job record, run the domain code and record the outcome.

Messages carry only a job id. Every task first reads the job: a finished or cancelled job is
skipped, so a redelivered message (acks are late; a dead worker's message comes back) never
redoes finished work or undoes an outcome.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.errors import SupportAIError, public_message
from tasks_support_system_ai.jobs.liveness import beating, is_alive
from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
from tasks_support_system_ai.jobs.runtime import worker_context
from tasks_support_system_ai.jobs.store import JobRecord, JobStore
from tasks_support_system_ai.observability.events import job_entered, job_finished
from tasks_support_system_ai.observability.request_id import reset_request_id, set_request_id

if TYPE_CHECKING:
    from celery import Task

    from tasks_support_system_ai.jobs.celery_app import JobsCelery

log = logging.getLogger(__name__)
RUN_JOB = "support_ai.run_job"
LABEL_PART = "support_ai.label_part"
PUBLISH_LABELS = "support_ai.publish_labels"
PUBLISH_RETRY_S = 2


def register_tasks(app: JobsCelery) -> None:
    """Define the tasks on ``app``; they build their context from ``app.settings``.

    Domain code is imported inside each task, on first use in the (forked) pool process, so the
    worker's main process stays small; labeling stages run in a lean child process of their own
    (``label_process``), so a pool process never holds a labeling's memory afterwards.
    """

    @app.task(name=RUN_JOB, shared=False)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> None:
        from tasks_support_system_ai.job_kinds import HANDLERS

        context = worker_context(app.settings)
        record = context.jobs.store.get(job_id)
        handler = HANDLERS[record.kind]
        guarded(
            context.jobs.store,
            job_id,
            record.kind,
            lambda progress: handler(context, record.params, progress),
            liveness=Liveness.of(app.settings, exclusive=True),
        )

    @app.task(name=LABEL_PART, shared=False)  # type: ignore[untyped-decorator]
    def label_part(job_id: str, part: int) -> None:
        from tasks_support_system_ai.label_process import PART, run_isolated

        context = worker_context(app.settings)
        guarded(
            context.jobs.store,
            job_id,
            "label",
            lambda _: run_isolated(app.settings, PART, job_id, part),
            completes_job=False,
            liveness=Liveness.of(app.settings, part=part),
        )

    @app.task(name=PUBLISH_LABELS, bind=True, max_retries=300, shared=False)  # type: ignore[untyped-decorator]
    def publish_labels(task: Task, job_id: str) -> None:
        from tasks_support_system_ai.label_process import PUBLISH, run_isolated

        context = worker_context(app.settings)
        try:
            guarded(
                context.jobs.store,
                job_id,
                "publish",
                lambda _: run_isolated(app.settings, PUBLISH, job_id),
                liveness=Liveness.of(app.settings),
            )
        except PartsPending as pending:  # a part was redelivered and is still running
            raise task.retry(countdown=PUBLISH_RETRY_S) from pending


@dataclass(frozen=True)
class Liveness:
    """How a running stage shows it is alive (heartbeats), and whether a second delivery of
    its message must step aside while the first is alive (``exclusive``)."""

    heartbeat_s: float = 10.0
    lost_after_s: float = 60.0
    part: int | None = None
    exclusive: bool = False

    @classmethod
    def of(
        cls, settings: Settings, *, part: int | None = None, exclusive: bool = False
    ) -> Liveness:
        return cls(settings.job_heartbeat_s, settings.job_lost_after_s, part, exclusive)


def guarded(
    store: JobStore,
    job_id: str,
    stage: str,
    work: Callable[[JobProgress], dict[str, Any]],
    *,
    completes_job: bool = True,
    liveness: Liveness | None = None,
) -> None:
    """Run one stage of a job and record how it ended; never lets a job stay "running".

    A part of a split job (``completes_job=False``) records its own outcome on its part row.
    While the stage runs, a heartbeat says its worker is alive (``jobs.liveness``).
    Log lines written meanwhile carry the id of the request that submitted the job.
    """
    liveness = liveness or Liveness()
    record = store.get(job_id)
    token = set_request_id(record.request_id)
    try:
        _run_stage(store, record, stage, work, completes_job=completes_job, liveness=liveness)
    finally:
        reset_request_id(token)


def _delivered_twice(record: JobRecord, stage: str, liveness: Liveness) -> bool:
    """A finished job, or one a live worker runs, is not run again by a second delivery."""
    if record.finished:
        log.info("Job %s is already %s; skipping %s", record.id, record.status, stage)
        return True
    if liveness.exclusive and is_alive(record, liveness.lost_after_s):
        log.info("Job %s is running on a live worker; skipping a second delivery", record.id)
        return True
    return False


def _run_stage(
    store: JobStore,
    record: JobRecord,
    stage: str,
    work: Callable[[JobProgress], dict[str, Any]],
    *,
    completes_job: bool,
    liveness: Liveness,
) -> None:
    """``guarded``'s body; metrics count a split job's parts under ``<kind>.<stage>``."""
    job_id, kind = record.id, record.kind
    if _delivered_twice(record, stage, liveness):
        return
    if record.cancel_requested:
        store.cancelled(job_id)
        job_entered(kind, "cancelled")
        return
    unless_alive_s = liveness.lost_after_s if liveness.exclusive else None
    if store.start_stage(job_id, stage, unless_alive_s=unless_alive_s) is None:
        log.info("Job %s is running on a live worker or finished; skipping a delivery", job_id)
        return
    if record.status == "queued":
        job_entered(kind, "running")
    started = time.monotonic()
    outcome = "succeeded"
    try:
        with beating(store, job_id, liveness.heartbeat_s, liveness.part):
            result = work(JobProgress(store, job_id))
    except PartsPending:
        outcome = "pending"
        raise
    except JobCancelled:
        outcome = "cancelled"
        store.cancelled(job_id)
    except SupportAIError as error:
        outcome = "failed"
        store.fail(job_id, error.code, error.message)
    except Exception as error:
        outcome = "failed"
        log.exception("Job %s failed in %s", job_id, stage)
        store.fail(job_id, "internal_error", f"{stage} failed: {public_message(error)}")
    else:
        if completes_job:
            store.finish_stage(job_id, stage)
            store.succeed(job_id, result)
    finally:
        if outcome != "pending":  # the stage runs again on retry
            label = kind if completes_job else f"{kind}.{stage}"
            job_finished(label, outcome, time.monotonic() - started)
