"""What request and inference metrics cost: POST /api/predict_nlp throughput, metrics on vs off.

The same server (``support-ai api --workers 2``, demo data, the production classifier on the
plain-ASGI fast path) is started with ``SUPPORT_AI_METRICS_ENABLED=true`` and ``false`` in
alternating rounds, and wrk (one process, on the same 2 cores) cycles through 500 demo ticket
texts. Target: metrics cost at most 5 % of the throughput.

    python benchmarks/bench_metrics.py [--data-dir data] [--rounds 3] [--seconds 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from _common import demo_context, environ_for, free_port, save_result
from nlp_serving import bench_model, lua_script, warm_up, wrk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    context = demo_context(args.data_dir)
    model_id = bench_model(context)
    context.close()
    frame = pd.read_parquet(args.data_dir / "demo" / "ticket_texts.parquet")
    texts = (frame["subject"] + " " + frame["text"]).head(500).tolist()
    runs: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    with tempfile.TemporaryDirectory() as tmp:
        script = lua_script(texts, model_id, Path(tmp))
        for _ in range(args.rounds):
            for mode in ("on", "off"):
                result = measure(args.data_dir, mode == "on", texts, model_id, script, args=args)
                runs[mode].append(result)
                print(mode, result, file=sys.stderr, flush=True)
    on = statistics.median(r["rps"] for r in runs["on"])
    off = statistics.median(r["rps"] for r in runs["off"])
    report = {
        "median_rps_metrics_on": on,
        "median_rps_metrics_off": off,
        "cost_pct": round(100 * (1 - on / off), 1),
        "runs": runs,
        "setup": {"workers": 2, "connections": args.connections, "seconds": args.seconds},
    }
    print(json.dumps(report, indent=1))
    save_result("metrics-cost", report)


def measure(
    data_dir: Path,
    enabled: bool,
    texts: list[str],
    model_id: str,
    script: Path,
    *,
    args: argparse.Namespace,
) -> dict[str, Any]:
    port = free_port()
    env = {
        **environ_for(data_dir),
        "SUPPORT_AI_METRICS_ENABLED": str(enabled).lower(),
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
        "OMP_NUM_THREADS": "1",
    }
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "api", "--workers", "2"]
    process = subprocess.Popen([*command, "--port", str(port)], env=env)
    try:
        wait_ready(port, process)
        warm_up(port, texts[:50], model_id)
        result = wrk(
            f"http://127.0.0.1:{port}/api/predict_nlp", args.seconds, args.connections, script
        )
        if enabled:
            scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
            assert 'path="fast"' in scraped, "the fast path was measured"
        return result
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_ready(port: int, process: Any) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the API exited during start-up")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("the API did not become ready")


if __name__ == "__main__":
    main()
