"""Metrics merged across processes (multiprocess mode) and gauges read from the database."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind
from tasks_support_system_ai.observability import metrics
from tasks_support_system_ai.observability.multiproc import (
    ENV,
    remove_dead_process_files,
    served_folders,
    use_multiprocess_dir,
)
from tasks_support_system_ai.observability.state import ServiceState

WRITER = textwrap.dedent(
    """
    from tasks_support_system_ai.observability import metrics
    metrics.record_request("GET", "/api/queues", 200, 0.004)
    metrics.InferenceTimer("fast").record("m1", 1, 0.00003)
    """
)


def samples(text: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text.decode())
        for s in family.samples
    }


def test_two_processes_counts_are_merged(tmp_path: Path) -> None:
    folder = tmp_path / "api"
    folder.mkdir()
    env = {**os.environ, ENV: str(folder)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", WRITER], env=env, check=True, timeout=60)
    assert len(list(folder.glob("counter_*.db"))) == 2
    found = samples(metrics.render([str(folder)])[0])
    key = (("method", "GET"), ("route", "/api/queues"), ("status", "200"))
    assert found[("support_ai_http_requests_total", key)] == 2
    latency = (("method", "GET"), ("route", "/api/queues"))
    assert found[("support_ai_http_request_duration_seconds_count", latency)] == 2
    fast = (("model", "m1"), ("path", "fast"))
    assert found[("support_ai_model_inferences_total", fast)] == 2


def test_files_of_exited_processes_are_dropped_on_worker_start(tmp_path: Path) -> None:
    folder = tmp_path / "worker"
    folder.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True
    )
    (folder / f"counter_{int(dead.stdout)}.db").write_bytes(b"")
    (folder / f"counter_{os.getpid()}.db").write_bytes(b"")
    remove_dead_process_files(folder)
    assert [f.name for f in folder.iterdir()] == [f"counter_{os.getpid()}.db"]


def test_the_api_serves_its_local_workers_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, "recorded-so-that-the-test-restores-it")
    monkeypatch.delenv(ENV)
    assert served_folders() == []
    (tmp_path / "worker").mkdir()
    (tmp_path / "api" / "old.db").parent.mkdir()
    (tmp_path / "api" / "old.db").write_bytes(b"")
    use_multiprocess_dir(tmp_path / "api", clear=True)  # sets the env var (monkeypatch restores)
    assert not (tmp_path / "api" / "old.db").exists()
    assert served_folders() == [str(tmp_path / "api"), str(tmp_path / "worker")]


def test_job_and_dataset_gauges_come_from_the_database(settings: Settings) -> None:
    from factories import HIERARCHY_CSV, tickets_csv, tickets_frame, to_csv

    doubled = to_csv(tickets_frame().assign(new_tickets=lambda f: f["new_tickets"] * 2))
    context = build_context(settings)
    try:
        for kind, content in (
            (DatasetKind.HIERARCHY, HIERARCHY_CSV),
            (DatasetKind.TICKETS, tickets_csv()),
            (DatasetKind.TICKETS, doubled),
        ):
            context.datasets.ingest(kind, content, "f.csv", source="upload", synthetic=True)
        for kind in ("forecast_all", "forecast_all", "backtest"):
            context.jobs.store.create(kind, {}, [kind])
        context.jobs.store.cancelled(context.jobs.store.records(kind="backtest")[0].id)
        active = context.datasets.active(DatasetKind.TICKETS)
        found = samples(metrics.render([], [ServiceState(context.engine, lambda: 7)])[0])
    finally:
        context.close()
    assert found[("support_ai_jobs", (("kind", "forecast_all"), ("state", "queued")))] == 2
    assert found[("support_ai_jobs", (("kind", "backtest"), ("state", "cancelled")))] == 1
    assert found[("support_ai_dataset_versions", (("kind", "hierarchy"),))] == 1
    assert found[("support_ai_dataset_versions", (("kind", "tickets"),))] == 2
    assert active is not None
    assert found[("support_ai_active_dataset_version", (("kind", "tickets"),))] == active.id
    assert found[("support_ai_job_queue_depth", ())] == 7
