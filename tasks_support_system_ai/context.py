"""Wiring: the long-lived objects one process needs, built once from the settings.

The database, object store and job service are built up front; the domain services on first
use, so a batch-labeling worker process never imports forecasting, pandas or scikit-learn
(each worker process is measured against a memory budget, docs/benchmarks.md). The job
system gets its job kinds from here (``job_kinds``): it never imports this module.
"""

from __future__ import annotations

from functools import cached_property, partial
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.db import make_engine, migrate
from tasks_support_system_ai.job_kinds import job_kinds
from tasks_support_system_ai.jobs import JobService, JobStore
from tasks_support_system_ai.storage import ObjectStore, object_store_from_settings

if TYPE_CHECKING:
    from tasks_support_system_ai.auth import AuthService
    from tasks_support_system_ai.datasets.active import ActiveData
    from tasks_support_system_ai.datasets.store import DatasetStore
    from tasks_support_system_ai.forecasting.runs import ForecastRuns
    from tasks_support_system_ai.forecasting.service import ForecastService
    from tasks_support_system_ai.jobs.celery_app import JobsCelery
    from tasks_support_system_ai.jobs.kinds import JobKinds
    from tasks_support_system_ai.labeling.service import LabelingService
    from tasks_support_system_ai.nlp.service import NLPService, TrainingTexts
    from tasks_support_system_ai.nlp.topics import TopicService
    from tasks_support_system_ai.registry import ModelRegistry


class AppContext:
    """Settings, connections and services of one process (see ``build_context``)."""

    def __init__(
        self, settings: Settings, engine: Engine, objects: ObjectStore, jobs: JobService
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.objects = objects
        self.jobs = jobs

    @cached_property
    def datasets(self) -> DatasetStore:
        from tasks_support_system_ai.datasets.store import DatasetStore, ParseLimits

        return DatasetStore(
            self.engine,
            self.objects,
            max_upload_bytes=self.settings.max_upload_bytes,
            limits=ParseLimits.of(self.settings),
        )

    @cached_property
    def active(self) -> ActiveData:
        from tasks_support_system_ai.datasets.active import ActiveData

        return ActiveData(self.datasets)

    @cached_property
    def forecasts(self) -> ForecastService:
        from tasks_support_system_ai.forecasting.service import ForecastService

        return ForecastService(cache_size=self.settings.forecast_cache_size)

    @cached_property
    def forecast_runs(self) -> ForecastRuns:
        from tasks_support_system_ai.forecasting.runs import ForecastRuns

        return ForecastRuns(self.objects)

    @cached_property
    def registry(self) -> ModelRegistry:
        from tasks_support_system_ai.registry import ModelRegistry

        return ModelRegistry(self.engine, self.objects)

    @cached_property
    def nlp(self) -> NLPService:
        from tasks_support_system_ai.nlp.service import NLPService
        from tasks_support_system_ai.observability.metrics import InferenceTimer

        return NLPService(
            self.registry,
            self._training_texts,
            self.jobs,
            route_inferences=InferenceTimer("route"),
            batch_inferences=InferenceTimer("batch"),
        )

    @cached_property
    def topics(self) -> TopicService:
        from tasks_support_system_ai.nlp.topics import TopicService

        return TopicService(self.registry, self._training_texts, self.jobs)

    @cached_property
    def labeling(self) -> LabelingService:
        from tasks_support_system_ai.labeling.service import LabelingService

        return LabelingService(self.jobs, self.objects, self.settings, lambda: self.nlp)

    @cached_property
    def _training_texts(self) -> TrainingTexts:
        from tasks_support_system_ai.nlp.service import TrainingTexts

        return TrainingTexts(self.settings.demo_dir / "ticket_texts.parquet", self.datasets)

    @cached_property
    def auth(self) -> AuthService:
        from tasks_support_system_ai.auth import AuthService, AuthStore

        return AuthService(self.settings, AuthStore(self.engine))

    def build_services(self) -> AppContext:
        """Build every service now: a threaded server must not race to build one twice."""
        for name in (
            "datasets",
            "active",
            "forecasts",
            "forecast_runs",
            "registry",
            "nlp",
            "topics",
            "labeling",
            "auth",
        ):
            getattr(self, name)
        return self

    def close(self) -> None:
        self.engine.dispose()


def _celery_app(settings: Settings, kinds: JobKinds[AppContext]) -> JobsCelery:
    from tasks_support_system_ai.jobs.celery_app import make_celery

    return make_celery(settings, kinds)


def build_context(settings: Settings, *, migrate_schema: bool = True) -> AppContext:
    """Connect and migrate the schema; services are assembled on first use (no data loaded).

    ``migrate_schema=False`` is for child processes of a process that has already migrated.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    if migrate_schema:
        migrate(engine)
    kinds = job_kinds(partial(build_context, settings))  # each worker process builds its own
    jobs = JobService(JobStore(engine), partial(_celery_app, settings, kinds), kinds)
    return AppContext(settings, engine, object_store_from_settings(settings), jobs)
