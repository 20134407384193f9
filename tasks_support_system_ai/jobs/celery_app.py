"""The Celery application, configured from ``Settings``.

With no broker configured, messages go through a folder (``filesystem://``, published
atomically by ``jobs.folder_transport``) and results into the database, so jobs run with no
external server; set ``SUPPORT_AI_BROKER_URL`` to Redis or RabbitMQ and any number of
``support-ai worker`` processes on any machines share the work. Tasks acknowledge late and are
re-queued if their worker dies, so every task is idempotent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from celery import Celery

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.jobs import folder_transport

if TYPE_CHECKING:
    from tasks_support_system_ai.jobs.kinds import JobKinds


class JobsCelery(Celery):  # type: ignore[misc]  # celery is untyped
    """A Celery app with its settings and the job kinds its workers run (``None``: it only
    sends jobs)."""

    settings: Settings
    kinds: JobKinds[Any] | None


def make_celery(settings: Settings, kinds: JobKinds[Any] | None = None) -> JobsCelery:
    """A new app per settings: no global state, so tests and tools can hold several."""
    from tasks_support_system_ai.jobs.tasks import register_tasks

    app = JobsCelery("support_ai", set_as_current=False)
    app.settings = settings
    app.kinds = kinds
    app.conf.update(_options(settings))
    register_tasks(app)
    return app


def _options(settings: Settings) -> dict[str, Any]:
    broker = settings.resolved_broker_url
    options: dict[str, Any] = {
        "broker_url": broker,
        "result_backend": settings.resolved_result_backend,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_expires": 24 * 3600,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "worker_concurrency": settings.worker_concurrency,
        "task_default_queue": settings.job_queue,
        "database_create_tables_at_setup": True,
    }
    if broker.startswith("filesystem://"):
        folder_transport.register()
        options["broker_url"] = broker.replace("filesystem", folder_transport.SCHEME, 1)
        queue, control = settings.jobs_dir / "queue", settings.jobs_dir / "control"
        for folder in (queue, control):
            folder.mkdir(parents=True, exist_ok=True)
        options["broker_transport_options"] = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "polling_interval": 0.1,
        }
    else:
        options["broker_transport_options"] = {
            "visibility_timeout": settings.job_visibility_timeout_s
        }
    return options
