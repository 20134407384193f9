"""Soak: minutes of mixed traffic through nginx to the deployment's topology, run natively.

The stack of ``tests/deploy/native_stack.py`` (nginx, API with 2 workers on PostgreSQL, a Celery
worker on Redis, moto S3, Prometheus) on the synthetic demo data. wrk sends 70 % analytics reads,
25 % ``predict_nlp`` and 5 % forecasts through nginx, at the connection count that kept p99 at
or under 100 ms in a short calibration; an upload and a training job run in the middle.
Prints per-segment rate, p50/p99 and errors, and the RSS of every process at start and end.

    python benchmarks/soak.py [--minutes 5] [--segment-s 30]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from _common import machine
from _loadgen import Request, mixed_script, predict_body, require_wrk, run
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "deploy"))
from native_stack import NativeStack

POSTGRES_ADMIN_URL = os.environ.get(
    "SUPPORT_AI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("SUPPORT_AI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
P99_TARGET_MS = 100.0
TEXTS = [
    "Не работает мобильный интернет после пополнения",
    "Верните деньги за двойное списание",
    "Роуминг не работает в Турции",
    "Как сменить тариф на безлимитный",
    "Роутер постоянно теряет соединение",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--segment-s", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=0, help="0: calibrate")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `finally` stops the stack
    require_wrk()
    scratch = Path(tempfile.mkdtemp(prefix="deploy-soak-"))
    database = f"support_ai_soak_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=database).render_as_string(hide_password=False)
    stack = NativeStack(
        scratch=scratch, database_url=url, redis_url=REDIS_URL, demo=True, max_upload_mb=200,
        with_dashboard=False, nginx_workers=2,
        # one key sends all the traffic: still counted (in Redis), never throttled
        rate_limit_per_minute=1_000_000_000,
    )  # fmt: skip
    try:
        started = time.perf_counter()
        stack.start()
        report = soak(stack, args.minutes, args.segment_s, args.connections)
        report["setup_s"] = round(time.perf_counter() - started - report["soak_s"], 1)
    finally:
        stack.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
    report["machine"] = machine()
    report["date"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"soak-{report['date'][:10]}.json").write_text(json.dumps(report, indent=2))


def soak(stack: NativeStack, minutes: float, segment_s: float, connections: int) -> dict[str, Any]:
    client = httpx.Client(base_url=stack.url, timeout=120, headers=stack.api_headers())
    model_id = wait_for_production_model(client)
    groups = traffic(client, model_id)
    warm_up(client, groups)
    script = mixed_script(groups, stack.api_headers(), stack.scratch)
    base = f"{stack.url}/"
    run(base, 5, 4, script)
    chosen, calibration = (connections, []) if connections else calibrate(base, script)
    rss_start = rss(stack)
    segments: list[dict[str, Any]] = []
    middle = max(1, round(minutes * 60 / segment_s) // 2)
    background: dict[str, Any] = {}
    thread: threading.Thread | None = None
    soak_started = time.perf_counter()
    for index in range(round(minutes * 60 / segment_s)):
        if index == middle:
            thread = threading.Thread(target=upload_and_train, args=(client, background))
            thread.start()
        result = run(base, segment_s, chosen, script)
        segments.append({"t_s": round(time.perf_counter() - soak_started), **result.as_dict()})
        print(segments[-1], file=sys.stderr, flush=True)
    if thread is not None:
        thread.join(timeout=600)
    soak_s = time.perf_counter() - soak_started
    rss_end = rss(stack)
    total = sum(s["requests"] for s in segments)
    errors = sum(s["errors"] for s in segments)
    return {
        "connections": chosen,
        "calibration": calibration,
        "segments": segments,
        "requests": total,
        "errors": errors,
        "error_rate": errors / total if total else None,
        "mean_rps": round(total / soak_s, 1),
        "worst_p99_ms": max(s["p99_ms"] for s in segments),
        "background": background,
        "rss_mb_start": rss_start,
        "rss_mb_end": rss_end,
        "rss_growth_pct": {
            name: round(100 * (rss_end[name] / rss_start[name] - 1), 1)
            for name in rss_start
            if name in rss_end and rss_start[name]
        },
        "soak_s": round(soak_s, 1),
    }


def wait_for_production_model(client: httpx.Client, timeout_s: float = 600) -> str:
    """The demo's default classifier is trained by the worker on first start."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        answer = client.post("/api/predict_nlp", json={"id": "production", "text": TEXTS[0]})
        if answer.status_code == 200:
            return "production"
        time.sleep(2)
    raise SystemExit("no production classifier after 10 minutes")


