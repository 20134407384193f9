"""Jobs: list (newest first), status, result, cancel; whole-tree forecasts as jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.api.routes.forecasts import run_spec
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES
from tasks_support_system_ai.api.schemas.forecasts import BacktestRequest, OptionalForecastAll
from tasks_support_system_ai.api.schemas.jobs import JobOut
from tasks_support_system_ai.errors import ConflictError
from tasks_support_system_ai.forecasting.history import check_horizon
from tasks_support_system_ai.forecasting.models import canonical_name
from tasks_support_system_ai.forecasting.service import DEFAULT_MODEL, BacktestParams
from tasks_support_system_ai.jobs.store import Status

router = APIRouter(prefix="/api", tags=["jobs"], responses=ERROR_RESPONSES)


@router.get("/jobs", response_model=list[JobOut])
def list_jobs(
    context: ContextDep,
    kind: Annotated[str | None, Query(max_length=50)] = None,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31)] = 0,
) -> list[JobOut]:
    """Newest first; ``?limit=5`` is the "last five tasks" view, ``offset`` pages on."""
    records = context.jobs.store.records(kind=kind, status=status, limit=limit, offset=offset)
    return [JobOut.from_record(r, with_result=False) for r in records]


@router.get("/jobs/{job_id}", response_model=JobOut)
def job_status(context: ContextDep, job_id: str) -> JobOut:
    """Status, progress, stages (and parts of a split job), error and result."""
    return JobOut.from_record(context.jobs.store.get(job_id), context.jobs.store.parts(job_id))


@router.get("/jobs/{job_id}/result")
def job_result(context: ContextDep, job_id: str) -> dict[str, object]:
    """The result summary of a succeeded job (409 while it is not)."""
    record = context.jobs.store.get(job_id)
    if record.status != "succeeded" or record.result is None:
        raise ConflictError(
            f"Job {job_id} is {record.status}; it has no result",
            code=f"job_{record.status}",
            status=record.status,
        )
    return record.result


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def cancel_job(context: ContextDep, job_id: str) -> JobOut:
    """Queued jobs are cancelled at once, running ones at their next check (about a batch)."""
    return JobOut.from_record(context.jobs.cancel(job_id))


@router.post("/jobs/forecast_all", response_model=JobOut, status_code=202)
def forecast_all_job(context: ContextDep, request: OptionalForecastAll = None) -> JobOut:
    """Forecast and reconcile every queue in a job (for slow models such as ``auto``)."""
    return JobOut.from_record(context.jobs.submit("forecast_all", run_spec(request)))


@router.post("/jobs/backtest", response_model=JobOut, status_code=202)
def backtest_job(context: ContextDep, request: BacktestRequest) -> JobOut:
    """The rolling-origin backtest of ``POST /api/backtest`` as a job (its result, when done)."""
    check_horizon(request.forecast_horizon, request.granularity)
    params = BacktestParams(
        queue_id=request.queue_id,
        model=canonical_name(request.model or DEFAULT_MODEL),
        granularity=request.granularity,
        horizon=request.forecast_horizon,
        windows=request.windows,
        step=request.step,
        levels=tuple(request.levels),
    )
    return JobOut.from_record(context.jobs.submit("backtest", params))
