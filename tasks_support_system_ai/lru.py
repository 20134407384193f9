"""A bounded, thread-safe LRU cache that computes each missing key once.

Concurrent requests for the same not-yet-fitted model wait for the one fit in progress
instead of fitting it again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRUCache(Generic[K, V]):
    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[K, threading.Lock] = {}

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> tuple[V, bool]:
        """The cached value (and True), or computes, stores and returns it (and False)."""
        hit = self.get(key)
        if hit is not None:
            return hit, True
        with self._lock:
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            hit = self.get(key)
            if hit is not None:
                return hit, True
            value = compute()
            self.put(key, value)
        with self._lock:
            self._pending.pop(key, None)
        return value, False

    def get(self, key: K) -> V | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def remove_where(self, predicate: Callable[[K], bool]) -> int:
        """Drop every key matching ``predicate``; returns how many were dropped."""
        with self._lock:
            doomed = [k for k in self._items if predicate(k)]
            for key in doomed:
                del self._items[key]
            return len(doomed)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
