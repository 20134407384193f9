"""(b) POST /api/predict_nlp under load from wrk, against Flask + gunicorn serving the same model.

Both servers get 2 worker processes on this 2-core machine; wrk runs as a separate process on
the same cores, cycling through 500 demo ticket texts. The "empty endpoint" is GET /health of
the same server: the ceiling any route of that server could reach.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from _common import environ_for, free_port, start_server

LUA_TEMPLATE = """
local bodies = {%s}
local headers = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", nil, headers, bodies[i])
end
"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def bench_model(context: Any) -> str:
    """Train the benchmark classifier once (logistic, C=10) and make it production."""
    from tasks_support_system_ai.nlp.service import CLASSIFIER

    production = context.registry.production(CLASSIFIER)
    if production is None:
        record = context.registry.create(CLASSIFIER, "nlp_classifier", {"model": "logistic"})
        context.nlp.train(record.id, "logistic", {"C": 10, "solver": "lbfgs"})
        production = context.nlp.promote(record.id, "production")
    return str(production.id)


def lua_script(
    texts: list[str], model_id: str, folder: Path, headers: dict[str, str] | None = None
) -> Path:
    bodies = [json.dumps({"id": model_id, "text": t}, ensure_ascii=False) for t in texts]
    headers = {"Content-Type": "application/json", **(headers or {})}
    path = folder / f"predict-{len(headers)}.lua"
    lua_headers = ",".join(f'["{name}"] = "{value}"' for name, value in headers.items())
    path.write_text(
        LUA_TEMPLATE % (",".join(f"[==[{b}]==]" for b in bodies), lua_headers), encoding="utf-8"
    )
    return path


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(script)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw error responses:\n{output}")
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "socket_errors": socket_errors[1] if socket_errors else "none",
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])),  # type: ignore[index]
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
    }


def _latency(output: str, label: str) -> float:
    value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return round(float(value) * UNITS[unit], 3)


def warm_up(
    port: int, texts: list[str], model_id: str, headers: dict[str, str] | None = None
) -> None:
    """A fresh connection per request, so that every worker process gets some."""
    for text in texts:
        body = {"id": model_id, "text": text}
        url = f"http://127.0.0.1:{port}/api/predict_nlp"
        httpx.post(url, json=body, headers=headers or {}).raise_for_status()


def start_flask(artifact: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
        "--chdir", str(Path(__file__).parent), "--log-level", "warning", "flask_baseline:app",
    ]  # fmt: skip
    env = {"SUPPORT_AI_BENCH_MODEL": str(artifact), "OMP_NUM_THREADS": "1"}
    process = subprocess.Popen(command, env={**os.environ, **env})
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("gunicorn did not start")


def serving(context: Any, data_dir: Path, seconds: int, connections: int) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    model_id = bench_model(context)
    frame = pd.read_parquet(data_dir / "demo" / "ticket_texts.parquet")
    texts = (frame["subject"] + " " + frame["text"]).head(500).tolist()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = lua_script(texts, model_id, folder)
        artifact = folder / "model.skops"
        artifact.write_bytes(context.objects.get_bytes(context.registry.get(model_id).artifact_key))
        load = Load(seconds, connections, script)
        results = {
            "ours": _measure(
                lambda port: start_server(environ_for(data_dir), port, workers=2)[0],
                texts,
                model_id,
                load,
            ),
            "flask": _measure(lambda port: start_flask(artifact, port), texts, model_id, load),
        }
    ours, flask = results["ours"], results["flask"]
    results["ratio_vs_flask"] = round(ours["predict"]["rps"] / flask["predict"]["rps"], 2)
    results["share_of_empty_ceiling"] = round(ours["predict"]["rps"] / ours["empty"]["rps"], 2)
    results["setup"] = {"connections": connections, "seconds": seconds, "workers": 2}
    return results


def auth_on_off(
    context: Any, data_dir: Path, seconds: int, connections: int, rounds: int = 2
) -> dict[str, Any]:
    """Our server with key checks off and on (reads private: every request verifies a key).

    The two alternate (off, on, on, off, ...) so that a change in the machine's load hits both;
    the rate limit is raised so that wrk's single key is counted but never throttled (the
    limiter's cost is included)."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    model_id = bench_model(context)
    _, key = context.auth.create_key("bench-nlp", "read")
    texts = _texts(data_dir)
    configurations = {
        "auth_off": ({"SUPPORT_AI_AUTH_ENABLED": "false"}, {}),
        "auth_on": (
            {"SUPPORT_AI_PUBLIC_READS": "false", "SUPPORT_AI_RATE_LIMIT_PER_MINUTE": "1000000000"},
            {"X-API-Key": key},
        ),
    }
    order = [name for r in range(rounds) for name in (["auth_off", "auth_on"][:: 1 - 2 * (r % 2)])]
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in configurations}
    with tempfile.TemporaryDirectory() as tmp:
        for name in order:
            env, headers = configurations[name]
            script = lua_script(texts, model_id, Path(tmp), headers)
            environment = {**environ_for(data_dir), **env}
            run = _measure(
                lambda port, e=environment: start_server(e, port, workers=2)[0],  # type: ignore[misc]
                texts,
                model_id,
                Load(seconds, connections, script, headers),
            )
            runs[name].append(run)
            print(name, json.dumps(run["predict"]), flush=True)
    mean = {
        name: round(sum(r["predict"]["rps"] for r in rs) / len(rs)) for name, rs in runs.items()
    }
    return {
        "runs": runs,
        "mean_predict_rps": mean,
        "ratio_on_vs_off": round(mean["auth_on"] / mean["auth_off"], 3),
        "setup": {"connections": connections, "seconds": seconds, "workers": 2, "order": order},
    }


def _texts(data_dir: Path) -> list[str]:
    frame = pd.read_parquet(data_dir / "demo" / "ticket_texts.parquet")
    return (frame["subject"] + " " + frame["text"]).head(500).tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Load:
    seconds: int
    connections: int
    script: Path
    headers: dict[str, str] | None = None


def _measure(
    start: Callable[[int], subprocess.Popen[bytes]], texts: list[str], model_id: str, load: Load
) -> dict[str, Any]:
    """Start a server, warm it up, then wrk the predict route and the empty endpoint."""
    port = free_port()
    server = start(port)
    try:
        warm_up(port, texts, model_id, load.headers)
        base = f"http://127.0.0.1:{port}"
        return {
            "predict": wrk(f"{base}/api/predict_nlp", load.seconds, load.connections, load.script),
            "empty": wrk(f"{base}/health", load.seconds, load.connections),
        }
    finally:
        server.terminate()
        server.wait()
