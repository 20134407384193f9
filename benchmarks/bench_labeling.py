"""Batch-label the demo ticket table end to end: read → preprocess → predict → dedupe → publish.

Runs the real job: `support-ai worker` processes take the chord's parts from the broker, the
job record tracks progress, publish writes one label per ticket id. Measured: wall time from
submission to "succeeded", rows/s, and the peak RSS of every process involved (sampled every
50 ms). Two set-ups: embedded (folder queue, one worker with 2 processes) and Redis (2 worker
processes of 1 slot each). The labeler is the production classifier (--labeler model) or a
keyword rule set (--labeler rules, like the source system's "keyword base model").

    python benchmarks/bench_labeling.py [--data-dir data] [--modes embedded,redis]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from _common import PeakRss, demo_context, machine, save_result
from nlp_serving import bench_model

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context

RULES = [
    {"keyword": "роуминг", "label": "roaming", "priority": 2},
    {"keyword": "интернет", "label": "internet", "priority": 1},
    {"keyword": "оплат", "label": "billing", "priority": 1},
    {"keyword": "списали", "label": "billing", "priority": 1},
    {"keyword": "пароль", "label": "account", "priority": 1},
]


def start_workers(
    settings: Settings, count: int, concurrency: int
) -> list[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "SUPPORT_AI_DATA_DIR": str(settings.data_dir),
        "SUPPORT_AI_LOG_LEVEL": "WARNING",
        "SUPPORT_AI_JOB_QUEUE": settings.job_queue,
        **({"SUPPORT_AI_BROKER_URL": settings.broker_url} if settings.broker_url else {}),
    }
    command = [sys.executable, "-m", "tasks_support_system_ai.cli", "worker"]
    return [
        subprocess.Popen([*command, "--concurrency", str(concurrency)], env=env)
        for _ in range(count)
    ]


def run(data_dir: Path, mode: str, labeler: dict[str, Any], parts: int) -> dict[str, Any]:
    broker = os.environ.get("SUPPORT_AI_BENCH_REDIS", "redis://127.0.0.1:6379/0")
    settings = Settings(  # type: ignore[call-arg]
        data_dir=data_dir,
        broker_url=broker if mode == "redis" else None,
        job_queue=f"bench-{uuid.uuid4().hex[:6]}",
    )
    context = build_context(settings)
    workers = start_workers(settings, *((2, 1) if mode == "redis" else (1, 2)))
    try:
        time.sleep(3)  # workers connect and fork their pools
        rss = PeakRss([w.pid for w in workers])
        request = {"source": {"kind": "parquet", "file": "demo/large_table.parquet"}}
        started = time.perf_counter()
        job = context.labeling.submit({**request, **labeler, "parts": parts})
        done = context.jobs.wait(job.id, timeout_s=3600)
        seconds = time.perf_counter() - started
        peaks = rss.stop()
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait()
    if done.status != "succeeded" or done.result is None:
        raise SystemExit(f"job ended {done.status}: {done.error_message}")
    rows = int(done.result["rows_in"])
    status_ms = _status_round_trip_ms(context, job.id)
    context.close()
    return {
        "mode": mode,
        "labeler": "model" if "model_id" in labeler else "rules",
        "parts": parts,
        "rows": rows,
        "published": done.result["deduplicated"],
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": peaks,
        "status_round_trip_ms": status_ms,
    }


def _status_round_trip_ms(context: Any, job_id: str) -> float:
    """GET-equivalent of a job status: one read of the job and its parts."""
    started = time.perf_counter()
    for _ in range(200):
        context.jobs.store.get(job_id)
        context.jobs.store.parts(job_id)
    return round((time.perf_counter() - started) / 200 * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--modes", default="embedded,redis")
    parser.add_argument("--labelers", default="model,rules")
    parser.add_argument("--parts", type=int, default=8)
    args = parser.parse_args()
    context = demo_context(args.data_dir)
    if not (args.data_dir / "demo" / "large_table.parquet").exists():
        raise SystemExit("no demo table: support-ai data generate --large-table-rows 2376186")
    labelers = {"model": {"model_id": bench_model(context)}, "rules": {"rules": RULES}}
    context.close()
    rows = []
    for mode in args.modes.split(","):
        for name in args.labelers.split(","):
            rows.append(run(args.data_dir, mode, labelers[name], args.parts))
            print(rows[-1], flush=True)
    print("saved", save_result("labeling", {"machine": machine(), "runs": rows}))


if __name__ == "__main__":
    main()
