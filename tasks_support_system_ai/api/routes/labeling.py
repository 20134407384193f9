"""Batch labeling: the labeling system's create_task / task_list / check_status / sample_result."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.api.limits import Expensive
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES
from tasks_support_system_ai.api.schemas.jobs import JobOut
from tasks_support_system_ai.api.schemas.labeling import LabelingRequest

router = APIRouter(prefix="/api/labeling", tags=["labeling"], responses=ERROR_RESPONSES)


@router.post("/create_task", response_model=JobOut, status_code=202, dependencies=[Expensive])
def create_task(context: ContextDep, request: LabelingRequest) -> JobOut:
    """Start a label → publish job over the source; returns the job (poll check_status)."""
    record = context.labeling.submit(request.model_dump(mode="json"))
    return JobOut.from_record(record, context.jobs.store.parts(record.id))


@router.get("/task_list", response_model=list[JobOut])
def task_list(
    context: ContextDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 5,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[JobOut]:
    """The most recent labeling jobs, newest first (five by default; ``offset`` pages on)."""
    records = context.jobs.store.records(kind="labeling", limit=limit, offset=offset)
    return [JobOut.from_record(r) for r in records]


@router.get("/check_status/{job_id}", response_model=JobOut)
def check_status(context: ContextDep, job_id: str) -> JobOut:
    """Status of each stage (label, publish) and part, progress, validation info."""
    return JobOut.from_record(context.jobs.store.get(job_id), context.jobs.store.parts(job_id))


@router.get("/sample_result/{job_id}")
def sample_result(
    context: ContextDep,
    job_id: str,
    n: Annotated[int, Query(ge=1, le=10_000)] = 10,
    seed: Annotated[int, Query(ge=0, le=2**32 - 1)] = 0,
) -> list[dict[str, Any]]:
    """``n`` random rows of the published labels (id, created_at, label)."""
    return context.labeling.sample_rows(job_id, n, seed)
