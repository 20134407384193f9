"""``support-ai``: one console script with subcommands."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import typer

from tasks_support_system_ai.cli import access, data, forecast, sync
from tasks_support_system_ai.config import Settings, get_settings
from tasks_support_system_ai.lifetime import die_with_this_process

if TYPE_CHECKING:
    from tasks_support_system_ai.auth import AuthService

WORKER_STOP_S = 10
app = typer.Typer(help="Support AI: queue-load analytics and forecasting.", no_args_is_help=True)
app.add_typer(data.app, name="data")
app.add_typer(forecast.app, name="forecast")
app.add_typer(sync.app, name="minio-sync")
app.add_typer(access.users_app, name="users")
app.add_typer(access.keys_app, name="keys")


@app.callback()
def _configure() -> None:
    from tasks_support_system_ai.observability.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format, settings.log_file)


@app.command()
def serve(  # noqa: PLR0917  # typer options
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
    with_dashboard: bool = typer.Option(
        True, "--dashboard/--no-dashboard", help="also start the Streamlit dashboard"
    ),
    dashboard_port: int | None = typer.Option(
        None, help="dashboard port [default: SUPPORT_AI_DASHBOARD_PORT or 8501]"
    ),
) -> None:
    """Start the API (OpenAPI docs at /docs), a job worker and the dashboard, on demo data."""
    settings = get_settings()
    _prepare(settings, demo=demo)
    job_worker = _start_worker_process() if with_worker else None
    api_url = settings.api_url or f"http://127.0.0.1:{port or settings.port}"
    board = (
        _start_dashboard(api_url, dashboard_port or settings.dashboard_port, host or settings.host)
        if with_dashboard
        else None
    )
    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through Python (not the
    # default handler) lets the ``finally`` below stop the worker instead of orphaning it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _run_api(settings, host, port, workers)
    finally:
        _stop(*(child for child in (board, job_worker) if child is not None))


def _start_dashboard(api_url: str, port: int, host: str) -> subprocess.Popen[bytes]:
    """The dashboard binds where the API does; it calls the API on this machine."""
    from tasks_support_system_ai.dashboard import launch

    logging.getLogger(__name__).info("Dashboard on http://%s:%d", host, port)
    return subprocess.Popen(  # stateless: killed outright if serve dies without stopping it
        launch.command(port, host),
        env=launch.environment(api_url),
        preexec_fn=die_with_this_process(signal.SIGKILL),  # noqa: PLW1509  # see lifetime
    )


def announce_local_admin_key(auth: AuthService) -> None:
    """On first start, create the admin key, print it once and keep it in the 0600 file."""
    if not auth.settings.auth_enabled:
        return
    key = auth.ensure_local_admin_key()
    if key is not None:
        path = auth.settings.local_key_file
        typer.echo(
            f"Admin API key (shown once; also saved, owner-only, to {path}):\n  {key}\n"
            f'Send it as the X-API-Key header: export SUPPORT_AI_API_KEY="$(cat {path})"',
            err=True,
        )


@app.command()
def api(
    host: str | None = typer.Option(None, help="bind address (default from settings)"),
    port: int | None = typer.Option(None, help="port (default from settings)"),
    workers: int = typer.Option(2, min=1, help="API worker processes (uvicorn)"),
    demo: bool = typer.Option(
        False,
        envvar="SUPPORT_AI_DEMO",
        help="load the synthetic demo data when nothing is loaded (as `serve` does)",
    ),
) -> None:
    """Start only the API, with N worker processes: the deployment's `api` service.

    Jobs run on separate `support-ai worker` processes sharing the database, object store
    and SUPPORT_AI_BROKER_URL; metrics of every API process are merged at /metrics.
    """
    settings = get_settings()
    _prepare(settings, demo=demo)
    _run_api(settings, host, port, workers)


def _prepare(settings: Settings, *, demo: bool) -> None:
    """Once, before any API process starts: migrate the schema (API processes would race to),
    and with ``demo`` load the demo data and queue the default classifier's training."""
    from tasks_support_system_ai.context import build_context
    from tasks_support_system_ai.datasets.bootstrap import ensure_demo_data

    context = build_context(settings)
    if demo:
        ensure_demo_data(
            context.datasets, settings.demo_dir, seed=settings.demo_seed, progress=True
        )
        if context.nlp.ensure_default_model():  # trained by a job worker
            logging.getLogger(__name__).info("Training the default classifier (a job)")
    announce_local_admin_key(context.auth)  # `serve` and `api` alike, on first start
    context.close()


def _run_api(settings: Settings, host: str | None, port: int | None, workers: int) -> None:
    """uvicorn with our JSON logging in every process and metrics merged across processes."""
    from tasks_support_system_ai.observability.logs import uvicorn_log_config
    from tasks_support_system_ai.observability.multiproc import API, use_multiprocess_dir

    if settings.metrics_enabled:  # before uvicorn imports the app (and prometheus_client)
        use_multiprocess_dir(settings.resolved_metrics_dir / API, clear=True)
    import uvicorn

    uvicorn.run(
        "tasks_support_system_ai.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        log_config=uvicorn_log_config(settings.log_level, settings.log_format, settings.log_file),
        access_log=settings.access_log,
    )


def _start_worker_process() -> subprocess.Popen[bytes]:
    """``support-ai worker`` as a child process, stopped with the API.

    If serve dies without stopping it, the kernel starts its warm shutdown at once, and the
    worker's own parent watch escalates to a cold one (see ``watch_parent``).
    """
    from tasks_support_system_ai.worker import command

    return subprocess.Popen(
        command(parent_pid=os.getpid()),
        preexec_fn=die_with_this_process(signal.SIGTERM),  # noqa: PLW1509  # see lifetime
    )


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    """Warm shutdown of all at once (running tasks finish or go back to the queue), then kill
    whatever is still running after ``WORKER_STOP_S``."""
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + WORKER_STOP_S
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@app.command()
def dashboard(
    api_url: str | None = typer.Option(
        None, help="the API to call [default: SUPPORT_AI_API_URL or this machine's API]"
    ),
    port: int | None = typer.Option(None, help="[default: SUPPORT_AI_DASHBOARD_PORT or 8501]"),
    host: str = typer.Option("127.0.0.1", help="bind address"),
) -> None:
    """Start only the Streamlit dashboard, calling an API that runs elsewhere."""
    import os

    from tasks_support_system_ai.dashboard import launch

    settings = get_settings()
    url = api_url or settings.resolved_api_url
    command = launch.command(port or settings.dashboard_port, host)
    os.execve(command[0], command, launch.environment(url))


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
