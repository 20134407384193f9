"""An auth service on a fresh SQLite database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tasks_support_system_ai.auth import AuthService, AuthStore
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.db import make_engine, migrate


@pytest.fixture
def auth(settings: Settings) -> Iterator[AuthService]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    migrate(engine)
    yield AuthService(settings, AuthStore(engine))
    engine.dispose()
