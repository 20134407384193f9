"""Per-key budgets: fixed one-minute windows in memory, and shared through Redis."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import create_engine

from tasks_support_system_ai.auth import AuthService, AuthStore
from tasks_support_system_ai.auth.rate_limit import MemoryRateLimiter, RedisRateLimiter
from tasks_support_system_ai.config import Settings


class Clock:
    now = 120.0

    def __call__(self) -> float:
        return self.now


async def _hits(
    limiter: MemoryRateLimiter | RedisRateLimiter, bucket: str, n: int, limit: int
) -> list[int | None]:
    return [await limiter.hit(bucket, limit) for _ in range(n)]


def test_memory_budget_per_bucket_and_window() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)

    answers = asyncio.run(_hits(limiter, "key:a", 4, 3))
    assert answers[:3] == [None, None, None]
    assert answers[3] == 60  # the window started at 120 s: retry after a full minute
    assert asyncio.run(limiter.hit("key:b", 3)) is None  # other keys have their own budget
    clock.now += 45
    assert asyncio.run(limiter.hit("key:a", 3)) == 15
    clock.now += 15
    assert asyncio.run(limiter.hit("key:a", 3)) is None  # a new window


def test_redis_budget_is_shared_by_processes(redis_url: str) -> None:
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    clock = Clock()
    first = RedisRateLimiter(redis_url, namespace, clock)
    second = RedisRateLimiter(redis_url, namespace, clock)

    async def run() -> list[int | None]:
        return [
            *(await _hits(first, "key:a", 2, 3)),
            *(await _hits(second, "key:a", 2, 3)),
        ]

    answers = asyncio.run(run())
    assert answers[:3] == [None, None, None]
    assert answers[3] is not None
    assert 1 <= answers[3] <= 60


def test_unreachable_redis_lets_requests_through() -> None:
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", "test")
    assert asyncio.run(_hits(limiter, "key:a", 3, 1)) == [None, None, None]


def test_redis_is_used_when_configured_or_when_it_is_the_broker(tmp_path: Path) -> None:
    def limiter(**values: str) -> object:
        settings = Settings(data_dir=tmp_path, _env_file=None, **values)  # type: ignore[call-arg]
        return AuthService(settings, AuthStore(create_engine("sqlite://"))).limiter

    assert isinstance(limiter(), MemoryRateLimiter)
    assert isinstance(limiter(broker_url="amqp://guest@rabbit//"), MemoryRateLimiter)
    assert isinstance(limiter(broker_url="redis://redis:6379/0"), RedisRateLimiter)
    assert isinstance(limiter(redis_url="redis://cache:6379/1"), RedisRateLimiter)
