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
from tasks_support_system_ai.jobs.store import JobStore

if TYPE_CHECKING:
    from celery import Task

    from tasks_support_system_ai.jobs.celery_app import JobsCelery
    from tasks_support_system_ai.jobs.kinds import JobKinds

log = logging.getLogger(__name__)
RUN_JOB = "support_ai.run_job"
LABEL_PART = "support_ai.label_part"  # a part of a split job (the names predate other kinds)
PUBLISH_LABELS = "support_ai.publish_labels"  # the step after all parts of a split job
PUBLISH_RETRY_S = 2


def register_tasks(app: JobsCelery) -> None:
    """Define the tasks on ``app``; they run the job kinds registered in ``app.kinds``.

    Each task looks its job's kind up there (``jobs.kinds``; the wiring registers them), so
    the job system imports no domain code: the handlers import theirs on first use in the
    (forked) pool process, and the worker's main process stays small.
    """

    @app.task(name=RUN_JOB, shared=False)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> None:
        kinds = _kinds(app)
        services = kinds.services()
        record = services.jobs.store.get(job_id)
        guarded(
            services.jobs.store,
            job_id,
            record.kind,
            lambda progress: kinds.run(services, record.kind, record.params, progress),
        )

    @app.task(name=LABEL_PART, shared=False)  # type: ignore[untyped-decorator]
    def run_part(job_id: str, part: int) -> None:
        kinds = _kinds(app)
        services = kinds.services()
        record = services.jobs.store.get(job_id)
        stage, _ = record.stages
        guarded(
            services.jobs.store,
            job_id,
            stage,
            lambda progress: kinds.split(record.kind).part(services, job_id, part, progress),
            completes_job=False,
        )

    @app.task(name=PUBLISH_LABELS, bind=True, max_retries=300, shared=False)  # type: ignore[untyped-decorator]
    def finish_parts(task: Task, job_id: str) -> None:
        kinds = _kinds(app)
        services = kinds.services()
        record = services.jobs.store.get(job_id)
        _, stage = record.stages
        try:
            guarded(
                services.jobs.store,
                job_id,
                stage,
                lambda progress: kinds.split(record.kind).finish(services, job_id, progress),
            )
        except PartsPending as pending:  # a part was redelivered and is still running
            raise task.retry(countdown=PUBLISH_RETRY_S) from pending


def _kinds(app: JobsCelery) -> JobKinds[Any]:
    if app.kinds is None:
        raise RuntimeError("This Celery app only sends jobs: it was made without job kinds")
    return app.kinds


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
