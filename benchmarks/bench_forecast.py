"""Forecasting benchmarks on the default demo data.

(a) single-queue POST /api/forecast latency per model over HTTP: cold (fit) and warm (cached);
(b) whole-tree forecast + reconciliation with 80/95% intervals: wall time and peak RSS,
    each method in a fresh process;
(c) accuracy: rolling-origin MASE, sMAPE and interval coverage per model over a sample of
    queues, with statsforecast's AutoETS and Prophet as external baselines on the same windows.

    python benchmarks/bench_forecast.py [--part a b c] [--queues 100] [--windows 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from _common import demo_context, free_port, percentiles, save_result, start_server, time_calls
from baselines import StatsforecastAutoETS

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.datasets.active import LoadedData
from tasks_support_system_ai.forecasting.backtest import backtest
from tasks_support_system_ai.forecasting.history import queue_history
from tasks_support_system_ai.forecasting.models import make_model

HTTP_MODELS = ["naive", "es", "vets", "gbm", "linear", "sarima", "prophet", "auto"]
ACCURACY_MODELS = ["naive", "es", "vets", "gbm", "auto", "prophet"]


def part_a(data_dir: Path, queues: list[int], warm_requests: int) -> list[dict[str, Any]]:
    port = free_port()
    process, _ = start_server({**os.environ, "SUPPORT_AI_DATA_DIR": str(data_dir)}, port)
    rows = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
            for model in HTTP_MODELS:

                def post(queue: int, m: str = model) -> None:
                    body = {"queue_id": queue, "forecast_horizon": 30, "model": m,
                            "include_confidence_intervals": True}  # fmt: skip
                    client.post("/api/forecast", json=body).raise_for_status()

                cold = []
                for queue in queues:
                    start = time.perf_counter()
                    post(queue)
                    cold.append(time.perf_counter() - start)
                warm = time_calls(partial(post, queues[0]), warm_requests)
                rows.append({"model": model, "cold_p50_ms": percentiles(cold)[0],
                             "cold_max_ms": max(cold) * 1000,
                             "warm_p50_ms": percentiles(warm)[0],
                             "warm_p99_ms": percentiles(warm)[1]})  # fmt: skip
                print(rows[-1], flush=True)
    finally:
        process.terminate()
        process.wait()
    return rows


TREE_SCRIPT = """
import json, resource, sys, time
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.forecasting.tree_forecast import forecast_tree
data = build_context(Settings(data_dir=sys.argv[1])).active.current()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = forecast_tree(data.load, horizon=30, levels=(80, 95), method=sys.argv[2],
                       model=sys.argv[3])
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"method": sys.argv[2], "model": sys.argv[3],
                  "queues": int(result.queue_ids.size), "wall_s": wall,
                  "peak_rss_mb": peak / 1024, "rss_before_mb": before / 1024,
                  "largest_worker_rss_mb":
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def part_b(data_dir: Path) -> list[dict[str, Any]]:
    rows = []
    runs = [("vets", m) for m in ("bottom_up", "wls_struct", "mint_shrink")]
    for model, method in [*runs, ("auto", "mint_shrink")]:
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", TREE_SCRIPT, str(data_dir), method, model],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["process_wall_s"] = time.perf_counter() - started
        rows.append(row)
        print(row, flush=True)
    return rows


def sample_queues(data: LoadedData, n: int, seed: int = 0) -> list[int]:
    """Queues with tickets in each of the last 8 weeks, sampled across levels."""
    recent = data.load.matrix[:, -56:]
    active = np.flatnonzero((recent.reshape(len(recent), 8, 7).sum(axis=2) > 0).all(axis=1))
    ids = data.tree.ids[active]
    rng = np.random.default_rng(seed)
    return sorted(int(q) for q in rng.choice(ids, size=min(n, ids.size), replace=False))


def _keep(made: list[Any], factory: Any) -> Any:
    model = factory()
    made.append(model)
    return model


def part_c(data: LoadedData, queues: list[int], windows: int, horizon: int) -> dict[str, Any]:
    factories = {name: partial(make_model, name) for name in ACCURACY_MODELS}
    factories["statsforecast AutoETS"] = StatsforecastAutoETS
    table: dict[str, Any] = {}
    for name, factory in factories.items():
        started = time.perf_counter()
        scores, failures = [], 0
        made: list[Any] = []  # the models one queue's backtest built, to count auto's choices
        chosen: list[str] = []
        for queue in queues:
            series = queue_history(data.load, queue, Granularity.DAILY, None)
            try:
                scores.append(
                    backtest(
                        partial(_keep, made, factory), series, horizon=horizon, windows=windows
                    ).metrics
                )
            except Exception:  # a model that cannot fit a queue is counted, not fatal
                failures += 1
            chosen += [m.chosen for m in made if getattr(m, "chosen", None) is not None]
            made.clear()
        finite = lambda xs: [x for x in xs if np.isfinite(x)]  # noqa: E731
        table[name] = {
            "mase_mean": float(np.mean(finite([s.mase for s in scores]))),
            "mase_median": float(np.median(finite([s.mase for s in scores]))),
            "smape_mean": float(np.mean(finite([s.smape for s in scores]))),
            "coverage_80": float(np.mean([s.coverage[80] for s in scores])),
            "coverage_95": float(np.mean([s.coverage[95] for s in scores])),
            "queues": len(scores),
            "failures": failures,
            "seconds": time.perf_counter() - started,
        }
        if chosen:  # auto: how often each candidate was refitted (per queue and window)
            table[name]["chosen"] = {c: chosen.count(c) for c in sorted(set(chosen))}
        print(name, table[name], flush=True)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", nargs="+", default=["a", "b", "c"], choices=["a", "b", "c"])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--windows", type=int, default=2)
    parser.add_argument("--horizon", type=int, default=30)
    parser.add_argument("--warm-requests", type=int, default=200)
    args = parser.parse_args()

    context = demo_context(args.data_dir)
    data = context.active.current()
    result: dict[str, Any] = {}
    if "a" in args.part:
        result["latency"] = part_a(
            args.data_dir, sample_queues(data, 5, seed=1), args.warm_requests
        )
    if "b" in args.part:
        result["tree"] = part_b(args.data_dir)
    if "c" in args.part:
        queues = sample_queues(data, args.queues)
        models = part_c(data, queues, args.windows, args.horizon)
        result["accuracy"] = {
            "queues": len(queues),
            "windows": args.windows,
            "horizon": args.horizon,
            "models": models,
        }
    print(json.dumps(result, indent=2))
    save_result("forecast", result)
    context.close()


if __name__ == "__main__":
    main()
