"""The auth matrix: every route of the OpenAPI schema × {no key, read, write, admin, expired,
revoked} → the expected answer, with reads public (the default) and private.

A refused request must be 401/403 and change nothing (the stored state is compared before and
after all refused requests); an admitted one must reach its route (anything but 401/403/429 or
a server error). A route without an entry in ``api/access.py`` fails the first test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_keys import AnonymousTestClient
from fastapi.testclient import TestClient

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.api.access import ACCESS, Access, required_access
from tasks_support_system_ai.auth import allows
from tasks_support_system_ai.context import AppContext

CREDENTIALS = ("none", "read", "write", "admin", "expired", "revoked")
REFUSED = {401, 403}


@pytest.fixture
def client(context: AppContext) -> Iterator[TestClient]:
    with AnonymousTestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client


def keys(context: AppContext) -> dict[str, dict[str, str]]:
    auth = context.auth
    made = {
        scope: auth.create_key(f"matrix {scope}", scope)[1] for scope in ("read", "write", "admin")
    }
    past = datetime.now(UTC) - timedelta(minutes=1)
    made["expired"] = auth.store.create_key("matrix expired", "admin", expires_at=past)[1]
    revoked, made["revoked"] = auth.create_key("matrix revoked", "admin")
    auth.revoke_key(revoked.id)
    return {"none": {}, **{name: {"X-API-Key": key} for name, key in made.items()}}


def operations(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, ops in paths.items() for method in ops]


def expected(level: Access, credential: str, *, public_reads: bool) -> int | None:
    """401/403 when refused, None when the request must reach its route."""
    if level == "public":
        return None
    if credential in ("expired", "revoked"):
        return 401
    if credential == "none":
        return None if level == "read" and public_reads else 401
    return None if allows(credential, "read" if level == "key" else level) else 403


def call(client: TestClient, method: str, template: str, headers: dict[str, str]) -> Any:
    path = re.sub(r"\{[^}]+\}", "1", template)
    # A body that fails validation: an admitted request reaches the route without doing work.
    body = b"{" if method in ("POST", "PUT", "PATCH") else None
    return client.request(
        method, path, content=body, headers={**headers, "Content-Type": "application/json"}
    )


def stored_state(client: TestClient, admin: dict[str, str]) -> list[Any]:
    """What a write could change (a key's last-used time is bookkeeping, not a change)."""
    reads = ["/api/datasets", "/api/get_models", "/api/jobs", "/api/forecast_models",
             "/api/admin/users"]  # fmt: skip
    state = [client.get(path, headers=admin).json() for path in reads]
    keys = client.get("/api/admin/keys?include_sessions=true", headers=admin).json()
    return [*state, [{**key, "last_used_at": None} for key in keys]]


def test_every_route_has_an_access_entry(client: TestClient) -> None:
    missing = [op for op in operations(client) if op not in ACCESS]
    assert not missing, f"add these routes to api/access.py ACCESS: {missing}"


def test_documentation_stays_open_when_reads_are_private(
    context: AppContext, client: TestClient
) -> None:
    context.settings.public_reads = False
    for path in ["/docs", "/redoc", "/openapi.json", "/health", "/ready"]:
        assert client.get(path).status_code == 200, path
    assert client.get("/api/queues").status_code == 401
    assert required_access("GET", "/docs/static/swagger-ui/swagger-ui.css") == "public"
    assert required_access("GET", "/docs/static") == "read"


@pytest.mark.parametrize("public_reads", [True, False])
def test_auth_matrix(context: AppContext, client: TestClient, public_reads: bool) -> None:
    context.settings.public_reads = public_reads
    headers = keys(context)
    cases = [
        (
            method,
            path,
            credential,
            expected(ACCESS[method, path], credential, public_reads=public_reads),
        )
        for method, path in operations(client)
        for credential in CREDENTIALS
    ]
    failures = []
    before = stored_state(client, headers["admin"])
    for method, path, credential, want in [c for c in cases if c[3] is not None]:
        got = call(client, method, path, headers[credential]).status_code
        if got != want:
            failures.append(f"{method} {path} [{credential}]: {got}, expected {want}")
    assert stored_state(client, headers["admin"]) == before, "a refused request changed state"
    for method, path, credential, _ in [c for c in cases if c[3] is None]:
        got = call(client, method, path, headers[credential]).status_code
        if got in REFUSED | {429} or (got >= 500 and got != 503):
            failures.append(f"{method} {path} [{credential}]: {got}, expected to be admitted")
    assert not failures, "\n".join(failures)
    assert len(cases) >= 6 * 60
