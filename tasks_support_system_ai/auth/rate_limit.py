"""Per-key request budgets over fixed one-minute windows: in memory, or in Redis so that
several API processes share one budget.

``hit`` returns None while under the limit, else the seconds until the window ends (the
``Retry-After``). If Redis cannot be reached the request is let through (and logged): the
limiter protects the service, it must not take it down.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, Protocol

if TYPE_CHECKING:
    import asyncio

    from redis.asyncio import Redis

log = logging.getLogger(__name__)

WINDOW_S: Final = 60
MAX_BUCKETS: Final = 100_000


class RateLimiter(Protocol):
    async def hit(self, bucket: str, limit: int) -> int | None: ...


class MemoryRateLimiter:
    """One process's budgets (each API worker process counts on its own)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._counts: dict[str, tuple[int, int]] = {}

    async def hit(self, bucket: str, limit: int) -> int | None:
        now = self.clock()
        window = int(now // WINDOW_S)
        seen_window, count = self._counts.get(bucket, (window, 0))
        count = count + 1 if seen_window == window else 1
        if len(self._counts) >= MAX_BUCKETS:
            self._counts.clear()
        self._counts[bucket] = (window, count)
        return _retry_after(now) if count > limit else None


class RedisRateLimiter:
    """Budgets shared by every process that uses the same Redis and ``namespace``."""

    def __init__(self, url: str, namespace: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.namespace = namespace
        self.clock = clock
        self._client: Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def hit(self, bucket: str, limit: int) -> int | None:
        now = self.clock()
        window = int(now // WINDOW_S)
        name = f"{self.namespace}:{bucket}:{window}"
        try:
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, WINDOW_S + 1)
                count, _ = await pipe.execute()
        except Exception as error:  # any Redis failure lets the request through
            log.warning("Rate limiter cannot reach Redis (%s); not limiting", type(error).__name__)
            return None
        return _retry_after(now) if int(count) > limit else None

    def _redis(self) -> Redis:
        """One client per event loop (redis.asyncio connections belong to the loop)."""
        import asyncio

        from redis.asyncio import Redis

        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
            self._loop = loop
        return self._client


def _retry_after(now: float) -> int:
    return max(1, math.ceil(WINDOW_S - now % WINDOW_S))
