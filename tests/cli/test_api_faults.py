"""kill -9 of the API process: during an upload nothing is half-written and the active data
is intact after a restart; the job worker ``serve`` started stops with it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from factories import HIERARCHY_CSV, tickets_csv

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _auth_headers(data_dir: Path) -> dict[str, str]:
    """The admin key ``serve`` writes on first start, once the API has keys."""
    key_file = data_dir / "admin_api_key"
    return {"X-API-Key": key_file.read_text().strip()} if key_file.is_file() else {}


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo")
    context.datasets.ingest(DatasetKind.TICKETS, tickets_csv(), "t.csv", source="demo")
    context.close()
    return settings.data_dir


@pytest.fixture
def serve(data_dir: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[bytes], int]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(*extra: str) -> tuple[subprocess.Popen[bytes], int]:
        port = _free_port()
        env = {
            **os.environ,
            "SUPPORT_AI_DATA_DIR": str(data_dir),
            "SUPPORT_AI_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "tasks_support_system_ai.cli", "serve", "--no-demo"]
        process = subprocess.Popen([*command, "--port", str(port), *extra], env=env)
        started.append(process)

        def up() -> bool:
            assert process.poll() is None, "serve exited"
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        _wait_for(up, 60)
        return process, port

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def _state(data_dir: Path, port: int) -> tuple[object, list[str]]:
    headers = _auth_headers(data_dir)
    versions = httpx.get(f"http://127.0.0.1:{port}/api/datasets", headers=headers).json()
    files = sorted(p.relative_to(data_dir).as_posix() for p in (data_dir / "objects").rglob("*"))
    return versions, files


def test_api_killed_mid_upload_leaves_data_intact(
    data_dir: Path, serve: Callable[..., tuple[subprocess.Popen[bytes], int]]
) -> None:
    process, port = serve("--no-worker")
    before = _state(data_dir, port)
    body = b'--b\r\nContent-Disposition: form-data; name="df_type"\r\n\r\ntickets\r\n'
    body += b'--b\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n\r\n'
    body += tickets_csv() * 20  # sent in part only
    headers = (
        f"POST /api/upload_data HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body) + 100}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in _auth_headers(data_dir).items())
        + "\r\n"
    )
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(headers.encode() + body[: len(body) // 2])
        time.sleep(0.5)
        process.kill()  # SIGKILL mid-upload
        process.wait(timeout=10)
    _, port = serve("--no-worker")
    assert _state(data_dir, port) == before


def test_worker_stops_when_the_api_is_killed(
    serve: Callable[..., tuple[subprocess.Popen[bytes], int]],
) -> None:
    process, _ = serve()
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    _wait_for(lambda: bool(children.read_text().split()), 30)
    worker = int(children.read_text().split()[0])
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    def gone() -> bool:
        try:
            state = Path(f"/proc/{worker}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            return True
        return state == "Z"

    _wait_for(gone, 40)
