"""Job kinds: what a worker does for each kind of job, registered into the job system.

This is wiring, like ``context``: the job system (``jobs``) knows no domain, and each domain
keeps its own services and typed job parameters; here each kind's handler reads its
parameters and calls its service. Domain code is imported inside the handlers, on first use
in a worker's pool process, so a worker's main process stays small.

Every handler is idempotent: run twice for one job (a redelivery after a worker died), it
redoes the work and overwrites the same outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Final

from tasks_support_system_ai.jobs.isolated import run_isolated
from tasks_support_system_ai.jobs.kinds import JobKinds, Result, SplitStages
from tasks_support_system_ai.jobs.progress import JobProgress

if TYPE_CHECKING:
    from tasks_support_system_ai.context import AppContext
    from tasks_support_system_ai.jobs.store import JobRecord

Handler = Callable[["AppContext", Mapping[str, Any], JobProgress], Result]

LABEL_PROCESS: Final = "tasks_support_system_ai.label_process"
"""The child process a labeling stage runs in (``jobs.isolated``)."""
LABEL_PART, PUBLISH_LABELS = "part", "publish"
LABEL_ENVIRONMENT: Final = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
"""The labeling child's extra environment. Arrow's mimalloc pool, once started, keeps memory
of its own even when Arrow is later switched to the system allocator
(``memory.keep_large_blocks_returnable``); the child never starts it."""


def nlp_fit(context: AppContext, params: Mapping[str, Any], progress: JobProgress) -> Result:
    from tasks_support_system_ai.nlp.service import NlpFitParams

    progress.check_cancelled()
    return context.nlp.run_fit(NlpFitParams.from_json(params))


def clustering_fit(context: AppContext, params: Mapping[str, Any], progress: JobProgress) -> Result:
    from tasks_support_system_ai.nlp.topics import ClusteringFitParams

    progress.check_cancelled()
    return context.topics.run_fit(ClusteringFitParams.from_json(params))


def forecast_all(context: AppContext, params: Mapping[str, Any], progress: JobProgress) -> Result:
    from tasks_support_system_ai.forecasting.runs import RunSpec

    context.active.refresh()
    progress.update(5)
    info = context.forecast_runs.run(
        context.active.current(),
        RunSpec.from_json(params),
        progress=lambda share: progress.update(5 + 90 * share),
    )
    return asdict(info)


def backtest(context: AppContext, params: Mapping[str, Any], progress: JobProgress) -> Result:
    """Rolling-origin backtest of one model on one queue (slow models: sarima, prophet, auto)."""
    from tasks_support_system_ai.forecasting.service import BacktestParams

    context.active.refresh()
    progress.update(5)
    return context.forecasts.run_backtest(
        context.active.current(), BacktestParams.from_json(params)
    )


def label_part(context: AppContext, job_id: str, part: int, progress: JobProgress) -> Result:
    """One time range of a labeling job, in a fresh lean child process (``label_process``)."""
    return run_isolated(
        context.settings, LABEL_PROCESS, LABEL_PART, job_id, part, environment=LABEL_ENVIRONMENT
    )


def publish_labels(context: AppContext, job_id: str, progress: JobProgress) -> Result:
    return run_isolated(
        context.settings, LABEL_PROCESS, PUBLISH_LABELS, job_id, environment=LABEL_ENVIRONMENT
    )


def discard_labeling(context: AppContext, record: JobRecord) -> None:
    """A labeling job whose worker died: its staging parts are never published."""
    from tasks_support_system_ai.labeling import discard_staging
    from tasks_support_system_ai.labeling.service import staging_prefix

    discard_staging(context.objects, staging_prefix(record.id))


def fail_model(context: AppContext, record: JobRecord) -> None:
    """A training job whose worker died: its registered model version failed too."""
    model_id = record.params.get("model_id")
    if isinstance(model_id, str):
        context.registry.fail(model_id, "worker_lost: the worker training this model stopped")


HANDLERS: dict[str, Handler] = {  # looked up when a job runs: tests may add kinds
    "nlp_fit": nlp_fit,
    "clustering_fit": clustering_fit,
    "forecast_all": forecast_all,
    "backtest": backtest,
}
"""Single-stage kinds by name."""


def job_kinds(build_context: Callable[[], AppContext]) -> JobKinds[AppContext]:
    """Every job kind, running against a context built (once per process) by ``build_context``.

    Registering imports no domain code: the worker's main process stays small.
    """
    kinds: JobKinds[AppContext] = JobKinds(build_context, HANDLERS)
    kinds.register_split("labeling", SplitStages(label_part, publish_labels))
    kinds.on_lost("labeling", discard_labeling)
    for kind in ("nlp_fit", "clustering_fit"):
        kinds.on_lost(kind, fail_model)
    return kinds
