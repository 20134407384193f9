"""Demo data of every kind are ordinary dataset versions, and restoring demo data undoes
uploads of every kind (tickets, hierarchy and texts)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from factories import HIERARCHY_CSV, tickets_csv
from fastapi.testclient import TestClient
from test_text_datasets import english_texts

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.context import build_context
from tasks_support_system_ai.datasets.bootstrap import ensure_demo_data


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("demo"), _env_file=None)  # type: ignore[call-arg]
    context = build_context(settings)
    assert ensure_demo_data(context.datasets, settings.demo_dir, seed=5, progress=False)
    with TestClient(create_app(context=context), raise_server_exceptions=False) as client:
        yield client
    context.close()


def active(client: TestClient) -> dict[str, dict[str, object]]:
    return {v["kind"]: v for v in client.get("/api/datasets").json() if v["active"]}


def upload(client: TestClient, kind: str, name: str, content: bytes) -> dict[str, object]:
    files = {"file": (name, content)}
    response = client.post("/api/upload_data", data={"df_type": kind}, files=files)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_demo_data_of_every_kind_is_an_active_synthetic_version(client: TestClient) -> None:
    versions = active(client)
    assert set(versions) == {"tickets", "hierarchy", "texts"}
    assert all(v["source"] == "demo" and v["synthetic"] for v in versions.values())


def test_restoring_demo_data_undoes_uploads_of_every_kind(client: TestClient) -> None:
    demo = {kind: v["id"] for kind, v in active(client).items()}
    upload(client, "hierarchy", "h.csv", HIERARCHY_CSV)
    upload(client, "tickets", "t.csv", tickets_csv())
    upload(client, "texts", "texts.csv", english_texts())
    assert all(v["source"] == "upload" for v in active(client).values())
    response = client.post("/api/reload_local_data")
    assert response.status_code == 200, response.text
    assert {kind: v["id"] for kind, v in active(client).items()} == demo


def test_the_demo_texts_file_uploads_as_it_is(client: TestClient) -> None:
    settings = client.app.state.context.settings  # type: ignore[attr-defined]
    content = (settings.demo_dir / "ticket_texts.parquet").read_bytes()
    settings.max_upload_mb = 1 + len(content) / 2**20
    body = upload(client, "texts", "ticket_texts.parquet", content)
    assert body["version"]["rows"] == 10_000
