"""``support-ai``: one console script with subcommands."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys

import typer

from tasks_support_system_ai.cli import data, forecast, sync
from tasks_support_system_ai.config import get_settings

WORKER_STOP_S = 10
app = typer.Typer(help="Support AI: queue-load analytics and forecasting.", no_args_is_help=True)
app.add_typer(data.app, name="data")
app.add_typer(forecast.app, name="forecast")
app.add_typer(sync.app, name="minio-sync")


@app.callback()
def _configure() -> None:
    logging.basicConfig(
        level=get_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: str | None = typer.Option(None, help="bind address (default from settings)"),
    port: int | None = typer.Option(None, help="port (default from settings)"),
    workers: int = typer.Option(1, min=1, help="API worker processes"),
    demo: bool = typer.Option(
        True,
        help="generate and load demo data when nothing is loaded, and train the default"
        " classifier when there is no production one",
    ),
    with_worker: bool = typer.Option(
        True, "--worker/--no-worker", help="also start a job worker process"
    ),
) -> None:
    """Start the API (OpenAPI docs at /docs) and a job worker, on demo data on first run."""
    import uvicorn

    from tasks_support_system_ai.context import build_context
    from tasks_support_system_ai.datasets.bootstrap import ensure_demo_data

    settings = get_settings()
    context = build_context(settings)
    if demo:
        ensure_demo_data(
            context.datasets, settings.demo_dir, seed=settings.demo_seed, progress=True
        )
        if context.nlp.ensure_default_model():  # trained by the worker started below
            logging.getLogger(__name__).info("Training the default classifier (a job)")
    context.close()
    job_worker = _start_worker_process() if with_worker else None
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through Python (not the
    # default handler) lets the ``finally`` below stop the worker instead of orphaning it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(
            "tasks_support_system_ai.api.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_level=settings.log_level.lower(),
            access_log=settings.access_log,
        )
    finally:
        if job_worker is not None:
            _stop(job_worker)


def _start_worker_process() -> subprocess.Popen[bytes]:
    """``support-ai worker`` as a child process, stopped with the API."""
    from tasks_support_system_ai.worker import command

    return subprocess.Popen(command())


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Warm shutdown first (running tasks finish or go back to the queue), then kill."""
    process.terminate()
    try:
        process.wait(timeout=WORKER_STOP_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@app.command()
def worker(
    concurrency: int | None = typer.Option(
        None, min=1, help="job processes [default: SUPPORT_AI_WORKER_CONCURRENCY or 2]"
    ),
) -> None:
    """Run jobs: from the local folder queue by default, or from SUPPORT_AI_BROKER_URL.

    Start any number of workers on any machines that share the broker, database and object
    store; a job whose worker dies is picked up by another.
    """
    from tasks_support_system_ai.worker import exec_worker

    exec_worker(concurrency)  # a lean process: see tasks_support_system_ai.worker
