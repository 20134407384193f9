"""The service's Prometheus metrics, and how one process's or many processes' are rendered.

Several processes (uvicorn workers, Celery pool processes) each write their samples to files
in a shared folder (prometheus-client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``); the
``/metrics`` answer merges them. The mode is chosen when ``prometheus_client`` is first imported,
so the commands that start several processes call ``multiproc.use_multiprocess_dir`` first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from tasks_support_system_ai.observability import batching

HTTP_BUCKETS: Final = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
INFERENCE_BUCKETS: Final = (
    0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05, 0.25, 1, 5,
)  # fmt: skip
JOB_BUCKETS: Final = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600)
METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "support_ai_http_requests",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "support_ai_http_request_duration_seconds",
    "Time from request to the end of the response, by route template",
    ["method", "route"],
    buckets=HTTP_BUCKETS,
)
HTTP_IN_FLIGHT = Gauge(
    "support_ai_http_requests_in_flight",
    "Requests being answered now",
    multiprocess_mode="livesum",
)
INFERENCES = Counter(
    "support_ai_model_inferences",
    "Texts labelled by a classifier, by model id and serving path",
    ["model", "path"],
)
INFERENCE_LATENCY = Histogram(
    "support_ai_model_inference_duration_seconds",
    "Time of one prediction call (one text or a batch), by model id",
    ["model"],
    buckets=INFERENCE_BUCKETS,
)
JOB_TRANSITIONS = Counter(
    "support_ai_job_transitions",
    "Jobs entering a state, by kind and state (queued, running, succeeded, failed, cancelled)",
    ["kind", "state"],
)
JOB_DURATION = Histogram(
    "support_ai_job_duration_seconds",
    "Run time of a job stage, by kind and outcome",
    ["kind", "state"],
    buckets=JOB_BUCKETS,
)


_enabled = True
_requests = batching.BatchedCounter(HTTP_REQUESTS)
_latency = batching.BatchedHistogram(HTTP_LATENCY, HTTP_BUCKETS)
_inferences = batching.BatchedCounter(INFERENCES)
_inference_latency = batching.BatchedHistogram(INFERENCE_LATENCY, INFERENCE_BUCKETS)
in_flight = batching.InFlight(HTTP_IN_FLIGHT)
batching.register(_requests, _latency, _inferences, _inference_latency, in_flight)


def set_enabled(enabled: bool) -> None:
    """Switch inference recording off with ``SUPPORT_AI_METRICS_ENABLED=false`` (per process)."""
    global _enabled  # noqa: PLW0603  # one switch per process, set by the app factory
    _enabled = enabled


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "OTHER"
    _requests.add((method, route, str(status)))
    _latency.observe((method, route), seconds)


class InferenceTimer:
    """Records prediction calls of one serving path (``fast``, ``route``, ``batch``)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def record(self, model: str, texts: int, seconds: float) -> None:
        if _enabled:
            _inferences.add((model, self.path), texts)
            _inference_latency.observe((model,), seconds)


class _ThisProcess(Collector):
    """This process's own metrics (single-process mode)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class FileCollector(Collector):
    """Every process's samples from the multiprocess folders, merged."""

    def __init__(self, folders: Callable[[], list[str]]) -> None:
        self.folders = folders

    def collect(self) -> Iterable[Metric]:
        from glob import glob

        files = [file for folder in self.folders() for file in glob(f"{folder}/*.db")]
        merged: Iterable[Metric] = MultiProcessCollector.merge(files, accumulate=True)  # type: ignore[no-untyped-call]
        return merged


def render(folders: list[str], extra: Iterable[Collector] = ()) -> tuple[bytes, str]:
    """The text exposition: the processes' metrics (``folders`` when several processes write
    files, else this process's), plus ``extra`` collectors read at scrape time."""
    batching.flush()  # this process's latest counts; the others flush every second
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FileCollector(lambda: folders) if folders else _ThisProcess())
    for collector in extra:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST
