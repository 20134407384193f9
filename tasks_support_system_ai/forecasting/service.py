"""Single-queue forecasting for the API: fitted models are cached and never refitted.

A fitted model is keyed by the data it saw (content hashes of the tickets and hierarchy
versions), the queue, the model, the granularity and the cut-off, so a new upload or another
cut-off never serves a stale model, and repeated requests skip fitting entirely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, Literal, Self

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.datasets.active import LoadedData
from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.backtest import backtest, compare_models
from tasks_support_system_ai.forecasting.base import DEFAULT_LEVELS, Forecast, Forecaster
from tasks_support_system_ai.forecasting.history import check_horizon, queue_history
from tasks_support_system_ai.forecasting.models import canonical_name, make_model
from tasks_support_system_ai.forecasting.staffing import StaffingParams, StaffingPlan, plan_staffing
from tasks_support_system_ai.lru import LRUCache
from tasks_support_system_ai.registry import ModelRecord, ModelRegistry

DEFAULT_MODEL = "es"


@dataclass(frozen=True)
class ModelKey:
    tickets_hash: str
    hierarchy_hash: str
    queue_id: int
    model: str
    granularity: Granularity
    cutoff: date | None


@dataclass(frozen=True)
class QueueForecast:
    queue_id: int
    model: str
    granularity: Granularity
    forecast: Forecast
    cached: bool  # False when this request fitted the model


@dataclass(frozen=True)
class QueueStaffing:
    """A queue's forecast and the agents it needs."""

    forecast: QueueForecast
    plan: StaffingPlan


PlanFor = Literal["mean", "upper_80", "upper_95"]
"""Which forecast staffing covers: the mean, or the upper bound of an interval."""


@dataclass(frozen=True)
class BacktestParams:
    """A ``backtest`` job: a rolling-origin backtest of one model on one queue."""

    queue_id: int
    model: str
    granularity: Granularity
    horizon: int
    windows: int = 3
    step: int | None = None
    levels: tuple[int, ...] = DEFAULT_LEVELS

    def to_json(self) -> dict[str, Any]:
        return {
            "queue_id": self.queue_id,
            "model": self.model,
            "granularity": self.granularity.value,
            "horizon": self.horizon,
            "windows": self.windows,
            "step": self.step,
            "levels": list(self.levels),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            queue_id=int(data["queue_id"]),
            model=data["model"],
            granularity=Granularity(data["granularity"]),
            horizon=int(data["horizon"]),
            windows=int(data["windows"]),
            step=data.get("step"),
            levels=tuple(data["levels"]),
        )


