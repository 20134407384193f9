"""Queue-analytics latency over HTTP vs the naive per-request pandas path.

Starts the real service (uvicorn, one worker) on the default demo data, measures start-up to
ready, then p50/p99 of sequential keep-alive requests. The naive path is what the original
service did per request: filter the raw ticket rows by ``isin(all descendants)``, group by date,
then compute the same answer (zero-filled days, statistics). It is timed in-process, without
any HTTP cost, which flatters it: the ratio is a lower bound.

    python benchmarks/bench_queues.py [--requests 300] [--data-dir data] [--port 8765]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from _common import demo_context, free_port, percentiles, save_result, start_server, time_calls

from tasks_support_system_ai.analytics import Granularity, QueueLoad
from tasks_support_system_ai.api.schemas.queues import TimeSeriesData
from tasks_support_system_ai.hierarchy import QueueTree


class NaiveService:
    """The original service's per-request computation, on the same active data.

    Produces the same answers as the service (zero-filled days, same statistics), which
    ``check_same_answers`` verifies before anything is timed.
    """

    def __init__(self, tickets: pd.DataFrame, tree: QueueTree) -> None:
        self.df = tickets
        self.days = pd.date_range(tickets["date"].min(), tickets["date"].max(), freq="D")
        # Precomputed like the original's allDescendants column (not timed).
        self.members = {int(q): [int(q), *tree.descendants(int(q)).tolist()] for q in tree.ids}

    def daily(self, queue_id: int) -> pd.Series:
        df = self.df if queue_id == 0 else self.df[self.df["queueId"].isin(self.members[queue_id])]
        return df.groupby("date")["new_tickets"].sum().reindex(self.days, fill_value=0)

    def historical(self, queue_id: int) -> dict[str, object]:
        s = self.daily(queue_id)
        return {"values": s.tolist(), "timestamps": s.index.strftime("%Y-%m-%d").tolist()}

    def queue_stats(self, queue_id: int) -> dict[str, object]:
        s = self.daily(queue_id)
        weekend = s.index.day_of_week >= 5
        return {
            "total_tickets": int(s.sum()),
            "avg_tickets": s.mean(),
            "peak_load": int(s.max()),
            "min_load": int(s.min()),
            "median_load": s.median(),
            "std_dev": s.std(),
            "percentile_90": s.quantile(0.9),
            "percentile_95": s.quantile(0.95),
            "busiest_day": s.idxmax(),
            "quietest_day": s.idxmin(),
            "weekend_avg": s[weekend].mean(),
            "weekday_avg": s[~weekend].mean(),
        }

    def queues(self) -> dict[int, int]:
        return {
            q: int(self.df.loc[self.df["queueId"].isin(m), "new_tickets"].sum())
            for q, m in self.members.items()
        }


def check_same_answers(conn: http.client.HTTPConnection, naive: NaiveService, queue: int) -> None:
    """Refuse to time two paths that do not compute the same thing."""
    service = get_json(conn, f"/api/historical?queue_id={queue}")
    expected = naive.historical(queue)
    assert service["values"] == expected["values"], "historical differs"
    assert service["timestamps"] == expected["timestamps"], "timestamps differ"
    stats = get_json(conn, f"/api/queue_stats?queue_id={queue}")
    load, want = stats["load"], naive.queue_stats(queue)
    for key in ("total_tickets", "peak_load", "min_load", "median_load", "percentile_90"):
        assert abs(float(load[key]) - float(want[key])) < 1e-6, key
    assert abs(stats["time"]["weekend_avg"] - want["weekend_avg"]) < 1e-6


def get_bytes(conn: http.client.HTTPConnection, path: str) -> bytes:
    """One request; the timed unit (a client would parse the body, but that is its cost)."""
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path} -> {response.status}: {body[:200]!r}")
    return body


def get_json(conn: http.client.HTTPConnection, path: str) -> dict[str, Any]:
    return dict(json.loads(get_bytes(conn, path)))


@dataclass
class Case:
    endpoint: str
    queue: str
    http: Callable[[], object]
    compute: Callable[[], object]
    naive: Callable[[], object]
    naive_runs: int = 30


def compute_historical(load: QueueLoad, queue_id: int) -> str:
    """What the route does: slice the series and serialise it."""
    labels, values = load.resample(queue_id, Granularity.DAILY)
    return TimeSeriesData.model_construct(
        queue_id=queue_id,
        values=values.tolist(),
        timestamps=labels.tolist(),
        granularity=Granularity.DAILY,
    ).model_dump_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    context = demo_context(args.data_dir)
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
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for queue in (0, mid):
            check_same_answers(conn, naive, queue)

        def get(path: str) -> Callable[[], object]:
            return lambda: get_bytes(conn, path)

        load = loaded.load
        cases: list[Case] = []
        for label, queue in (("root (0)", 0), (f"mid-level ({mid})", mid)):
            cases.append(
                Case(
                    "/api/historical",
                    label,
                    get(f"/api/historical?queue_id={queue}"),
                    lambda q=queue: compute_historical(load, q),
                    lambda q=queue: naive.historical(q),
                )
            )
            cases.append(
                Case(
                    "/api/queue_stats",
                    label,
                    get(f"/api/queue_stats?queue_id={queue}"),
                    lambda q=queue: load.stats(q),
                    lambda q=queue: naive.queue_stats(q),
                )
            )
        cases.append(
            Case("/api/queues", "all", get("/api/queues"), loaded.load.totals, naive.queues, 3)
        )
        floor = percentiles(time_calls(get("/health"), args.requests))
        for case in cases:
            s50, s99 = percentiles(time_calls(case.http, args.requests))
            c50, _ = percentiles(time_calls(case.compute, args.requests))
            n50, n99 = percentiles(time_calls(case.naive, case.naive_runs, warmup=1))
            rows.append(
                {
                    "endpoint": case.endpoint,
                    "queue": case.queue,
                    "http_p50_ms": s50,
                    "http_p99_ms": s99,
                    "compute_p50_ms": c50,
                    "naive_p50_ms": n50,
                    "naive_p99_ms": n99,
                    "ratio_http": n50 / s50,
                    "ratio_compute": n50 / c50,
                }
            )
        conn.close()
    finally:
        process.terminate()
        process.wait()

    print(f"\nstart-up to ready (demo data present): {startup:.2f} s")
    print(
        f"data: {len(tickets):,} ticket rows, {len(tree) - 1:,} queues; mid-level queue {mid} "
        f"has {tree.n_descendants(mid)} descendants; {args.requests} requests per case; "
        f"HTTP floor (GET /health) p50 {floor[0]:.2f} ms, p99 {floor[1]:.2f} ms\n"
    )
    header = (
        f"{'endpoint':<18}{'queue':<20}{'HTTP p50':>9}{'HTTP p99':>9}{'compute':>9}"
        f"{'naive p50':>11}{'naive p99':>11}{'ratio HTTP':>11}{'ratio compute':>14}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['endpoint']:<18}{r['queue']:<20}{r['http_p50_ms']:>9.2f}{r['http_p99_ms']:>9.2f}"
            f"{r['compute_p50_ms']:>9.3f}{r['naive_p50_ms']:>11.2f}{r['naive_p99_ms']:>11.2f}"
            f"{r['ratio_http']:>10.0f}×{r['ratio_compute']:>13.0f}×"
        )
    print(
        "\nHTTP = full request over loopback (ms); compute = the service's own work for the "
        "answer, in-process;\nnaive = the original per-request pandas path, in-process "
        "(no HTTP cost, so 'ratio HTTP' is a lower bound)."
    )
    save_result("queues", {"startup_s": startup, "http_floor_ms": floor, "cases": rows})
    context.close()


if __name__ == "__main__":
    main()
