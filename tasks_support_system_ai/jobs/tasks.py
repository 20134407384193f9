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
from tasks_support_system_ai.jobs.forked import run_in_child
from tasks_support_system_ai.jobs.liveness import beating, is_alive
from tasks_support_system_ai.jobs.progress import JobCancelled, JobProgress, PartsPending
from tasks_support_system_ai.jobs.store import JobRecord, JobStore
from tasks_support_system_ai.observability.events import job_entered, job_finished
from tasks_support_system_ai.observability.request_id import reset_request_id, set_request_id

if TYPE_CHECKING:
    from celery import Task

    from tasks_support_system_ai.jobs.celery_app import JobsCelery
    from tasks_support_system_ai.jobs.kinds import JobKinds

log = logging.getLogger(__name__)
RUN_JOB = "support_ai.run_job"
RUN_PART = "support_ai.label_part"  # a part of a split job (the names predate other kinds)
FINISH_PARTS = "support_ai.publish_labels"  # the step after all parts of a split job
FINISH_RETRY_S = 2


def register_tasks(app: JobsCelery) -> None:
    """Define the tasks on ``app``; they run the job kinds registered in ``app.kinds``.

    Each task looks its job's kind up there (``jobs.kinds``; the wiring registers them), so
    the job system imports no domain code: the handlers import theirs on first use in the
    (forked) pool process, and the worker's main process stays small.
    """

    from celery.signals import worker_process_init

    worker_process_init.connect(_in_pool_process, weak=False)

    @app.task(name=RUN_JOB, shared=False)  # type: ignore[untyped-decorator]
    def run_job(job_id: str) -> None:
        kinds = _kinds(app)
        services = kinds.services()
        store = services.jobs.store
        record = store.get(job_id)

        def work(progress: JobProgress) -> dict[str, Any]:
            def run() -> dict[str, Any]:
                return kinds.run(services, record.kind, record.params, progress)

            if not _pool.forks_jobs:  # a thread pool (tests): one process, nothing to kill
                return run()
            return run_in_child(run, stop=lambda: store.cancel_requested(job_id))

        guarded(
            store, job_id, record.kind, work, liveness=Liveness.of(app.settings, exclusive=True)
        )

    @app.task(name=RUN_PART, shared=False)  # type: ignore[untyped-decorator]
    def run_part(job_id: str, part: int) -> None:
        kinds = _kinds(app)
        services = kinds.services()
        record = services.jobs.store.get(job_id)
        stage, _ = record.stages  # the parts' stage, then the finishing one
        guarded(
            services.jobs.store,
            job_id,
            stage,
            lambda progress: kinds.split(record.kind).part(services, job_id, part, progress),
            completes_job=False,
            liveness=Liveness.of(app.settings, part=part),
        )

    @app.task(name=FINISH_PARTS, bind=True, max_retries=300, shared=False)  # type: ignore[untyped-decorator]
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
                liveness=Liveness.of(app.settings),
            )
        except PartsPending as pending:  # a part was redelivered and is still running
            raise task.retry(countdown=FINISH_RETRY_S) from pending


@dataclass
class _PoolProcess:
    """Whether this process is a prefork pool process, whose single-stage jobs run in a
    forked child so that a cancel kills the child, never the pool process (``jobs.forked``)."""

    forks_jobs: bool = False


_pool = _PoolProcess()


def _in_pool_process(**_: Any) -> None:
    _pool.forks_jobs = True


def _kinds(app: JobsCelery) -> JobKinds[Any]:
    if app.kinds is None:
        raise RuntimeError("This Celery app only sends jobs: it was made without job kinds")
    return app.kinds


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
