"""An API client over the small hand-checked data set of ``factories``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factories import HIERARCHY_CSV, tickets_csv
from fastapi.testclient import TestClient

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind


@pytest.fixture
def context(settings: Settings) -> Iterator[AppContext]:
    settings.max_upload_mb = 0.05
    context = build_context(settings)
    context.datasets.ingest(
        DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo", synthetic=True
    )
    context.datasets.ingest(
        DatasetKind.TICKETS, tickets_csv(), "t.csv", source="demo", synthetic=True
    )
    yield context
    context.close()


@pytest.fixture
def client(context: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def empty_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client
