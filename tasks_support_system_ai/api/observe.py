"""Request metrics, request ids and ``/metrics``.

``ObserveMiddleware`` is plain ASGI and the outermost middleware: it times every request
(including those the fast predict path answers without reaching FastAPI), labels it by route
template (``/api/jobs/{job_id}``, never the raw path, so the series stay few), and gives it an
id: nginx's ``X-Request-ID`` if sane, else a fresh one, returned in the response, put on every
log line and stored on the jobs the request submits.
"""

from __future__ import annotations

import time
from typing import Final

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tasks_support_system_ai.api.deps import ContextDep
from tasks_support_system_ai.observability import metrics
from tasks_support_system_ai.observability.multiproc import served_folders
from tasks_support_system_ai.observability.request_id import (
    accepted_request_id,
    reset_request_id,
    set_request_id,
)
from tasks_support_system_ai.observability.state import ServiceState

HEADER: Final = b"x-request-id"
ROUTE_KEY: Final = "support_ai.route"
"""Scope key a plain-ASGI handler sets to name its route (FastAPI sets ``scope["route"]``)."""
UNMATCHED: Final = "<unmatched>"


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or scope.get(ROUTE_KEY)
    return template if isinstance(template, str) else UNMATCHED


class ObserveMiddleware:
    def __init__(self, app: ASGIApp, *, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = accepted_request_id(_header(scope, HEADER))
        encoded = request_id.encode()
        status = 500  # what the client gets if the app fails before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, encoded)]
            await send(message)

        token = set_request_id(request_id)
        started = time.perf_counter()
        if self.enabled:
            metrics.in_flight.count += 1  # the event loop's thread only: no lock needed
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if self.enabled:
                metrics.in_flight.count -= 1
                metrics.record_request(
                    scope["method"], route_template(scope), status, time.perf_counter() - started
                )
            reset_request_id(token)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(context: ContextDep) -> Response:
    """Prometheus text format: every API process's (and local workers') metrics, plus job,
    dataset and queue gauges read now from the database and the broker."""
    state = ServiceState(context.engine, context.jobs.queue_depth)
    body, content_type = await run_in_threadpool(metrics.render, served_folders(), [state])
    return Response(body, media_type=content_type)
