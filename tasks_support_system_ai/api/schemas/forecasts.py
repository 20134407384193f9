"""Forecasting requests and responses (spec: POST /api/forecast and the original TS routes)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from tasks_support_system_ai.analytics import Granularity

ModelField = Field(
    None,
    validation_alias=AliasChoices("model", "model_type"),
    description="naive | es | sarima | prophet | gbm | linear | auto | vets "
    "(original names: naive, es, prophet, catboost → gbm, linear); default es",
)


#: Interval coverage levels: a handful of percentages, never an unbounded list.
Levels = Annotated[
    list[Annotated[int, Field(gt=0, lt=100)]],
    Field(min_length=1, max_length=10, description="interval coverage levels in percent"),
]
#: Dates a forecast may start from (the service's data lies well inside).
StartDate = Annotated[
    date | None,
    Field(
        None,
        ge=date(1900, 1, 1),
        le=date(2200, 12, 31),
        description="first forecast period; history after it is ignored (past forecasts)",
    ),
]
QueueId = Annotated[int, Field(ge=0, le=2**62, description="queue id; 0 is the virtual root")]
Horizon = Annotated[int, Field(le=100_000, description="periods at the granularity, 1 to 300 days")]
Windows = Annotated[int, Field(ge=1, le=20, description="rolling-origin windows")]
ModelNames = Annotated[
    list[Annotated[str, Field(max_length=50)]], Field(min_length=1, max_length=10)
]


class ForecastRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    queue_id: QueueId
    forecast_horizon: Horizon = 30
    granularity: Granularity = Granularity.DAILY
    include_confidence_intervals: bool = False
    model: str | None = ModelField
    forecast_start_date: StartDate = None
    levels: Levels = [80, 95]


class IntervalOut(BaseModel):
    lower: list[float]
    upper: list[float]


class ForecastResult(BaseModel):
    queue_id: int
    values: list[float]
    timestamps: list[date]
    granularity: Granularity
    model: str
    lower_bound: list[float] | None = Field(None, description="at the highest requested level")
    upper_bound: list[float] | None = None
    intervals: dict[str, IntervalOut] | None = Field(None, description="bounds per level")


class TrainRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    queue_id: QueueId
    model: str | None = ModelField
    granularity: Granularity = Granularity.DAILY
    forecast_horizon: Horizon = 30
    windows: Windows = 1


class CompareRequest(BaseModel):
    queue_id: QueueId
    models: ModelNames = ["naive", "es", "gbm", "vets"]
    granularity: Granularity = Granularity.DAILY
    forecast_horizon: Horizon = 30
    windows: Windows = 3


class BacktestRequest(TrainRequest):
    windows: Windows = 3
    step: int | None = Field(
        None, ge=1, le=10_000, description="periods between cut-offs; default horizon"
    )
    levels: Levels = [80, 95]


class MetricsOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    mae: float | None = None
    rmse: float | None = None
    mape: float | None = None
    smape: float | None = None
    mase: float | None = None
    coverage: dict[int, float] = Field({}, description="interval coverage per level")


class TrainResult(MetricsOut):
    queue_id: int
    model: str


class CompareResult(BaseModel):
    queue_id: int
    forecast_horizon: int
    windows: int
    best: str | None
    results: dict[str, dict[str, Any]]


class StaffingRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    queue_id: QueueId
    forecast_horizon: Horizon = 30
    granularity: Granularity = Granularity.DAILY
    model: str | None = ModelField
    forecast_start_date: StartDate = None
    plan_for: Literal["mean", "upper_80", "upper_95"] = Field(
        "mean", description="plan for the mean forecast or an interval's upper bound"
    )
    # Bounds are checked by the domain (``StaffingParams.validate``: code invalid_staffing).
    handling_minutes: float = Field(
        15.0, description="average handling time per ticket (0 to one week)"
    )
    service_level: float = Field(0.8, description="share answered within target_wait_hours")
    target_wait_hours: float = 1.0
    working_hours: float = Field(8.0, description="hours per period in which tickets are worked")
    shrinkage: float = Field(0.3, description="share of paid time not available for tickets")
    max_occupancy: float = 0.9


class StaffingResult(BaseModel):
    queue_id: int
    model: str
    timestamps: list[date]
    tickets: list[float]
    agents_on_duty: list[int]
    agents_scheduled: list[int]
    service_level: list[float]
    occupancy: list[float]
    traffic_erlangs: list[float]


class ForecastAllRequest(BaseModel):
    forecast_horizon: Horizon = 30
    granularity: Granularity = Granularity.DAILY
    forecast_start_date: StartDate = None
    method: Literal["bottom_up", "wls_struct", "wls_var", "mint_shrink"] = Field(
        "mint_shrink", description="reconciliation: bottom-up, WLS or MinT with shrinkage"
    )
    levels: Levels = [80, 95]
    model: Literal["vets", "auto"] = Field(
        "vets",
        description="vets: vectorised damped Holt-Winters for every queue (seconds); auto: per "
        "queue the best of naive / vets / ETS by backtest (minutes)",
    )


class ForecastRunOut(BaseModel):
    run_id: str
    spec: dict[str, Any]
    tickets_version: int
    hierarchy_version: int
    queues: int
    seconds: float = Field(description="compute time of the run")
    created: bool = Field(description="false when the identical run was already stored")


class SaveModelRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    queue_id: QueueId
    model: str | None = ModelField
    granularity: Granularity = Granularity.DAILY
    forecast_start_date: StartDate = None


class RegistryForecastRequest(BaseModel):
    forecast_horizon: Horizon = 30
    levels: Levels = [80, 95]


OptionalForecastAll = Annotated[
    ForecastAllRequest | None, Body(description="whole-tree run parameters; omit for defaults")
]
"""A whole-tree run's body: every field has a default, so the body itself is optional."""
