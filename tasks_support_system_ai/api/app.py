"""Application factory."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from tasks_support_system_ai import __version__
from tasks_support_system_ai.api.auth import install_auth
from tasks_support_system_ai.api.docs import install_docs
from tasks_support_system_ai.api.errors import install_error_handlers
from tasks_support_system_ai.api.fast_predict import FastPredictMiddleware, PredictorLookup
from tasks_support_system_ai.api.limits import BusySlots, RequestLimitsMiddleware, request_limits
from tasks_support_system_ai.api.observe import ObserveMiddleware
from tasks_support_system_ai.api.observe import router as metrics_router
from tasks_support_system_ai.api.routes import (
    admin,
    auth,
    datasets,
    forecasts,
    health,
    jobs,
    labeling,
    nlp,
    queues,
)
from tasks_support_system_ai.auth import AuthService
from tasks_support_system_ai.config import Settings, get_settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.jobs.liveness import Reaper
from tasks_support_system_ai.lifetime import die_with_spawning_process
from tasks_support_system_ai.memory import keep_large_blocks_returnable
from tasks_support_system_ai.observability.errors import init_sentry
from tasks_support_system_ai.observability.metrics import set_enabled as set_metrics_enabled

log = logging.getLogger(__name__)

DESCRIPTION = """Queue-load analytics and forecasting for a support organisation.

Routes are also served under the original dashboard's prefixes: `/ts` for queue analytics and
forecasting (e.g. `/ts/api/queues`), `/nlp` for ticket classifiers (e.g. `/nlp/api/fit_nlp`)."""


def create_app(settings: Settings | None = None, context: AppContext | None = None) -> FastAPI:
    """Build the API; pass ``context`` to share one already built (tests, benchmarks)."""
    die_with_spawning_process()  # in a uvicorn worker process: never outlive its supervisor
    configured = settings or (context.settings if context else get_settings())
    set_metrics_enabled(configured.metrics_enabled)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = context is None
        keep_large_blocks_returnable()
        init_sentry(configured, "api")
        app.state.context = (context or build_context(configured)).build_services()
        await run_in_threadpool(app.state.context.active.refresh)
        threading.Thread(target=app.state.context.nlp.preload_production, daemon=True).start()
        reaper = Reaper(app.state.context).start()  # jobs whose worker died: retried or failed
        log.info("Support AI ready (data loaded: %s)", app.state.context.active.is_ready)
        yield
        reaper.stop()
        if owned:
            app.state.context.close()

    app = FastAPI(
        title="Support AI",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from local files by ``install_docs``, not from a CDN
        redoc_url=None,
    )
    install_error_handlers(app)
    install_docs(app)

    def predictor_lookup() -> PredictorLookup | None:
        loaded: AppContext | None = getattr(app.state, "context", None)
        return loaded.nlp.loaded_predictor if loaded else None

    def auth_service() -> AuthService | None:
        loaded: AppContext | None = getattr(app.state, "context", None)
        return loaded.auth if loaded else None

    app.add_middleware(FastPredictMiddleware, lookup=predictor_lookup)
    install_auth(app, context.settings if context else settings or get_settings(), auth_service)
    limits = request_limits(settings, context)
    app.state.busy_slots = BusySlots(limits.busy_requests)
    app.add_middleware(RequestLimitsMiddleware, limits=limits)
    # Added last = outermost: times and ids every request, the fast predict path's included.
    app.add_middleware(ObserveMiddleware, enabled=configured.metrics_enabled)
    if configured.metrics_enabled:
        app.include_router(metrics_router)
    app.include_router(health.router)
    for router in (queues.router, datasets.router, forecasts.router):
        app.include_router(router)
        app.include_router(router, prefix="/ts", include_in_schema=False)
    app.include_router(jobs.router)
    app.include_router(labeling.router)
    app.include_router(nlp.router)
    app.include_router(nlp.legacy_router)  # before the alias below: original answer shapes
    app.include_router(nlp.router, prefix="/nlp", include_in_schema=False)
    app.include_router(auth.router)
    app.include_router(admin.router)
    return app
