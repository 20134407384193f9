"""Schema fuzzing: every operation of the OpenAPI schema gets requests generated from its own
schema (schemathesis, seeded), checked for server errors and for answers that break the
schema, including each error status being documented. Small data keeps each call cheap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_keys import local_admin_key
from factories import HIERARCHY_CSV, tickets_csv
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.datasets.parsing import DatasetKind

EXAMPLES_PER_OPERATION = 40
MIN_REQUESTS = 1000
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _auth_headers(context: AppContext) -> dict[str, str]:
    """Every fuzzed request carries the local admin key, so writes reach their handlers."""
    return {"X-API-Key": local_admin_key(context)}


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz"), _env_file=None)  # type: ignore[call-arg]
    settings.max_upload_mb = 0.05
    context = build_context(settings)
    context.datasets.ingest(DatasetKind.HIERARCHY, HIERARCHY_CSV, "h.csv", source="demo")
    context.datasets.ingest(DatasetKind.TICKETS, tickets_csv(), "t.csv", source="demo")
    yield context
    context.close()


def test_fuzzed_requests_cause_no_server_error_and_match_the_schema(
    context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No job worker runs here: a waited fit would wait its full timeout for nothing.
    monkeypatch.setattr("tasks_support_system_ai.nlp.service.WAIT_TIMEOUT_S", 0.05)
    app = create_app(context=context)
    headers = _auth_headers(context)
    with TestClient(app):  # runs the lifespan: the context is in place for every call
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        sent = 0
        for result in schema.get_all_operations():
            operation = result.ok()

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                derandomize=True,  # seeded: the same requests in every run
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: Any) -> None:
                nonlocal sent
                sent += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            call()
    assert sent >= MIN_REQUESTS, f"only {sent} requests generated"
