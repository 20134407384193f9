"""Forecasting: single-queue forecasts, training metrics, model comparison, staffing."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.api.deps import ContextDep, DataDep
from tasks_support_system_ai.api.limits import Expensive
from tasks_support_system_ai.api.responses import ModelResponse
from tasks_support_system_ai.api.schemas.common import ERROR_RESPONSES, BaseResponse, Page
from tasks_support_system_ai.api.schemas.forecasts import (
    BacktestRequest,
    CompareRequest,
    CompareResult,
    ForecastAllRequest,
    ForecastRequest,
    ForecastResult,
    ForecastRunOut,
    IntervalOut,
    OptionalForecastAll,
    RegistryForecastRequest,
    SaveModelRequest,
    StaffingRequest,
    StaffingResult,
    TrainRequest,
    TrainResult,
)
from tasks_support_system_ai.api.schemas.registry import ModelOut
from tasks_support_system_ai.errors import NotFoundError
from tasks_support_system_ai.forecasting.base import Forecast
from tasks_support_system_ai.forecasting.history import check_horizon, cutoff_for_start
from tasks_support_system_ai.forecasting.runs import RunSpec
from tasks_support_system_ai.forecasting.service import DEFAULT_MODEL, QueueForecast
from tasks_support_system_ai.forecasting.staffing import StaffingParams

QueueIdPath = Annotated[int, Path(ge=0, le=2**62, description="queue id; 0 is the root")]

router = APIRouter(prefix="/api", tags=["forecasting"], responses=ERROR_RESPONSES)


def _result(result: QueueForecast, with_intervals: bool) -> ForecastResult:
    return _forecast_out(
        result.queue_id, result.forecast, result.granularity, result.model, with_intervals
    )


def _forecast_out(
    queue_id: int, forecast: Forecast, granularity: Granularity, model: str, with_intervals: bool
) -> ForecastResult:
    body = ForecastResult.model_construct(
        queue_id=queue_id,
        values=forecast.mean.tolist(),
        timestamps=forecast.dates.tolist(),
        granularity=granularity,
        model=model,
        lower_bound=None,
        upper_bound=None,
        intervals=None,
    )
    if with_intervals and forecast.lower:
        top = max(forecast.lower)
        body.lower_bound = forecast.lower[top].tolist()
        body.upper_bound = forecast.upper[top].tolist()
        body.intervals = {
            str(level): IntervalOut.model_construct(
                lower=forecast.lower[level].tolist(), upper=forecast.upper[level].tolist()
            )
            for level in sorted(forecast.lower)
        }
    return body


@router.post("/forecast", response_model=ForecastResult, response_model_exclude_none=True)
async def forecast(context: ContextDep, data: DataDep, request: ForecastRequest) -> ModelResponse:
    """Forecast a queue's load; the fitted model is cached, so repeated calls only predict."""
    cutoff = cutoff_for_start(request.forecast_start_date, request.granularity)
    call = partial(
        context.forecasts.forecast,
        data,
        request.queue_id,
        request.forecast_horizon,
        granularity=request.granularity,
        model=request.model or DEFAULT_MODEL,
        cutoff=cutoff,
        levels=request.levels,
    )
    # Even predicting from a cached model is CPU work: never on the event loop.
    result = await run_in_threadpool(call)
    body = _result(result, request.include_confidence_intervals)
    return ModelResponse(body, exclude_none=True)


@router.post("/train_model", response_model=TrainResult, dependencies=[Expensive])
def train_model(context: ContextDep, data: DataDep, request: TrainRequest) -> TrainResult:
    """Backtest a model on the last ``forecast_horizon`` periods and cache it fitted on all."""
    model = request.model or DEFAULT_MODEL
    metrics = context.forecasts.train(
        data,
        request.queue_id,
        model,
        request.granularity,
        request.forecast_horizon,
        windows=request.windows,
    )
    return TrainResult(queue_id=request.queue_id, **metrics)


@router.post("/backtest", dependencies=[Expensive])
def backtest(context: ContextDep, data: DataDep, request: BacktestRequest) -> dict[str, Any]:
    """Rolling-origin cross-validation of one model on one queue, per window and averaged."""
    return context.forecasts.backtest(
        data,
        request.queue_id,
        request.model or DEFAULT_MODEL,
        request.granularity,
        request.forecast_horizon,
        windows=request.windows,
        step=request.step,
        levels=request.levels,
    )


@router.post("/compare_models", response_model=CompareResult, dependencies=[Expensive])
def compare_models(context: ContextDep, data: DataDep, request: CompareRequest) -> CompareResult:
    """Every requested model's backtest metrics side by side; ``best`` by MASE."""
    results = context.forecasts.compare(
        data,
        request.queue_id,
        request.models,
        request.granularity,
        request.forecast_horizon,
        windows=request.windows,
    )
    scored = {m: r["mase"] for m, r in results.items() if r.get("mase") is not None}
    return CompareResult(
        queue_id=request.queue_id,
        forecast_horizon=request.forecast_horizon,
        windows=request.windows,
        best=min(scored, key=scored.__getitem__) if scored else None,
        results=results,
    )


@router.delete("/clear_models/{queue_id}", response_model=BaseResponse)
async def clear_models(context: ContextDep, queue_id: QueueIdPath) -> BaseResponse:
    removed = context.forecasts.clear(queue_id)
    return BaseResponse(
        status="success", message=f"{removed} fitted models of queue {queue_id} removed"
    )


