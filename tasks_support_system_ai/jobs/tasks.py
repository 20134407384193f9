"""Celery tasks: thin shells that load the job record, run the domain code and record the outcome.

Messages carry only a job id. Every task first reads the job: a finished or cancelled job is
skipped, so a redelivered message (acks are late; a dead worker's message comes back) never
redoes finished work or undoes an outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
from tasks_support_system_ai.jobs.runtime import worker_context
from tasks_support_system_ai.jobs.store import JobStore

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
            )
        except PartsPending as pending:  # a part was redelivered and is still running
            raise task.retry(countdown=PUBLISH_RETRY_S) from pending


def guarded(
    store: JobStore,
    job_id: str,
    stage: str,
    work: Callable[[JobProgress], dict[str, Any]],
    *,
    completes_job: bool = True,
) -> None:
    """Run one stage of a job and record how it ended; never lets a job stay "running".

    A part of a split job (``completes_job=False``) records its own outcome on its part row.
    """
    record = store.get(job_id)
    if record.finished:
        log.info("Job %s is already %s; skipping %s", job_id, record.status, stage)
        return
    if record.cancel_requested:
        store.cancelled(job_id)
        return
    store.start_stage(job_id, stage)
    try:
        result = work(JobProgress(store, job_id))
    except PartsPending:
        raise
    except JobCancelled:
        store.cancelled(job_id)
    except SupportAIError as error:
        store.fail(job_id, error.code, error.message)
    except Exception as error:
        log.exception("Job %s failed in %s", job_id, stage)
        store.fail(job_id, "internal_error", f"{stage} failed: {type(error).__name__}: {error}")
    else:
        if completes_job:
            store.finish_stage(job_id, stage)
            store.succeed(job_id, result)
