"""``support-ai dashboard`` starts the Streamlit app alone, pointed at any API."""

from __future__ import annotations

import os
import subprocess
import sys

from live_server import free_port, stop, wait_until_ready
from typer.testing import CliRunner

from tasks_support_system_ai.cli.main import app


def test_dashboard_command_serves_the_app() -> None:
    port = free_port()
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "dashboard"]
    api_url = f"http://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [*command, "--api-url", api_url, "--port", str(port)],
        env={**os.environ, "SUPPORT_AI_LOG_LEVEL": "WARNING"},
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}", process, "/_stcore/health")
        environment = _environment_of(process.pid)
        assert environment.get("SUPPORT_AI_API_URL") == api_url
    finally:
        stop(process)


def _environment_of(pid: int) -> dict[str, str]:
    """The running process's environment (Linux ``/proc``): what the dashboard will call."""
    with open(f"/proc/{pid}/environ", "rb") as raw:
        pairs = [item.split(b"=", 1) for item in raw.read().split(b"\0") if b"=" in item]
    return {k.decode(): v.decode() for k, v in pairs}


def test_serve_has_dashboard_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--no-dashboard" in result.output
    assert "--dashboard-port" in result.output
