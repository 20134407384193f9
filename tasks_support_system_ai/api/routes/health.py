"""Liveness and readiness probes for load balancers and orchestration."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tasks_support_system_ai import __version__
from tasks_support_system_ai.api.deps import ContextDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up (it may still be loading data)."""
    return {"status": "ok", "version": __version__}


@router.get("/ready", responses={503: {"description": "data not loaded yet"}})
async def ready(context: ContextDep) -> JSONResponse:
    """Data is loaded and queries will be answered."""
    if context.active.is_ready:
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "loading"}, status_code=503)
