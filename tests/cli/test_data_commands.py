"""``support-ai data import/list/activate`` against a temporary data dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from factories import HIERARCHY_CSV, tickets_csv
from typer.testing import CliRunner

from tasks_support_system_ai.cli.main import app
from tasks_support_system_ai.config import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUPPORT_AI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_import_list_and_activate(tmp_path: Path) -> None:
    hierarchy = _write(tmp_path, "h.csv", HIERARCHY_CSV)
    tickets = _write(tmp_path, "t.csv", tickets_csv())

    first = runner.invoke(app, ["data", "import", str(hierarchy), "--kind", "hierarchy"])
    second = runner.invoke(app, ["data", "import", str(tickets), "--kind", "tickets"])
    again = runner.invoke(app, ["data", "import", str(tickets), "--kind", "tickets"])
    listing = runner.invoke(app, ["data", "list"])

    assert first.exit_code == 0, first.output
    assert "version 1 stored" in first.output
    assert "version 2 stored" in second.output
    assert "already stored" in again.output
    assert "h.csv" in listing.output
    assert "t.csv" in listing.output
    assert runner.invoke(app, ["data", "activate", "1"]).exit_code == 0


def test_invalid_file_exits_2_with_the_reason(tmp_path: Path) -> None:
    bad = _write(tmp_path, "bad.csv", b"queueId,date,new_tickets\n1,2017-01-02,x\n")

    result = runner.invoke(app, ["data", "import", str(bad), "--kind", "tickets"])

    assert result.exit_code == 2
    assert "invalid_count" in result.output
    assert "row 1" in result.output


def test_unknown_version_exits_2() -> None:
    result = runner.invoke(app, ["data", "activate", "99"])
    assert result.exit_code == 2
    assert "dataset_version_not_found" in result.output


def test_restore_activates_the_demo_data_of_every_kind() -> None:
    result = runner.invoke(app, ["data", "restore"])
    assert result.exit_code == 0, result.output
    for kind in ("hierarchy", "tickets", "texts"):
        assert f"{kind}: version" in result.output
    assert result.output.count("(demo)") == 3


def test_commands_print_no_alembic_set_up_lines(data_dir: Path) -> None:
    """Run as a user does: a fresh process, logging configured by the CLI itself."""
    env = {**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "data", "list"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert "alembic" not in run.stderr + run.stdout


def test_list_shows_whole_values_when_piped(tmp_path: Path) -> None:
    long_name = "tickets_exported_from_the_helpdesk_for_the_whole_of_2019_q1_to_q4.csv"
    path = _write(tmp_path, long_name, tickets_csv())
    assert runner.invoke(app, ["data", "import", str(path), "--kind", "tickets"]).exit_code == 0
    listing = runner.invoke(app, ["data", "list"])
    assert long_name in listing.output


@pytest.mark.parametrize(
    ("command", "expected"),
    [(["data", "import"], "texts"), (["forecast", "queue"], "vets")],
)
def test_help_names_every_choice(command: list[str], expected: str) -> None:
    result = runner.invoke(app, [*command, "--help"], terminal_width=200)
    assert expected in result.output