@router.delete("/clear_all_models", response_model=BaseResponse)
async def clear_all_models(context: ContextDep) -> BaseResponse:
    removed = context.forecasts.clear()
    return BaseResponse(status="success", message=f"{removed} fitted models removed")


@router.post("/staffing", response_model=StaffingResult)
def staffing(context: ContextDep, data: DataDep, request: StaffingRequest) -> StaffingResult:
    """Agents needed per period (Erlang C) for the queue's forecast."""
    params = StaffingParams(
        handling_minutes=request.handling_minutes,
        service_level=request.service_level,
        target_wait_hours=request.target_wait_hours,
        working_hours=request.working_hours,
        shrinkage=request.shrinkage,
        max_occupancy=request.max_occupancy,
    )
    staffed = context.forecasts.staffing(
        data,
        request.queue_id,
        request.forecast_horizon,
        params,
        granularity=request.granularity,
        model=request.model or DEFAULT_MODEL,
        cutoff=cutoff_for_start(request.forecast_start_date, request.granularity),
        plan_for=request.plan_for,
    )
    return StaffingResult(
        queue_id=request.queue_id,
        model=staffed.forecast.model,
        timestamps=staffed.forecast.forecast.dates.tolist(),
        **{k: v.tolist() for k, v in asdict(staffed.plan).items()},
    )


def run_spec(request: ForecastAllRequest | None) -> RunSpec:
    """The run a whole-tree request asks for (run now, or by a ``forecast_all`` job)."""
    request = request or ForecastAllRequest()
    cutoff = cutoff_for_start(request.forecast_start_date, request.granularity)
    return RunSpec(
        horizon=request.forecast_horizon,
        granularity=request.granularity,
        cutoff=cutoff,
        method=request.method,
        levels=tuple(sorted(set(request.levels))),
        model=request.model,
    )


@router.post("/forecast_all", response_model=ForecastRunOut, dependencies=[Expensive])
def forecast_all(
    context: ContextDep, data: DataDep, request: OptionalForecastAll = None
) -> ForecastRunOut:
    """Forecast every queue and reconcile so each parent = own tickets + children (stored)."""
    info = context.forecast_runs.run(data, run_spec(request))
    return ForecastRunOut(**asdict(info))


@router.get("/forecast_all", response_model=list[ForecastRunOut])
def list_forecast_runs(context: ContextDep, page: Annotated[Page, Query()]) -> list[ForecastRunOut]:
    """Stored whole-tree runs (``limit``/``offset`` pages through them)."""
    return [ForecastRunOut(**m, created=False) for m in page.of(context.forecast_runs.list())]


@router.get("/forecast_all/{run_id}/queues/{queue_id}", response_model=ForecastResult)
def forecast_run_queue(context: ContextDep, run_id: str, queue_id: QueueIdPath) -> ModelResponse:
    """One queue's reconciled forecast from a stored run, with intervals."""
    run = context.forecast_runs.get(run_id)
    body = _forecast_out(
        queue_id, run.for_queue(queue_id), run.granularity, f"tree+{run.method}", True
    )
    return ModelResponse(body, exclude_none=True)


@router.post("/reconciled_forecast", response_model=ForecastResult, dependencies=[Expensive])
def reconciled_forecast(
    context: ContextDep,
    data: DataDep,
    queue_id: Annotated[int, Query(ge=0, le=2**62)],
    request: OptionalForecastAll = None,
) -> ModelResponse:
    """A queue's tree-coherent forecast: reuses the stored run for these parameters."""
    info = context.forecast_runs.run(data, run_spec(request))
    return forecast_run_queue(context, info.run_id, queue_id)


@router.post("/forecast_models/save", response_model=ModelOut)
def save_forecast_model(context: ContextDep, data: DataDep, request: SaveModelRequest) -> ModelOut:
    """Save a queue's fitted model to the registry (skops artifact, loadable without pickle)."""
    cutoff = cutoff_for_start(request.forecast_start_date, request.granularity)
    record = context.forecasts.save(
        data,
        context.registry,
        request.queue_id,
        model=request.model or DEFAULT_MODEL,
        granularity=request.granularity,
        cutoff=cutoff,
    )
    return ModelOut.from_record(record)


@router.get("/forecast_models", response_model=list[ModelOut])
def list_forecast_models(context: ContextDep, page: Annotated[Page, Query()]) -> list[ModelOut]:
    """Saved forecasting models, newest first (``limit``/``offset`` pages through them)."""
    return [ModelOut.from_record(r) for r in page.of(context.registry.records("forecaster"))]


@router.post("/forecast_models/{model_id}/forecast", response_model=ForecastResult)
def forecast_from_registry(
    context: ContextDep, model_id: str, request: RegistryForecastRequest
) -> ModelResponse:
    """Forecast with a saved model, loaded from its artifact (no refit)."""
    record = context.registry.get(model_id)
    if record.kind != "forecaster":
        raise NotFoundError("Model not found", code="model_not_found", model_id=model_id)
    granularity = Granularity(record.params["granularity"])
    check_horizon(request.forecast_horizon, granularity)
    forecast = context.registry.load(model_id).predict(request.forecast_horizon, request.levels)
    body = _forecast_out(
        int(record.params["queue_id"]), forecast, granularity, str(record.params["model"]), True
    )
    return ModelResponse(body, exclude_none=True)
