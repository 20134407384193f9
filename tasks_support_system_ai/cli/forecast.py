"""``support-ai forecast ...``: whole-tree runs, single-queue forecasts and staffing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, TimeElapsedColumn
from rich.table import Table

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.cli.data import fail
from tasks_support_system_ai.config import get_settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.forecasting.history import cutoff_for_start
from tasks_support_system_ai.forecasting.models import MODEL_NAMES
from tasks_support_system_ai.forecasting.runs import RunSpec
from tasks_support_system_ai.forecasting.service import DEFAULT_MODEL
from tasks_support_system_ai.forecasting.staffing import StaffingParams

app = typer.Typer(help="Forecasts: whole tree, one queue, staffing.", no_args_is_help=True)
console = Console()

HorizonOpt = Annotated[int, typer.Option(help="periods at the granularity (≤ 300 days)")]
GranularityOpt = Annotated[Granularity, typer.Option(help="daily, weekly or monthly")]
StartOpt = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="first forecast day (past forecast)")
]


def _cutoff(start: datetime | None, granularity: Granularity) -> date | None:
    return cutoff_for_start(start.date() if start else None, granularity)


@contextmanager
def _progress_bar(description: str) -> Iterator[Callable[[float], None]]:
    """A progress bar on stderr, fed with the share of the work done (0..1)."""
    columns = (*Progress.get_default_columns(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=1.0)
        yield lambda share: bar.update(task, completed=share)
        bar.update(task, completed=1.0)


def _with_context() -> AppContext:
    return build_context(get_settings())


@app.command("all")
def forecast_all(
    horizon: HorizonOpt = 30,
    granularity: GranularityOpt = Granularity.DAILY,
    method: Annotated[str, typer.Option(help="bottom_up, wls_struct, wls_var, mint_shrink")] = (
        "mint_shrink"
    ),
    start: StartOpt = None,
    model: Annotated[str, typer.Option(help="vets (seconds) or auto (per-queue, minutes)")] = (
        "vets"
    ),
) -> None:
    """Forecast every queue with 80/95% intervals and reconcile across the tree (stored)."""
    context = _with_context()
    try:
        spec = RunSpec(horizon, granularity, _cutoff(start, granularity), method, model=model)
        with _progress_bar(f"forecasting every queue ({model})") as report:
            info = context.forecast_runs.run(context.active.current(), spec, progress=report)
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()
    state = f"computed in {info.seconds:.2f} s" if info.created else "already stored"
    console.print(f"run {info.run_id}: {info.queues} queues, {state}")
    console.print(f"serve one queue: GET /api/forecast_all/{info.run_id}/queues/<queue_id>")


@app.command("queue")
def forecast_queue(
    queue_id: int,
    horizon: HorizonOpt = 14,
    granularity: GranularityOpt = Granularity.DAILY,
    model: Annotated[str, typer.Option(help=", ".join(MODEL_NAMES))] = DEFAULT_MODEL,
    start: StartOpt = None,
) -> None:
    """Forecast one queue and print the values with 80/95% intervals."""
    context = _with_context()
    try:
        result = context.forecasts.forecast(
            context.active.current(),
            queue_id,
            horizon,
            granularity=granularity,
            model=model,
            cutoff=_cutoff(start, granularity),
        )
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()
    f = result.forecast
    table = Table("period", "forecast", "80% interval", "95% interval", title=f"{result.model}")
    for i, day in enumerate(f.dates.tolist()):
        table.add_row(
            str(day),
            f"{f.mean[i]:.0f}",
            f"{f.lower[80][i]:.0f}–{f.upper[80][i]:.0f}",
            f"{f.lower[95][i]:.0f}–{f.upper[95][i]:.0f}",
        )
    console.print(table)


@app.command("staffing")
def staffing(
    queue_id: int,
    *,
    horizon: HorizonOpt = 14,
    handling_minutes: Annotated[float, typer.Option(help="average handling time")] = 15.0,
    service_level: Annotated[float, typer.Option(help="share answered within the wait")] = 0.8,
    target_wait_hours: float = 1.0,
    working_hours: Annotated[float, typer.Option(help="hours per day tickets are worked")] = 8.0,
    shrinkage: float = 0.3,
    model: str = DEFAULT_MODEL,
) -> None:
    """Agents needed per day (Erlang C) for the queue's forecast."""
    params = StaffingParams(
        handling_minutes=handling_minutes,
        service_level=service_level,
        target_wait_hours=target_wait_hours,
        working_hours=working_hours,
        shrinkage=shrinkage,
    )
    context = _with_context()
    try:
        staffed = context.forecasts.staffing(
            context.active.current(), queue_id, horizon, params, model=model
        )
    except SupportAIError as exc:
        raise fail(exc) from None
    finally:
        context.close()
    table = Table("day", "tickets", "on duty", "scheduled", "service level", "occupancy")
    plan = staffed.plan
    for i, day in enumerate(staffed.forecast.forecast.dates.tolist()):
        table.add_row(
            str(day),
            f"{plan.tickets[i]:.0f}",
            str(plan.agents_on_duty[i]),
            str(plan.agents_scheduled[i]),
            f"{plan.service_level[i]:.1%}",
            f"{plan.occupancy[i]:.0%}",
        )
    console.print(table)
