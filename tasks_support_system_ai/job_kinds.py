"""Job kinds: what each single-stage job does, given the worker's context and the job params.

Each handler is idempotent: run twice for one job (a redelivery after a worker died), it
redoes the work and overwrites the same outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.runs import RunSpec
from tasks_support_system_ai.jobs.progress import JobProgress

if TYPE_CHECKING:
    from tasks_support_system_ai.context import AppContext

Handler = Callable[["AppContext", dict[str, Any], JobProgress], dict[str, Any]]


def nlp_fit(context: AppContext, params: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
    progress.check_cancelled()
    record = context.nlp.train(
        params["model_id"], params["model"], params["config"], params.get("preprocessing")
    )
    if params.get("promote"):
        record = context.nlp.promote(record.id, params["promote"])
    return {"model_id": record.id, "macro_f1": record.macro_f1, "stage": record.stage}


def clustering_fit(
    context: AppContext, params: dict[str, Any], progress: JobProgress
) -> dict[str, Any]:
    progress.check_cancelled()
    record = context.topics.train(params["model_id"], params["params"])
    return {"model_id": record.id, "n_clusters": record.metrics.get("n_clusters")}


def forecast_all(
    context: AppContext, params: dict[str, Any], progress: JobProgress
) -> dict[str, Any]:
    context.active.refresh()
    progress.update(5)
    info = context.forecast_runs.run(
        context.active.current(),
        run_spec_from_json(params),
        progress=lambda share: progress.update(5 + 90 * share),
    )
    return asdict(info)


def backtest(context: AppContext, params: dict[str, Any], progress: JobProgress) -> dict[str, Any]:
    """Rolling-origin backtest of one model on one queue (slow models: sarima, prophet, auto)."""
    context.active.refresh()
    progress.update(5)
    return context.forecasts.backtest(
        context.active.current(),
        params["queue_id"],
        params["model"],
        Granularity(params["granularity"]),
        params["horizon"],
        windows=params["windows"],
        step=params["step"],
        levels=params["levels"],
    )


def run_spec_from_json(params: dict[str, Any]) -> RunSpec:
    cutoff = date.fromisoformat(params["cutoff"]) if params.get("cutoff") else None
    return RunSpec(
        horizon=params["horizon"],
        granularity=Granularity(params["granularity"]),
        cutoff=cutoff,
        method=params["method"],
        levels=tuple(params["levels"]),
        model=params["model"],
    )


HANDLERS: Final[dict[str, Handler]] = {
    "nlp_fit": nlp_fit,
    "clustering_fit": clustering_fit,
    "forecast_all": forecast_all,
    "backtest": backtest,
}