def traffic(client: httpx.Client, model_id: str) -> list[tuple[float, list[Request]]]:
    levels = client.get("/api/queues").json()["queues_by_level"]
    queues = [q["id"] for level in ("1", "2", "3") for q in levels.get(level, [])[:10]]
    analytics = [
        Request("GET", path)
        for q in queues
        for path in (
            f"/api/historical?queue_id={q}",
            f"/api/queue_stats?queue_id={q}",
            f"/api/daily_average?queue_id={q}",
            f"/api/weekly_average/{q}",
        )
    ] + [Request("GET", "/api/queues")]
    predictions = [Request("POST", "/api/predict_nlp", predict_body(model_id, t)) for t in TEXTS]
    forecasts = [
        Request("POST", "/api/forecast", json.dumps({"queue_id": q, "forecast_horizon": 30}))
        for q in queues[:5]
    ]
    return [(0.70, analytics), (0.25, predictions), (0.05, forecasts)]


def warm_up(client: httpx.Client, groups: list[tuple[float, list[Request]]]) -> None:
    """Each distinct request once, one at a time: forecasts fitted and cached, models loaded."""
    for _, requests in groups:
        for request in requests:
            body = request.body.encode() if request.body else None
            headers = {"Content-Type": "application/json"} if body else {}
            response = client.request(request.method, request.path, content=body, headers=headers)
            response.raise_for_status()


def calibrate(url: str, script: Path) -> tuple[int, list[dict[str, Any]]]:
    """The connection count with the highest rate whose p99 stays within the target."""
    tried: list[dict[str, Any]] = []
    best = 1
    for connections in (2, 4, 8, 16, 32, 64):
        result = run(url, 8, connections, script)
        tried.append({"connections": connections, **result.as_dict()})
        if result.p99_ms > P99_TARGET_MS or result.errors:
            break
        best = connections
    return best, tried


def upload_and_train(client: httpx.Client, out: dict[str, Any]) -> None:
    """In the middle of the soak: a texts upload (a new dataset version) and a training job."""
    rows = ["subject,text,label"] + [
        f"Ticket {k},{phrase} (case {k}),{label}"
        for label, phrase in (
            ("billing", "charged twice for my invoice"),
            ("internet", "mobile internet is down"),
            ("roaming", "roaming does not work abroad"),
        )
        for k in range(40)
    ]  # synthetic
    started = time.perf_counter()
    files = {"file": ("texts.csv", "\n".join(rows).encode(), "text/csv")}
    upload = client.post("/api/upload_data", data={"df_type": "texts"}, files=files)
    out["upload_status"] = upload.status_code
    out["upload_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    fit = client.post("/api/fit_nlp", json={"model": "logistic", "wait": True}, timeout=600)
    out["training_status"] = fit.status_code
    out["training_s"] = round(time.perf_counter() - started, 2)


def rss(stack: NativeStack) -> dict[str, float]:
    """MB of resident memory per service: the process plus its children (workers, pools)."""
    sizes: dict[str, float] = {}
    for name, pid in stack.pids().items():
        try:
            root = psutil.Process(pid)
            family = [root, *root.children(recursive=True)]
            sizes[name] = round(sum(p.memory_info().rss for p in family) / 2**20, 1)
        except psutil.NoSuchProcess:
            continue
    return sizes


if __name__ == "__main__":
    main()
