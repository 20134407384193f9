"""The general LRU cache: bound, recency and single computation under concurrency."""

from __future__ import annotations

import threading
import time

from tasks_support_system_ai.lru import LRUCache


def test_evicts_least_recently_used() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c"), len(cache)) == (1, 3, 2)


def test_concurrent_misses_compute_once() -> None:
    cache: LRUCache[str, int] = LRUCache(4)
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    results: list[tuple[int, bool]] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert sorted(hit for _, hit in results) == [False] + [True] * 7
    assert {value for value, _ in results} == {42}


def test_remove_where() -> None:
    cache: LRUCache[tuple[int, str], int] = LRUCache(10)
    for queue in (1, 2):
        for model in ("es", "naive"):
            cache.put((queue, model), queue)
    assert cache.remove_where(lambda key: key[0] == 1) == 2
    assert len(cache) == 2
