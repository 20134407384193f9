"""Job events for the metrics, importable without importing ``prometheus_client``.

Job code is imported by worker entry points before they choose where metrics are stored
(``multiproc``), so it records through these functions, which import the metrics on first call.
"""

from __future__ import annotations


def job_entered(kind: str, state: str) -> None:
    from tasks_support_system_ai.observability.metrics import JOB_TRANSITIONS

    JOB_TRANSITIONS.labels(kind, state).inc()


def job_finished(kind: str, state: str, seconds: float) -> None:
    from tasks_support_system_ai.observability.metrics import JOB_DURATION, JOB_TRANSITIONS

    JOB_TRANSITIONS.labels(kind, state).inc()
    JOB_DURATION.labels(kind, state).observe(seconds)
