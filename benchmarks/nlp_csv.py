"""(c) POST /api/predict_nlp_csv with a 1,000,000-row CSV: rows/s and the server's peak RSS.

The CSV holds real-looking tickets: the first rows of the demo batch-labeling table (distinct
texts with fresh phone/ticket numbers), so nothing is served from a cache of repeated texts.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from _common import PeakRss, environ_for, free_port, start_server
from nlp_serving import bench_model


def write_csv(data_dir: Path, rows: int, path: Path) -> int:
    table = pq.read_table(data_dir / "demo" / "large_table.parquet", columns=["id", "text"])
    pacsv.write_csv(table.slice(0, rows), path)
    return path.stat().st_size


def csv_scoring(context: Any, data_dir: Path, rows: int) -> dict[str, Any]:
    model_id = bench_model(context)
    port = free_port()
    env = {**environ_for(data_dir), "SUPPORT_AI_MAX_UPLOAD_MB": "2000"}
    server, _ = start_server(env, port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "tickets.csv"
            size = write_csv(data_dir, rows, path)
            httpx.post(f"http://127.0.0.1:{port}/api/models/{model_id}/load").raise_for_status()
            memory = PeakRss([server.pid])
            started = time.perf_counter()
            scored = _post(port, path, model_id)
            seconds = time.perf_counter() - started
            peaks = memory.stop()
    finally:
        server.terminate()
        server.wait()
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
