"""``support-ai serve``'s children (job worker, dashboard) never outlive it: a SIGKILLed serve
runs no cleanup, so the kernel must stop them; a SIGTERMed one stops them itself."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from live_server import free_port, wait_for_default_model, wait_until_ready

GONE_WITHIN_S = 10


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared: the second serve finds the demo data and default model the first one made."""
    return tmp_path_factory.mktemp("lifetime") / "data"


def _serve(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[bytes], list[psutil.Process]]:
    """A ready serve (API, idle worker, dashboard) and its descendants."""
    port, dashboard_port = free_port(), free_port()
    env = {**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir), "SUPPORT_AI_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "serve", "--port", str(port)]
    process = subprocess.Popen([*command, "--dashboard-port", str(dashboard_port), *extra], env=env)
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(url, process)
    wait_until_ready(f"http://127.0.0.1:{dashboard_port}", process, "/_stcore/health")
    key_file = data_dir / "admin_api_key"
    wait_for_default_model(url, key_file.read_text().strip() if key_file.exists() else None)
    children = psutil.Process(process.pid).children(recursive=True)
    commands = [" ".join(child.cmdline()) for child in children]
    assert any("streamlit" in c for c in commands), commands
    assert any("tasks_support_system_ai.worker" in c for c in commands), commands
    return process, children


@pytest.fixture(params=["1", "2"], ids=["one-api-process", "two-api-workers"])
def served(
    data_dir: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[subprocess.Popen[bytes], list[psutil.Process]]]:
    """Serve with the API in-process, or with uvicorn's worker processes as more children."""
    process, children = _serve(data_dir, "--workers", request.param)
    try:
        yield process, children
    finally:
        process.kill()
        process.wait()
        for proc in children:  # only after a failure
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()


def _survivors(children: list[psutil.Process]) -> list[str]:
    """The children still running after ``GONE_WITHIN_S`` (an unreaped zombie is gone)."""
    deadline = time.monotonic() + GONE_WITHIN_S
    while True:
        alive = [proc for proc in children if _running(proc)]
        if not alive or time.monotonic() > deadline:
            return [f"{proc.pid} {' '.join(proc.cmdline())}" for proc in alive]
        time.sleep(0.2)


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_children_die_with_a_sigkilled_serve(
    served: tuple[subprocess.Popen[bytes], list[psutil.Process]],
) -> None:
    process, children = served
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _survivors(children) == []


def test_sigterm_stops_the_children_cleanly(
    served: tuple[subprocess.Popen[bytes], list[psutil.Process]],
) -> None:
    process, children = served
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert _survivors(children) == []