class ForecastService:
    def __init__(self, cache_size: int = 256) -> None:
        self.models: LRUCache[ModelKey, Forecaster] = LRUCache(cache_size)
        # Predicting takes some models (statsmodels) real time; identical requests reuse it.
        self.predictions: LRUCache[tuple[ModelKey, int, tuple[int, ...]], Forecast] = LRUCache(
            4 * cache_size
        )

    def key(
        self,
        data: LoadedData,
        queue_id: int,
        model: str,
        granularity: Granularity,
        cutoff: date | None,
    ) -> ModelKey:
        return ModelKey(
            data.tickets.content_hash,
            data.hierarchy.content_hash,
            queue_id,
            canonical_name(model),
            granularity,
            cutoff,
        )

    def fitted(self, data: LoadedData, key: ModelKey) -> tuple[Forecaster, bool]:
        """The cached model for ``key``, fitting it on first use."""

        def fit() -> Forecaster:
            series = queue_history(data.load, key.queue_id, key.granularity, key.cutoff)
            return make_model(key.model).fit(series)

        data.tree.index_of(key.queue_id)  # unknown queue → NotFoundError before any work
        return self.models.get_or_compute(key, fit)

    def forecast(
        self,
        data: LoadedData,
        queue_id: int,
        horizon: int,
        *,
        granularity: Granularity = Granularity.DAILY,
        model: str = DEFAULT_MODEL,
        cutoff: date | None = None,
        levels: Sequence[int] = DEFAULT_LEVELS,
    ) -> QueueForecast:
        check_horizon(horizon, granularity)
        key = self.key(data, queue_id, model, granularity, cutoff)
        fitted, cached = self.fitted(data, key)
        forecast, _ = self.predictions.get_or_compute(
            (key, horizon, tuple(sorted(set(levels)))), lambda: fitted.predict(horizon, levels)
        )
        return QueueForecast(queue_id, key.model, granularity, forecast, cached)

    def staffing(
        self,
        data: LoadedData,
        queue_id: int,
        horizon: int,
        params: StaffingParams,
        *,
        granularity: Granularity = Granularity.DAILY,
        model: str = DEFAULT_MODEL,
        cutoff: date | None = None,
        plan_for: PlanFor = "mean",
    ) -> QueueStaffing:
        """Forecast the queue, then the agents (Erlang C) for its mean or an upper bound."""
        params.validate()  # before any fit
        level = None if plan_for == "mean" else int(plan_for.removeprefix("upper_"))
        levels = DEFAULT_LEVELS if level is None else tuple(sorted({*DEFAULT_LEVELS, level}))
        result = self.forecast(
            data,
            queue_id,
            horizon,
            granularity=granularity,
            model=model,
            cutoff=cutoff,
            levels=levels,
        )
        tickets = result.forecast.mean if level is None else result.forecast.upper[level]
        return QueueStaffing(result, plan_staffing(tickets, params))

    def save(
        self,
        data: LoadedData,
        registry: ModelRegistry,
        queue_id: int,
        *,
        model: str = DEFAULT_MODEL,
        granularity: Granularity = Granularity.DAILY,
        cutoff: date | None = None,
    ) -> ModelRecord:
        """Store the (cached or newly) fitted model in the registry as a skops artifact."""
        key = self.key(data, queue_id, model, granularity, cutoff)
        fitted, _ = self.fitted(data, key)
        params = {
            "queue_id": queue_id,
            "model": key.model,
            "granularity": granularity.value,
            "cutoff": str(cutoff) if cutoff else None,
        }
        ref = f"tickets@{key.tickets_hash[:12]}+hierarchy@{key.hierarchy_hash[:12]}"
        record = registry.create(
            f"forecast-queue-{queue_id}-{key.model}", "forecaster", params, dataset_ref=ref
        )
        try:
            return registry.complete(record.id, fitted, {})
        except Exception as error:
            registry.fail(record.id, f"not serialisable: {error}")
            raise InvalidInputError(
                f"A fitted {key.model} model cannot be saved yet: {error}",
                code="model_not_serialisable",
            ) from error

    def clear(self, queue_id: int | None = None) -> int:
        """Forget fitted models of one queue (or all); returns how many were dropped."""
        self.predictions.remove_where(lambda k: queue_id is None or k[0].queue_id == queue_id)
        return self.models.remove_where(lambda k: queue_id is None or k.queue_id == queue_id)

    def backtest(
        self,
        data: LoadedData,
        queue_id: int,
        model: str,
        granularity: Granularity,
        horizon: int,
        *,
        windows: int = 3,
        step: int | None = None,
        levels: Sequence[int] = DEFAULT_LEVELS,
    ) -> dict[str, Any]:
        """Rolling-origin cross-validation; per-window and mean metrics (JSON-ready)."""
        check_horizon(horizon, granularity)
        series = queue_history(data.load, queue_id, granularity, None)
        factory = partial(make_model, canonical_name(model))
        result = backtest(
            factory, series, horizon=horizon, windows=windows, step=step, levels=levels
        )
        return {"queue_id": queue_id, **result.to_dict()}

    def run_backtest(self, data: LoadedData, params: BacktestParams) -> dict[str, Any]:
        """The ``backtest`` job."""
        return self.backtest(
            data,
            params.queue_id,
            params.model,
            params.granularity,
            params.horizon,
            windows=params.windows,
            step=params.step,
            levels=params.levels,
        )

    def train(
        self,
        data: LoadedData,
        queue_id: int,
        model: str,
        granularity: Granularity,
        horizon: int,
        *,
        windows: int = 1,
    ) -> dict[str, Any]:
        """The original ``train_model``: hold-out metrics; caches the model fitted on all data."""
        report = self.backtest(data, queue_id, model, granularity, horizon, windows=windows)
        self.fitted(data, self.key(data, queue_id, model, granularity, None))
        return {"model": report["model"], **report["metrics"]}

    def compare(
        self,
        data: LoadedData,
        queue_id: int,
        models: Sequence[str],
        granularity: Granularity,
        horizon: int,
        *,
        windows: int = 3,
    ) -> dict[str, dict[str, Any]]:
        """Each model's mean backtest metrics on the same windows, or the reason it failed."""
        check_horizon(horizon, granularity)
        series = queue_history(data.load, queue_id, granularity, None)
        scores = compare_models(models, series, horizon, windows, make_model=make_model)
        out: dict[str, dict[str, Any]] = {}
        for score in scores.values():
            entry = score.to_dict()
            metrics = entry.pop("metrics") or {}
            metrics["coverage"] = {str(k): v for k, v in metrics.get("coverage", {}).items()}
            out[score.model] = {**entry, **metrics}
        return out
