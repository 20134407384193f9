"""The same service on PostgreSQL metadata and an S3 object store (real servers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from factories import HIERARCHY_CSV, TOTAL_LOAD, tickets_csv, tickets_frame, to_csv
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from tasks_support_system_ai.api import create_app
from tasks_support_system_ai.config import S3Settings, Settings
from tasks_support_system_ai.storage.s3 import S3ObjectStore


@pytest.fixture
def scaled_settings(tmp_path: Path, postgres_url: str, s3_endpoint: str) -> Iterator[Settings]:
    s3 = S3Settings(endpoint=s3_endpoint, bucket="scaled", access_key="k", secret_key="secretkey")  # type: ignore[arg-type]
    yield Settings(data_dir=tmp_path, database_url=postgres_url, s3=s3, _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM active_datasets; DELETE FROM dataset_versions")
    engine.dispose()


def test_upload_query_and_switch_versions(scaled_settings: Settings) -> None:
    with TestClient(create_app(scaled_settings)) as client:
        for kind, content in (("hierarchy", HIERARCHY_CSV), ("tickets", tickets_csv())):
            files = {"file": (f"{kind}.csv", content, "text/csv")}
            assert (
                client.post("/api/upload_data", files=files, data={"df_type": kind}).status_code
                == 200
            )
        assert client.get("/api/queues").json()["total_load"] == TOTAL_LOAD
        first = client.get("/api/datasets", params={"kind": "tickets"}).json()[0]["id"]

        doubled = to_csv(tickets_frame().assign(new_tickets=lambda f: f["new_tickets"] * 2))
        client.post(
            "/api/upload_data", files={"file": ("d.csv", doubled)}, data={"df_type": "tickets"}
        )
        assert client.get("/api/queues").json()["total_load"] == 2 * TOTAL_LOAD
        client.post(f"/api/datasets/{first}/activate")
        assert client.get("/api/queues").json()["total_load"] == TOTAL_LOAD

        store = client.app.state.context.objects  # type: ignore[attr-defined]
        assert isinstance(store, S3ObjectStore)
        assert len(store.list("datasets/")) == 3
    assert not (scaled_settings.data_dir / "support_ai.db").exists()
