"""Job records in the database: the one place a job's state lives.

Workers write it, the API reads it; Celery only carries "run job X" messages. Every write is
a short transaction, so a status read never waits on a running job.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tasks_support_system_ai.db.models import Job, JobPart, utcnow
from tasks_support_system_ai.errors import NotFoundError, shown

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
STATUSES: Final[tuple[Status, ...]] = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED: Final = frozenset({"succeeded", "failed", "cancelled"})


@dataclass(frozen=True)
class JobRecord:
    id: str
    kind: str
    params: dict[str, Any]
    status: str
    stages: dict[str, Any]
    progress: float
    result: dict[str, Any] | None
    error_code: str | None
    error_message: str | None
    cancel_requested: bool
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime
    request_id: str | None

    @classmethod
    def from_row(cls, row: Job) -> JobRecord:
        return cls(**{f: getattr(row, f) for f in cls.__dataclass_fields__})

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass(frozen=True)
class PartRecord:
    part: int
    status: str
    rows_done: int
    attempts: int
    summary: dict[str, Any] | None


class JobStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        kind: str,
        params: dict[str, Any],
        stages: list[str],
        *,
        request_id: str | None = None,
    ) -> JobRecord:
        row = Job(
            id=f"job_{uuid.uuid4().hex[:12]}",
            kind=kind,
            params=params,
            status="queued",
            stages={name: {"status": "queued"} for name in stages},
            progress=0.0,
            result=None,
            error_code=None,
            error_message=None,
            cancel_requested=False,
            attempts=0,
            request_id=request_id,
        )
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            session.add(row)
        return JobRecord.from_row(row)

    def get(self, job_id: str) -> JobRecord:
        with Session(self.engine) as session:
            row = session.get(Job, job_id)
            if row is None:
                raise NotFoundError(f"Job {shown(job_id)} not found", code="job_not_found")
            return JobRecord.from_row(row)

    def records(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[JobRecord]:
        """Newest first."""
        query = (
            select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(limit).offset(offset)
        )
        if kind:
            query = query.where(Job.kind == kind)
        if status:
            query = query.where(Job.status == status)
        with Session(self.engine) as session:
            return [JobRecord.from_row(row) for row in session.scalars(query)]

    def start_stage(
        self, job_id: str, stage: str, *, unless_alive_s: float | None = None
    ) -> JobRecord | None:
        """Mark the job and ``stage`` running (again, after a redelivery: attempts counts).

        With ``unless_alive_s``, in the same locked transaction: ``None`` (nothing changed)
        when the job is finished or running with a heartbeat younger than that, so two
        deliveries of one message never run the job twice."""
        claimed = True

        def change(row: Job) -> None:
            nonlocal claimed
            now = utcnow()
            if unless_alive_s is not None:
                beat = (
                    row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=UTC)
                )
                alive = row.status == "running" and (now - beat).total_seconds() < unless_alive_s
                if alive or row.status in FINISHED:
                    claimed = False
                    return
            row.status = "running"
            row.started_at = row.started_at or now
            row.attempts += 1
            row.stages = {**row.stages, stage: {"status": "running", "started_at": now.isoformat()}}

        record = self._change(job_id, change)
        return record if claimed else None

    def finish_stage(self, job_id: str, stage: str, info: dict[str, Any] | None = None) -> None:
        def change(row: Job) -> None:
            done = {**row.stages[stage], "status": "succeeded", "finished_at": utcnow().isoformat()}
            row.stages = {**row.stages, stage: {**done, **(info or {})}}

        self._change(job_id, change)

    def set_progress(self, job_id: str, progress: float) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running")
                .values(progress=round(min(max(progress, 0.0), 100.0), 2), updated_at=utcnow())
            )

    def succeed(self, job_id: str, result: dict[str, Any]) -> JobRecord:
        return self._finish(job_id, "succeeded", result=result, progress=100.0)

    def fail(self, job_id: str, code: str, message: str) -> JobRecord:
        return self._finish(job_id, "failed", error_code=code, error_message=message[:2000])

    def cancelled(self, job_id: str) -> JobRecord:
        return self._finish(job_id, "cancelled", error_code="cancelled", error_message="Cancelled")

    def request_cancel(self, job_id: str) -> JobRecord:
        """Flag the job; a queued job is cancelled at once, a running one at its next check."""

        def change(row: Job) -> None:
            if row.status in FINISHED:
                return
            row.cancel_requested = True
            if row.status == "queued":
                self._close(row, "cancelled", error_code="cancelled", error_message="Cancelled")

        return self._change(job_id, change)

    def cancel_requested(self, job_id: str) -> bool:
        with Session(self.engine) as session:
            return bool(session.scalar(select(Job.cancel_requested).where(Job.id == job_id)))

    # liveness: heartbeats of running jobs, and jobs whose worker died ---------------------

    def heartbeat(self, job_id: str, part: int | None = None) -> None:
        """A running job's worker is alive (``updated_at`` is the heartbeat)."""
        now = utcnow()
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(Job).where(Job.id == job_id, Job.status == "running").values(updated_at=now)
            )
            if part is not None:
                session.execute(
                    update(JobPart)
                    .where(JobPart.job_id == job_id, JobPart.part == part)
                    .values(updated_at=now)
                )

    def silent_since(self, cutoff: datetime) -> list[JobRecord]:
        """Running jobs with no heartbeat since ``cutoff``: their worker has died."""
        query = select(Job).where(Job.status == "running", Job.updated_at < cutoff)
        with Session(self.engine) as session:
            return [JobRecord.from_row(row) for row in session.scalars(query)]

    def waiting_since(self, cutoff: datetime) -> list[JobRecord]:
        """Queued jobs created before ``cutoff``."""
        query = select(Job).where(Job.status == "queued", Job.created_at < cutoff)
        with Session(self.engine) as session:
            return [JobRecord.from_row(row) for row in session.scalars(query)]

    def mark_resent(self, job_id: str, cutoff: datetime) -> bool:
        """Record that a queued job's message is sent again now; False when it is no longer
        queued or was already resent after ``cutoff``."""
        marked = False

        def change(row: Job) -> None:
            nonlocal marked
            stage = row.stages.get(row.kind, {})
            last = stage.get("resent_at")
            if row.status == "queued" and (last is None or datetime.fromisoformat(last) < cutoff):
                row.stages = {**row.stages, row.kind: {**stage, "resent_at": utcnow().isoformat()}}
                marked = True

        self._change(job_id, change)
        return marked

    def requeue(self, job_id: str) -> JobRecord:
        """Back to "queued" for another try (only if still running)."""

        def change(row: Job) -> None:
            if row.status != "running":
                return
            row.status = "queued"
            row.stages = {
                name: stage if stage["status"] == "succeeded" else {**stage, "status": "queued"}
                for name, stage in row.stages.items()
            }

        return self._change(job_id, change)

    def stalled_queue(self, cutoff: datetime) -> bool:
        """Jobs wait since before ``cutoff`` and no job has shown life since: no worker takes
        jobs (none runs, or its pool is wedged)."""
        with Session(self.engine) as session:
            waiting = session.scalar(
                select(Job.id).where(Job.status == "queued", Job.created_at < cutoff).limit(1)
            )
            if waiting is None:
                return False
            alive = session.scalar(
                select(Job.id).where(Job.status != "queued", Job.updated_at >= cutoff).limit(1)
            )
            return alive is None

    # parts of a split job -----------------------------------------------------------------

    def add_parts(self, job_id: str, count: int) -> None:
        with Session(self.engine) as session, session.begin():
            for part in range(count):
                session.add(
                    JobPart(job_id=job_id, part=part, status="queued", rows_done=0, attempts=0)
                )

    def start_part(self, job_id: str, part: int, summary: dict[str, Any]) -> None:
        values = {"status": "running", "rows_done": 0, "summary": summary}
        self._update_part(job_id, part, attempts=JobPart.attempts + 1, **values)

    def part_progress(self, job_id: str, part: int, rows_done: int) -> None:
        self._update_part(job_id, part, rows_done=rows_done)

    def finish_part(self, job_id: str, part: int, summary: dict[str, Any]) -> None:
        self._update_part(
            job_id, part, status="succeeded", rows_done=summary.get("rows_in", 0), summary=summary
        )

    def parts(self, job_id: str) -> list[PartRecord]:
        query = select(JobPart).where(JobPart.job_id == job_id).order_by(JobPart.part)
        with Session(self.engine) as session:
            return [
                PartRecord(p.part, p.status, p.rows_done, p.attempts, p.summary)
                for p in session.scalars(query)
            ]

    # helpers ------------------------------------------------------------------------------

    def _update_part(self, job_id: str, part: int, **values: Any) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(JobPart)
                .where(JobPart.job_id == job_id, JobPart.part == part)
                .values(updated_at=utcnow(), **values)
            )

    def _finish(self, job_id: str, status: Status, **fields: Any) -> JobRecord:
        def change(row: Job) -> None:
            if row.status not in FINISHED:  # the first outcome wins: a redelivery can't undo it
                self._close(row, status, **fields)

        return self._change(job_id, change)

    @staticmethod
    def _close(row: Job, status: Status, **fields: Any) -> None:
        row.status = status
        row.finished_at = utcnow()
        for name, value in fields.items():
            setattr(row, name, value)
        stage_status = "succeeded" if status == "succeeded" else status
        row.stages = {
            name: stage if stage["status"] == "succeeded" else {**stage, "status": stage_status}
            for name, stage in row.stages.items()
        }

    def _change(self, job_id: str, change: Any) -> JobRecord:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            row = session.get(Job, job_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"Job {shown(job_id)} not found", code="job_not_found")
            change(row)
            row.updated_at = utcnow()
        return JobRecord.from_row(row)
