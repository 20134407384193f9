"""Wiring: the long-lived objects one process needs, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.datasets.active import ActiveData
from tasks_support_system_ai.datasets.store import DatasetStore
from tasks_support_system_ai.db import make_engine, migrate
from tasks_support_system_ai.forecasting.runs import ForecastRuns
from tasks_support_system_ai.forecasting.service import ForecastService
from tasks_support_system_ai.jobs import JobService, JobStore, make_celery
from tasks_support_system_ai.nlp.service import NLPService, TrainingTexts
from tasks_support_system_ai.nlp.topics import TopicService
from tasks_support_system_ai.registry import ModelRegistry
from tasks_support_system_ai.storage import ObjectStore, object_store_from_settings


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    objects: ObjectStore
    datasets: DatasetStore
    active: ActiveData
    forecasts: ForecastService
    forecast_runs: ForecastRuns
    registry: ModelRegistry
    nlp: NLPService
    topics: TopicService
    jobs: JobService

    def close(self) -> None:
        self.engine.dispose()


def build_context(settings: Settings) -> AppContext:
    """Connect, migrate the schema and assemble the services (does not load data yet)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    objects = object_store_from_settings(settings)
    datasets = DatasetStore(engine, objects, max_upload_bytes=settings.max_upload_bytes)
    forecasts = ForecastService(cache_size=settings.forecast_cache_size)
    registry = ModelRegistry(engine, objects)
    texts = TrainingTexts(settings.demo_dir / "ticket_texts.parquet", datasets)
    jobs = JobService(JobStore(engine), make_celery(settings))
    nlp = NLPService(registry, texts, jobs)
    return AppContext(
        settings,
        engine,
        objects,
        datasets,
        ActiveData(datasets),
        forecasts,
        ForecastRuns(objects),
        registry,
        nlp,
        TopicService(registry, texts, jobs),
        jobs,
    )
