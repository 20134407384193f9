"""The job-kind registry: handlers by kind, services built once per process."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pytest

from tasks_support_system_ai.errors import SupportAIError
from tasks_support_system_ai.job_kinds import HANDLERS, job_kinds
from tasks_support_system_ai.jobs.kinds import JobKinds


def test_services_are_built_once_and_handlers_found_by_kind() -> None:
    built: list[object] = []

    def build() -> Any:
        built.append(SimpleNamespace(jobs=None))
        return built[-1]

    kinds: JobKinds[Any] = JobKinds(build)

    def echo(services: Any, params: Mapping[str, Any], progress: Any) -> dict[str, Any]:
        return {"services": services, **params}

    kinds.register("echo", echo)
    services = kinds.services()
    assert kinds.services() is services
    assert len(built) == 1
    assert kinds.run(services, "echo", {"n": 1}, None)["n"] == 1  # type: ignore[arg-type]
    with pytest.raises(SupportAIError) as unknown:
        kinds.run(services, "nope", {}, None)  # type: ignore[arg-type]
    assert unknown.value.code == "unknown_job_kind"
    with pytest.raises(SupportAIError):
        kinds.split("echo")


def test_the_wiring_registers_every_kind_without_building_anything() -> None:
    kinds = job_kinds(lambda: pytest.fail("no services are built at registration"))
    assert {"nlp_fit", "clustering_fit", "forecast_all", "backtest"} <= set(HANDLERS)
    assert kinds.split("labeling").part is not None


def test_kinds_added_to_the_handlers_later_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests patch ``HANDLERS`` after an app (and its kinds) exists; the worker must see it."""
    kinds = job_kinds(lambda: pytest.fail("not needed"))

    def late(services: Any, params: Mapping[str, Any], progress: Any) -> dict[str, Any]:
        return {"late": True}

    monkeypatch.setitem(HANDLERS, "late", late)
    assert kinds.run(None, "late", {}, None) == {"late": True}  # type: ignore[arg-type]


def test_split_kinds_and_clean_up_after_a_lost_worker() -> None:
    """The reaper asks the registry: split kinds are not retried, each kind cleans up its own."""
    kinds = job_kinds(lambda: pytest.fail("not needed"))
    assert kinds.is_split("labeling")
    assert not kinds.is_split("nlp_fit")
    cleaned: list[str] = []
    kinds.on_lost("count", lambda services, record: cleaned.append(record.id))
    kinds.lost(None, SimpleNamespace(id="job_1", kind="count"))  # type: ignore[arg-type]
    kinds.lost(None, SimpleNamespace(id="job_2", kind="backtest"))  # type: ignore[arg-type]
    assert cleaned == ["job_1"]
