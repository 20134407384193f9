"""What an API-key check costs per request, against checking the database every time.

In-process, on a real SQLite database in a temporary folder:

(a) ``KeyVerifier.verify`` of a cached key (the path every request takes within the cache TTL)
    vs the uncached verification (one indexed row read per request: what the service would pay
    without the cache) and, for scale, one argon2id password check (why keys are not passwords);
(b) the whole auth middleware (header parsing, access-table lookup, verification, scope, rate
    limit) around an empty ASGI app, with a key, anonymously, vs the empty app alone.

Target: a key check ≤ 0.1 ms per request.

    python benchmarks/bench_auth.py [--calls 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import save_result

from tasks_support_system_ai.api.auth import AuthMiddleware
from tasks_support_system_ai.auth import AuthService
from tasks_support_system_ai.auth.passwords import hash_password, verify_password
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context


def per_call_us(call: Callable[[], object], n: int) -> float:
    for _ in range(min(n, 1000)):
        call()
    started = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - started) / n * 1e6


async def _empty_app(_scope: Any, _receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def asgi_us(app: Any, headers: list[tuple[bytes, bytes]], n: int) -> float:
    """Mean µs per request through ``app`` (POST /api/predict_nlp, a read route)."""
    scope = {
        "type": "http", "method": "POST", "path": "/api/predict_nlp", "headers": headers,
        "client": ("127.0.0.1", 5000),
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"refused: {message['status']}")

    async def run() -> float:
        for _ in range(1000):
            await app(dict(scope), receive, send)
        started = time.perf_counter()
        for _ in range(n):
            await app(dict(scope), receive, send)
        return (time.perf_counter() - started) / n * 1e6

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    args = parser.parse_args()
    n = args.calls
    with tempfile.TemporaryDirectory(prefix="bench-auth-") as tmp:
        settings = Settings(data_dir=Path(tmp), public_reads=False, _env_file=None)  # type: ignore[call-arg]
        context = build_context(settings)
        auth: AuthService = context.auth
        _, key = auth.create_key("bench", "read")
        cached = per_call_us(lambda: auth.verifier.verify(key), n)
        uncached = per_call_us(lambda: auth.verifier.load(key), max(n // 100, 200))
        password_hash = hash_password("correct horse battery")
        argon2 = per_call_us(lambda: verify_password(password_hash, "correct horse battery"), 20)
        middleware = AuthMiddleware(_empty_app, service=lambda: auth, allowed_origins=[])
        with_key = asgi_us(middleware, [(b"x-api-key", key.encode())], n // 4)
        settings.public_reads = True
        anonymous = asgi_us(middleware, [], n // 4)
        bare = asgi_us(_empty_app, [], n // 4)
        context.close()
    result = {
        "calls": n,
        "verify_cached_us": round(cached, 2),
        "verify_uncached_db_us": round(uncached, 1),
        "argon2id_password_check_us": round(argon2),
        "ratio_uncached_vs_cached": round(uncached / cached),
        "middleware_with_key_us": round(with_key - bare, 2),
        "middleware_anonymous_us": round(anonymous - bare, 2),
        "empty_asgi_app_us": round(bare, 2),
        "target_us": 100,
    }
    for name, value in result.items():
        print(f"{name:32} {value}")
    print("saved", save_result("auth", result))


if __name__ == "__main__":
    main()
