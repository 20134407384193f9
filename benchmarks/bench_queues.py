"""Queue-analytics latency over HTTP vs the naive per-request pandas path.

Starts the real service (uvicorn, one worker) on the default demo data, measures start-up to
ready, then p50/p99 of sequential keep-alive requests. The naive path is what the original
service did per request: filter the raw ticket rows by ``isin(all descendants)``, group by date,
then resample / compute statistics. It is timed in-process (no HTTP cost), which flatters it.

    python benchmarks/bench_queues.py [--requests 300] [--data-dir data] [--port 8765]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.bootstrap import ensure_demo_data
from tasks_support_system_ai.hierarchy import QueueTree


def percentiles(samples: list[float]) -> tuple[float, float]:
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


def start_server(env: dict[str, str], port: int) -> tuple[subprocess.Popen[bytes], float]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "tasks_support_system_ai.api.app:create_app",
    ]
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


class NaiveService:
    """The original service's per-request computation, on the same active data."""

    def __init__(self, tickets: pd.DataFrame, tree: QueueTree) -> None:
        self.df = tickets
        self.tree = tree
        # Precomputed like the original's allDescendants column (not timed).
        self.members = {int(q): [int(q), *tree.descendants(int(q)).tolist()] for q in tree.ids}

    def daily(self, queue_id: int) -> pd.Series:
        df = self.df if queue_id == 0 else self.df[self.df["queueId"].isin(self.members[queue_id])]
        return df.groupby("date")["new_tickets"].sum()

    def historical(self, queue_id: int) -> list[int]:
        return self.daily(queue_id).tolist()

    def queue_stats(self, queue_id: int) -> dict[str, float]:
        s = self.daily(queue_id)
        return {
            "total": s.sum(),
            "mean": s.mean(),
            "max": s.max(),
            "min": s.min(),
            "median": s.median(),
            "std": s.std(),
            "p90": s.quantile(0.9),
            "p95": s.quantile(0.95),
            "busiest": s.idxmax(),
            "quietest": s.idxmin(),
        }

    def queues(self) -> dict[int, int]:
        return {
            q: int(self.df.loc[self.df["queueId"].isin(m), "new_tickets"].sum())
            for q, m in self.members.items()
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    settings = Settings(data_dir=args.data_dir)
    context = build_context(settings)
    ensure_demo_data(context.datasets, settings.demo_dir, seed=settings.demo_seed, progress=True)
    loaded = context.active.refresh()
    assert loaded is not None
    tree = loaded.tree
    level2 = [int(q) for q in tree.ids if tree.level(int(q)) == 2]
    mid = max(level2, key=tree.n_descendants)
    tickets = context.datasets.load_frame(loaded.tickets)
    naive = NaiveService(tickets, tree)

    env = {**os.environ, "SUPPORT_AI_DATA_DIR": str(args.data_dir)}
    port = args.port or free_port()
    process, startup = start_server(env, port)
    rows: list[dict[str, object]] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:

            def get(path: str, **params: object) -> Callable[[], object]:
                def call() -> object:
                    response = client.get(path, params=params)
                    response.raise_for_status()
                    return response.content

                return call

            cases: list[tuple[str, str, Callable[[], object], Callable[[], object], int]] = []
            for label, queue in (("root (0)", 0), (f"mid-level ({mid})", mid)):
                cases.append(
                    (
                        "/api/historical",
                        label,
                        get("/api/historical", queue_id=queue),
                        lambda q=queue: naive.historical(q),
                        args.requests,
                    )
                )
                cases.append(
                    (
                        "/api/queue_stats",
                        label,
                        get("/api/queue_stats", queue_id=queue),
                        lambda q=queue: naive.queue_stats(q),
                        args.requests,
                    )
                )
            cases.append(("/api/queues", "all", get("/api/queues"), naive.queues, 3))
            for endpoint, label, service_call, naive_call, naive_n in cases:
                s50, s99 = percentiles(time_calls(service_call, args.requests))
                n50, n99 = percentiles(time_calls(naive_call, naive_n, warmup=1))
                rows.append(
                    {
                        "endpoint": endpoint,
                        "queue": label,
                        "service_p50_ms": s50,
                        "service_p99_ms": s99,
                        "naive_p50_ms": n50,
                        "naive_p99_ms": n99,
                        "speedup_p50": n50 / s50,
                    }
                )
    finally:
        process.terminate()
        process.wait()

    print(f"\nstart-up to ready (demo data present): {startup:.2f} s")
    print(
        f"data: {len(tickets):,} ticket rows, {len(tree) - 1:,} queues; mid-level queue {mid} "
        f"has {tree.n_descendants(mid)} descendants; {args.requests} requests per case\n"
    )
    header = (
        f"{'endpoint':<18}{'queue':<22}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'naive p50':>11}{'naive p99':>11}{'ratio':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['endpoint']:<18}{r['queue']:<22}{r['service_p50_ms']:>9.2f}{r['service_p99_ms']:>9.2f}"
            f"{r['naive_p50_ms']:>11.2f}{r['naive_p99_ms']:>11.2f}{r['speedup_p50']:>8.0f}×"
        )
    out = Path("benchmarks/results")
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "date": stamp,
        "machine": f"{platform.node()} {platform.processor()} {os.cpu_count()} cores",
        "startup_s": startup,
        "cases": rows,
    }
    (out / f"queues-{stamp}.json").write_text(json.dumps(result, indent=2, default=str))
    context.close()


if __name__ == "__main__":
    main()
