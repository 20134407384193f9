"""Per-request metrics summed in memory and written to prometheus-client once a second.

In multiprocess mode every ``inc``/``observe`` writes to a memory-mapped file under a lock (four
to six per request): a large share of a fast-path prediction's cost (docs/benchmarks.md). Here
a request adds to a dict under an uncontended lock; a daemon thread per process hands
the sums to the real metrics every ``FLUSH_S`` and when the process exits, and ``/metrics``
flushes its own process first, so a scrape never misses what its process has counted.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any, Final

from prometheus_client import Counter, Gauge, Histogram

FLUSH_S: Final = 1.0
Labels = tuple[str, ...]


class BatchedCounter:
    def __init__(self, counter: Counter) -> None:
        self.counter = counter
        self._pending: dict[Labels, float] = {}

    def add(self, labels: Labels, amount: float = 1.0) -> None:
        with _lock:
            self._pending[labels] = self._pending.get(labels, 0.0) + amount
        _ensure_flusher()

    def flush(self) -> None:
        with _lock:
            pending, self._pending = self._pending, {}
        for labels, amount in pending.items():
            self.counter.labels(*labels).inc(amount)


class BatchedHistogram:
    """Observations as per-bucket counts and a sum, written with the histogram's own cells
    (``_buckets`` hold per-bucket, not cumulative, counts, as ``Histogram.observe`` writes them)."""

    def __init__(self, histogram: Histogram, buckets: Sequence[float]) -> None:
        self.histogram = histogram
        self.bounds = [*buckets, float("inf")]
        self._pending: dict[Labels, list[float]] = {}

    def observe(self, labels: Labels, value: float) -> None:
        with _lock:
            cells = self._pending.get(labels)
            if cells is None:
                cells = self._pending[labels] = [0.0] * (len(self.bounds) + 1)
            cells[bisect_left(self.bounds, value)] += 1
            cells[-1] += value
        _ensure_flusher()

    def flush(self) -> None:
        with _lock:
            pending, self._pending = self._pending, {}
        for labels, cells in pending.items():
            child: Any = self.histogram.labels(*labels)
            child._sum.inc(cells[-1])  # see the class docstring
            for index, count in enumerate(cells[:-1]):
                if count:
                    child._buckets[index].inc(count)


class InFlight:
    """Requests being answered by this process; the gauge is set at each flush."""

    def __init__(self, gauge: Gauge) -> None:
        self.gauge = gauge
        self.count = 0

    def flush(self) -> None:
        self.gauge.set(self.count)


_lock = threading.Lock()
_flushing = threading.Lock()
_batched: list[BatchedCounter | BatchedHistogram | InFlight] = []
_flusher_started = False


def register(*metrics: BatchedCounter | BatchedHistogram | InFlight) -> None:
    _batched.extend(metrics)


def flush() -> None:
    """Write the sums; one flush at a time, so a scrape's flush waits for the thread's."""
    with _flushing:
        for metric in _batched:
            metric.flush()


def _ensure_flusher() -> None:
    """One flushing thread per process (a forked child starts its own on first use)."""
    global _flusher_started  # noqa: PLW0603  # per-process state by design
    if _flusher_started:
        return
    with _lock:
        if _flusher_started:
            return
        _flusher_started = True
    threading.Thread(target=_flush_forever, name="metrics-flush", daemon=True).start()


def _forked() -> None:
    global _flusher_started  # noqa: PLW0603
    _flusher_started = False  # threads do not survive a fork


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_S)
        flush()


atexit.register(flush)
os.register_at_fork(after_in_child=_forked)
