"""The typed client against a real ``support-ai serve`` over HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, free_port

from tasks_support_system_ai.client import ApiError, SupportAIClient, resolve_api_key


@pytest.fixture
def api(live_api: LiveServer) -> SupportAIClient:
    return SupportAIClient(live_api.url, api_key=live_api.api_key)


def test_reads_match_each_other(api: SupportAIClient) -> None:
    status = api.data_status()
    assert status["status"] is True
    assert status["synthetic"] is True
    top = api.queue_children(0)["children"]
    busiest = top[0]
    assert busiest["load"] == max(q["load"] for q in api.queues()["queues_by_level"]["1"])
    series = api.historical(busiest["id"], granularity="monthly")
    stats = api.queue_stats(busiest["id"], granularity="monthly")
    assert sum(series["values"]) == stats["load"]["total_tickets"] == busiest["load"]
    assert api.health()["status"] == "ok"
    assert api.ready() is True


def test_forecast_with_bands(api: SupportAIClient) -> None:
    queue_id = api.queue_children(0)["children"][0]["id"]
    result = api.forecast(queue_id, 14, model="naive", levels=[80, 95])
    assert len(result["values"]) == 14
    assert set(result["intervals"]) == {"80", "95"}
    for low, mid, high in zip(
        result["lower_bound"], result["values"], result["upper_bound"], strict=True
    ):
        assert low <= mid <= high


def test_api_errors_carry_code_and_message(api: SupportAIClient) -> None:
    with pytest.raises(ApiError) as caught:
        api.queue_stats(987654321)
    assert caught.value.code == "queue_not_found"
    assert caught.value.status == 404
    assert "987654321" in caught.value.message
    with pytest.raises(ApiError) as bad_upload:
        api.upload_data("hierarchy", b"queueId,name\nx,y\n", "bad.csv")
    assert bad_upload.value.status == 422
    assert bad_upload.value.code != "internal_error"


def test_unreachable_api_is_one_plain_error() -> None:
    api = SupportAIClient(f"http://127.0.0.1:{free_port()}", timeout=2)
    with pytest.raises(ApiError) as caught:
        api.data_status()
    api.close()
    assert caught.value.code == "api_unreachable"
    assert caught.value.status is None


def test_api_key_is_sent_from_argument_env_or_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("X-API-Key"))
        return httpx.Response(200, json={"status": "ok", "version": "x"})

    monkeypatch.delenv("SUPPORT_AI_API_KEY", raising=False)
    (tmp_path / "admin_api_key").write_text("from-file\n")
    transport = httpx.MockTransport(record)
    SupportAIClient(api_key="from-arg", transport=transport).health()
    SupportAIClient(data_dir=tmp_path, transport=transport).health()
    monkeypatch.setenv("SUPPORT_AI_API_KEY", "from-env")
    SupportAIClient(data_dir=tmp_path, transport=transport).health()
    assert seen == ["from-arg", "from-file", "from-env"]
    monkeypatch.delenv("SUPPORT_AI_API_KEY")
    assert resolve_api_key(data_dir=tmp_path / "missing") is None
