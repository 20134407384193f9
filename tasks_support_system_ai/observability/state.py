"""Gauges read at scrape time from where the truth lives: jobs and dataset versions from the
database, queue depth from the broker. Correct however many processes serve or run jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tasks_support_system_ai.db.models import ActiveDataset, DatasetVersion, Job

log = logging.getLogger(__name__)


class ServiceState(Collector):
    def __init__(self, engine: Engine, queue_depth: Callable[[], int | None]) -> None:
        self.engine = engine
        self.queue_depth = queue_depth

    def collect(self) -> Iterable[Metric]:
        try:
            yield from self._database()
        except Exception as error:  # a scrape must answer even when the database does not
            log.warning("metrics: database unavailable: %s", type(error).__name__)
        depth = self.queue_depth()
        if depth is not None:
            yield GaugeMetricFamily(
                "support_ai_job_queue_depth", "Job messages waiting in the broker queue", depth
            )

    def _database(self) -> Iterable[Metric]:
        jobs = GaugeMetricFamily(
            "support_ai_jobs", "Jobs now in each state, by kind", labels=["kind", "state"]
        )
        versions = GaugeMetricFamily(
            "support_ai_dataset_versions", "Stored dataset versions, by kind", labels=["kind"]
        )
        active = GaugeMetricFamily(
            "support_ai_active_dataset_version",
            "Id of the active version, by kind",
            labels=["kind"],
        )
        with Session(self.engine) as session:
            counted = select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
            for kind, state, count in session.execute(counted):
                jobs.add_metric([kind, state], count)
            stored = select(DatasetVersion.kind, func.count()).group_by(DatasetVersion.kind)
            for kind, count in session.execute(stored):
                versions.add_metric([kind], count)
            for kind, version in session.execute(
                select(ActiveDataset.kind, ActiveDataset.version_id)
            ):
                active.add_metric([kind], version)
        return [jobs, versions, active]
