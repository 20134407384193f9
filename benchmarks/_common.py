"""Helpers shared by the benchmark scripts: timing, percentiles, a real server process."""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds of samples in seconds."""
    arr = np.asarray(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def time_calls(call: Callable[[], object], n: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    env: dict[str, str], port: int, workers: int = 1
) -> tuple[subprocess.Popen[bytes], float]:
    """Start the API (uvicorn); returns the process and seconds until /ready."""
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "--port", str(port),
        "--timeout-keep-alive", "300", "--log-level", "warning", "--no-access-log",
        "--workers", str(workers), "tasks_support_system_ai.api.app:create_app",
    ]  # fmt: skip
    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", **env}  # as `support-ai serve`
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return process, time.perf_counter() - started
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("server exited during start-up")
        time.sleep(0.02)


def environ_for(data_dir: Path) -> dict[str, str]:
    """This process's environment, pointing the service at ``data_dir``."""
    return {**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir)}


def machine() -> str:
    return f"{platform.node()} {platform.machine()} {os.cpu_count()} cores"


def demo_context(data_dir: Path) -> Any:
    """The service context on the default demo data, generating it on first use."""
    from tasks_support_system_ai.config import Settings
    from tasks_support_system_ai.context import build_context
    from tasks_support_system_ai.datasets.bootstrap import ensure_demo_data

    settings = Settings(data_dir=data_dir)
    context = build_context(settings)
    ensure_demo_data(context.datasets, settings.demo_dir, seed=settings.demo_seed, progress=True)
    return context


def save_result(name: str, result: dict[str, Any]) -> Path:
    """Write raw figures to benchmarks/results/<name>-<UTC stamp>.json (git-ignored)."""
    out = Path("benchmarks/results")
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{name}-{stamp}.json"
    path.write_text(
        json.dumps({"date": stamp, "machine": machine(), **result}, indent=2, default=str)
    )
    return path


USS_EVERY = 20


class PeakRss:
    """Peak RSS, and unique memory (USS), per process of worker process trees.

    Pool processes are forked from their worker, so most of their RSS (the imported libraries)
    is shared pages; USS is what each process adds on its own.
    """

    def __init__(self, roots: list[int]) -> None:
        self.roots = [psutil.Process(pid) for pid in roots]
        self.peaks: dict[str, tuple[int, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        """RSS every 0.1 s; USS (reads /proc/*/smaps, costly) every 2 s, so as not to steal CPU."""
        rounds = 0
        while not self._stop.is_set():
            for root in self.roots:
                try:
                    for process in [root, *root.children(recursive=True)]:
                        self._record(process, root, with_uss=rounds % USS_EVERY == 0)
                except psutil.Error:
                    pass
            rounds += 1
            time.sleep(0.1)

    def _record(self, process: psutil.Process, root: psutil.Process, *, with_uss: bool) -> None:
        name = f"{'child' if process.pid != root.pid else 'worker'} {process.pid}"
        rss, uss = self.peaks.get(name, (0, 0))
        rss = max(rss, process.memory_info().rss)
        if with_uss:
            uss = max(uss, process.memory_full_info().uss)
        self.peaks[name] = (rss, uss)

    def stop(self) -> dict[str, dict[str, int]]:
        self._stop.set()
        self._thread.join()
        return {
            name: {"rss_mb": round(rss / 2**20), "uss_mb": round(uss / 2**20)}
            for name, (rss, uss) in sorted(self.peaks.items())
        }
