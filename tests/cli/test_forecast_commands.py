"""``support-ai forecast all/queue/staffing`` on two years of seasonal synthetic tickets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import HIERARCHY_CSV, seasonal_tickets_frame, to_csv
from typer.testing import CliRunner

from tasks_support_system_ai.cli.main import app
from tasks_support_system_ai.config import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SUPPORT_AI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    for kind, content in (
        ("hierarchy", HIERARCHY_CSV),
        ("tickets", to_csv(seasonal_tickets_frame())),
    ):
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(content)
        assert runner.invoke(app, ["data", "import", str(path), "--kind", kind]).exit_code == 0
    yield
    get_settings.cache_clear()


def test_forecast_all_computes_then_reuses() -> None:
    first = runner.invoke(app, ["forecast", "all", "--horizon", "7"])
    second = runner.invoke(app, ["forecast", "all", "--horizon", "7"])
    assert first.exit_code == 0, first.output
    assert "7 queues" in first.output  # 6 queues + the virtual root
    assert "computed in" in first.output
    assert "already stored" in second.output


def test_forecast_queue_and_staffing_tables() -> None:
    queue = runner.invoke(app, ["forecast", "queue", "1", "--horizon", "3", "--model", "naive"])
    assert queue.exit_code == 0, queue.output
    assert "2020-01-03" in queue.output
    staffing = runner.invoke(app, ["forecast", "staffing", "0", "--horizon", "2"])
    assert staffing.exit_code == 0, staffing.output
    assert "scheduled" in staffing.output


def test_staffing_rejects_bad_parameters_like_the_api() -> None:
    result = runner.invoke(app, ["forecast", "staffing", "0", "--shrinkage", "1.5"])
    assert result.exit_code == 2
    assert "invalid_staffing" in result.output


def test_bad_horizon_exits_2() -> None:
    result = runner.invoke(app, ["forecast", "all", "--horizon", "999"])
    assert result.exit_code == 2
    assert "invalid_horizon" in result.output


def test_forecast_all_auto_shows_progress() -> None:
    result = runner.invoke(app, ["forecast", "all", "--horizon", "7", "--model", "auto"])
    assert result.exit_code == 0, result.output
    assert "forecasting every queue (auto)" in result.output
    assert "100%" in result.output
