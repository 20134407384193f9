"""Liveness and readiness probes for load balancers and orchestration."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from tasks_support_system_ai import __version__
from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.db.models import utcnow

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up (it may still be loading data)."""
    return {"status": "ok", "version": __version__}


@router.get(
    "/ready",
    responses={503: {"description": "data not loaded yet, or no worker takes jobs"}},
)
async def ready(context: ContextDep) -> JSONResponse:
    """Data is loaded, queries will be answered, and queued jobs are being taken."""
    if not context.active.is_ready:
        return JSONResponse({"status": "loading"}, status_code=503)
    cutoff = utcnow() - timedelta(seconds=context.settings.job_lost_after_s)
    if await run_in_threadpool(context.jobs.store.stalled_queue, cutoff):
        body = {
            "status": "worker_stalled",
            "code": "worker_stalled",
            "message": "Jobs have waited longer than job_lost_after_s and no worker took one",
        }
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready"})
