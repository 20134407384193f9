"""(c) POST /api/predict_nlp_csv with a 1,000,000-row CSV: rows/s and the server's peak RSS.

The CSV holds real-looking tickets: the first rows of the demo batch-labeling table (distinct
texts with fresh phone/ticket numbers), so nothing is served from a cache of repeated texts.
A second, smaller CSV (``--no-repeat-rows``) holds the same tickets with their words shuffled
across tickets (same lengths): no sentence repeats, so every piece is prepared from scratch —
the bound for text unlike the demo's stock phrases.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from _common import PeakRss, environ_for, free_port, start_server
from nlp_serving import bench_model


def write_csv(data_dir: Path, rows: int, path: Path) -> int:
    table = pq.read_table(data_dir / "demo" / "large_table.parquet", columns=["id", "text"])
    pacsv.write_csv(table.slice(0, rows), path)
    return path.stat().st_size


def write_no_repeat_csv(data_dir: Path, rows: int, path: Path, seed: int = 1) -> int:
    """Demo tickets with each word drawn from the first 20,000 tickets' words (same lengths)."""
    table = pq.read_table(data_dir / "demo" / "large_table.parquet", columns=["id", "text"])
    tickets = table.slice(0, rows)
    words = " ".join(table.column("text").slice(0, 20_000).to_pylist()).split()
    draw = random.Random(seed)
    texts = [" ".join(draw.choices(words, k=len(t.split()))) for t in tickets["text"].to_pylist()]
    pacsv.write_csv(pa.table({"id": tickets["id"], "text": texts}), path)
    return path.stat().st_size


def csv_scoring(context: Any, data_dir: Path, rows: int, no_repeat_rows: int = 0) -> dict[str, Any]:
    model_id = bench_model(context)
    port = free_port()
    env = {**environ_for(data_dir), "SUPPORT_AI_MAX_UPLOAD_MB": "2000"}
    server, _ = start_server(env, port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "tickets.csv"
            httpx.post(f"http://127.0.0.1:{port}/api/models/{model_id}/load").raise_for_status()
            size = write_csv(data_dir, rows, path)
            result = _measure(server, port, model_id, rows=rows, path=path, size=size)
            if no_repeat_rows:
                size = write_no_repeat_csv(data_dir, no_repeat_rows, path)
                result["no_repeats"] = _measure(
                    server, port, model_id, rows=no_repeat_rows, path=path, size=size
                )
    finally:
        server.terminate()
        server.wait()
    return result


def _measure(
    server: subprocess.Popen[bytes], port: int, model_id: str, *, rows: int, path: Path, size: int
) -> dict[str, Any]:
    memory = PeakRss([server.pid])
    started = time.perf_counter()
    scored = _post(port, path, model_id)
    seconds = time.perf_counter() - started
    peaks = memory.stop()
    return {
        "rows": rows,
        "csv_mb": round(size / 2**20, 1),
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "scored_rows": scored,
        "server_peak_rss_mb": max(peak["rss_mb"] for peak in peaks.values()),
    }


def _post(port: int, path: Path, model_id: str) -> int:
    """Upload and read the streamed answer; returns the number of scored rows."""
    lines = 0
    with (
        path.open("rb") as upload,
        httpx.stream(
            "POST",
            f"http://127.0.0.1:{port}/api/predict_nlp_csv",
            files={"file": ("tickets.csv", upload, "text/csv")},
            data={"id": model_id},
            timeout=3600,
        ) as response,
    ):
        response.raise_for_status()
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
    return lines - 1
