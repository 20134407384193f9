"""Keys, scopes, sign-in, cross-site refusal and rate limits over the real app."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator

import pytest
from api_keys import AnonymousTestClient
from factories import tickets_frame, to_csv
from fastapi.testclient import TestClient

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.api.auth import AuthMiddleware
from tasks_support_system_ai.api.fast_predict import FastPredictMiddleware
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import AppContext, build_context
from tasks_support_system_ai.db import make_engine

MakeKey = Callable[[str], str]


@pytest.fixture
def anon(context: AppContext) -> Iterator[TestClient]:
    with AnonymousTestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def make_key(context: AppContext) -> MakeKey:
    return lambda scope: context.auth.create_key(f"test {scope}", scope)[1]


def _upload(client: TestClient, **kwargs: object) -> object:
    files = {"file": ("t.csv", to_csv(tickets_frame()), "text/csv")}
    return client.post("/api/upload_data", files=files, data={"df_type": "tickets"}, **kwargs)  # type: ignore[arg-type]


def _versions(client: TestClient) -> list[dict[str, object]]:
    return client.get("/api/datasets").json()  # type: ignore[no-any-return]


def test_reads_are_public_and_writes_need_a_key(anon: TestClient) -> None:
    assert anon.get("/api/queues").status_code == 200
    before = _versions(anon)
    for method, path in [
        ("POST", "/api/upload_data"),
        ("POST", "/ts/api/upload_data"),
        ("POST", "/api/datasets/1/activate"),
        ("POST", "/api/reload_local_data"),
        ("DELETE", "/api/remove_all_nlp?force=true"),
        ("POST", "/nlp/api/fit_nlp"),
        ("GET", "/api/admin/keys"),
    ]:
        response = anon.request(method, path)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "api_key_required"
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert _versions(anon) == before


def test_scopes_are_enforced(anon: TestClient, make_key: MakeKey) -> None:
    read, write, admin = make_key("read"), make_key("write"), make_key("admin")

    refused = anon.post("/api/datasets/1/activate", headers={"X-API-Key": read})
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_scope"
    assert anon.post("/api/datasets/1/activate", headers={"X-API-Key": write}).status_code == 200
    bearer = {"Authorization": f"Bearer {write}"}
    assert anon.post("/api/datasets/1/activate", headers=bearer).status_code == 200
    assert anon.get("/api/admin/keys", headers={"X-API-Key": write}).status_code == 403
    assert anon.get("/api/admin/keys", headers={"X-API-Key": admin}).status_code == 200


def test_bad_keys_are_refused_and_never_echoed_or_logged(
    anon: TestClient, make_key: MakeKey, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    good = make_key("write")
    forged = good[:-4] + "AAAA"
    for key in [forged, "sai_0123456789ab_nope", "not a key"]:
        response = anon.get("/api/queues", headers={"X-API-Key": key})  # a bad key is never ignored
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_api_key"
        assert key not in response.text
    _upload(anon, headers={"X-API-Key": good})
    assert good not in caplog.text
    assert forged not in caplog.text


def test_private_reads_need_a_key_even_on_the_fast_predict_path(
    context: AppContext, anon: TestClient, make_key: MakeKey
) -> None:
    context.settings.public_reads = False
    read = make_key("read")
    assert anon.get("/api/queues").status_code == 401
    assert anon.get("/api/queues", headers={"X-API-Key": read}).status_code == 200
    assert anon.get("/health").status_code == 200
    for path in ["/api/predict_nlp", "/nlp/api/predict_nlp"]:
        response = anon.post(path, json={"id": "model_x", "text": "hello"})
        assert response.status_code == 401
    answered = anon.post(
        "/api/predict_nlp", json={"id": "x", "text": "hi"}, headers={"X-API-Key": read}
    )
    assert answered.status_code == 404  # past the key check, to the route: no such model


def test_auth_can_be_turned_off_behind_a_gateway(context: AppContext, anon: TestClient) -> None:
    context.settings.auth_enabled = False
    assert anon.post("/api/datasets/1/activate").status_code == 200


@pytest.mark.parametrize("auth_enabled", [True, False])
def test_simple_cross_site_requests_take_no_effect(
    context: AppContext, anon: TestClient, make_key: MakeKey, auth_enabled: bool
) -> None:
    context.settings.auth_enabled = auth_enabled
    admin = {"X-API-Key": make_key("admin")}
    evil = {"Origin": "https://evil.example"}
    before = _versions(anon)
    attempts = [
        _upload(anon, headers=evil),
        _upload(anon, headers={**evil, **admin}),
        anon.post("/api/datasets/1/activate", headers=evil),
        anon.post("/api/reload_local_data", headers={"Sec-Fetch-Site": "cross-site"}),
        anon.post(
            "/api/predict_nlp",
            content=b'{"id": "x", "text": "hi"}',
            headers={**evil, "Content-Type": "text/plain"},
        ),
        anon.post("/api/datasets/1/activate", headers={"Origin": "null", **admin}),
    ]
    for response in attempts:
        assert response.status_code == 403  # type: ignore[attr-defined]
        assert response.json()["code"] == "cross_origin_refused"  # type: ignore[attr-defined]
    assert _versions(anon) == before
    same_site = anon.post(
        "/api/datasets/1/activate", headers={"Origin": "http://testserver", **admin}
    )
    assert same_site.status_code == 200
    behind_proxy = {"Origin": "http://testserver:8080", "Host": "testserver", **admin}
    assert anon.post("/api/datasets/1/activate", headers=behind_proxy).status_code == 200
    other_port = {"Origin": "http://testserver:9999", "Host": "testserver:8080", **admin}
    assert anon.post("/api/datasets/1/activate", headers=other_port).status_code == 403
    assert anon.get("/api/queues", headers=evil).status_code == 200  # reads are not changed


def test_allowed_origins_may_write_and_get_cors_answers(
    context: AppContext, make_key: MakeKey
) -> None:
    context.settings.allowed_origins = ["https://dash.example"]
    app = create_app(context=context)
    with AnonymousTestClient(app) as client:
        origin = {"Origin": "https://dash.example"}
        preflight = client.options(
            "/api/datasets/1/activate",
            headers={**origin, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "x-api-key"},
        )  # fmt: skip
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://dash.example"
        allowed = client.post(
            "/api/datasets/1/activate", headers={**origin, "X-API-Key": make_key("write")}
        )
        assert allowed.status_code == 200
        other = client.post("/api/datasets/1/activate", headers={"Origin": "https://evil.example"})
        assert other.status_code == 403


def test_rate_limit_per_key_answers_429_with_retry_after(
    context: AppContext, anon: TestClient, make_key: MakeKey
) -> None:
    context.settings.rate_limit_per_minute = 3
    first, second = {"X-API-Key": make_key("read")}, {"X-API-Key": make_key("read")}
    statuses = [anon.get("/api/queues", headers=first).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = anon.get("/api/queues", headers=first)
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert anon.get("/api/queues", headers=second).status_code == 200  # its own budget
    assert anon.get("/health").status_code == 200  # probes are never limited
    assert [anon.get("/api/queues").status_code for _ in range(5)] == [200] * 5
    context.settings.anonymous_rate_limit_per_minute = 2
    assert [anon.get("/api/queues").status_code for _ in range(3)] == [200, 200, 429]


def test_sign_in_session_scope_and_sign_out(anon: TestClient, make_key: MakeKey) -> None:
    admin = {"X-API-Key": make_key("admin")}
    created = anon.post(
        "/api/admin/users",
        json={"username": "ops", "password": "correct horse", "scope": "write"},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert "password" not in created.text
    wrong = anon.post("/api/auth/login", json={"username": "ops", "password": "wrong horse"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"
    assert "wrong horse" not in wrong.text

    login = anon.post("/api/auth/login", json={"username": "ops", "password": "correct horse"})
    assert login.status_code == 200, login.text
    session = {"X-API-Key": login.json()["api_key"]}
    me = anon.get("/api/auth/whoami", headers=session).json()
    assert (me["authenticated"], me["scope"], me["kind"]) == (True, "write", "session")
    assert anon.post("/api/datasets/1/activate", headers=session).status_code == 200
    assert anon.get("/api/admin/users", headers=session).status_code == 403

    assert anon.post("/api/auth/logout", headers=session).status_code == 204
    after = anon.get("/api/auth/whoami", headers=session)
    assert after.status_code == 401
    assert after.json()["code"] == "api_key_revoked"
    assert anon.get("/api/auth/whoami").json()["authenticated"] is False


def test_disabling_a_user_ends_their_session(anon: TestClient, make_key: MakeKey) -> None:
    admin = {"X-API-Key": make_key("admin")}
    user = anon.post(
        "/api/admin/users", json={"username": "temp", "password": "long enough"}, headers=admin
    ).json()
    key = anon.post("/api/auth/login", json={"username": "temp", "password": "long enough"})
    session = {"X-API-Key": key.json()["api_key"]}
    assert anon.get("/api/auth/whoami", headers=session).status_code == 200
    patched = anon.patch(f"/api/admin/users/{user['id']}", json={"disabled": True}, headers=admin)
    assert patched.json()["disabled"] is True
    refused = anon.get("/api/auth/whoami", headers=session)
    assert refused.json()["code"] == "user_disabled"
    assert anon.patch("/api/admin/users/999", json={}, headers=admin).status_code == 404


def test_sign_in_attempts_are_limited(context: AppContext, anon: TestClient) -> None:
    context.settings.login_attempts_per_minute = 2
    body = {"username": "nobody", "password": "guess guess"}
    statuses = [anon.post("/api/auth/login", json=body).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_admin_creates_lists_and_revokes_keys(anon: TestClient, make_key: MakeKey) -> None:
    admin = {"X-API-Key": make_key("admin")}
    created = anon.post(
        "/api/admin/keys", json={"name": "nightly", "scope": "write", "expires_in_days": 30},
        headers=admin,
    )  # fmt: skip
    assert created.status_code == 201
    new_key, record = created.json()["api_key"], created.json()["key"]
    assert new_key.startswith(record["prefix"] + "_")
    listing = anon.get("/api/admin/keys", headers=admin)
    assert record["id"] in {k["id"] for k in listing.json()}
    assert new_key not in listing.text
    assert anon.post("/api/datasets/1/activate", headers={"X-API-Key": new_key}).status_code == 200
    used = next(
        k for k in anon.get("/api/admin/keys", headers=admin).json() if k["id"] == record["id"]
    )
    assert used["last_used_at"] is not None

    assert anon.delete(f"/api/admin/keys/{record['id']}", headers=admin).status_code == 200
    revoked = anon.post("/api/datasets/1/activate", headers={"X-API-Key": new_key})
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "api_key_revoked"
    pages = [
        anon.get(f"/api/admin/keys?limit=1&offset={i}", headers=admin).json() for i in range(2)
    ]
    assert [len(page) for page in pages] == [1, 1]
    assert pages[0][0]["id"] != pages[1][0]["id"]
    missing = anon.delete("/api/admin/keys/nope", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "key_not_found")


def test_openapi_documents_the_key_and_auth_answers(anon: TestClient) -> None:
    schema = anon.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["ApiKeyHeader"]["name"] == "X-API-Key"
    upload = schema["paths"]["/api/upload_data"]["post"]
    assert {"401", "403", "429"} <= set(upload["responses"])
    assert {} not in upload["security"]  # a key is required
    queues = schema["paths"]["/api/queues"]["get"]
    assert {} in queues["security"]  # optional: reads are public by default
    assert "security" not in schema["paths"]["/health"]["get"]


def test_passwords_are_never_echoed_in_validation_errors(
    anon: TestClient, make_key: MakeKey
) -> None:
    admin = {"X-API-Key": make_key("admin")}
    short = anon.post(
        "/api/admin/users", json={"username": "ops", "password": "zq7!x"}, headers=admin
    )
    assert short.status_code == 422
    assert "password" in short.json()["message"]
    assert "zq7!x" not in short.text
    long = anon.post("/api/auth/login", json={"username": "ops", "password": "Secret" * 400})
    assert long.status_code == 422
    assert "Secret" not in long.text


def test_api_processes_share_one_budget_through_redis(settings: Settings, redis_url: str) -> None:
    settings.redis_url = redis_url
    settings.job_queue = f"test-{uuid.uuid4().hex[:8]}"  # a fresh Redis namespace
    settings.rate_limit_per_minute = 3
    first, second = build_context(settings), build_context(settings)
    try:
        _, key = first.auth.create_key("shared", "read")
        headers = {"X-API-Key": key}
        with (
            AnonymousTestClient(create_app(context=first)) as one,
            AnonymousTestClient(create_app(context=second)) as two,
        ):
            statuses = [
                client.get("/api/datasets", headers=headers).status_code
                for client in (one, two, one, two)
            ]
        assert statuses == [200, 200, 200, 429]
    finally:
        first.close()
        second.close()


def test_auth_runs_before_the_predict_fast_path(context: AppContext) -> None:
    outermost_first = [m.cls for m in create_app(context=context).user_middleware]
    assert outermost_first.index(AuthMiddleware) < outermost_first.index(FastPredictMiddleware)


def test_an_unreachable_key_store_is_a_clean_503(context: AppContext, anon: TestClient) -> None:
    context.auth.store.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    key = "sai_0123456789ab_" + "s" * 43
    response = anon.get("/api/queues", headers={"X-API-Key": key})
    assert response.status_code == 503
    assert response.json()["code"] == "auth_store_unavailable"
    assert key not in response.text
