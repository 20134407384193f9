"""``support-ai``: one console script with subcommands."""

from __future__ import annotations

import logging

import typer

from tasks_support_system_ai.cli import data, forecast
from tasks_support_system_ai.config import get_settings

app = typer.Typer(help="Support AI: queue-load analytics and forecasting.", no_args_is_help=True)
app.add_typer(data.app, name="data")
app.add_typer(forecast.app, name="forecast")


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
    demo: bool = typer.Option(True, help="generate and load demo data when nothing is loaded"),
) -> None:
    """Start the API (OpenAPI docs at /docs), on demo data on first run."""
    import uvicorn

    from tasks_support_system_ai.context import build_context
    from tasks_support_system_ai.datasets.bootstrap import ensure_demo_data

    settings = get_settings()
    context = build_context(settings)
    if demo:
        ensure_demo_data(
            context.datasets, settings.demo_dir, seed=settings.demo_seed, progress=True
        )
    context.close()
    uvicorn.run(
        "tasks_support_system_ai.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
    )
