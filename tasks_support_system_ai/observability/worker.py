"""A job worker's observability: metric files, a heartbeat, optionally its own ``/metrics``.

Called first thing in the worker's main process, before ``prometheus_client`` is imported, so
the worker and its pool processes all write to ``<metrics_dir>/worker``. An API on the same
machine serves those files too; a worker elsewhere (its own container) serves them itself on
``SUPPORT_AI_WORKER_METRICS_PORT``.
"""

from __future__ import annotations

import threading
import time
from typing import Final

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.observability.errors import init_sentry
from tasks_support_system_ai.observability.logs import configure_logging
from tasks_support_system_ai.observability.multiproc import WORKER, use_multiprocess_dir

HEARTBEAT_S: Final = 10.0


def start_worker_observability(settings: Settings) -> None:
    folder = settings.resolved_metrics_dir / WORKER
    use_multiprocess_dir(folder, clear=False)
    configure_logging(settings.log_level, settings.log_format, settings.log_file)
    init_sentry(settings, "worker")
    threading.Thread(target=_beat, name="metrics-heartbeat", daemon=True).start()
    if settings.worker_metrics_port is not None:
        serve_metrics(settings.host, settings.worker_metrics_port, [str(folder)])


def serve_metrics(host: str, port: int, folders: list[str]) -> None:
    """``/metrics`` of the worker's processes on ``host:port`` (a thread of this process)."""
    from prometheus_client import CollectorRegistry, start_http_server

    from tasks_support_system_ai.observability.metrics import FileCollector

    registry = CollectorRegistry(auto_describe=False)
    registry.register(FileCollector(lambda: folders))
    start_http_server(port, addr=host, registry=registry)


def _beat() -> None:
    """Defined here, not with the other metrics, so only workers export a heartbeat."""
    from prometheus_client import Gauge

    heartbeat = Gauge(
        "support_ai_worker_heartbeat_timestamp_seconds",
        "Unix time a job worker last said it was alive",
        multiprocess_mode="max",
    )
    while True:
        heartbeat.set(time.time())
        time.sleep(HEARTBEAT_S)
