"""Shared fixtures: isolated settings, real servers (PostgreSQL, S3) and small factories."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import live_server
import pytest
from api_keys import local_admin_key
from fastapi.testclient import TestClient
from servers import PostgresDatabases, service_unavailable

from tasks_support_system_ai.config import Settings

# httpx logs every request at INFO; once an app in this process has set up JSON logging, those
# lines go to a stream pytest has since closed and each prints a "Logging error" traceback.
logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture(scope="session", autouse=True)
def _test_clients_send_admin_key() -> Iterator[None]:
    """Every ``TestClient`` of the app sends an admin key once started, as an operator's local
    tools do (the key ``serve`` writes to the data folder), so tests of writes need no key
    handling. Session-wide, so module-scoped clients get it too; ``AnonymousTestClient``
    sends none."""
    start = TestClient.__enter__

    def start_with_key(client: TestClient) -> TestClient:
        started = start(client)
        context = getattr(getattr(client.app, "state", None), "context", None)
        wanted = getattr(client, "sends_admin_key", True)
        if wanted and context is not None and "x-api-key" not in client.headers:
            client.headers["X-API-Key"] = local_admin_key(context)
        return started

    TestClient.__enter__ = start_with_key  # type: ignore[method-assign]
    yield
    TestClient.__enter__ = start  # type: ignore[method-assign]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases
    databases.close()


@pytest.fixture
def postgres_url(postgres_databases: PostgresDatabases) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, so no test sees another's rows."""
    url = postgres_databases.create()
    yield url
    postgres_databases.drop(url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server CI provides (jobs' broker and result store in scaled mode)."""
    import redis

    url = os.environ.get("SUPPORT_AI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    return url


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    """The RabbitMQ server CI provides (an alternative Celery broker)."""
    from kombu import Connection

    url = os.environ.get("SUPPORT_AI_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as error:
        service_unavailable("RabbitMQ", error)
    return url


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible HTTP server (moto) on a free loopback port."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # its access lines are not ours
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server._server.server_address[:2]  # type: ignore[union-attr]
    yield f"{host}:{port}"
    server.stop()


# --- live API (dashboard and typed client) ---
@pytest.fixture(scope="session")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[live_server.LiveServer]:
    """One ``support-ai serve`` per test session (per xdist worker) on demo data."""
    with live_server.serve(tmp_path_factory.mktemp("live") / "data") as server:
        yield server
