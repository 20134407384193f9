"""One real ``support-ai serve`` on a scratch data folder, for client and dashboard tests.

It is a real process on a free loopback port (demo data, job worker), not an in-process app,
so the typed client and the dashboard are tested over HTTP exactly as users run them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

READY_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    dashboard_url: str

    @property
    def api_key(self) -> str | None:
        """The admin key ``serve`` writes on first start (once the auth work has landed)."""
        key_file = self.data_dir / "admin_api_key"
        return key_file.read_text().strip() if key_file.exists() else None


def wait_until_ready(url: str, process: subprocess.Popen[bytes], path: str = "/ready") -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(url + path, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}{path} not ready after {READY_TIMEOUT_S} s")


def wait_for_default_model(url: str, api_key: str | None) -> None:
    """The default classifier ``serve`` trains on first start (a job) has reached production."""
    headers = {"X-API-Key": api_key} if api_key else {}
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        models = httpx.get(url + "/api/get_models", headers=headers, timeout=10).json()
        if any(m["stage"] == "production" and m["status"] == "ready" for m in models):
            return
        time.sleep(0.5)
    raise RuntimeError(f"no production classifier after {READY_TIMEOUT_S} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve(data_dir: Path, *extra_args: str) -> Iterator[LiveServer]:
    """``support-ai serve`` (API, worker, dashboard) on ``data_dir``, demo data made at start."""
    port, dashboard_port = free_port(), free_port()
    env = {
        **os.environ,
        "SUPPORT_AI_DATA_DIR": str(data_dir),
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "serve", "--port", str(port)]
    dashboard = ["--dashboard-port", str(dashboard_port)]
    process = subprocess.Popen([*command, *dashboard, *extra_args], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process)
        server = LiveServer(url, data_dir, process, f"http://127.0.0.1:{dashboard_port}")
        wait_for_default_model(url, server.api_key)
        yield server
    finally:
        stop(process)
